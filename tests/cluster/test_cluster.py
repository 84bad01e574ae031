"""Issue 13, acceptance 2: a cluster on loopback (Redis, two `cnnviz serve --broker` processes,
two `cnnviz worker` processes at concurrency 1, one models and one data folder) behaves as one
server. A job started through one API is followed live through the other; a subscriber that
reconnects with Last-Event-ID, on either API, misses no event and sees none twice; restarting
both APIs mid-job loses nothing; a worker killed outright fails its job with the lease message
within 30 s while the queue goes on; 40 jobs sent at once all finish, each told its place in the
queue while it waits.

The cluster is started once for the module (starting four processes takes seconds); each test
leaves it as it found it: two APIs, two idle workers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.cluster.cluster import Cluster, fresh_cluster
from tests.redis_server import RedisServer
from tests.sse_client import ServerEvent, iter_sse, read_sse
from tests.waiting import job_ended

from cnnviz.tasks.distributed.manager import LEASE_LOST

pytestmark = pytest.mark.timeout(240)  # a backstop: every wait below has its own deadline

#: A job of a few seconds that a test can watch: 30 steps of 6 digits at 10 steps a second.
PACED = {
    "model": "simple",
    "train_size": 180,
    "validation_size": 20,
    "batch_size": 6,
    "epochs": 1,
    "steps_per_second": 10,
    "emit_filters": False,  # a paced run sends filters by default; a live reader may miss
}  # the ones the bounded history replaces (first and latest kept), so the ids are contiguous
#: A job that runs until it is stopped or its worker dies (3,000 steps at 10 a second).
ENDLESS = {**PACED, "epochs": 100}
#: A job of a fraction of a second: 90 digits in batches of 20, as fast as the worker goes.
SMALL = {"model": "simple", "train_size": 100, "validation_size": 10, "batch_size": 20, "epochs": 1}
#: Jobs sent at once by the class test, and how long they may take to finish, all of them.
CLASS_JOBS = 40
CLASS_TIMEOUT_S = 150.0


@pytest.fixture(scope="module")
def cluster(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("cluster")
    with fresh_cluster(redis_server, folder, train=400, worker_count=2) as running:
        yield running


def start_job(cluster: Cluster, api: int, config: dict) -> dict:
    """POST /api/train through API number `api`: the new job's record."""
    status, job = cluster.apis[api].request("POST", "/api/train", config)
    assert status == 202, job
    return job


def wait_for_record(
    cluster: Cluster, api: int, job_id: str, condition=job_ended, timeout: float = 30.0
) -> dict:
    """GET the job through API `api` every 50 ms until `condition` holds; fail with the record."""
    deadline = time.monotonic() + timeout
    while not condition(job := cluster.apis[api].api("GET", f"/api/train/{job_id}")):
        assert time.monotonic() < deadline, f"timed out after {timeout} s; the job is {job}"
        time.sleep(0.05)
    return job


def history(cluster: Cluster, api: int, job_id: str) -> list[ServerEvent]:
    """A finished job's whole kept history, read from the start through API `api`."""
    with cluster.client(api) as client:
        return read_sse(client, f"/api/train/{job_id}/events", timeout=30)


def seqs(events: list[ServerEvent]) -> list[int]:
    return [int(event.id) for event in events]


