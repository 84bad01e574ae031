"""A training job's worker process as the server holds it (see `jobs`): the process that runs
`worker.run_worker`, the pipe its events come back on, the pipe commands go out on.

Processes start with multiprocessing "forkserver" where available, else "spawn": never plain
fork, the server has threads. The pipes exist before the process starts, so a command sent while
it starts (or loads its data) waits in the pipe and is applied before the first batch.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cnnviz.tasks.worker import run_worker

#: Seconds a worker whose event pipe has closed gets to exit before its exit code is read.
EXIT_WAIT = 5.0


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


@dataclass
class WorkerProcess:
    """The server's side of one worker: create, `start`, `send` commands, `receive` events."""

    process: Any
    events: Any  # Connection, worker -> server
    control: Any  # Connection, server -> worker
    #: The worker's own ends of the pipes, closed here once it has started (or failed to).
    child_ends: tuple[Any, Any]
    send_lock: threading.Lock = field(default_factory=threading.Lock)
    #: The server's thread that reads the events (set by the manager).
    reader: threading.Thread | None = None

    @classmethod
    def create(
        cls, name: str, config: dict, data_dir: Path, with_test: bool, result: Path
    ) -> WorkerProcess:
        """The process and its pipes, not started: commands may be sent at once."""
        ctx = _context()
        events_recv, events_send = ctx.Pipe(duplex=False)
        control_recv, control_send = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=run_worker,
            args=(config, str(data_dir), with_test, str(result), events_send, control_recv),
            name=f"cnnviz-train-{name}",
            daemon=True,
        )
        return cls(process, events_recv, control_send, (events_send, control_recv))

    @property
    def started(self) -> bool:
        return self.process.pid is not None

    def start(self) -> None:
        """Start the process; raises what multiprocessing raises when it cannot."""
        try:
            self.process.start()
        finally:
            for end in self.child_ends:
                end.close()

    def send(self, message: Any) -> bool:
        """Send a command; False when the worker is gone (its reader records why)."""
        try:
            with self.send_lock:
                self.control.send(message)
        except (OSError, EOFError):
            return False
        return True

    def receive(self, on_event: Callable[[dict], None]) -> str | None:
        """Hand every event to `on_event` until the worker closes its pipe, then wait for it to
        exit; returns the error it reported, if any."""
        error = None
        try:
            while True:
                try:
                    kind, payload = self.events.recv()
                except (EOFError, OSError):
                    break
                if kind == "event":
                    on_event(payload)
                elif kind == "error":
                    error = payload
        finally:
            self.events.close()
        self.process.join(timeout=EXIT_WAIT)
        return error

    @property
    def exitcode(self) -> int | None:
        return self.process.exitcode

    def terminate(self) -> None:
        if self.started:
            self.process.terminate()

    def wait(self, deadline: float) -> None:
        """Wait until `deadline` (time.monotonic()) for the process to exit (killed past it),
        then for its reader."""
        if self.started:
            self.process.join(max(0.0, deadline - time.monotonic()))
            if self.process.is_alive():
                self.process.kill()
        if self.reader is not None:
            self.reader.join(max(0.0, deadline - time.monotonic()))
        with contextlib.suppress(OSError):
            self.control.close()
