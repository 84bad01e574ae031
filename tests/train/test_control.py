"""Pause, single step, resume and stop from another thread, as the web server will drive a run."""

import queue
import threading
import time

import numpy as np
import pytest
from tests.synthetic_digits import bars

from cnnviz.train import TrainConfig, Trainer, TrainingControl

QUIET = 0.3  # seconds without a step event that count as "no progress"


class Run:
    """A training run in a thread, its events arriving in a queue."""

    def __init__(self, control: TrainingControl, **overrides) -> None:
        config = TrainConfig(
            **{"train_size": 512, "validation_size": 64, "batch_size": 8, "epochs": 50} | overrides
        )
        self.trainer = Trainer(config, *bars(600))
        self.events: queue.Queue = queue.Queue()
        self.result = None
        self.thread = threading.Thread(target=self._target, args=(control,), daemon=True)
        self.thread.start()

    def _target(self, control):
        self.result = self.trainer.run(self.events.put, control)

    def next(self, kind: str, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            event = self.events.get(timeout=max(deadline - time.monotonic(), 0.001))
            if event["type"] == kind:
                return event

    def steps_within(self, seconds: float) -> list[dict]:
        """Step events arriving in the next `seconds`."""
        out, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event["type"] == "step":
                out.append(event)
        return out

    def settle(self) -> int:
        """After a pause: wait out the batch in flight; the last global step reached."""
        steps = self.steps_within(0.2)
        return steps[-1]["global_step"] if steps else None


def test_pause_step_resume_stop():
    control = TrainingControl()
    run = Run(control)
    last = run.next("step")["global_step"]

    assert control.pause() and control.state == "paused"
    last = run.settle() or last
    assert run.steps_within(QUIET) == []  # paused: no progress

    assert control.step()
    (single,) = run.steps_within(QUIET)  # exactly one batch, then paused again
    assert single["global_step"] == last + 1 and single["single_step"]
    assert control.state == "paused"
    assert control.step() and control.step()
    two = run.steps_within(QUIET)
    assert [s["global_step"] for s in two] == [last + 2, last + 3]

    assert control.resume() and control.state == "running"
    moving = run.steps_within(QUIET)
    assert len(moving) > 3 and moving[0]["global_step"] == last + 4
    assert not any(s["single_step"] for s in moving)

    assert control.stop() and control.state == "stopped"
    done = run.next("done")
    run.thread.join(10)
    assert not run.thread.is_alive()
    assert done["stopped"] is True
    assert done["global_step"] < run.trainer.total_steps
    assert done["evaluated_on"] == "validation" and done["accuracy"] is not None
    assert run.result is run.trainer.model


def test_stop_while_paused_before_the_first_batch():
    control = TrainingControl()
    control.pause()
    run = Run(control)
    assert run.next("start")["type"] == "start"
    assert run.steps_within(QUIET) == []
    control.stop()
    done = run.next("done")
    run.thread.join(10)
    assert done["stopped"] and done["global_step"] == 0 and done["epochs_completed"] == 0
    assert run.result is run.trainer.model


def test_single_steps_are_reported_even_between_step_every():
    control = TrainingControl()
    control.pause()
    run = Run(control, step_every=1000)
    control.step()
    (single,) = run.steps_within(QUIET)
    assert single["global_step"] == 1 and single["single_step"]
    control.stop()
    run.thread.join(10)


@pytest.mark.parametrize(
    "actions, state",
    [
        ([], "running"),
        (["pause"], "paused"),
        (["pause", "resume"], "running"),
        (["pause", "stop"], "stopped"),
        (["stop", "resume"], "stopped"),
        (["stop", "pause"], "stopped"),
    ],
)
def test_state_transitions(actions, state):
    control = TrainingControl()
    for action in actions:
        getattr(control, action)()
    assert control.state == state


def test_methods_report_whether_they_changed_anything():
    control = TrainingControl()
    assert not control.resume() and not control.step()  # running: nothing to resume or step
    assert control.checkpoint() == "run"
    assert control.pause() and not control.pause()
    assert control.step() and control.checkpoint() == "step"
    assert control.stop() and not control.stop() and control.checkpoint() == "stop"


# -- the watch pace ------------------------------------------------------------------------------
PACE = 20  # steps per second: a slot of 50 ms


def checkpoints_in_a_thread(control: TrainingControl, count: int) -> tuple[queue.Queue, object]:
    """`count` checkpoints in a thread (the loop without training); each decision and the
    monotonic time it was taken arrive in the queue."""
    decisions: queue.Queue = queue.Queue()

    def loop() -> None:
        for _ in range(count):
            decision = control.checkpoint()
            decisions.put((decision, time.monotonic()))
            if decision == "stop":
                return

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return decisions, thread


def test_the_pace_spaces_batches_by_its_slot_and_no_pace_does_not_wait():
    control = TrainingControl(steps_per_second=PACE)
    started = time.monotonic()
    times = []
    for _ in range(11):
        assert control.checkpoint() == "run"
        times.append(time.monotonic())
    # The first batch goes at once; each next one a full slot after the one before it.
    assert times[0] - started < 0.02
    gaps = np.diff(times)
    assert gaps.min() >= 1 / PACE - 0.002, gaps  # Condition.wait may wake a hair early: <= 2 ms
    assert times[-1] - times[0] >= 10 / PACE
    assert times[-1] - times[0] < 10 / PACE + 0.25, "paced far slower than asked"

    fast = TrainingControl()
    started = time.monotonic()
    for _ in range(10_000):
        fast.checkpoint()
    assert time.monotonic() - started < 0.5  # 10,000 slots of 50 ms would be 500 s


def test_pause_step_and_stop_wake_a_paced_wait_at_once():
    control = TrainingControl(steps_per_second=0.2)  # a slot of 5 s
    assert control.checkpoint() == "run"  # the next one waits 5 s...
    decisions, thread = checkpoints_in_a_thread(control, 3)
    time.sleep(0.1)
    assert decisions.empty()
    control.pause()  # ...until paused: then it waits for a step, not for the slot
    time.sleep(0.1)
    asked = time.monotonic()
    control.step()
    decision, at = decisions.get(timeout=1)
    assert decision == "step" and at - asked < 0.5  # at once: a single step is never paced
    assert control.state == "paused"
    time.sleep(0.1)
    assert decisions.empty()  # paused again after exactly one
    control.resume()
    time.sleep(0.1)
    assert decisions.empty()  # running: the slot after the single step is 5 s
    asked = time.monotonic()
    control.stop()
    decision, at = decisions.get(timeout=1)
    assert decision == "stop" and at - asked < 0.5  # at once, not at the end of the 5 s slot
    thread.join(1)
    assert not thread.is_alive()


def test_a_pace_must_be_positive():
    for bad in (0, -1.0):
        with pytest.raises(ValueError, match="steps_per_second must be above 0"):
            TrainingControl(steps_per_second=bad)


def test_a_paced_run_takes_its_time_and_pause_acts_within_one_batch():
    control = TrainingControl(steps_per_second=PACE)
    run = Run(control)
    first = run.next("step")
    steps = run.steps_within(0.6)
    # 0.6 s at 20 steps a second: 12 slots, so at most 12 steps after the first (8 leaves room
    # for a busy machine: a batch of 8 takes about a millisecond here).
    assert 8 <= len(steps) <= 12, [s["global_step"] for s in steps]
    assert steps[-1]["global_step"] == first["global_step"] + len(steps)
    control.pause()
    paused_at = steps[-1]["global_step"]
    late = run.steps_within(QUIET)
    assert len(late) <= 1  # at most the batch in flight
    control.stop()
    done = run.next("done")
    assert done["stopped"] and done["global_step"] <= paused_at + 1
    run.thread.join(10)
