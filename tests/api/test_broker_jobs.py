"""The broker backend's own behaviour (issue 13), through TestClient over the run's Redis and real
`cnnviz worker` subprocesses: the queue's positions, counted by hand, with one worker training
one job at a time; a cancelled job that its worker never trains; the queue's limit; and two API
replicas (two apps on one Redis and one models folder) that share models, downloads and event
streams. The module's tests share one worker (`jobs_backend`, broker only). Faults (Redis away,
killed workers): test_broker_faults."""

import contextlib
import dataclasses
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.downloads import TinyDataset
from tests.job_backends import BROKER, JobsBackend
from tests.sse_client import ServerEvent, iter_sse, read_sse
from tests.tiny_mnist import make_tiny_mnist
from tests.waiting import wait_for_job

from cnnviz.api.main import create_app
from cnnviz.data import DATASETS
from cnnviz.data.store import ENV_DATA_DIR

pytestmark = [
    pytest.mark.timeout(120),  # a backstop: every wait below has its own deadline
    pytest.mark.parametrize("jobs_backend", [BROKER], indirect=True),  # the module's worker
]

QUICK = {"model": "simple", "epochs": 1, "batch_size": 32, "emit_filters": False}
LONG = {"model": "simple", "epochs": 500, "batch_size": 16, "emit_filters": False}


@pytest.fixture(autouse=True)
def tiny_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_tiny_mnist(tmp_path / "data")
    monkeypatch.setenv(ENV_DATA_DIR, str(root))
    return root


@pytest.fixture
def replicas(jobs_backend: JobsBackend) -> Iterator[tuple[TestClient, TestClient]]:
    """Two API replicas: two apps on the same Redis and the same models folder, and a worker
    training one job at a time."""
    with jobs_backend.client(max_jobs=1) as a, jobs_backend.client(max_jobs=1) as b:
        yield a, b


def start(client: TestClient, body: dict) -> dict:
    response = client.post("/api/train", json=body)
    assert response.status_code == 202, response.text
    return response.json()


def history(client: TestClient, job_id: str) -> list[ServerEvent]:
    return read_sse(client, f"/api/train/{job_id}/events")


def queued_positions(events: list[ServerEvent]) -> list[int]:
    return [event.data["position"] for event in events if event.name == "queued"]


def test_queue_positions_cancel_and_limit_with_one_worker_at_concurrency_1(
    jobs_backend: JobsBackend,
):
    worker = jobs_backend.use_worker(concurrency=1)
    logged = len(worker.log())
    # With a broker the running limit is the workers' concurrency; the API's max_jobs is unused.
    settings = jobs_backend.app_settings(max_jobs=5, max_queued=3)
    with TestClient(create_app(settings)) as client:
        first = start(client, LONG)["id"]
        wait_for_job(client, first, lambda j: j["state"] == "running")
        waiting = [start(client, QUICK) for _ in range(3)]
        # The worker is busy: each waits, 1st, 2nd and 3rd in line, in its answer and its record.
        assert [(j["state"], j["queue_position"]) for j in waiting] == [
            ("queued", 1),
            ("queued", 2),
            ("queued", 3),
        ]
        b, c, d = (job["id"] for job in waiting)
        for job_id, position in ((b, 1), (c, 2), (d, 3)):
            assert client.get(f"/api/train/{job_id}").json()["queue_position"] == position
        refused = client.post("/api/train", json=QUICK)
        assert refused.status_code == 429
        assert "CNNVIZ_MAX_QUEUED=3" in refused.json()["detail"]

        cancelled = client.post(f"/api/train/{c}/stop").json()
        assert cancelled == {"id": c, "state": "cancelled", "changed": True}
        assert client.get(f"/api/train/{d}").json()["queue_position"] == 2  # one ahead left
        assert client.get(f"/api/train/{b}").json()["queue_position"] == 1

        client.post(f"/api/train/{first}/stop")  # the worker frees up: b, then (c skipped) d
        for job_id in (b, d):
            job = wait_for_job(client, job_id)
            assert job["state"] == "done" and job["queue_position"] is None, job

        # By hand: b was 1st, then started. c was 2nd, then cancelled. d was 3rd, 2nd once c
        # left, 1st once b started: its log keeps the first and the latest (seq 2 is gone).
        b_events, c_events, d_events = (history(client, i) for i in (b, c, d))
        assert queued_positions(b_events) == [1] and b_events[1].name == "start"
        assert [(e.name, e.data) for e in c_events] == [
            ("queued", {"type": "queued", "position": 2, "seq": 1}),
            ("cancelled", {"type": "cancelled", "message": "cancelled while queued", "seq": 2}),
        ]
        assert [(e.id, e.data.get("position")) for e in d_events[:3]] == [
            ("1", 3),
            ("3", 1),
            ("4", None),
        ]
        assert d_events[2].name == "start" and d_events[-1].name == "done"
        # The worker took c's message and dropped it without training (the claim refused it).
        assert "skipped: no longer queued" in worker.log()[logged:]
        assert client.get(f"/api/train/{c}").json()["state"] == "cancelled"