def test_a_job_started_through_one_api_is_followed_live_through_the_other(cluster: Cluster):
    job = start_job(cluster, 0, PACED)
    received: list[tuple[float, ServerEvent]] = []
    with cluster.client(1) as client:
        for event in iter_sse(client, f"/api/train/{job['id']}/events", timeout=60):
            received.append((time.monotonic(), event))
    events = [event for _, event in received]
    kinds = [event.name for event in events]
    assert kinds[0] == "queued" and kinds[-1] == "done", kinds
    assert "start" in kinds
    steps = [event.data["global_step"] for event in events if event.name == "step"]
    assert steps == list(range(1, 31)), steps  # 180 digits / 6: every step, once, in order
    # Live, not replayed at the end: the first step reached API 2 while the job still ran (30
    # steps at 10 a second take 3 s), and every event carries its number as its id.
    first_step = next(at for at, event in received if event.name == "step")
    assert received[-1][0] - first_step > 2.0
    assert all(event.data["seq"] == int(event.id) for event in events)
    assert seqs(events) == list(range(1, len(events) + 1))
    # What was streamed live is exactly the history kept for a late subscriber.
    assert [(e.id, e.data) for e in history(cluster, 0, job["id"])] == [
        (e.id, e.data) for e in events
    ]
    # Both APIs answer the same for the job, and its model is in the shared folder for both.
    records = [api.api("GET", f"/api/train/{job['id']}") for api in cluster.apis]
    assert records[0] == records[1] and records[0]["state"] == "done"
    model_id = records[0]["model_id"]
    for api in cluster.apis:
        assert model_id in [model["id"] for model in api.api("GET", "/api/models")]


def test_a_subscriber_that_reconnects_with_last_event_id_misses_none_and_repeats_none(
    cluster: Cluster,
):
    job = start_job(cluster, 1, PACED)
    path = f"/api/train/{job['id']}/events"
    first: list[ServerEvent] = []
    with cluster.client(0) as client:
        for event in iter_sse(client, path, timeout=60):
            first.append(event)
            if event.name == "step" and event.data["global_step"] == 5:
                break  # the subscriber leaves mid-run (a phone locks its screen)
    time.sleep(1.0)  # ~10 steps happen while nobody listens
    resumed_at = first[-1].id
    with cluster.client(1) as client:  # back, through the other API, as a reload may land
        second = read_sse(client, path, headers={"Last-Event-ID": resumed_at}, timeout=60)
    assert second[-1].name == "done"
    assert int(second[0].id) == int(resumed_at) + 1
    seen = first + second
    full = history(cluster, 0, job["id"])
    assert seqs(seen) == seqs(full) == list(range(1, len(full) + 1))
    assert [event.data for event in seen] == [event.data for event in full]
    steps = [event.data["global_step"] for event in seen if event.name == "step"]
    assert steps == list(range(1, 31))


def test_restarting_both_apis_mid_job_keeps_its_history_and_the_job_finishes(cluster: Cluster):
    # 15 s: time for both APIs to stop and start again (about 5 s here) while it runs.
    job = start_job(cluster, 0, {**PACED, "steps_per_second": 2})
    path = f"/api/train/{job['id']}/events"
    before: list[ServerEvent] = []
    with cluster.client(1) as client:
        for event in iter_sse(client, path, timeout=60):
            before.append(event)
            if event.name == "step" and event.data["global_step"] == 3:
                break
    old_ports = [api.port for api in cluster.apis]
    cluster.restart_apis()
    assert all(api.port not in old_ports for api in cluster.apis)
    # The job went on meanwhile, on its worker: neither interrupted nor restarted.
    during = cluster.apis[0].api("GET", f"/api/train/{job['id']}")
    assert during["state"] == "running", during["state"]
    assert during["progress"]["global_step"] > 3
    after = history(cluster, 1, job["id"])
    assert [(e.id, e.data) for e in after[: len(before)]] == [(e.id, e.data) for e in before]
    assert len(after) > len(before) and after[-1].name == "done"
    steps = [event.data["global_step"] for event in after if event.name == "step"]
    assert steps == list(range(1, 31))
    record = cluster.apis[0].api("GET", f"/api/train/{job['id']}")
    assert record["state"] == "done" and record["progress"]["global_step"] == 30


