"""A class's event stream: pushed as things happen, students get only their events, the teacher
every one, Last-Event-ID resumes, and the stream ends with `ended`."""

from fastapi.testclient import TestClient
from tests.class_clients import Class, join, start_class
from tests.sse_client import iter_sse
from tests.strokes import canvas

TIMEOUT = 30.0


def lead_a_lesson(client: TestClient, klass: Class, student: dict) -> str:
    """One of every action after the state, in order; the drawing's image."""
    image = canvas("7")
    teacher = klass.teacher
    drawing = client.post(
        f"{klass.url}/drawings", json={"image": image, "label": 7}, headers=student
    )
    poll = client.post(
        f"{klass.url}/polls", json={"question": "Q?", "options": ["a", "b"]}, headers=teacher
    )
    client.post(
        f"{klass.url}/polls/{poll.json()['id']}/answers", json={"answer": 1}, headers=student
    )
    client.post(f"{klass.url}/polls/{poll.json()['id']}/reveal", headers=teacher)
    client.put(f"{klass.url}/settings", json={"pace": "explore", "paused": True}, headers=teacher)
    client.post(
        f"{klass.url}/spotlight", json={"drawing_id": drawing.json()["id"]}, headers=teacher
    )
    assert client.delete(klass.url, headers=teacher).status_code == 204
    return image


def test_each_audience_gets_its_events_as_they_happen(class_client: TestClient) -> None:
    klass = start_class(class_client)
    student_id, student = join(class_client, klass, "Sam")
    state = {"tab": "network", "model": "lenet5-mnist"}
    class_client.put(f"{klass.url}/state", json={"state": state}, headers=klass.teacher)
    url = f"{klass.url}/events"
    teacher_stream = iter_sse(class_client, url, headers=klass.teacher, timeout=TIMEOUT)
    student_stream = iter_sse(class_client, url, headers=student, timeout=TIMEOUT)
    teacher_events = [next(teacher_stream), next(teacher_stream)]  # the history so far
    student_events = [next(student_stream)]
    image = lead_a_lesson(class_client, klass, student)
    teacher_events += list(teacher_stream)  # both streams end at `ended`
    student_events += list(student_stream)
    assert [e.name for e in teacher_events] == [
        "roster",
        "state",
        "drawing",
        "poll",
        "answer",
        "reveal",
        "pace",
        "pause",
        "spotlight",
        "ended",
    ]
    assert [e.name for e in student_events] == [
        "state",
        "poll",
        "reveal",
        "pace",
        "pause",
        "spotlight",
        "ended",
    ]
    ids = [int(e.id) for e in teacher_events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    by_id = {e.id: e for e in teacher_events}
    assert all(by_id[e.id].data == e.data for e in student_events)  # one numbering
    events = {e.name: e.data for e in teacher_events}
    assert events["roster"]["students"] == [{"id": student_id, "name": "Sam"}]
    assert events["state"]["state"] == state
    assert (events["drawing"]["image"], events["drawing"]["name"]) == (image, "Sam")
    assert events["answer"]["counts"] == [0, 1]
    assert (events["reveal"]["counts"], events["reveal"]["correct"]) == ([0, 1], None)
    assert events["pause"] == {
        "type": "pause",
        "seq": events["pause"]["seq"],
        "paused": True,
        "message": "",
    }
    assert events["spotlight"]["drawing"]["image"] == image


def test_last_event_id_resumes_after_the_last_event_seen(class_client: TestClient) -> None:
    klass = start_class(class_client)
    join(class_client, klass, "Sam")
    class_client.put(f"{klass.url}/state", json={"state": {"tab": "draw"}}, headers=klass.teacher)
    class_client.post(
        f"{klass.url}/polls", json={"question": "Q?", "options": ["a", "b"]}, headers=klass.teacher
    )
    url = f"{klass.url}/events"
    first = iter_sse(class_client, url, headers=klass.teacher, timeout=TIMEOUT)
    seen = [next(first), next(first)]
    first.close()  # the page goes away after roster and state
    class_client.put(f"{klass.url}/settings", json={"pace": "explore"}, headers=klass.teacher)
    headers = {**klass.teacher, "Last-Event-ID": seen[-1].id}
    resumed = iter_sse(class_client, url, headers=headers, timeout=TIMEOUT)
    events = [next(resumed)]
    class_client.delete(klass.url, headers=klass.teacher)
    events += list(resumed)
    assert [e.name for e in seen] == ["roster", "state"]
    assert [e.name for e in events] == ["poll", "pace", "ended"]
    assert int(events[0].id) > int(seen[-1].id)


def test_a_page_with_a_new_ticket_resumes_with_after(class_client: TestClient) -> None:
    """A ticket works once, so a page reconnects with a new EventSource, which cannot send
    Last-Event-ID: it gives the last id it saw as `?after=`."""
    klass = start_class(class_client)
    _, student = join(class_client, klass, "Sam")
    teacher = klass.teacher
    class_client.put(f"{klass.url}/state", json={"state": {"tab": "draw"}}, headers=teacher)
    url = f"{klass.url}/events"
    ticket = class_client.post(f"{klass.url}/tickets", headers=student).json()["ticket"]
    first = iter_sse(class_client, f"{url}?ticket={ticket}", timeout=TIMEOUT)
    seen = next(first)
    first.close()
    class_client.put(f"{klass.url}/settings", json={"paused": True}, headers=teacher)
    ticket = class_client.post(f"{klass.url}/tickets", headers=student).json()["ticket"]
    resumed = iter_sse(class_client, f"{url}?ticket={ticket}&after={seen.id}", timeout=TIMEOUT)
    events = [next(resumed)]
    class_client.delete(klass.url, headers=teacher)
    events += list(resumed)
    assert seen.name == "state"
    assert [e.name for e in events] == ["pause", "ended"]
