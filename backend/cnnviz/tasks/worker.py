"""What runs inside a training job's worker process (see `jobs`): lower its priority below the
server's, train, and talk to the server over two pipes."""

from __future__ import annotations

import contextlib
import os
import traceback

from cnnviz.data import DataError, load_split
from cnnviz.train import TrainConfig, Trainer, TrainingControl

COMMANDS = ("pause", "resume", "step", "stop")
#: The command that carries a value: ("lr", the new base learning rate).
SET_LR = "lr"


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


class PipeControl:
    """The worker's `Control`: a TrainingControl fed by the server's commands, read from the pipe
    in the training loop itself. Before each batch it applies every command that has arrived,
    and it waits (the pace's slot, or a pause) on the pipe, so a command wakes it at once. No
    thread reads the pipe, so none can fall behind the loop: a pause the server has sent before a
    batch begins is applied before that batch, on a busy machine too. A new learning rate comes
    the same way, as ("lr", value), and the loop takes it after the checkpoint (`take_lr`)."""

    def __init__(self, control: TrainingControl, conn) -> None:
        self.control = control
        self.conn = conn

    def checkpoint(self) -> str:
        while True:
            self._apply_waiting()
            decision, wait = self.control.ready()
            if decision is not None:
                return decision
            self._wait(wait)

    def take_lr(self) -> float | None:
        return self.control.take_lr()

    def _wait(self, seconds: float | None) -> None:
        try:
            self.conn.poll(seconds)  # True at once when a command (or the end of the pipe) comes
        except (EOFError, OSError):
            self.control.stop()

    def _apply_waiting(self) -> None:
        try:
            while self.conn.poll(0):
                command = self.conn.recv()
                if isinstance(command, tuple) and len(command) == 2 and command[0] == SET_LR:
                    self.control.set_lr(command[1])
                elif command in COMMANDS:
                    getattr(self.control, command)()
        except (EOFError, OSError):
            self.control.stop()  # the server is gone: finish quickly


def run_worker(config_dict, data_dir, with_test, result_path, events, control_conn) -> None:
    """Train in this process; every message to the server is ("event"|"error", payload)."""
    lower_priority()
    try:
        config = TrainConfig.from_dict(config_dict)
        # The watch pace is the control's; commands sent while the data loads wait in the pipe
        # and are applied before the first batch.
        control = PipeControl(TrainingControl(config.steps_per_second), control_conn)
        train_x, train_y = load_split(config.dataset, "train", root=data_dir)
        test_x = test_y = None
        if with_test:
            test_x, test_y = load_split(config.dataset, "test", root=data_dir)
        trainer = Trainer(config, train_x, train_y, test_x, test_y)
        model = trainer.run(lambda event: events.send(("event", event)), control)
        model.save(result_path)
    except (ValueError, DataError) as exc:
        with contextlib.suppress(OSError):  # the server may be gone
            events.send(("error", str(exc)))
    except BaseException as exc:  # reported to the server, then the process ends
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        with contextlib.suppress(OSError):
            events.send(("error", f"training failed: {last}"))
    finally:
        events.close()
