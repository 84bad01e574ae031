"""The wrong-code limiter and the ticket book, on a clock the test moves."""

import pytest
from tests.class_clients import FakeClock

from cnnviz.classroom.errors import ClassAuthError, ClassLimitError
from cnnviz.classroom.ratelimit import WrongCodeLimiter
from cnnviz.classroom.records import TEACHER, Role
from cnnviz.classroom.tickets import PER_HOLDER, TicketBook


def test_an_address_is_refused_after_its_wrong_codes_for_a_minute() -> None:
    clock = FakeClock()
    limiter = WrongCodeLimiter(per_minute=40, clock=clock)
    for _ in range(40):
        limiter.check("10.0.0.7")
        limiter.record("10.0.0.7")
        clock.advance(0.5)  # 40 wrong codes in 20 s
    with pytest.raises(ClassLimitError, match="too many wrong class codes") as refused:
        limiter.check("10.0.0.7")
    assert refused.value.retry_after == 40  # the first leaves the window at 60 s
    limiter.check("10.0.0.8")  # another address is not held back
    clock.advance(40.0)  # the first wrong code is now a minute old
    limiter.check("10.0.0.7")


def test_a_ticket_works_once_and_only_within_its_lifetime() -> None:
    clock = FakeClock()
    book = TicketBook(lifetime=60.0, clock=clock)
    student = Role("student", "s1")
    ticket = book.issue(student)
    assert book.redeem(ticket) == student
    with pytest.raises(ClassAuthError, match="used already or has expired"):
        book.redeem(ticket)
    late = book.issue(TEACHER)
    clock.advance(60.0)
    with pytest.raises(ClassAuthError):
        book.redeem(late)


def test_a_holder_keeps_only_its_latest_tickets() -> None:
    book = TicketBook(lifetime=60.0, clock=FakeClock())
    tickets = [book.issue(TEACHER) for _ in range(PER_HOLDER + 2)]
    other = book.issue(Role("student", "s1"))
    for dropped in tickets[:2]:
        with pytest.raises(ClassAuthError):
            book.redeem(dropped)
    assert [book.redeem(ticket) for ticket in tickets[2:]] == [TEACHER] * PER_HOLDER
    assert book.redeem(other) == Role("student", "s1")
