"""The embedded job queue: a job past max_jobs waits (state queued, its position in `queued`
events), starts by itself when a running job ends, however it ends, can be cancelled, and ends
interrupted at shutdown or after a restart; past max_queued a job is refused. Every manager here
runs one job at a time, and expected positions are counted by hand in the comments."""

import json
import os
import shutil
import signal

import pytest
from tests.tiny_mnist import make_tiny_mnist
from tests.waiting import wait_until

from cnnviz.tasks.errors import JobLimitError, JobStateError
from cnnviz.tasks.jobs import JobManager
from cnnviz.train import TrainConfig

pytestmark = pytest.mark.timeout(120)  # a backstop: every wait below has its own deadline

QUICK = TrainConfig.from_dict({"model": "simple", "epochs": 1, "batch_size": 32})
LONG = TrainConfig.from_dict({"model": "simple", "epochs": 500, "batch_size": 16})
# 180 training images there: train_size 5000 fails inside the worker, before any step.
FAILING = TrainConfig.from_dict({"model": "simple", "epochs": 1, "train_size": 5000})


@pytest.fixture
def one_at_a_time(store):
    jobs = JobManager(store, max_jobs=1, max_queued=3)
    yield jobs
    jobs.shutdown()


def record_of(manager: JobManager, job) -> dict:
    return json.loads((manager.jobs_dir / f"{job.id}.json").read_text())


def latest_queued(job) -> tuple[int, int]:
    """(seq, position) of the job's latest queued event."""
    event = job.last["queued"]
    return event["seq"], event["position"]


def wait_for_position(job, position: int) -> tuple[int, int]:
    wait_until(lambda: latest_queued(job)[1] == position, what=f"{job.id} at {position}")
    return latest_queued(job)


def stepping(job) -> bool:
    return job.progress()["global_step"] >= 1


def test_positions_move_as_jobs_ahead_start_or_are_cancelled(one_at_a_time, data_dir):
    jobs = one_at_a_time
    first = jobs.start(LONG, data_dir)
    b, c, d = (jobs.start(LONG, data_dir) for _ in range(3))
    assert first.state == "running" and first.queue_position is None
    positions = [(j.state, j.queue_position) for j in (b, c, d)]
    assert positions == [("queued", 1), ("queued", 2), ("queued", 3)]
    assert jobs.active_count() == 1
    saved = record_of(jobs, d)  # written when queued
    assert (saved["state"], saved["queue_position"]) == ("queued", 3)
    assert saved["history"] == [{"type": "queued", "position": 3, "seq": 1}]
    seen = {job.id: [latest_queued(job)] for job in (b, c, d)}

    assert jobs.command(c.id, "stop") is True  # cancel the second in line: d moves up to 2
    assert c.state == "cancelled" and c.queue_position is None
    cancelled = {"type": "cancelled", "message": "cancelled while queued", "seq": 2}
    assert c.log.events()[-1] == cancelled
    assert record_of(jobs, c)["state"] == "cancelled"
    seen[d.id].append(wait_for_position(d, 2))

    wait_until(lambda: stepping(first), what="the first job's steps")
    jobs.command(first.id, "stop")  # b starts, d moves up to 1
    wait_until(lambda: stepping(b), what="b to train")
    assert first.state == "done" and first.stopped
    assert b.state == "running" and b.queue_position is None
    seen[d.id].append(wait_for_position(d, 1))

    jobs.command(b.id, "stop")  # d starts
    wait_until(lambda: stepping(d), what="d to train")
    assert (d.state, d.queue_position) == ("running", None)
    assert jobs.active_count() == 1
    # One event per move, numbered one after the other: b was 1 throughout, c 2 until
    # cancelled, d 3, then 2, then 1.
    assert seen == {b.id: [(1, 1)], c.id: [(1, 2)], d.id: [(1, 3), (2, 2), (3, 1)]}
    assert latest_queued(b) == (1, 1)
    # d's history keeps its first and latest position (the first and latest "queued" events).
    history = d.log.events()
    assert history[:3] == [
        {"type": "queued", "position": 3, "seq": 1},
        {"type": "queued", "position": 1, "seq": 3},
        {**history[2], "type": "start", "seq": 4},
    ]
    assert record_of(jobs, d)["state"] == "running"  # written when it started
    jobs.command(d.id, "stop")
    wait_until(lambda: d.final, what="d to stop")


def end_by_finishing(jobs, job) -> None:
    """QUICK ends done by itself."""


def end_by_stopping(jobs, job) -> None:
    wait_until(lambda: stepping(job), what="the first job's steps")
    jobs.command(job.id, "stop")


def end_by_killing(jobs, job) -> None:
    wait_until(lambda: stepping(job), what="the first job's steps")
    os.kill(jobs._running[job.id].process.pid, signal.SIGKILL)


