"""The training routes through TestClient: start, status, the SSE stream (its events' names, ids
and data), control, the model that comes out, the queue and its limit, faults and restarts. Jobs
train `simple` on a tiny made-up dataset in `CNNVIZ_DATA_DIR`; the server hands that folder to
each worker itself. Every test that runs a job runs on both job backends (`jobs_backend`): the
embedded one and a broker (Redis and a `cnnviz worker`).
The stream's bounds, resuming and disconnects: test_sse. The broker's own behaviour (queue
positions, replicas, faults): test_broker_jobs, test_broker_faults."""

import os
import signal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.job_backends import BROKER, JobsBackend
from tests.sse_client import read_sse
from tests.tiny_mnist import make_tiny_mnist
from tests.waiting import wait_for_job, wait_until_steady

from cnnviz.api.main import create_app
from cnnviz.data.store import ENV_DATA_DIR

pytestmark = pytest.mark.timeout(120)  # a backstop: every wait below has its own deadline

QUICK = {"model": "simple", "epochs": 1, "batch_size": 32, "emit_filters": True}
LONG = {"model": "simple", "epochs": 500, "batch_size": 16, "emit_filters": False}


@pytest.fixture(autouse=True)
def tiny_data(tmp_path: Path, monkeypatch) -> Path:
    root = make_tiny_mnist(tmp_path / "data")
    monkeypatch.setenv(ENV_DATA_DIR, str(root))
    return root


def start(client: TestClient, body: dict) -> str:
    response = client.post("/api/train", json=body)
    assert response.status_code == 202, response.text
    created = response.json()
    assert created["events_url"] == f"/api/train/{created['id']}/events"
    return created["id"]


def test_a_job_streams_its_events_and_its_model_predicts(jobs_backend: JobsBackend, jobs_client):
    client = jobs_client
    job_id = start(client, {**QUICK, "validate_every": 4})
    live = read_sse(client, f"/api/train/{job_id}/events")  # subscribed while it runs
    kinds = [event.data["type"] for event in live]
    assert [event.name for event in live] == kinds
    # A broker queues every job until a worker claims it (1st in line); the embedded backend
    # starts it at once, below its running limit.
    if jobs_backend.broker:
        assert live[0].data == {"type": "queued", "position": 1, "seq": 1}
        kinds = kinds[1:]
    # 180 training images in batches of 32: 6 steps, validated after step 4 and the last. The
    # filters come first, with the last validation point and, at most twice a second, between.
    assert kinds[:2] == ["start", "filters"]
    assert kinds[-4:] == ["validation", "filters", "epoch", "done"]
    steps_and_points = [kind for kind in kinds if kind != "filters"]
    four, two = ["step"] * 4, ["step"] * 2
    assert steps_and_points == ["start", *four, "validation", *two, "validation", "epoch", "done"]
    assert [e.data["global_step"] for e in live if e.name == "step"] == list(range(1, 7))
    assert [e.data["global_step"] for e in live if e.name == "validation"] == [4, 6]
    # Numbered as emitted, from 1. Every step, point, epoch and the end arrived (above); only a
    # filters snapshot can be missing: when a subscriber falls behind (a loaded machine), the
    # log may already have replaced it with a newer one, which keeps the first and the latest.
    ids = [int(event.id) for event in live]
    assert ids[0] == 1 and ids == sorted(set(ids)), ids
    assert [event.data["seq"] for event in live] == ids
    missed = set(range(1, ids[-1] + 1)) - set(ids)

    # A late subscriber gets the history: every event but the filters between the first and
    # the latest.
    filters = [event for event in live if event.name == "filters"]
    kept = [event for event in live if event not in filters[1:-1]]
    late = read_sse(client, f"/api/train/{job_id}/events")
    assert late == kept
    # What the live stream missed is not in the history either: interior filters snapshots.
    assert not missed & {int(event.id) for event in late}, missed
    resumed = read_sse(client, f"/api/train/{job_id}/events", {"Last-Event-ID": "3"})
    assert resumed == [event for event in kept if int(event.id) > 3]

    job = wait_for_job(client, job_id)
    assert job["state"] == "done" and job["stopped"] is False and job["error"] is None
    assert job["progress"]["fraction"] == 1.0 and job["metrics"]["test_accuracy"] is not None
    assert job["config"]["epochs"] == 1
    models = {m["id"]: m for m in client.get("/api/models").json()}
    assert job["model_id"] in models
    pixels = [[0.0] * 28 for _ in range(28)]
    predicted = client.post(f"/api/models/{job['model_id']}/predict", json={"pixels": pixels})
    assert predicted.status_code == 200, predicted.text
    assert len(predicted.json()["probabilities"]) == 10
    assert job_id in [j["id"] for j in client.get("/api/train").json()]