def test_a_killed_worker_fails_its_job_with_the_lease_message_and_the_queue_goes_on(
    cluster: Cluster,
):
    doomed = start_job(cluster, 0, ENDLESS)
    wait_for_record(cluster, 0, doomed["id"], lambda job: job["progress"]["global_step"] >= 2)
    worker = cluster.worker_running(doomed["id"])
    cluster.kill_worker(worker)
    killed_at = time.monotonic()
    try:
        failed = wait_for_record(cluster, 1, doomed["id"], timeout=30.0)
        noticed_after = time.monotonic() - killed_at
        assert failed["state"] == "failed" and failed["error"] == LEASE_LOST, failed["error"]
        assert noticed_after < 30.0
        events = history(cluster, 1, doomed["id"])
        assert events[-1].name == "error" and events[-1].data["message"] == LEASE_LOST
        # The queue goes on: the surviving worker takes the next two jobs, one after the other.
        later = [start_job(cluster, api, SMALL)["id"] for api in (0, 1)]
        for job_id in later:
            assert wait_for_record(cluster, 1, job_id, timeout=60.0)["state"] == "done"
    finally:
        cluster.start_worker()  # the next test has two workers again


def watch_queue(cluster: Cluster, ids: set[str], timeout: float) -> dict[str, list[int]]:
    """GET /api/train through API 2 every 100 ms until every job of `ids` has ended: for each
    job, the queue positions the listing gave it while it waited, in order."""
    positions: dict[str, list[int]] = {job_id: [] for job_id in ids}
    deadline = time.monotonic() + timeout
    while True:
        listed = {job["id"]: job for job in cluster.apis[1].api("GET", "/api/train")}
        assert ids <= listed.keys(), f"jobs missing from the list: {sorted(ids - listed.keys())}"
        for job_id in ids:
            if listed[job_id]["state"] == "queued":
                positions[job_id].append(listed[job_id]["queue_position"])
        if all(job_ended(listed[job_id]) for job_id in ids):
            return positions
        waiting = sum(listed[job_id]["state"] == "queued" for job_id in ids)
        assert time.monotonic() < deadline, f"{waiting} jobs still queued after {timeout} s"
        time.sleep(0.1)


def test_forty_jobs_sent_at_once_all_finish_each_told_its_place_while_it_waits(
    cluster: Cluster,
):
    with ThreadPoolExecutor(8) as pool:  # a class pressing Train together, on both APIs
        answers = list(pool.map(lambda i: start_job(cluster, i % 2, SMALL), range(CLASS_JOBS)))
    ids = {job["id"] for job in answers}
    assert len(ids) == CLASS_JOBS
    # None refused: each answer is a place in the queue, or (a job a free worker took before
    # the answer was read) the job running with no place; two workers take few that fast.
    places = [job["queue_position"] for job in answers if job["state"] == "queued"]
    assert all(place >= 1 for place in places)
    assert all(
        job["state"] in ("running", "done") and job["queue_position"] is None
        for job in answers
        if job["state"] != "queued"
    ), [(job["state"], job["queue_position"]) for job in answers]
    assert len(places) >= CLASS_JOBS * 3 // 4 and max(places) > CLASS_JOBS // 2, places
    seen = watch_queue(cluster, ids, CLASS_TIMEOUT_S)
    # While they waited, GET gave each a place that only moved forward, and most were seen
    # waiting (the listing is read every 100 ms; a job takes about a second).
    assert all(moves == sorted(moves, reverse=True) for moves in seen.values()), seen
    assert sum(bool(moves) for moves in seen.values()) >= CLASS_JOBS // 2, seen
    records = {job_id: cluster.apis[0].api("GET", f"/api/train/{job_id}") for job_id in ids}
    assert {record["state"] for record in records.values()} == {"done"}
    models = {model["id"] for model in cluster.apis[0].api("GET", "/api/models")}
    assert {record["model_id"] for record in records.values()} <= models
    for index, job in enumerate(answers):
        events = history(cluster, index % 2, job["id"])
        queued = [event.data["position"] for event in events if event.name == "queued"]
        kinds = [event.name for event in events]
        # The first place it was given (when it was sent) and the latest, before it started.
        assert queued and queued[-1] >= 1, queued
        assert job["state"] != "queued" or queued[0] >= job["queue_position"], (queued, job)
        assert queued == sorted(queued, reverse=True)
        assert kinds.index("start") > kinds.index("queued") and kinds[-1] == "done"
        assert kinds.count("start") == kinds.count("done") == 1
