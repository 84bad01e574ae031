"""`ClassRegistry`: which classes exist and who is who in each. It creates and ends classes,
admits students, checks tokens and tickets, reads every class back at start-up and ends those
idle for a day. What happens inside a class is `ClassManager`'s (manager.py), built on this.

Wrong codes count against the client's address (ratelimit.py) wherever a code is first given:
joining, a token, a ticket.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from cnnviz.classroom.codes import is_code, new_code, new_token, token_hash, token_matches
from cnnviz.classroom.errors import ClassAuthError, ClassLimitError, ClassNotFound
from cnnviz.classroom.events import ClassEvents
from cnnviz.classroom.limits import ClassLimits
from cnnviz.classroom.ratelimit import WrongCodeLimiter
from cnnviz.classroom.records import TEACHER, ClassRecord, Drawing, Poll, Role, Student
from cnnviz.classroom.room import ClassRoom
from cnnviz.classroom.store import ClassStore, SavedClass
from cnnviz.classroom.text import check_text
from cnnviz.classroom.tickets import TicketBook

#: How often idle classes are looked for, and how often activity alone is written down.
SWEEP_SECONDS = 300.0
ACTIVITY_SAVE_SECONDS = 60.0
NOT_FOUND = (
    "no class has this code: check it with your teacher (a class is gone once its teacher ends "
    "it, or after a day without activity)"
)


class ClassRegistry:
    def __init__(
        self,
        store: ClassStore,
        limits: ClassLimits,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Read back every class the store holds (ending those idle too long); `clock` gives
        seconds since the epoch (tests pass their own)."""
        self.store = store
        self.limits = limits
        self.clock = clock
        self.limiter = WrongCodeLimiter(limits.wrong_codes_per_minute, clock)
        self._rooms: dict[str, ClassRoom] = {}
        self._lock = threading.Lock()
        for saved in store.load():
            self._rooms[saved.record.code] = self._restore(saved)
        self.sweep_idle()

    # -- classes and people -----------------------------------------------------------------------
    def create(self, name: str | None) -> tuple[str, str]:
        """A new class: (its code, the teacher's token)."""
        name = check_text(name or "Class", "the class's name", self.limits.max_name)
        token = new_token()
        now = self.clock()
        with self._lock:
            if len(self._rooms) >= self.limits.max_classes:
                raise ClassLimitError(
                    f"this server holds {self.limits.max_classes} classes, its limit: end one "
                    "(or wait for an idle one to end), or raise CNNVIZ_MAX_CLASSES"
                )
            code = new_code()
            while code in self._rooms:
                code = new_code()
            record = ClassRecord(code, name, now, now, token_hash(token))
            self.store.save_class(record)
            self._rooms[code] = self._room_of(record)
        return code, token

    def join(self, code: str, name: str, address: str) -> tuple[str, str]:
        """Admit a student: (their id, their token)."""
        room = self._find(code, address)
        name = check_text(name, "your name", self.limits.max_name)
        token = new_token()
        with self._changing(room) as room:
            if len(room.students) >= self.limits.max_students:
                raise ClassLimitError(
                    f"this class is full ({self.limits.max_students} students): ask your teacher"
                )
            student_id = room.next_id("s", room.students)
            number = max((s.number for s in room.students.values()), default=0) + 1
            student = Student(student_id, name, token_hash(token), self.clock(), number)
            self.store.save_student(room.code, student)
            room.students[student_id] = student
            room.events.emit("roster", {"students": room.roster()})
        return student_id, token

    def authenticate(self, code: str, token: str | None, address: str) -> Role:
        """Whose token this is in class `code` (wrong codes count against `address`)."""
        room = self._find(code, address)
        if not token:
            raise ClassAuthError(
                "send your class token in the X-Class-Token header (POST /api/classes gives the "
                "teacher's, POST /api/classes/{code}/join a student's)"
            )
        if token_matches(token, room.record.teacher_hash):
            role = TEACHER
        else:
            ids = [s.id for s in list(room.students.values()) if token_matches(token, s.token_hash)]
            if not ids:
                raise ClassAuthError("this token is not one of this class's: join the class again")
            role = Role("student", ids[0])
        self._touch(room)
        return role

    def issue_ticket(self, code: str, role: Role) -> str:
        room = self._room(code)
        with room.lock:
            return room.tickets.issue(role)

    def redeem_ticket(self, code: str, ticket: str, address: str) -> Role:
        room = self._find(code, address)
        with room.lock:
            return room.tickets.redeem(ticket)

    def end(self, code: str) -> None:
        """End the class: its streams get `ended`, its records are deleted, its code is gone."""
        with self._lock:
            room = self._rooms.pop(code.upper(), None)
        if room is None:
            raise ClassNotFound(NOT_FOUND)
        with room.lock:
            room.events.emit("ended", {})
            self.store.delete(room.code)

    def sweep_idle(self) -> list[str]:
        """End every class idle for longer than the limit; their codes."""
        cutoff = self.clock() - self.limits.idle_seconds
        with self._lock:
            idle = [code for code, room in self._rooms.items() if room.record.last_active < cutoff]
        for code in idle:
            with contextlib.suppress(ClassNotFound):  # ended meanwhile
                self.end(code)
        return idle

    async def sweep_forever(self) -> None:
        """Sweep idle classes every SWEEP_SECONDS, off the event loop, until cancelled."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            await asyncio.to_thread(self.sweep_idle)

    # -- helpers ---------------------------------------------------------------------------------
    def _find(self, code: str, address: str) -> ClassRoom:
        """The class a client names by its code; wrong codes count against its address."""
        self.limiter.check(address)
        try:
            return self._room(code)
        except ClassNotFound:
            self.limiter.record(address)
            raise

    def _room(self, code: str) -> ClassRoom:
        code = code.strip().upper()
        room = self._rooms.get(code) if is_code(code) else None
        if room is not None and room.record.last_active < self.clock() - self.limits.idle_seconds:
            self.sweep_idle()
            room = None
        if room is None:
            raise ClassNotFound(NOT_FOUND)
        return room

    @contextmanager
    def _changing(self, room: ClassRoom) -> Iterator[ClassRoom]:
        """Hold the room's lock while it is still a live class; count the change as activity."""
        with room.lock:
            if self._rooms.get(room.code) is not room:
                raise ClassNotFound(NOT_FOUND)
            yield room
            self._touch(room)

    def _touch(self, room: ClassRoom) -> None:
        """Note activity; written down at most once a minute (a record change writes it too)."""
        with room.lock:
            room.record.last_active = now = self.clock()
            if (
                now - room.saved_active >= ACTIVITY_SAVE_SECONDS
                and self._rooms.get(room.code) is room
            ):
                self.store.save_class(room.record)
                room.saved_active = now

    def _room_of(self, record: ClassRecord) -> ClassRoom:
        return ClassRoom(
            record,
            ClassEvents(self.clock()),
            TicketBook(self.limits.ticket_seconds, self.clock),
            saved_active=record.last_active,
        )

    def _restore(self, saved: SavedClass) -> ClassRoom:
        room = self._room_of(saved.record)
        room.students = {student.id: student for student in saved.students}
        room.drawings = {drawing.id: drawing for drawing in sorted(saved.drawings, key=_created)}
        room.polls = {poll.id: poll for poll in sorted(saved.polls, key=_created)}
        room.answers = {
            (answer.poll_id, answer.student_id): answer
            for answer in saved.answers
            if answer.poll_id in room.polls
            and 0 <= answer.answer < len(room.polls[answer.poll_id].options)
        }
        return room


def _created(record: Drawing | Poll) -> float:
    return record.created
