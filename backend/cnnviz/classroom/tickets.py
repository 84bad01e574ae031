"""Tickets for a class's event stream: a browser's EventSource cannot send the token header, so
the page trades its token for a ticket (POST .../tickets) and puts that in the stream's URL.

A ticket works once and for `lifetime` seconds; only its SHA-256 is kept, in memory (after a
restart a page asks for a new one). Each holder (the teacher, each student) has at most
PER_HOLDER live tickets, the oldest dropped first, so asking again and again costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from cnnviz.classroom.codes import new_token, token_hash
from cnnviz.classroom.errors import ClassAuthError
from cnnviz.classroom.records import Role

PER_HOLDER = 4


def spent_ticket(lifetime: float) -> ClassAuthError:
    return ClassAuthError(
        "this ticket was used already or has expired (tickets work once, within "
        f"{lifetime:g} s): ask POST /api/classes/{{code}}/tickets for a new one"
    )


class TicketBook:
    def __init__(self, lifetime: float, clock: Callable[[], float]) -> None:
        self.lifetime = lifetime
        self.clock = clock
        #: ticket hash -> (role, expiry time), in the order issued
        self._tickets: dict[str, tuple[Role, float]] = {}

    def issue(self, role: Role) -> str:
        now = self.clock()
        self._drop_expired(now)
        held = [key for key, (holder, _) in self._tickets.items() if holder == role]
        for key in held[: max(0, len(held) - PER_HOLDER + 1)]:
            del self._tickets[key]
        ticket = new_token()
        self._tickets[token_hash(ticket)] = (role, now + self.lifetime)
        return ticket

    def redeem(self, ticket: str) -> Role:
        """The ticket's holder; the ticket is spent. A ticket used before, expired or unknown
        raises ClassAuthError. (A dict lookup by the SHA-256 of the ticket: its timing tells
        nothing about the ticket.)"""
        held = self._tickets.pop(token_hash(ticket), None)
        if held is None or held[1] <= self.clock():
            raise spent_ticket(self.lifetime)
        return held[0]

    def _drop_expired(self, now: float) -> None:
        for key in [key for key, (_, expiry) in self._tickets.items() if expiry <= now]:
            del self._tickets[key]
