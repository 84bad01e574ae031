"""A class's event log and its two audiences.

Students receive `state`, `poll`, `reveal`, `spotlight`, `pace`, `pause` and `ended`; the teacher
every event, also `drawing`, `answer` and `roster`. Each audience has its own log with the same
numbers (`cnnviz.tasks.events.EventLog`): an event is numbered once, in the teacher's log, and
copied into the students' log when they may see it, so a student's stream reads its own events
with one bisect instead of filtering the teacher's. Each audience has a doorbell (doorbell.py)
its streams wait on: an event is sent the moment it is kept, and a student's stream is not woken
by the teacher's events.

What a log keeps is bounded: `drawing` is the sampled type (the latest MAX_DRAWING_EVENTS, spread
over the class; a teacher who reconnects reads the rest from GET drawings), and `state`, `pace`,
`pause`, `spotlight`, `roster` and `answer` keep their first and latest (only the latest
matters: each carries the whole state, roster or histogram). Polls and reveals are bounded by
the class's poll limit.

Numbers start after the log's creation time in microseconds, so they keep increasing across a
restart (the log itself is not written down): a page's Last-Event-ID from before a restart is
below every new event, and the page reads the class again (GET /api/classes/{code}) to catch up.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

from cnnviz.classroom.doorbell import Doorbell
from cnnviz.tasks.events import EventLog, LoggedEvent

Audience = Literal["teacher", "student"]

STUDENT_EVENTS = frozenset({"state", "poll", "reveal", "spotlight", "pace", "pause", "ended"})
TEACHER_EVENTS = STUDENT_EVENTS | {"drawing", "answer", "roster"}
FIRST_AND_LATEST = ("state", "pace", "pause", "spotlight", "roster", "answer")
MAX_DRAWING_EVENTS = 100


def first_number(now: float) -> int:
    """The number a class's first event follows: its creation time in microseconds."""
    return int(now * 1_000_000)


class ClassEvents:
    """The numbered events of one class, for each audience; `ended` is the last."""

    def __init__(self, now: float) -> None:
        """Numbers start after `now` in microseconds (see the module)."""
        after = first_number(now)
        self._teacher = EventLog("drawing", FIRST_AND_LATEST, MAX_DRAWING_EVENTS, after=after)
        self._student = EventLog(None, FIRST_AND_LATEST, after=after)
        self._lock = threading.Lock()
        self._bells = {"teacher": Doorbell(), "student": Doorbell()}
        self.ended = False

    def emit(self, kind: str, data: dict[str, Any]) -> int:
        """Number and keep the event `{"type": kind, **data}`; returns its number."""
        if kind not in TEACHER_EVENTS:
            raise ValueError(f"unknown class event {kind!r}")
        with self._lock:
            if self.ended:
                return 0
            event = self._teacher.append({"type": kind, **data})
            self._keep_for_students(event)
        self._ring(kind)
        return event["seq"]

    def mirror(self, seq: int, kind: str, data: dict[str, Any]) -> None:
        """Keep an event numbered elsewhere (by the broker, for every process serving the
        class), as `emit` would have kept it."""
        with self._lock:
            if self.ended:
                return
            event = {"type": kind, **data, "seq": seq}
            self._teacher.restore([event])
            self._keep_for_students(event)
        self._ring(kind)

    def close(self) -> None:
        """Nothing to stop: the log lives in this object."""

    def since(self, seq: int, audience: Audience) -> tuple[list[LoggedEvent], bool]:
        """The audience's events after `seq`, and whether the class has ended (then these are
        its last)."""
        log = self._teacher if audience == "teacher" else self._student
        with self._lock:
            ended = self.ended
        return log.since(seq), ended

    async def wait(self, seq: int, audience: Audience, timeout: float) -> None:
        """Return once the audience has events after `seq` (or the class has ended), or after
        `timeout` seconds."""
        log = self._teacher if audience == "teacher" else self._student
        await self._bells[audience].wait(lambda: self.ended or bool(log.since(seq)), timeout)

    def _keep_for_students(self, event: dict[str, Any]) -> None:
        """Under the lock: copy the teacher's event to the students' log when theirs too."""
        if event["type"] in STUDENT_EVENTS:
            self._student.restore([event])
        self.ended = event["type"] == "ended"

    def _ring(self, kind: str) -> None:
        self._bells["teacher"].ring()
        if kind in STUDENT_EVENTS:
            self._bells["student"].ring()