ENDINGS = {
    "done": (QUICK, end_by_finishing, "done"),
    "stopped": (LONG, end_by_stopping, "done"),
    "failed": (FAILING, end_by_finishing, "failed"),
    "worker killed": (LONG, end_by_killing, "failed"),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_queued_job_starts_by_itself_when_the_running_one_ends(
    one_at_a_time, store, data_dir, ending
):
    config, end, state = ENDINGS[ending]
    first = one_at_a_time.start(config, data_dir)
    waiting = one_at_a_time.start(QUICK, data_dir)
    assert waiting.state == "queued" and waiting.started is None
    end(one_at_a_time, first)
    wait_until(lambda: waiting.final, what="the queued job to start and finish")
    assert first.state == state
    assert waiting.state == "done", waiting.error
    # It started once the first one ended: after it was queued, before it finished.
    assert waiting.created < first.finished <= waiting.started <= waiting.finished
    kinds = [event["type"] for event in waiting.log.events()]
    assert kinds[:2] == ["queued", "start"] and kinds[-1] == "done"
    entry = store.get(waiting.model_id)
    assert entry.meta["training_job"] == waiting.id
    assert record_of(one_at_a_time, waiting)["state"] == "done"


def test_queued_jobs_whose_dataset_went_away_fail_saying_so(one_at_a_time, data_dir, tmp_path):
    first = one_at_a_time.start(LONG, data_dir)
    elsewhere = make_tiny_mnist(tmp_path / "elsewhere")
    waiting = [one_at_a_time.start(QUICK, elsewhere) for _ in range(2)]
    shutil.rmtree(elsewhere / "mnist")
    wait_until(lambda: stepping(first), what="the first job's steps")
    one_at_a_time.command(first.id, "stop")  # each queued job in turn fails to start
    wait_until(lambda: all(job.final for job in waiting), what="the queued jobs to end")
    for job in waiting:
        assert job.state == "failed" and "/api/datasets/mnist/download" in job.error
        assert record_of(one_at_a_time, job)["state"] == "failed"
    assert first.state == "done" and one_at_a_time.active_count() == 0


def test_a_queued_job_takes_no_command_but_stop(one_at_a_time, data_dir):
    first = one_at_a_time.start(LONG, data_dir)
    waiting = one_at_a_time.start(LONG, data_dir)
    for command in ("pause", "resume", "step"):
        with pytest.raises(JobStateError, match=r"is queued \(position 1\)"):
            one_at_a_time.command(waiting.id, command)
    with pytest.raises(JobStateError, match="queued"):
        one_at_a_time.set_lr(waiting.id, 0.01)
    assert waiting.state == "queued" and waiting.lr_changes == 0
    assert one_at_a_time.command(waiting.id, "stop") is True
    assert waiting.state == "cancelled" and waiting.final
    assert (waiting.error, waiting.model_id) == ("cancelled while queued", None)
    with pytest.raises(JobStateError, match="cancelled; it takes no more commands"):
        one_at_a_time.command(waiting.id, "stop")
    assert first.state == "running"  # the running job is untouched


def test_one_job_past_max_queued_is_refused(one_at_a_time, data_dir):
    one_at_a_time.start(LONG, data_dir)
    queued = [one_at_a_time.start(LONG, data_dir) for _ in range(3)]  # max_queued=3
    with pytest.raises(JobLimitError, match=r"CNNVIZ_MAX_QUEUED=3"):
        one_at_a_time.start(QUICK, data_dir)
    assert len(one_at_a_time.jobs()) == 4  # the refused one is not kept
    one_at_a_time.command(queued[0].id, "stop")  # a place in the queue is free again
    again = one_at_a_time.start(QUICK, data_dir)
    assert (again.state, again.queue_position) == ("queued", 3)


def test_queued_jobs_end_interrupted_at_shutdown_and_after_a_restart(store, data_dir):
    crashed = JobManager(store, max_jobs=1)
    running = crashed.start(LONG, data_dir)
    waiting = crashed.start(LONG, data_dir)
    # A new manager over the same folder, as after a crash: nobody marked the records.
    restarted = JobManager(store, max_jobs=1)
    back = restarted.get(waiting.id)
    assert (back.state, back.queue_position) == ("interrupted", None)
    assert back.error == "the server restarted while this job was queued"
    assert back.log.events() == [
        {"type": "queued", "position": 1, "seq": 1},
        {"type": "interrupted", "message": back.error, "seq": 2},
    ]
    assert restarted.get(running.id).state == "interrupted"
    assert restarted.active_count() == 0

    crashed.shutdown()  # the orderly way: the queued job ends interrupted too
    assert waiting.state == "interrupted" and "shut down while it was queued" in waiting.error
    assert running.state == "interrupted"
    assert record_of(crashed, waiting)["state"] == "interrupted"
    assert waiting.log.events()[-1]["type"] == "interrupted"
