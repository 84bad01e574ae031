"""Pause, single-step, resume and stop a training run from another thread.

The training loop calls `checkpoint()` before every batch; that is the only contact between the
loop and whoever drives it (the web server, a test). Everything else here is for the driver.
`checkpoint()` blocks while paused, and tells the loop whether to run the next batch as usual
("run"), as one single step taken while paused ("step") or to stop ("stop"). The trainer assumes
nothing else (see `Control`): the worker process offers the same `checkpoint()` over its pipe
from the server (`cnnviz.tasks.worker.PipeControl`, built on `ready()`: the decision without the
wait).

A watch pace (`steps_per_second`) makes a run slow enough for a class to follow: `checkpoint()`
then also waits out the rest of the previous batch's time slot (1 / steps_per_second seconds from
when that batch started). It waits as a pause does, so pause, step and stop wake it at once and
still act before the next batch; a single step taken while paused is never paced.
"""

import threading
import time
from typing import Literal, Protocol

State = Literal["running", "paused", "stopped"]
Decision = Literal["run", "step", "stop"]


class Control(Protocol):
    """What the training loop needs from a controller: the decision before each batch, and then
    a new base learning rate when one was asked for since the last batch (else None)."""

    def checkpoint(self) -> Decision: ...

    def take_lr(self) -> float | None: ...


class TrainingControl:
    """Thread-safe run state: "running" -> "paused" <-> "running", any -> "stopped" (final).

    - `pause()`: the loop finishes the batch it is in and waits before the next.
    - `step()`: while paused, let exactly one more batch run, then wait again; several calls queue
      as many batches. Ignored unless paused.
    - `resume()`: back to running (queued single steps are dropped).
    - `stop()`: the loop finishes the current batch, skips the rest and reports `done` with
      stopped=True. Works while paused too.
    - `set_lr(lr)`: a new base learning rate for the batches after the current one (the last
      asked for wins); `take_lr()` hands it to the loop once.
    Each method returns whether it changed anything, so a caller can answer "already paused".

    `steps_per_second`: None runs as fast as possible; a number paces the batches (see the module).
    """

    def __init__(self, steps_per_second: float | None = None) -> None:
        if steps_per_second is not None and not steps_per_second > 0:
            raise ValueError(f"steps_per_second must be above 0 or None, got {steps_per_second!r}")
        self._cond = threading.Condition()
        self._state: State = "running"
        self._steps = 0  # single steps granted while paused
        self._slot = 1.0 / steps_per_second if steps_per_second else 0.0
        self._next_batch = -float("inf")  # time.monotonic() the next paced batch may start
        self._lr: float | None = None  # a base learning rate asked for, not yet taken

    @property
    def state(self) -> State:
        with self._cond:
            return self._state

    def pause(self) -> bool:
        with self._cond:
            if self._state != "running":
                return False
            self._state = "paused"
            self._cond.notify_all()  # a paced wait ends at once
            return True

    def resume(self) -> bool:
        with self._cond:
            if self._state != "paused":
                return False
            self._state, self._steps = "running", 0
            self._cond.notify_all()
            return True

    def step(self) -> bool:
        with self._cond:
            if self._state != "paused":
                return False
            self._steps += 1
            self._cond.notify_all()
            return True

    def stop(self) -> bool:
        with self._cond:
            if self._state == "stopped":
                return False
            self._state, self._steps = "stopped", 0
            self._cond.notify_all()
            return True

    def set_lr(self, lr: float) -> bool:
        """Ask for base learning rate `lr` from the next batch on; False once stopped."""
        with self._cond:
            if self._state == "stopped":
                return False
            self._lr = float(lr)
            return True

    def take_lr(self) -> float | None:
        """The base learning rate asked for since the last call, or None."""
        with self._cond:
            lr, self._lr = self._lr, None
            return lr

    def checkpoint(self) -> Decision:
        """Called by the loop before each batch: waits out the pace's time slot while running,
        and waits while paused with no step granted."""
        with self._cond:
            while True:
                decision, wait = self._ready()
                if decision is not None:
                    return decision
                self._cond.wait(wait)

    def ready(self) -> tuple[Decision | None, float | None]:
        """`checkpoint()` without waiting, for a loop that waits elsewhere (the worker process
        waits on its pipe from the server): (the decision, None) when the next batch may go,
        else (None, how long to wait at most: None while paused)."""
        with self._cond:
            return self._ready()

    def _ready(self) -> tuple[Decision | None, float | None]:
        if self._state == "running":
            left = self._next_batch - time.monotonic()
            if left > 0:
                return None, left
        elif self._state == "paused" and self._steps == 0:
            return None, None
        if self._state == "stopped":
            return "stop", None
        self._next_batch = time.monotonic() + self._slot
        if self._state == "paused":
            self._steps -= 1
            return "step", None
        return "run", None