def test_pause_step_resume_stop_through_the_routes(jobs_client):
    client = jobs_client
    job_id = start(client, LONG)
    wait_for_job(client, job_id, lambda j: j["progress"]["global_step"] >= 2)
    paused = client.post(f"/api/train/{job_id}/pause").json()
    assert paused == {"id": job_id, "state": "paused", "changed": True}
    assert client.post(f"/api/train/{job_id}/pause").json()["changed"] is False

    def settled() -> int:
        return wait_until_steady(
            lambda: client.get(f"/api/train/{job_id}").json()["progress"]["global_step"],
            what="the paused job's global step",
        )

    at = settled()
    assert client.post(f"/api/train/{job_id}/step").json()["changed"] is True
    wait_for_job(client, job_id, lambda j: j["progress"]["global_step"] == at + 1)
    assert settled() == at + 1
    assert client.post(f"/api/train/{job_id}/resume").json()["state"] == "running"
    wait_for_job(client, job_id, lambda j: j["progress"]["global_step"] > at + 3)
    assert client.post(f"/api/train/{job_id}/stop").json()["changed"] is True
    events = [event.data for event in read_sse(client, f"/api/train/{job_id}/events")]
    single = [e for e in events if e["type"] == "step" and e["single_step"]]
    assert [e["global_step"] for e in single] == [at + 1]
    assert events[-1]["type"] == "done" and events[-1]["stopped"] is True
    job = wait_for_job(client, job_id)
    assert job["state"] == "done" and job["stopped"] is True and job["model_id"]
    refused = client.post(f"/api/train/{job_id}/resume")
    assert refused.status_code == 409 and "no more commands" in refused.json()["detail"]


def test_a_job_past_the_running_limit_is_queued_and_one_past_max_queued_gets_429(
    jobs_backend: JobsBackend,
):
    # One job at a time: max_jobs 1, or one worker at concurrency 1 with a broker.
    with jobs_backend.client(max_jobs=1, max_queued=1) as client:
        running = client.post("/api/train", json=LONG).json()
        if not jobs_backend.broker:  # a broker's job waits in line until the worker claims it
            assert (running["state"], running["queue_position"]) == ("running", None)
        wait_for_job(client, running["id"], lambda j: j["state"] == "running")
        queued = client.post("/api/train", json=LONG).json()
        assert (queued["state"], queued["queue_position"]) == ("queued", 1)
        status = client.get(queued["status_url"]).json()
        assert (status["state"], status["queue_position"]) == ("queued", 1)
        refused = client.post("/api/train", json=QUICK)
        assert refused.status_code == 429
        assert "CNNVIZ_MAX_QUEUED=1" in refused.json()["detail"]
        paused = client.post(f"/api/train/{queued['id']}/pause")
        assert paused.status_code == 409 and "queued" in paused.json()["detail"]

        cancelled = client.post(f"/api/train/{queued['id']}/stop").json()
        assert cancelled == {"id": queued["id"], "state": "cancelled", "changed": True}
        events = read_sse(client, queued["events_url"])  # ends with the job
        assert [(e.name, e.data) for e in events] == [
            ("queued", {"type": "queued", "position": 1, "seq": 1}),
            ("cancelled", {"type": "cancelled", "message": "cancelled while queued", "seq": 2}),
        ]
        waiting = start(client, QUICK)  # its place in the queue is free again
        client.post(f"/api/train/{running['id']}/stop")
        # It starts by itself once the first has stopped (with a broker, after the worker has
        # skipped the cancelled job's message).
        job = wait_for_job(client, waiting)
        assert job["state"] == "done" and job["model_id"] and job["queue_position"] is None
        started = [e.name for e in read_sse(client, queued["events_url"])]
        assert "start" not in started  # the cancelled job was never trained


def test_a_crashing_job_fails_with_its_message(jobs_client):
    client = jobs_client
    # Plain SGD at lr 10 diverges at step 12 (a train_size the data lacks is refused at once).
    job_id = start(client, {**QUICK, "optimizer": "sgd", "lr": 10.0, "epochs": 5})
    job = wait_for_job(client, job_id)
    assert job["state"] == "failed" and "training diverged" in job["error"]
    last = read_sse(client, f"/api/train/{job_id}/events")[-1]
    seq = last.data["seq"]
    assert (last.name, last.id, last.data) == (
        "error",
        str(seq),
        {"type": "error", "message": job["error"], "seq": seq},
    )
    assert start(client, QUICK)  # the next job is taken


