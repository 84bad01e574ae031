"""The job manager without HTTP: training in a worker process, events, control, faults, and
background dataset downloads (what a job keeps across restarts: test_job_history; the queue past
max_jobs: test_job_queue). Each job trains `simple` on a tiny made-up dataset."""

import json
import os
import signal
import time
from pathlib import Path

import pytest
from tests.waiting import wait_until, wait_until_steady

from cnnviz.data import DownloadResult
from cnnviz.tasks.downloads import DownloadManager
from cnnviz.tasks.errors import (
    DatasetMissingError,
    JobNotFoundError,
    JobStateError,
)
from cnnviz.train import TrainConfig

pytestmark = pytest.mark.timeout(120)  # a backstop: every wait below has its own deadline


def steps(job) -> list[dict]:
    return [e for e in job.log.events() if e["type"] == "step"]


def global_step(job) -> int:
    return job.progress()["global_step"]


def settle(job) -> int:
    """Wait until the job's global step stays put; return it."""
    return wait_until_steady(lambda: global_step(job), what="the global step")


QUICK = {"model": "simple", "epochs": 1, "batch_size": 32}
LONG = {"model": "simple", "epochs": 500, "batch_size": 16}


def test_a_job_trains_in_a_worker_and_its_model_joins_the_store(manager, store, data_dir):
    job = manager.start(TrainConfig.from_dict(QUICK), data_dir)
    wait_until(lambda: job.final, what="the job to end")
    assert job.state == "done", job.error
    events = job.log.events()
    kinds = [e["type"] for e in events]
    # 180 images / 32 per batch: 6 steps, each a validation point (about 30 a run by default).
    assert kinds == ["start", *["step", "validation"] * 6, "epoch", "done"]
    assert [e["seq"] for e in events] == list(range(1, 16))
    assert [e["global_step"] for e in steps(job)] == list(range(1, 7))
    entry = store.get(job.model_id)
    assert entry.meta["training_job"] == job.id and entry.meta["dataset"] == "mnist"
    assert entry.meta["evaluation"]["accuracy"] == job.last["done"]["accuracy"]
    assert job.model_id in store.ids()
    record = json.loads((store.models_dir / "jobs" / f"{job.id}.json").read_text())
    assert record["state"] == "done" and record["model_id"] == job.model_id
    assert record["progress"]["fraction"] == 1.0
    assert not list((store.models_dir / "jobs").glob("*.npz"))


def test_pause_step_resume_stop(manager, data_dir):
    job = manager.start(TrainConfig.from_dict(LONG), data_dir)
    wait_until(lambda: global_step(job) >= 2, what="steps")
    assert manager.command(job.id, "pause") is True
    assert manager.command(job.id, "pause") is False  # already paused
    assert job.state == "paused"
    paused_at = settle(job)
    assert manager.command(job.id, "step") is True
    wait_until(lambda: global_step(job) == paused_at + 1, what="one single step")
    assert job.last["step"]["single_step"] is True
    assert settle(job) == paused_at + 1  # exactly one
    assert manager.command(job.id, "resume") is True
    wait_until(lambda: global_step(job) > paused_at + 5, what="steps after resume")
    assert manager.command(job.id, "step") is False  # not paused
    assert manager.command(job.id, "stop") is True
    wait_until(lambda: job.final, what="the job to stop")
    assert job.state == "done" and job.stopped is True
    assert job.last["done"]["stopped"] is True and job.model_id is not None
    with pytest.raises(JobStateError, match="takes no more commands"):
        manager.command(job.id, "pause")


def test_an_error_inside_the_worker_fails_the_job_with_its_message(manager, data_dir):
    job = manager.start(TrainConfig.from_dict({**QUICK, "train_size": 5000}), data_dir)
    wait_until(lambda: job.final, what="the job to fail")
    assert job.state == "failed"
    assert "train_size" in job.error
    assert job.log.events() == [{"type": "error", "message": job.error, "seq": 1}]
    ok = manager.start(TrainConfig.from_dict(QUICK), data_dir)  # the manager carries on
    wait_until(lambda: ok.final, what="the next job")
    assert ok.state == "done"


