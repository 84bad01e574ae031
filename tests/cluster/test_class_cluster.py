"""Issue 14 on a cluster: a class served by two `cnnviz serve --broker` processes (their own
ports, one Redis) behaves as one server. A class made through one API is joined through the
other; a ticket issued by one opens a stream on the other, which shows the state the teacher
sets through the first; a student's drawing sent through one is in the teacher's gallery on the
other, read as POST .../predict reads it; a stream resumed with Last-Event-ID on the other API
misses no event and repeats none; both APIs restarted mid-class lose nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from queue import Empty, Queue

import httpx2 as httpx
import pytest
from tests.cluster.cluster import Cluster, fresh_cluster
from tests.redis_server import RedisServer
from tests.sse_client import ServerEvent, iter_sse
from tests.strokes import canvas

pytestmark = pytest.mark.timeout(180)  # a backstop: every wait below has its own deadline

#: How long a state may take from the teacher's PUT to a student's stream on the other API.
DELIVERY_DEADLINE_S = 5.0


@pytest.fixture(scope="module")
def cluster(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("class-cluster")
    with fresh_cluster(redis_server, folder, train=100, worker_count=0) as running:
        yield running


def token(value: str) -> dict[str, str]:
    return {"X-Class-Token": value}


def stream_events(cluster: Cluster, api: int, code: str, student: str, after: str | None):
    """Follow the class's events as the student, on API `api` with a ticket from the other API,
    in a thread: (a queue of the events, a flag that stops the reader)."""
    ticket = cluster.apis[1 - api].api(
        "POST", f"/api/classes/{code}/tickets", headers=token(student)
    )
    headers = {"Last-Event-ID": after} if after else {}
    events: Queue[ServerEvent] = Queue()
    stop = threading.Event()

    def read() -> None:
        url = f"/api/classes/{code}/events?ticket={ticket['ticket']}"
        try:
            with cluster.client(api) as client:
                for event in iter_sse(client, url, headers, timeout=120):
                    events.put(event)
                    if stop.is_set():
                        return
        except httpx.TransportError:
            return  # the API stopped under a reader the test is done with; waits fail otherwise

    threading.Thread(target=read, daemon=True).start()
    return events, stop


def next_of(events: Queue[ServerEvent], kind: str) -> ServerEvent:
    """The next event of type `kind` on the queue, within the deadline."""
    deadline = time.monotonic() + DELIVERY_DEADLINE_S
    while (left := deadline - time.monotonic()) > 0:
        try:
            event = events.get(timeout=left)
        except Empty:
            break
        if event.name == kind:
            return event
    raise AssertionError(f"no {kind} event within {DELIVERY_DEADLINE_S} s")


def test_a_class_on_two_apis_is_one_class(cluster: Cluster) -> None:
    one, two = cluster.apis
    made = one.api("POST", "/api/classes", {"name": "Two doors"})
    code, teacher = made["code"], token(made["teacher_token"])
    joined = two.api("POST", f"/api/classes/{code}/join", {"name": "Ada"})
    student = joined["student_token"]
    events, stop = stream_events(cluster, 1, code, student, after=None)
    one.api(
        "PUT", f"/api/classes/{code}/state", {"state": {"tab": "stepper", "n": 1}}, headers=teacher
    )
    assert next_of(events, "state").data["state"] == {"tab": "stepper", "n": 1}

    image = canvas("7")
    sent = two.api(
        "POST",
        f"/api/classes/{code}/drawings",
        {"image": image, "label": 7},
        headers=token(student),
    )
    predicted = one.api("POST", "/api/models/lenet5-mnist/predict", {"image": image})
    assert sent["predicted"] == predicted["index"]
    gallery = one.api("GET", f"/api/classes/{code}/drawings", headers=teacher)["drawings"]
    assert [(d["id"], d["name"], d["label"]) for d in gallery] == [(sent["id"], "Ada", 7)]
    poll = one.api(
        "POST",
        f"/api/classes/{code}/polls",
        {"question": "Which?", "options": ["a", "b", "c", "d"]},
        headers=teacher,
    )
    assert next_of(events, "poll").data["id"] == poll["id"]
    two.api(
        "POST",
        f"/api/classes/{code}/polls/{poll['id']}/answers",
        {"answer": 3},
        headers=token(student),
    )

    # the stream on API 2 saw the state (n 1) and the poll; a reader resuming after the state on
    # API 1 gets exactly the events after it, with the same ids
    one.api(
        "PUT", f"/api/classes/{code}/state", {"state": {"tab": "draw", "n": 2}}, headers=teacher
    )
    live_state = next_of(events, "state")
    stop.set()
    first_state_id = str(int(live_state.id) - 1)  # below the second state: only it follows
    resumed, stop_resumed = stream_events(cluster, 0, code, student, after=first_state_id)
    again = next_of(resumed, "state")
    stop_resumed.set()
    assert (again.id, again.data) == (live_state.id, live_state.data)

    cluster.restart_apis()  # both processes at once: new processes, new ports
    one, two = cluster.apis
    view = two.api("GET", f"/api/classes/{code}", headers=teacher)
    assert view["state"] == {"tab": "draw", "n": 2}
    assert view["roster"] == [{"id": joined["student_id"], "name": "Ada"}]
    assert view["poll"]["id"] == poll["id"] and view["poll"]["answers"] == 1
    drawings = one.api("GET", f"/api/classes/{code}/drawings", headers=teacher)["drawings"]
    assert [drawing["id"] for drawing in drawings] == [sent["id"]]
    after_restart, stop_after = stream_events(cluster, 0, code, student, after=live_state.id)
    two.api(
        "PUT", f"/api/classes/{code}/state", {"state": {"tab": "pooling", "n": 3}}, headers=teacher
    )
    assert next_of(after_restart, "state").data["state"] == {"tab": "pooling", "n": 3}
    stop_after.set()
    one.api("DELETE", f"/api/classes/{code}", headers=teacher)
    status, _ = two.request("GET", f"/api/classes/{code}", headers=teacher)
    assert status == 404
