"""What a class holds besides its records: its event log, its event-stream tickets, and the
count of wrong codes per client address. None of it is written down; all of it must be seen by
every process that serves the class.

`Live` makes them. `LocalLive` keeps them in this process's memory (the embedded server: one
process); the broker's Redis keeps them for a server of several processes
(`cnnviz.classroom.distributed`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from cnnviz.classroom.events import Audience, ClassEvents
from cnnviz.classroom.limits import ClassLimits
from cnnviz.classroom.ratelimit import WrongCodeLimiter
from cnnviz.classroom.records import Role
from cnnviz.classroom.tickets import TicketBook
from cnnviz.tasks.events import LoggedEvent


class Events(Protocol):
    """A class's numbered events; `ended` once its last (`ended`) has been emitted or seen."""

    ended: bool

    def emit(self, kind: str, data: dict[str, Any]) -> int: ...
    def since(self, seq: int, audience: Audience) -> tuple[list[LoggedEvent], bool]: ...
    async def wait(self, seq: int, audience: Audience, timeout: float) -> None: ...
    def close(self) -> None: ...


class Tickets(Protocol):
    def issue(self, role: Role) -> str: ...
    def redeem(self, ticket: str) -> Role: ...


class CodeLimiter(Protocol):
    def check(self, address: str) -> None: ...
    def record(self, address: str) -> None: ...


class Live(Protocol):
    limiter: CodeLimiter

    def events(self, code: str) -> Events: ...
    def tickets(self, code: str) -> Tickets: ...


class LocalLive:
    """Events, tickets and wrong codes in this process's memory."""

    def __init__(self, limits: ClassLimits, clock: Callable[[], float] = time.time) -> None:
        self.limits = limits
        self.clock = clock
        self.limiter = WrongCodeLimiter(limits.wrong_codes_per_minute, clock)

    def events(self, code: str) -> ClassEvents:
        return ClassEvents(self.clock())

    def tickets(self, code: str) -> TicketBook:
        return TicketBook(self.limits.ticket_seconds, self.clock)
