"""Classroom mode on the broker: two `ClassManager`s on one Redis stand for two API processes
(what `cnnviz serve --broker URL --workers 2` runs). Whatever one does, the other serves: a
class made on one, joined on the other; tickets, wrong codes, ids and events shared; an end
seen everywhere; a third process started later reads it all back."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from tests.coroutines import run
from tests.redis_server import RedisServer
from tests.waiting import wait_until

from cnnviz.classroom.distributed.keys import changes
from cnnviz.classroom.distributed.live import RedisLive
from cnnviz.classroom.distributed.store import RedisClassStore
from cnnviz.classroom.errors import ClassAuthError, ClassLimitError, ClassNotFound
from cnnviz.classroom.limits import ClassLimits
from cnnviz.classroom.manager import ClassManager
from cnnviz.classroom.records import TEACHER, Role
from cnnviz.tasks.distributed.connection import connect
from cnnviz.tasks.errors import BrokerUnavailableError

ADDRESS = "10.0.0.9"
#: How long an event may take from one process's change to another's mirror.
MIRROR_DEADLINE_S = 5.0


def read_digit(model_id: str, digit: Mapping[str, str]) -> tuple[int, list[float]]:
    """A stand-in model: 'image:7' is read as 7, a code 'code:3' as 3, with certainty."""
    predicted = int((digit.get("image") or digit["code"]).split(":")[1])
    return predicted, [1.0 if k == predicted else 0.0 for k in range(10)]


@pytest.fixture
def process(redis_url: str) -> Iterator[Callable[..., ClassManager]]:
    """`process(**limits)`: one more API process's classes on the test's Redis."""
    made: list[ClassManager] = []

    def start(**limits: Any) -> ClassManager:
        client, settings = connect(redis_url), ClassLimits(**{"drawing_interval": 0.0, **limits})
        classes = ClassManager(
            RedisClassStore(client, redis_url),
            settings,
            read_digit,
            live=RedisLive(client, redis_url, settings),
        )
        made.append(classes)
        return classes

    yield start
    for classes in made:
        classes.close()


def events_of(classes: ClassManager, code: str, audience: str) -> list[dict[str, Any]]:
    """The events one process holds for the audience, as (type, seq, data)."""
    feed = classes.subscribe(code, audience)  # type: ignore[arg-type]
    events, _ = run(feed.since(0))
    return [json.loads(event.text) for event in events]


def test_a_class_made_on_one_process_is_served_by_the_other(process) -> None:
    one, two = process(), process()
    code, teacher = one.create("Physics")
    student_id, token = two.join(code, "Ada", ADDRESS)  # `two` had never seen the class
    assert one.authenticate(code, token, ADDRESS) == Role("student", student_id)
    assert two.authenticate(code, teacher, ADDRESS) == TEACHER
    one.set_state(code, {"tab": "stepper", "input": "code:4"})
    assert two.view(code, TEACHER)["state"] == {"tab": "stepper", "input": "code:4"}
    assert two.view(code, TEACHER)["roster"] == [{"id": student_id, "name": "Ada"}]
    drawing = two.submit_drawing(code, student_id, "image:7", 1)
    assert [d["id"] for d in one.drawings(code)] == [drawing.id]
    assert one.summary(code)["confusion_matrix"][1][7] == 1
    poll = one.create_poll(code, "predict")
    two.answer(code, student_id, poll["id"], 4)
    assert one.reveal(code, poll["id"])["counts"] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]


def test_a_ticket_works_once_on_any_process(process) -> None:
    one, two = process(), process()
    code, _ = one.create(None)
    student_id, _ = one.join(code, "Ada", ADDRESS)
    ticket = one.issue_ticket(code, Role("student", student_id))
    assert two.redeem_ticket(code, ticket, ADDRESS) == Role("student", student_id)
    with pytest.raises(ClassAuthError):
        one.redeem_ticket(code, ticket, ADDRESS)
    tickets = [one.issue_ticket(code, TEACHER) for _ in range(5)]  # a holder keeps 4
    with pytest.raises(ClassAuthError):
        two.redeem_ticket(code, tickets[0], ADDRESS)
    assert two.redeem_ticket(code, tickets[-1], ADDRESS) == TEACHER


def test_wrong_codes_count_on_every_process(process) -> None:
    one, two = process(wrong_codes_per_minute=4), process(wrong_codes_per_minute=4)
    code, _ = one.create(None)
    for classes in (one, two, one, two):
        with pytest.raises(ClassNotFound):
            classes.join("ZZZZZZ", "Eve", ADDRESS)
    with pytest.raises(ClassLimitError):  # the right code too, from that address
        one.join(code, "Eve", ADDRESS)
    one.join(code, "Bob", "10.0.0.10")  # another address is not held back


def test_ids_stay_unique_when_both_processes_admit_at_once(process) -> None:
    one, two = process(), process()
    code, _ = one.create(None)
    joined: list[str] = []

    def admit(classes: ClassManager, prefix: str) -> None:
        for n in range(15):
            joined.append(classes.join(code, f"{prefix}{n}", ADDRESS)[0])

    threads = [threading.Thread(target=admit, args=(c, p)) for c, p in ((one, "a"), (two, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(joined) == sorted(f"s{n}" for n in range(1, 31))
    roster = one.view(code, TEACHER)["roster"]
    assert len(roster) == 30 and two.view(code, TEACHER)["students"] == 30


def test_events_are_numbered_once_and_reach_both_processes(process) -> None:
    one, two = process(), process()
    code, _ = one.create(None)
    student_id, _ = two.join(code, "Ada", ADDRESS)
    one.set_state(code, {"tab": "draw"})
    two.submit_drawing(code, student_id, "image:3", 3)
    one.set_settings(code, paused=True, pause_message="Eyes up here")

    def kinds(classes: ClassManager, audience: str) -> list[str]:
        return [event["type"] for event in events_of(classes, code, audience)]

    teacher_sees = ["roster", "state", "drawing", "pause"]
    for classes in (one, two):
        wait_until(lambda c=classes: kinds(c, "teacher") == teacher_sees, MIRROR_DEADLINE_S)
        assert kinds(classes, "student") == ["state", "pause"]
    assert events_of(one, code, "teacher") == events_of(two, code, "teacher")
    seqs = [event["seq"] for event in events_of(one, code, "teacher")]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4


def test_a_class_ended_on_one_process_is_gone_on_the_other(process) -> None:
    one, two = process(), process()
    code, _ = one.create(None)
    two.join(code, "Ada", ADDRESS)
    since = two.subscribe(code, "student").since
    one.end(code)
    with pytest.raises(ClassNotFound):
        two.view(code, TEACHER)

    def ended() -> bool:
        events, final = run(since(0))
        return final and events[-1].type == "ended"

    wait_until(ended, MIRROR_DEADLINE_S)
    assert code not in process().store.codes()


def test_a_process_started_later_reads_every_class_back(process) -> None:
    one = process()
    code, teacher = one.create("Kept")
    student_id, token = one.join(code, "Ada", ADDRESS)
    one.submit_drawing(code, student_id, "image:2", 2)
    poll = one.create_poll(code, "choice", "Which?", ["a", "b"])
    one.answer(code, student_id, poll["id"], 1)
    one.set_state(code, {"tab": "pooling"})
    later = process()
    view = later.view(code, TEACHER)
    assert (view["name"], view["state"], view["students"]) == ("Kept", {"tab": "pooling"}, 1)
    assert view["poll"]["counts"] == [0, 1]
    assert later.authenticate(code, token, ADDRESS) == Role("student", student_id)
    assert later.authenticate(code, teacher, ADDRESS) == TEACHER
    assert [d["label"] for d in later.drawings(code)] == [2]


def test_a_process_that_lost_the_change_log_reads_the_class_again(process, redis_url) -> None:
    one, two = process(), process()
    code, _ = one.create(None)
    two.view(code, TEACHER)  # `two` holds a copy
    student_id, _ = one.join(code, "Ada", ADDRESS)
    one.submit_drawing(code, student_id, "image:5", 5)
    connect(redis_url).xtrim(changes(code), maxlen=0)  # as if capped past `two`'s place
    assert two.view(code, TEACHER)["roster"] == [{"id": student_id, "name": "Ada"}]
    assert [d["predicted"] for d in two.drawings(code)] == [5]


def test_redis_away_is_a_503_and_back_is_service(process, redis_server: RedisServer) -> None:
    one = process()
    code, _ = one.create(None)
    redis_server.stop()
    try:
        with pytest.raises(BrokerUnavailableError, match="classes wait until it is back"):
            one.join(code, "Ada", ADDRESS)
    finally:
        redis_server.start()  # the test's Redis keeps nothing: a new class, on the same process
    code, _ = one.create(None)
    assert one.join(code, "Ada", ADDRESS)[0] == "s1"
