"""A class's events: one numbering, two audiences, bounded, ended last."""

import asyncio
import json
import threading

from tests.coroutines import run

from cnnviz.classroom.events import (
    MAX_DRAWING_EVENTS,
    STUDENT_EVENTS,
    ClassEvents,
    first_number,
)

NOW = 1_800_000_000.0


def test_students_get_only_their_events_under_the_teachers_numbers() -> None:
    events = ClassEvents(NOW)
    kinds = ["roster", "state", "drawing", "poll", "answer", "reveal", "pace", "pause"]
    for kind in kinds:
        events.emit(kind, {"n": kind})
    teacher, ended = events.since(0, "teacher")
    student, _ = events.since(0, "student")
    assert [e.type for e in teacher] == kinds and not ended
    assert [e.type for e in student] == ["state", "poll", "reveal", "pace", "pause"]
    numbers = {e.type: e.seq for e in teacher}
    assert all(e.seq == numbers[e.type] for e in student)
    assert numbers["roster"] == int(NOW * 1_000_000) + 1  # above any number before a restart
    assert json.loads(student[0].text) == {"type": "state", "n": "state", "seq": numbers["state"]}
    # resuming after an event gives exactly the later ones
    assert [e.type for e in events.since(numbers["poll"], "student")[0]] == [
        "reveal",
        "pace",
        "pause",
    ]


def test_the_stream_ends_with_ended_and_nothing_follows_it() -> None:
    events = ClassEvents(NOW)
    events.emit("state", {"state": {}})
    events.emit("ended", {})
    assert events.emit("state", {"state": {}}) == 0
    for audience in ("teacher", "student"):
        kept, ended = events.since(0, audience)
        assert ended and [e.type for e in kept] == ["state", "ended"]


def test_the_history_is_bounded() -> None:
    events = ClassEvents(NOW)
    for index in range(3 * MAX_DRAWING_EVENTS):
        events.emit("drawing", {"id": f"d{index}"})
        events.emit("state", {"state": {"at": index}})
        events.emit("answer", {"counts": [index]})
    teacher, _ = events.since(0, "teacher")
    drawings = [e for e in teacher if e.type == "drawing"]
    assert len(drawings) <= MAX_DRAWING_EVENTS
    assert json.loads(drawings[-1].text)["id"] == f"d{3 * MAX_DRAWING_EVENTS - 1}"
    # the first and the latest state and histogram
    assert len([e for e in teacher if e.type == "state"]) == 2
    assert len([e for e in teacher if e.type == "answer"]) == 2
    assert {e.type for e in events.since(0, "student")[0]} <= STUDENT_EVENTS


def test_a_waiting_stream_is_woken_by_its_audiences_events_only() -> None:
    """A stream waiting for events wakes when another thread adds one it may see (long before
    its 30 s timeout), and a student's stream sleeps through the teacher's own events."""
    events = ClassEvents(NOW)
    start = first_number(NOW)

    async def scenario() -> None:
        student = asyncio.create_task(events.wait(start, "student", 30.0))
        teacher = asyncio.create_task(events.wait(start, "teacher", 30.0))
        await asyncio.sleep(0.05)  # both are waiting
        drawing = {"id": "d1", "label": 1, "predicted": 1}
        threading.Thread(target=events.emit, args=("drawing", drawing)).start()
        await asyncio.wait_for(teacher, 5.0)
        await asyncio.sleep(0.2)
        assert not student.done(), "a student's stream was woken by a teacher's event"
        threading.Thread(target=events.emit, args=("state", {"state": {"tab": "draw"}})).start()
        await asyncio.wait_for(student, 5.0)
        # nothing new after the state: a wait returns at its timeout
        seq = events.since(start, "student")[0][-1].seq
        await asyncio.wait_for(events.wait(seq, "student", 0.05), 5.0)

    run(scenario())
