"""Pause, single step, resume and stop from another thread, as the web server will drive a run."""

import queue
import threading
import time

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