def test_a_killed_worker_process_fails_its_job_and_the_server_keeps_serving(client):
    """Embedded: the server sees its own child exit. A broker's killed worker: test_broker_faults
    (its lease runs out)."""
    killed = start(client, LONG)
    wait_for_job(client, killed, lambda j: j["progress"]["global_step"] >= 1)
    os.kill(client.app.state.jobs._running[killed].process.pid, signal.SIGKILL)
    job = wait_for_job(client, killed)
    assert job["state"] == "failed" and "exit code -9" in job["error"]
    assert client.get("/api/health").status_code == 200
    assert start(client, QUICK)


def test_after_a_restart_a_running_job_is_interrupted_with_its_history(settings):
    """Embedded: the jobs ran under the server that stopped. A broker's: the next test."""
    with TestClient(create_app(settings)) as client:
        job_id = start(client, LONG)
        # 180 images in batches of 16: 12 steps an epoch, so step 25 comes after epoch 2.
        before = wait_for_job(client, job_id, lambda j: j["progress"]["global_step"] >= 25)
    with TestClient(create_app(settings)) as client:
        job = client.get(f"/api/train/{job_id}").json()
        assert job["state"] == "interrupted" and job["error"]
        reached = job["progress"]["global_step"]
        assert reached >= before["progress"]["global_step"]
        assert job["progress"]["total_steps"] == 12 * 500
        assert job["metrics"]["val_accuracy"] is not None
        events = read_sse(client, f"/api/train/{job_id}/events")  # a late subscriber
        names = [event.name for event in events]
        assert names[0] == "start" and names[-1] == "interrupted"
        steps = [event.data["global_step"] for event in events if event.name == "step"]
        assert steps == list(range(1, reached + 1))
        epochs = [event.data["epoch"] for event in events if event.name == "epoch"]
        assert len(epochs) >= 2 and epochs == list(range(1, len(epochs) + 1))


@pytest.mark.parametrize("jobs_backend", [BROKER], indirect=True)
def test_after_an_api_restart_a_broker_job_goes_on_and_finishes(jobs_backend: JobsBackend):
    """With a broker the jobs belong to the workers: an API restart is not an interruption."""
    # 3 epochs of 12 steps at 10 steps a second: still running when the API restarts.
    paced = {**LONG, "epochs": 3, "steps_per_second": 10}
    with jobs_backend.client() as client:
        job_id = start(client, paced)
        before = wait_for_job(client, job_id, lambda j: j["progress"]["global_step"] >= 6)
    with jobs_backend.client() as client:
        after = client.get(f"/api/train/{job_id}").json()
        assert after["state"] == "running", after
        assert after["progress"]["global_step"] >= before["progress"]["global_step"]
        job = wait_for_job(client, job_id)
        assert job["state"] == "done" and job["stopped"] is False and job["model_id"]
        assert job["model_id"] in [model["id"] for model in client.get("/api/models").json()]
        events = read_sse(client, f"/api/train/{job_id}/events")
        names = [event.name for event in events]
        assert names[:2] == ["queued", "start"] and names[-1] == "done"
        assert "interrupted" not in names
        steps = [event.data["global_step"] for event in events if event.name == "step"]
        assert steps == list(range(1, 3 * 12 + 1))
        assert [event.data["epoch"] for event in events if event.name == "epoch"] == [1, 2, 3]


def test_a_bad_configuration_is_a_422_listing_every_problem(client):
    body = {"model": "nope", "optimizer": "adamw", "lr_schedule": "linear", "classes": [1, 1]}
    response = client.post("/api/train", json=body)
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert len(problems) == 4
    assert any("model" in p for p in problems) and any("optimizer" in p for p in problems)
    assert any("lr_schedule" in p for p in problems) and any("duplicates" in p for p in problems)
    # Numbers out of the ranges the schema states: pydantic's list, every field at once.
    out_of_range = client.post("/api/train", json={"epochs": 0, "lr": -1})
    assert out_of_range.status_code == 422
    assert [error["loc"] for error in out_of_range.json()["detail"]] == [
        ["body", "lr"],
        ["body", "epochs"],
    ]
    assert client.post("/api/train", json={"bogus": 1}).status_code == 422
    assert client.post("/api/train", json={"epochs": "many"}).status_code == 422


def test_a_dataset_not_downloaded_is_a_409_saying_how(client, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "nothing-here"))
    response = client.post("/api/train", json=QUICK)
    assert response.status_code == 409
    assert "/api/datasets/mnist/download" in response.json()["detail"]


@pytest.mark.parametrize("job_id", ["nope-1234", "UPPER", "a_b.c"])
@pytest.mark.parametrize("suffix", ["", "/events", "/pause", "/stop"])
def test_unknown_ids_are_404(client, job_id, suffix):
    method = client.post if suffix in ("/pause", "/stop") else client.get
    response = method(f"/api/train/{job_id}{suffix}")
    assert response.status_code == 404
    assert response.json()["detail"]
