"""`ClassRegistry`: which classes exist and who is who in each. It creates and ends classes,
admits students, checks tokens and tickets, reads every class back at start-up and ends those
idle for a day. What happens inside a class is `ClassManager`'s (manager.py), built on this.

Wrong codes count against the client's address (ratelimit.py) wherever a code is first given:
joining, a token, a ticket.

With a broker, other processes serve the same classes: a class this process has not seen is read
from the store when its code is first given, every lookup brings the class up to date with what
the others wrote (`ClassStore.changes`), and every change holds the class's lock in the store.
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
from cnnviz.classroom.limits import ClassLimits
from cnnviz.classroom.live import Live, LocalLive
from cnnviz.classroom.records import TEACHER, ClassRecord, Role, Student
from cnnviz.classroom.room import ClassRoom
from cnnviz.classroom.store import ClassStore, SavedClass
from cnnviz.classroom.text import check_text
from cnnviz.tasks.errors import BrokerUnavailableError

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
        live: Live | None = None,
    ) -> None:
        """Read back every class the store holds (ending those idle too long); `clock` gives
        seconds since the epoch (tests pass their own); `live` keeps the classes' events,
        tickets and wrong codes (default: in this process's memory)."""
        self.store = store
        self.limits = limits
        self.clock = clock
        self.live = live or LocalLive(limits, clock)
        self.limiter = self.live.limiter
        self._rooms: dict[str, ClassRoom] = {}
        self._lock = threading.Lock()
        with contextlib.suppress(BrokerUnavailableError):  # read when Redis is back
            self.sweep_idle()

    # -- classes and people -----------------------------------------------------------------------
    def create(self, name: str | None) -> tuple[str, str]:
        """A new class: (its code, the teacher's token)."""
        name = check_text(name or "Class", "the class's name", self.limits.max_name)
        token = new_token()
        now = self.clock()
        with self._lock:
            if len(self.store.codes()) >= self.limits.max_classes:
                raise ClassLimitError(
                    f"this server holds {self.limits.max_classes} classes, its limit: end one "
                    "(or wait for an idle one to end), or raise CNNVIZ_MAX_CLASSES"
                )
            code = new_code()
            while code in self._rooms or self.store.load_class(code) is not None:
                code = new_code()
            record = ClassRecord(code, name, now, now, token_hash(token))
            self.store.create_class(record)
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
        self._end(self._room(code))

    def sweep_idle(self) -> list[str]:
        """Read every class the store holds that this process has not (at start-up: all of them;
        with a broker, those other processes made), and end every class idle for longer than
        the limit; their codes."""
        cutoff = self.clock() - self.limits.idle_seconds
        for code in self.store.codes() - set(self._rooms):
            with contextlib.suppress(ClassNotFound):  # unreadable, or ended meanwhile
                self._load(code)
        with self._lock:
            rooms = list(self._rooms.values())
        idle = []
        for room in rooms:
            with contextlib.suppress(ClassNotFound), room.lock:
                self._refresh(room)  # another process may have seen activity
                if room.record.last_active < cutoff:
                    idle.append(room)
        for room in idle:
            with contextlib.suppress(ClassNotFound):  # ended meanwhile
                self._end(room)
        return [room.code for room in idle]

    def close(self) -> None:
        """Stop following the classes' events (the server is stopping)."""
        with self._lock:
            rooms = list(self._rooms.values())
        for room in rooms:
            room.events.close()

    async def sweep_forever(self) -> None:
        """Sweep idle classes every SWEEP_SECONDS, off the event loop, until cancelled."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            with contextlib.suppress(BrokerUnavailableError):  # the next sweep tries again
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
        """The class with this code, up to date with what other processes wrote."""
        code = code.strip().upper()
        if not is_code(code):
            raise ClassNotFound(NOT_FOUND)
        room = self._rooms.get(code) or self._load(code)
        with room.lock:
            self._refresh(room)
        if room.record.last_active < self.clock() - self.limits.idle_seconds:
            with contextlib.suppress(ClassNotFound):  # ended meanwhile
                self._end(room)
            raise ClassNotFound(NOT_FOUND)
        return room

    def _end(self, room: ClassRoom) -> None:
        with room.lock, self.store.lock(room.code):
            with self._lock:
                if self._rooms.get(room.code) is not room:
                    raise ClassNotFound(NOT_FOUND)  # ended meanwhile
                del self._rooms[room.code]
            room.events.emit("ended", {})
            self.store.delete(room.code)

    def _load(self, code: str) -> ClassRoom:
        """A class another process created, read from the store (ClassNotFound: none)."""
        saved = self.store.load_class(code)
        if saved is None:
            raise ClassNotFound(NOT_FOUND)
        room = self._restore(saved)
        with self._lock:
            kept = self._rooms.setdefault(code, room)
        if kept is not room:  # another request read it first
            room.events.close()
        return kept

    def _refresh(self, room: ClassRoom) -> None:
        """Apply what other processes wrote since the room last looked (under its lock); a class
        they ended is dropped here too (ClassNotFound)."""
        changes = self.store.changes(room.code, room.cursor)
        if changes is None:
            with self._lock:
                if self._rooms.get(room.code) is room:
                    del self._rooms[room.code]
            room.events.close()
            raise ClassNotFound(NOT_FOUND)
        records, room.cursor = changes
        for record in records:
            room.apply(record)

    @contextmanager
    def _changing(self, room: ClassRoom) -> Iterator[ClassRoom]:
        """Hold the room's lock, and the store's for the class, while it is still a live class
        brought up to date; count the change as activity."""
        with room.lock, self.store.lock(room.code):
            if self._rooms.get(room.code) is not room:
                raise ClassNotFound(NOT_FOUND)
            self._refresh(room)
            yield room
            self._note_activity(room)

    def _touch(self, room: ClassRoom) -> None:
        """Note the activity of a request that changes nothing; written down at most once a
        minute, then as a change (the store's lock held, the class read first, so the record
        written holds every other process's changes)."""
        with room.lock:
            if self.clock() - room.saved_active < ACTIVITY_SAVE_SECONDS:
                room.record.last_active = self.clock()
                return
            with self.store.lock(room.code):
                if self._rooms.get(room.code) is room:
                    self._refresh(room)
                    self._note_activity(room)

    def _note_activity(self, room: ClassRoom) -> None:
        """With both locks held: the class was active now; write its record once a minute."""
        room.record.last_active = now = self.clock()
        if now - room.saved_active >= ACTIVITY_SAVE_SECONDS:
            self.store.save_class(room.record)
            room.saved_active = now

    def _room_of(self, record: ClassRecord, cursor: int = 0) -> ClassRoom:
        return ClassRoom(
            record,
            self.live.events(record.code),
            self.live.tickets(record.code),
            saved_active=record.last_active,
            cursor=cursor,
        )

    def _restore(self, saved: SavedClass) -> ClassRoom:
        room = self._room_of(saved.record, saved.cursor)
        for record in saved.in_order():
            room.apply(record)
        return room
