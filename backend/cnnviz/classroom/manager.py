"""`ClassManager`: the classroom service the API calls. On top of the registry (registry.py:
which classes exist, who is who), it turns each teacher's and student's action into a record,
written through the store first, and an event, announced after: a change the disk refused is
never announced.

Every cost is bounded by `ClassLimits`; every refusal is an exception of errors.py with a message
that says what to fix. Predictions come from the `predict` the API gives: the class model through
the same preprocessing as the predict route.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, NamedTuple

from cnnviz.classroom.errors import (
    ClassInputError,
    ClassLimitError,
    ClassNotFound,
    ClassStateError,
)
from cnnviz.classroom.events import Audience
from cnnviz.classroom.limits import ClassLimits
from cnnviz.classroom.live import Live
from cnnviz.classroom.polls import PREDICT_QUESTION, check_choices
from cnnviz.classroom.records import TEACHER, Answer, Drawing, Pace, Poll, Role
from cnnviz.classroom.registry import ClassRegistry
from cnnviz.classroom.room import DIGITS, ClassRoom
from cnnviz.classroom.store import ClassStore
from cnnviz.classroom.text import check_text
from cnnviz.models.errors import ModelNotFoundError
from cnnviz.tasks.events import LoggedEvent

#: `predict(model_id, digit)` -> (predicted class, probabilities); `digit` is {"image": a data
#: URL} or {"code": a link's input code}. Raises ValueError for a digit it cannot read.
Predict = Callable[[str, Mapping[str, str]], tuple[int, list[float]]]


class ClassFeed(NamedTuple):
    """What an event stream (`cnnviz.api.sse`) reads: `since(seq)`, the events after a number
    and whether the class has ended; `wait(seq, timeout)`, until there are some."""

    since: Callable[[int], Awaitable[tuple[list[LoggedEvent], bool]]]
    wait: Callable[[int, float], Awaitable[None]]


PACES = ("follow", "explore")


class ClassManager(ClassRegistry):
    def __init__(
        self,
        store: ClassStore,
        limits: ClassLimits,
        predict: Predict,
        clock: Callable[[], float] = time.time,
        live: Live | None = None,
    ) -> None:
        """Every class the store holds, read back; `predict` reads digits with the class model;
        `clock` gives seconds since the epoch (tests pass their own); `live` as the registry's."""
        self.predict = predict
        super().__init__(store, limits, clock, live)

    # -- what pages read -------------------------------------------------------------------------
    def view(self, code: str, role: Role) -> dict[str, Any]:
        room = self._room(code)
        with room.lock:
            return room.view(role)

    def drawings(self, code: str) -> list[dict[str, Any]]:
        room = self._room(code)
        with room.lock:
            return [room.drawing_view(drawing) for drawing in room.drawings.values()]

    def summary(self, code: str) -> dict[str, Any]:
        room = self._room(code)
        with room.lock:
            return room.summary()

    def subscribe(self, code: str, audience: Audience) -> ClassFeed:
        """The class's events for `audience`, as an event stream reads them; it keeps reading
        the class it was given after the class ends, so an open stream gets `ended`."""
        events = self._room(code).events

        async def since(seq: int) -> tuple[list[LoggedEvent], bool]:
            return events.since(seq, audience)

        async def wait(seq: int, timeout: float) -> None:
            await events.wait(seq, audience, timeout)

        return ClassFeed(since, wait)

    # -- the teacher's controls ------------------------------------------------------------------
    def set_state(self, code: str, state: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(state, separators=(",", ":")).encode())
        if size > self.limits.max_state_bytes:
            raise ClassInputError(
                f"the state is {size:,} bytes of JSON, over the {self.limits.max_state_bytes:,}"
                "-byte limit: send only the view's URL keys"
            )
        with self._changing(self._room(code)) as room:
            room.record.state = state
            self.store.save_class(room.record)
            room.events.emit("state", {"state": state})
        return state

    def set_settings(
        self,
        code: str,
        pace: Pace | None = None,
        paused: bool | None = None,
        pause_message: str | None = None,
        anonymize: bool | None = None,
        model_id: str | None = None,
    ) -> dict[str, Any]:
        """Change what is given; announce `pace`, `pause`, and the roster and spotlight again
        when names are hidden or shown. The model id is checked by the caller."""
        if pace is not None and pace not in PACES:
            raise ClassInputError(f"pace must be one of {', '.join(PACES)}, not {pace!r}")
        if pause_message:
            check_text(pause_message, "the pause message", self.limits.max_message)
        with self._changing(self._room(code)) as room:
            record = room.record
            was = (record.pace, record.paused, record.pause_message, record.anonymize)
            record.pace = record.pace if pace is None else pace
            record.paused = record.paused if paused is None else paused
            record.pause_message = record.pause_message if pause_message is None else pause_message
            record.anonymize = record.anonymize if anonymize is None else anonymize
            record.model_id = model_id or record.model_id
            self.store.save_class(record)
            if record.pace != was[0]:
                room.events.emit("pace", {"pace": record.pace})
            if (record.paused, record.pause_message) != was[1:3]:
                room.events.emit(
                    "pause", {"paused": record.paused, "message": record.pause_message}
                )
            if record.anonymize != was[3]:
                room.events.emit("roster", {"students": room.roster()})
                if record.spotlight:
                    room.events.emit("spotlight", {"drawing": room.spotlight_view()})
            return room.view(TEACHER)

    def spotlight(self, code: str, drawing_id: str | None) -> dict[str, Any] | None:
        """Show one drawing on every screen (None: clear the spotlight)."""
        with self._changing(self._room(code)) as room:
            if drawing_id is not None and drawing_id not in room.drawings:
                raise ClassInputError(
                    f"no drawing {drawing_id[:20]!r} in this class: pick one from its drawings"
                )
            room.record.spotlight = drawing_id
            self.store.save_class(room.record)
            view = room.spotlight_view()
            room.events.emit("spotlight", {"drawing": view})
        return view

    # -- drawings and polls ----------------------------------------------------------------------
    def submit_drawing(self, code: str, student_id: str, image: str, label: int) -> Drawing:
        """Read a student's drawing with the class model; at most one a second per student."""
        if len(image) > self.limits.max_drawing_bytes:
            raise ClassInputError(
                f"the drawing is {len(image):,} bytes, over the "
                f"{self.limits.max_drawing_bytes:,}-byte limit: send the canvas as a PNG"
            )
        if not 0 <= label < DIGITS:
            raise ClassInputError(f"label is the digit meant, 0 to 9, not {label}")
        with self._changing(self._room(code)) as room:
            if len(room.drawings) >= self.limits.max_drawings:
                raise ClassLimitError(
                    f"this class has {self.limits.max_drawings} drawings, its limit"
                )
            now, last = self.clock(), room.last_drawing.get(student_id)
            if last is not None and now - last < self.limits.drawing_interval:
                raise ClassLimitError(
                    f"one drawing every {self.limits.drawing_interval:g} s: wait a moment", 1
                )
            room.last_drawing[student_id] = now
            model_id = room.record.model_id
        predicted, probabilities = self._predict(model_id, {"image": image}, "the drawing")
        with self._changing(room) as room:
            drawing = Drawing(
                room.next_id("d", room.drawings),
                student_id,
                label,
                predicted,
                probabilities,
                image,
                self.clock(),
            )
            self.store.save_drawing(room.code, drawing)
            room.drawings[drawing.id] = drawing
            room.events.emit("drawing", room.drawing_view(drawing))
        return drawing

    def create_poll(
        self,
        code: str,
        kind: str = "choice",
        question: str | None = None,
        options: list[str] | None = None,
    ) -> dict[str, Any]:
        """Ask the class a question. A predict poll asks what the class model will say for the
        state's drawing; its answer is the model's, worked out now."""
        room = self._room(code)
        correct = None
        if kind == "predict":
            with room.lock:
                digit, model_id = room.record.state.get("input"), room.record.model_id
            if not isinstance(digit, str) or not digit:
                raise ClassStateError(
                    "the class state has no drawing (its input): draw a digit before asking "
                    "what the network will say"
                )
            correct, probabilities = self._predict(model_id, {"code": digit}, "the state's input")
            question = check_text(
                question or PREDICT_QUESTION, "the question", self.limits.max_question
            )
            options = [str(index) for index in range(len(probabilities))]
        elif kind == "choice":
            question = check_text(question or "", "the question", self.limits.max_question)
            options = check_choices(options or [], self.limits)
        else:
            raise ClassInputError(f"kind is 'choice' or 'predict', not {kind!r}")
        with self._changing(room) as room:
            if len(room.polls) >= self.limits.max_polls:
                raise ClassLimitError(
                    f"this class has asked {self.limits.max_polls} polls, its limit"
                )
            poll = Poll(room.next_id("p", room.polls), kind, question, options, self.clock())
            poll.correct = correct
            self.store.save_poll(room.code, poll)
            room.polls[poll.id] = poll
            room.record.poll = poll.id
            self.store.save_class(room.record)
            room.events.emit(
                "poll", {"id": poll.id, "kind": kind, "question": question, "options": options}
            )
            return room.poll_view(poll, TEACHER)

    def answer(self, code: str, student_id: str, poll_id: str, choice: int) -> dict[str, Any]:
        """A student's answer to the current poll; a new one replaces theirs until the reveal."""
        with self._changing(self._room(code)) as room:
            poll = self._poll(room, poll_id)
            if poll.revealed:
                raise ClassStateError("this poll was revealed: its answers are closed")
            if poll.id != room.record.poll:
                raise ClassStateError("this poll is over: answer the current one")
            if not 0 <= choice < len(poll.options):
                raise ClassInputError(
                    f"answer is an option's index, 0 to {len(poll.options) - 1}, not {choice}"
                )
            answer = Answer(poll.id, student_id, choice, self.clock())
            self.store.save_answer(room.code, answer)
            room.answers[(poll.id, student_id)] = answer
            room.events.emit("answer", {"poll_id": poll.id, "counts": room.counts(poll)})
            return room.poll_view(poll, Role("student", student_id))

    def reveal(self, code: str, poll_id: str) -> dict[str, Any]:
        """Close the poll and show every screen the histogram and, for a predict poll, the
        network's answer (revealing again changes nothing)."""
        with self._changing(self._room(code)) as room:
            poll = self._poll(room, poll_id)
            if not poll.revealed:
                poll.revealed = True
                self.store.save_poll(room.code, poll)
                counts = room.counts(poll)
                room.events.emit(
                    "reveal", {"poll_id": poll.id, "counts": counts, "correct": poll.correct}
                )
            return room.poll_view(poll, TEACHER)

    @staticmethod
    def _poll(room: ClassRoom, poll_id: str) -> Poll:
        poll = room.polls.get(poll_id)
        if poll is None:
            raise ClassNotFound(f"no poll {poll_id[:20]!r} in this class")
        return poll

    def _predict(
        self, model_id: str, digit: Mapping[str, str], what: str
    ) -> tuple[int, list[float]]:
        try:
            return self.predict(model_id, digit)
        except ModelNotFoundError:
            raise ClassStateError(
                f"the class model {model_id!r} no longer exists: the teacher can choose another"
            ) from None
        except ValueError as exc:
            raise ClassInputError(f"{what} could not be read: {exc}") from None