def test_a_model_trained_through_one_replica_is_listed_and_deleted_on_the_other(replicas):
    a, b = replicas
    job = wait_for_job(b, start(a, QUICK)["id"])  # started through A, followed through B
    assert job["state"] == "done", job
    model_id = job["model_id"]
    assert model_id in [model["id"] for model in b.get("/api/models").json()]
    pixels = {"pixels": [[0.0] * 28 for _ in range(28)]}
    assert b.post(f"/api/models/{model_id}/predict", json=pixels).status_code == 200  # loaded
    assert a.delete(f"/api/models/{model_id}").status_code == 204
    gone = b.post(f"/api/models/{model_id}/predict", json=pixels)
    assert gone.status_code == 404, gone.text
    assert b.get(f"/api/models/{model_id}").status_code == 404
    assert model_id not in [model["id"] for model in b.get("/api/models").json()]


def test_an_sse_stream_through_another_replica_resumes_with_last_event_id(replicas):
    a, b = replicas
    # 2 epochs of 12 steps at 10 a second: live for about 2.4 s.
    job_id = start(a, {**LONG, "epochs": 2, "steps_per_second": 10})["id"]
    with contextlib.closing(iter_sse(b, f"/api/train/{job_id}/events")) as live:
        first = list(itertools.islice(live, 5))  # five events, then the connection drops
    assert b.get(f"/api/train/{job_id}").json()["state"] == "running"  # left mid-job
    rest = read_sse(b, f"/api/train/{job_id}/events", {"Last-Event-ID": first[-1].id})
    full = history(a, job_id)
    assert int(rest[0].id) == int(first[-1].id) + 1
    # None twice, none missing, in order, each as the history has it.
    assert first + rest == full
    assert [event.name for event in full[:2]] == ["queued", "start"] and full[-1].name == "done"
    steps = [event.data["global_step"] for event in full if event.name == "step"]
    assert steps == list(range(1, 2 * 12 + 1))


def test_a_download_started_through_one_replica_streams_through_the_other(
    replicas, isolated, tiny: TinyDataset, tiny_mirror: str, tmp_path: Path, monkeypatch
):
    empty = tmp_path / "empty-data"
    monkeypatch.setenv(ENV_DATA_DIR, str(empty))
    mnist = dataclasses.replace(
        DATASETS["mnist"], train=tiny.info.train, test=tiny.info.test, mirrors=(tiny_mirror,)
    )
    monkeypatch.setitem(DATASETS, "mnist", mnist)
    a, b = replicas
    assert a.post("/api/datasets/mnist/download").status_code == 202
    events = read_sse(b, "/api/datasets/mnist/download/events")
    assert events[-1].name == "done", events
    assert [int(event.id) for event in events] == list(range(1, len(events) + 1))
    assert read_sse(a, "/api/datasets/mnist/download/events") == events
    files = sorted(path.name for path in (empty / "mnist").iterdir())
    assert files == sorted(tiny.files)
    listed = {d["name"]: d for d in b.get("/api/datasets").json()}
    assert listed["mnist"]["complete"] is True and listed["mnist"]["downloading"] is False
