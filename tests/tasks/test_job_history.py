"""What a training job keeps of its events and of its record: a bounded history (a 100,000-step
job holds under 1 MB of it), the record written when the job starts, after every epoch and when
it ends, failed too, and what comes back after a restart (a new JobManager over the same folder).
Expected numbers are counted by hand in the comments."""

import gc
import json
import sys
import time
import types

import pytest
from tests.long_run import long_run
from tests.waiting import wait_until, wait_until_steady

from cnnviz.tasks.job import Job
from cnnviz.tasks.jobs import JobManager
from cnnviz.train import TrainConfig

pytestmark = pytest.mark.timeout(300)  # a backstop: every wait below has its own deadline

MB = 1_000_000
FAILING = {"model": "simple", "epochs": 1, "batch_size": 32, "train_size": 5000}  # 180 there


def deep_size(root: object) -> int:
    """Bytes of every object reachable from `root`, each counted once (classes, functions and
    modules aside): what holding `root` costs, as tracemalloc would count it."""
    seen, stack, total = set(), [root], 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type | types.ModuleType | types.FunctionType):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total


def record_of(manager: JobManager, job_id: str) -> dict:
    return json.loads((manager.jobs_dir / f"{job_id}.json").read_text())


def test_a_100000_step_job_holds_at_most_1_mb_of_history(manager):
    job = Job(id="simple-mnist-0000beef", config={"model": "simple", "epochs": 10})
    started = time.perf_counter()
    for event in long_run(epochs=10, steps_per_epoch=10_000):
        manager._append(job, event)  # what the reader thread does with each event of the worker
    manager._finish(job, "done")
    seconds = time.perf_counter() - started
    held = deep_size(job)
    history = record_of(manager, job.id)["history"]
    kept = len(json.dumps(history))
    print(f"\n100,000 steps: {len(history)} events kept, {kept:,} bytes of JSON, {held:,} bytes")
    print(f"held by the job; fed in {seconds:.2f} s")
    assert held <= MB and kept <= MB
    assert history == job.log.events()
    # Events in the order emitted: start 1, filters 2, then per epoch e its 10,000 steps, the
    # epoch and its filters, so step g of epoch e is event 2 + g + 2 (e - 1); done is 100,023.
    steps = [e for e in history if e["type"] == "step"]
    assert all(e["seq"] == 2 + e["global_step"] + 2 * (e["epoch"] - 1) for e in steps)
    assert history[-1] == {**history[-1], "type": "done", "seq": 100_023}
    # At most 1,000 steps: the stride doubles to 128 (100,000 / 64 = 1,562 points are too many,
    # 100,000 / 128 = 781 are not), every 128th step, and the last.
    assert [e["global_step"] for e in steps] == [*range(128, 100_001, 128), 100_000]
    assert [e["epoch"] for e in history if e["type"] == "epoch"] == list(range(1, 11))
    assert [e["epoch"] for e in history if e["type"] == "filters"] == [0, 10]
    assert [e["type"] for e in history[:2]] == ["start", "filters"]


def test_a_finished_job_comes_back_after_a_restart_with_what_it_reached(manager, data_dir):
    config = {"model": "simple", "train_size": 120, "batch_size": 1, "epochs": 10}
    job = manager.start(TrainConfig.from_dict(config), data_dir)
    wait_until(lambda: job.final, timeout=180, what="1,200 steps")
    assert job.state == "done", job.error
    restarted = JobManager(manager.store).get(job.id)
    # 120 images one at a time, 10 epochs.
    assert restarted.progress() == {
        "global_step": 1200,
        "total_steps": 1200,
        "epoch": 10,
        "epochs": 10,
        "fraction": 1.0,
    }
    metrics = restarted.metrics()
    assert metrics["test_accuracy"] == job.last["done"]["accuracy"]
    assert metrics["val_accuracy"] == job.last["epoch"]["val_accuracy"]
    assert metrics["loss"] == job.last["step"]["loss"]
    assert restarted.state == "done" and restarted.model_id == job.model_id
    history = restarted.log.events()
    # 1,200 steps, at most 1,000 kept: every second one (the last, 1,200, among them).
    steps = [e["global_step"] for e in history if e["type"] == "step"]
    assert steps == list(range(2, 1201, 2))
    assert [e["epoch"] for e in history if e["type"] == "epoch"] == list(range(1, 11))
    # About 30 validation points by default: one every 40 steps, all kept.
    points = [e["global_step"] for e in history if e["type"] == "validation"]
    assert points == list(range(40, 1201, 40))
    assert history[-1]["type"] == "done" and history[-1]["seq"] == 1 + 1200 + 30 + 10 + 1


def test_a_failed_job_is_recorded_and_comes_back_failed(manager, data_dir):
    job = manager.start(TrainConfig.from_dict(FAILING), data_dir)
    wait_until(lambda: job.final, what="the job to fail")
    assert job.state == "failed" and "train_size" in job.error
    assert record_of(manager, job.id)["state"] == "failed"
    restarted = JobManager(manager.store).get(job.id)
    assert (restarted.state, restarted.error) == ("failed", job.error)
    assert restarted.log.events() == [{"type": "error", "message": job.error, "seq": 1}]
    assert sorted(p.name for p in manager.jobs_dir.iterdir()) == [f"{job.id}.json"]


def test_a_job_running_when_the_server_died_comes_back_interrupted_with_its_history(
    manager, data_dir
):
    config = {"model": "simple", "epochs": 500, "batch_size": 16}
    job = manager.start(TrainConfig.from_dict(config), data_dir)
    wait_until(lambda: "epoch" in job.last, what="an epoch")
    manager.command(job.id, "pause")  # the record stays at the last epoch, state "running"
    wait_until_steady(lambda: job.progress()["global_step"], what="the paused job's step")
    epochs = record_of(manager, job.id)["progress"]["epoch"]
    restarted = JobManager(manager.store).get(job.id)  # as after a crash: nobody marked it
    assert restarted.state == "interrupted" and "restarted" in restarted.error
    # 180 images in batches of 16: 12 steps an epoch.
    assert restarted.progress()["global_step"] == 12 * epochs
    assert restarted.progress()["epoch"] == epochs
    assert restarted.progress()["total_steps"] == 12 * 500
    assert set(restarted.metrics()) >= {"loss", "train_loss", "val_accuracy"}
    history = restarted.log.events()
    assert [e["type"] for e in history] == [
        "start",
        *(["step"] * 12 + ["epoch"]) * epochs,
        "interrupted",
    ]
    assert [e["seq"] for e in history] == list(range(1, len(history) + 1))
    assert history[-1]["message"] == restarted.error
    saved = record_of(manager, job.id)
    assert saved["state"] == "interrupted" and saved["history"] == history
