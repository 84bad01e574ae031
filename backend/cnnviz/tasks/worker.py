"""What runs inside a training job's process, whichever backend started it: lower its priority
below the server's, train, and take commands from whoever drives the job. The embedded backend
(`jobs`) talks to its workers over two pipes (`PipeControl`, `run_worker`); a Celery worker reads
its commands from Redis (`cnnviz.tasks.distributed.runner`)."""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Callable
from typing import Any

from cnnviz.blas import limit_blas_threads
from cnnviz.data import DataError, load_split
from cnnviz.nn import Sequential
from cnnviz.train import TrainConfig, Trainer, TrainingControl

COMMANDS = ("pause", "resume", "step", "stop")
#: The command that carries a value: ("lr", the new base learning rate).
SET_LR = "lr"


def prepare_job_process() -> None:
    """Set up the process that trains a job, whichever backend runs it: below the server's
    priority, and on one BLAS thread. The job processes are the machine's parallelism; with
    OpenBLAS's default (a thread per core, spinning when idle) two jobs at once on 2 cores ran
    3x slower each (benchmarks/README.md), while a job alone gains nothing from more threads."""
    lower_priority()
    limit_blas_threads(1)


def lower_priority(niceness: int = 19) -> None:
    """Put every thread of this process (NumPy's BLAS threads too: on Linux niceness is per
    thread) below the server, so with every core busy, predictions still come first: the
    lowest niceness, and on Linux the SCHED_IDLE policy (the CPU time nobody else wants)."""
    try:
        threads = [int(tid) for tid in os.listdir("/proc/self/task")]
    except OSError:
        threads = [0]
    for tid in threads:
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, tid, niceness)
        with contextlib.suppress(AttributeError, OSError):  # Linux: run only on idle CPU time
            os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))


class CommandControl:
    """The worker's `Control`: a TrainingControl fed by the commands its driver sends, read in
    the training loop itself. Before each batch it applies every command that has arrived, and
    it waits (the pace's slot, or a pause) on the commands' channel, so a command wakes it at
    once. No thread reads the channel, so none can fall behind the loop: a pause sent before a
    batch begins is applied before that batch, on a busy machine too. A new learning rate comes
    the same way, as ("lr", value), and the loop takes it after the checkpoint (`take_lr`).

    Subclasses say how commands arrive: `_receive(timeout)` returns those that came within
    `timeout` seconds (0: only those waiting; None: until one comes), and raises EOFError or
    OSError when the driver is gone (then the run stops quickly)."""

    def __init__(self, control: TrainingControl) -> None:
        self.control = control

    def checkpoint(self) -> str:
        self._apply(0)
        while True:
            decision, wait = self.control.ready()
            if decision is not None:
                return decision
            self._apply(wait)

    def take_lr(self) -> float | None:
        return self.control.take_lr()

    def _apply(self, timeout: float | None) -> None:
        try:
            commands = self._receive(timeout)
        except (EOFError, OSError):
            self.control.stop()
            return
        for command in commands:
            if isinstance(command, tuple | list) and len(command) == 2 and command[0] == SET_LR:
                self.control.set_lr(float(command[1]))
            elif command in COMMANDS:
                getattr(self.control, command)()

    def _receive(self, timeout: float | None) -> list[Any]:
        raise NotImplementedError


class PipeControl(CommandControl):
    """Commands from the embedded server, over a pipe."""

    def __init__(self, control: TrainingControl, conn) -> None:
        super().__init__(control)
        self.conn = conn

    def _receive(self, timeout: float | None) -> list[Any]:
        commands = []
        if self.conn.poll(timeout):  # True at once when a command (or the end of the pipe) comes
            while True:
                commands.append(self.conn.recv())
                if not self.conn.poll(0):
                    break
        return commands


def train_in_worker(
    config: TrainConfig,
    data_dir: str,
    with_test: bool,
    emit: Callable[[dict], None],
    control: CommandControl,
) -> Sequential:
    """Load the job's data and train: what every backend's worker runs."""
    train_x, train_y = load_split(config.dataset, "train", root=data_dir)
    test_x = test_y = None
    if with_test:
        test_x, test_y = load_split(config.dataset, "test", root=data_dir)
    return Trainer(config, train_x, train_y, test_x, test_y).run(emit, control)


def failure_message(exc: BaseException) -> str:
    """What a job that raised `exc` reports: a bad configuration or dataset says its own message,
    anything else its last line."""
    if isinstance(exc, ValueError | DataError):
        return str(exc)
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return f"training failed: {last}"


def run_worker(config_dict, data_dir, with_test, result_path, events, control_conn) -> None:
    """Train in this process; every message to the server is ("event"|"error", payload)."""
    prepare_job_process()
    try:
        config = TrainConfig.from_dict(config_dict)
        # The watch pace is the control's; commands sent while the data loads wait in the pipe
        # and are applied before the first batch.
        control = PipeControl(TrainingControl(config.steps_per_second), control_conn)
        model = train_in_worker(
            config, data_dir, with_test, lambda event: events.send(("event", event)), control
        )
        model.save(result_path)
    except BaseException as exc:  # reported to the server, then the process ends
        with contextlib.suppress(OSError):  # the server may be gone
            events.send(("error", failure_message(exc)))
    finally:
        events.close()
