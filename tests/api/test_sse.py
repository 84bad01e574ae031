"""The event streams (`cnnviz.api.sse`): a late subscriber replays a 100,000-step job's kept
history within 100 ms, every event with its sequence number as its id; `Last-Event-ID` resumes
after a number; a client that leaves mid-stream is normal and leaves no traceback in the log of
a real `cnnviz serve` (real sockets over loopback), on both job backends."""

import dataclasses
import json
import socket
import struct
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.job_backends import JobsBackend
from tests.live_server import live_server
from tests.long_run import long_run
from tests.sse_client import read_sse
from tests.tiny_mnist import make_tiny_mnist
from tests.waiting import wait_until

from cnnviz.api.main import create_app
from cnnviz.models.store import ModelStore
from cnnviz.tasks.job import Job
from cnnviz.tasks.jobs import JobManager

pytestmark = pytest.mark.timeout(180)  # a backstop: every wait below has its own deadline

JOB_ID = "simple-mnist-0000beef"
EVENTS_URL = f"/api/train/{JOB_ID}/events"


@pytest.fixture(scope="module")
def long_job(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A models folder holding the record of a finished 100,000-step job, and its history."""
    models = tmp_path_factory.mktemp("long-job") / "models"
    manager = JobManager(ModelStore(models))
    job = Job(id=JOB_ID, config={"model": "simple", "epochs": 10})
    for event in long_run(epochs=10, steps_per_epoch=10_000):
        manager._append(job, event)  # what the reader thread does with each event of the worker
    manager._finish(job, "done")
    record = json.loads((manager.jobs_dir / f"{JOB_ID}.json").read_text())
    return models, record["history"]


@pytest.fixture
def long_job_client(long_job, settings):
    models, _ = long_job
    with TestClient(create_app(dataclasses.replace(settings, models_dir=models))) as client:
        yield client


def test_a_late_subscriber_replays_a_100000_step_job_within_100_ms(long_job, long_job_client):
    _, history = long_job
    seconds, size = [], 0
    for _ in range(5):
        started = time.perf_counter()
        with long_job_client.stream("GET", EVENTS_URL) as response:
            size = len(response.read())
        seconds.append(time.perf_counter() - started)
    print(f"\nreplay of {len(history)} events, {size:,} bytes: {min(seconds) * 1000:.1f} ms best")
    print(f"of five ({', '.join(f'{s * 1000:.1f}' for s in seconds)} ms)")
    assert min(seconds) <= 0.1
    events = read_sse(long_job_client, EVENTS_URL)
    assert [event.data for event in events] == history  # the record's history, as written
    assert [event.id for event in events] == [str(event["seq"]) for event in history]
    assert [event.name for event in events] == [event["type"] for event in history]
    assert events[-1].id == "100023"  # 100,000 steps, 10 epochs, 11 filters, start and done


def test_last_event_id_resumes_after_that_number(long_job, long_job_client):
    _, history = long_job
    # Step 50,000 ends epoch 5: event 2 + 50,000 + 2 * 4 = 50,010, its epoch event 50,011.
    resumed = read_sse(long_job_client, EVENTS_URL, {"Last-Event-ID": "50010"})
    assert [event.data for event in resumed] == [e for e in history if e["seq"] > 50_010]
    assert resumed[0].name == "epoch" and resumed[0].data["epoch"] == 5
    assert read_sse(long_job_client, EVENTS_URL, {"Last-Event-ID": "100023"}) == []
    for not_a_number in ("abc", "-5", b"\xb2", "9" * 40, ""):  # b"\xb2": "²" in Latin-1
        replay = read_sse(long_job_client, EVENTS_URL, {"Last-Event-ID": not_a_number})
        assert len(replay) == len(history), not_a_number  # ignored, as the SSE standard says


def test_a_client_that_leaves_mid_stream_leaves_no_traceback(jobs_backend: JobsBackend, tmp_path):
    env = {"CNNVIZ_DATA_DIR": str(make_tiny_mnist(tmp_path / "data"))}
    if jobs_backend.broker:  # the stream is read from Redis, in threads of the server
        env["CNNVIZ_BROKER_URL"] = jobs_backend.redis_url
        jobs_backend.use_worker(concurrency=1)
    with live_server(tmp_path, env) as server:
        long = {"model": "simple", "epochs": 500, "batch_size": 16, "emit_filters": True}
        job_id = server.api("POST", "/api/train", long)["id"]
        wait_until(
            lambda: server.api("GET", f"/api/train/{job_id}")["progress"]["global_step"] >= 300,
            what="a history of 300 steps",
        )
        request = (
            f"GET /api/train/{job_id}/events HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Accept: text/event-stream\r\n\r\n"
        ).encode()
        for leaving in range(20):  # mid-replay and while live events flow; half with a reset
            with server.connect() as sock:
                sock.sendall(request)
                received = sock.recv(1024 * (leaving + 1))
                assert received.startswith(b"HTTP/1.1 200"), received[:200]
                if leaving % 2:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        server.api("POST", f"/api/train/{job_id}/stop")
        wait_until(
            lambda: server.api("GET", f"/api/train/{job_id}")["state"] == "done", what="stop"
        )
        health = server.api("GET", "/api/health")
        assert (health["status"], health["jobs"]) == ("ok", jobs_backend.name)
    log = server.log_text()
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]