def test_a_worker_that_dies_fails_the_job(manager, data_dir):
    job = manager.start(TrainConfig.from_dict(LONG), data_dir)
    wait_until(lambda: global_step(job) >= 1, what="a step")
    os.kill(manager._running[job.id].process.pid, signal.SIGKILL)
    wait_until(lambda: job.final, what="the job to fail")
    assert job.state == "failed" and "exit code -9" in job.error
    assert manager.active_count() == 0


def test_a_missing_dataset_is_refused_before_any_worker_starts(manager, tmp_path):
    with pytest.raises(DatasetMissingError, match="/api/datasets/mnist/download"):
        manager.start(TrainConfig.from_dict(QUICK), tmp_path / "empty")
    assert manager.jobs() == []


def test_unknown_and_malformed_ids(manager):
    with pytest.raises(JobNotFoundError, match="no training job"):
        manager.get("nope-123")
    with pytest.raises(JobNotFoundError, match="not a job id"):
        manager.get("../etc")


def test_downloads_report_progress_then_done_or_error(tmp_path):
    def fake(name, root, progress):
        for done in (0, 50, 100):
            progress("train-images-idx3-ubyte.gz", done, 100)
        return DownloadResult(folder=Path(root) / name, bytes_downloaded=100)

    downloads = DownloadManager(download=fake)
    job = downloads.start("mnist", tmp_path)
    wait_until(lambda: job.final, what="the download")
    kinds = [e["type"] for e in job.log.events()]
    assert kinds == ["progress"] * 3 + ["done"] and job.state == "done"

    def broken(name, root, progress):
        raise OSError("disk full")

    downloads = DownloadManager(download=broken)
    job = downloads.start("mnist", tmp_path)
    wait_until(lambda: job.final, what="the download")
    assert job.state == "failed"
    failed = {"type": "error", "message": "download failed: disk full", "seq": 1}
    assert job.log.events() == [failed]


PACE = 10  # steps per second: a slot of 100 ms


def steps_in(job, seconds: float) -> int:
    """How many steps the job makes in the next `seconds` (read at the deadline)."""
    before = global_step(job)
    time.sleep(seconds)
    return global_step(job) - before


def test_a_paced_job_keeps_its_pace_and_full_speed_is_not_slowed(manager, data_dir):
    """In 3 s at 4 steps a second a job has 12 slots, and at most one batch already under way:
    never more than 13 steps. At full speed the same job makes more (the worker runs at idle
    priority, so on a busy machine it may make far fewer than it could: the bound is the pace's,
    not the machine's)."""
    pace, window = 4, 3.0
    most = int(pace * window) + 1
    paced = manager.start(TrainConfig.from_dict({**LONG, "steps_per_second": pace}), data_dir)
    wait_until(lambda: global_step(paced) >= 1, what="the first step")
    made = steps_in(paced, window)
    assert 3 <= made <= most, made
    manager.command(paced.id, "stop")
    wait_until(lambda: paced.final, what="the paced job to stop")

    fast = manager.start(TrainConfig.from_dict(LONG), data_dir)
    wait_until(lambda: global_step(fast) >= 1, what="the first step")
    assert steps_in(fast, window) > most  # a batch of 16 takes a few milliseconds
    manager.command(fast.id, "stop")
    wait_until(lambda: fast.final, what="the fast job to stop")


def test_pause_step_and_stop_act_within_one_batch_while_pacing(manager, data_dir):
    job = manager.start(TrainConfig.from_dict({**LONG, "steps_per_second": PACE}), data_dir)
    wait_until(lambda: global_step(job) >= 3, what="three steps")
    assert manager.command(job.id, "pause") is True
    answered_at = global_step(job)
    paused_at = settle(job)
    assert paused_at <= answered_at + 1  # the batch in flight, if any, and no more
    assert manager.command(job.id, "step") is True
    wait_until(lambda: global_step(job) == paused_at + 1, what="one single step")
    assert settle(job) == paused_at + 1  # exactly one, at once: single steps are not paced
    assert manager.command(job.id, "resume") is True
    wait_until(lambda: global_step(job) >= paused_at + 3, what="steps after resume")
    assert manager.command(job.id, "stop") is True
    stopped_at = global_step(job)
    wait_until(lambda: job.final, what="the job to stop")
    assert job.stopped and job.last["done"]["global_step"] <= stopped_at + 1
