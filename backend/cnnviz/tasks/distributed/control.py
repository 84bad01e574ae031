"""How a Celery worker's job hears from the API processes and proves it is alive.

- `RedisControl`: the job's commands (pause, resume, step, stop, a new learning rate) arrive on a
  Redis list whichever API process received them; the training loop reads them before each batch
  and waits on the list (BLPOP), so a command wakes a pause or a pace at once.
- `Lease`: a thread renews the job's lease key every few seconds. If the process dies, or the
  worker's main process does (then this one ends itself, rather than train on unwatched), the
  lease runs out and the API processes' sweep fails the job within `LEASE_SECONDS` plus one sweep.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import Any

import redis

from cnnviz.tasks.distributed import keys
from cnnviz.tasks.worker import CommandControl
from cnnviz.train import TrainingControl

#: The lease's time to live, how often it is renewed and how often the API processes sweep.
LEASE_SECONDS = 15.0
RENEW_SECONDS = 3.0
SWEEP_SECONDS = 5.0
#: The longest one blocking read waits (under the client's socket timeout); a longer wait loops.
BLOCK_SECONDS = 2.0


class RedisControl(CommandControl):
    def __init__(self, control: TrainingControl, client: redis.Redis, job_id: str) -> None:
        super().__init__(control)
        self.client = client
        self.key = keys.control(job_id)

    def _receive(self, timeout: float | None) -> list[Any]:
        try:
            waiting = self.client.lpop(self.key, 100) or []
            if not waiting and timeout != 0:
                block = BLOCK_SECONDS if timeout is None else min(timeout, BLOCK_SECONDS)
                popped = self.client.blpop([self.key], timeout=max(block, 0.01))
                waiting = [popped[1]] if popped else []
        except redis.RedisError as exc:  # the broker is gone: the run stops (see CommandControl)
            raise OSError(str(exc)) from None
        return [json.loads(command) for command in waiting]


class Lease:
    """Renews `keys.lease(job_id)` from a daemon thread; calls `on_lost` once if the lease was
    taken away (the sweep failed the job: it is no longer this process's to train)."""

    def __init__(
        self, client: redis.Redis, job_id: str, holder: str, on_lost: Callable[[], None]
    ) -> None:
        self.client = client
        self.key = keys.lease(job_id)
        self.holder = holder
        self.on_lost = on_lost
        self._parent = os.getppid()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._renew, daemon=True, name=f"lease-{job_id}")

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._done.set()
        self._thread.join(RENEW_SECONDS)

    def _renew(self) -> None:
        while not self._done.wait(RENEW_SECONDS):
            if os.getppid() != self._parent:
                os._exit(1)  # the worker's main process died: let the lease run out
            try:
                renewed = self.client.set(
                    self.key, self.holder, px=int(LEASE_SECONDS * 1000), xx=True
                )
            except redis.RedisError:
                continue  # the broker is away; the next renewal tries again
            if not renewed:
                self.on_lost()
                return
