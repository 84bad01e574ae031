"""What runs inside a training job's worker process (see `jobs`): lower its priority below the
server's, train, and talk to the server over two pipes."""

from __future__ import annotations

import contextlib
import os
import threading
import traceback

from cnnviz.data import DataError, load_split
from cnnviz.train import TrainConfig, Trainer, TrainingControl

COMMANDS = ("pause", "resume", "step", "stop")


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


def run_worker(config_dict, data_dir, with_test, result_path, events, control_conn) -> None:
    """Train in this process; every message to the server is ("event"|"error", payload)."""
    lower_priority()

    def listen(control: TrainingControl) -> None:
        while True:
            try:
                command = control_conn.recv()
            except (EOFError, OSError):
                control.stop()  # the server is gone: finish quickly
                return
            if command in COMMANDS:
                getattr(control, command)()

    try:
        config = TrainConfig.from_dict(config_dict)
        # The watch pace is the control's: its paced wait ends at once for pause, step and stop.
        control = TrainingControl(config.steps_per_second)
        threading.Thread(target=listen, args=(control,), daemon=True).start()
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
