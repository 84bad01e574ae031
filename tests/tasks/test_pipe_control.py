"""The worker's control (`PipeControl`): the server's commands, read from the pipe by the
training loop itself, act before the next batch, wake a paced or paused wait at once, and a
server that is gone stops the run."""

import multiprocessing
import threading
import time

from cnnviz.tasks.worker import PipeControl
from cnnviz.train import TrainingControl


def pipe_control(steps_per_second=None):
    receiving, sending = multiprocessing.Pipe(duplex=False)
    return PipeControl(TrainingControl(steps_per_second), receiving), sending


def later(seconds: float, action) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(seconds), action()), daemon=True)
    thread.start()
    return thread


def test_commands_already_sent_act_before_the_next_batch():
    control, server = pipe_control(steps_per_second=0.2)  # a slot of 5 s
    assert control.checkpoint() == "run"
    server.send("pause")
    server.send("step")
    started = time.monotonic()
    assert control.checkpoint() == "step"  # both applied first; a single step is not paced
    assert time.monotonic() - started < 0.5
    server.send("step")
    server.send("bogus")  # not a command: ignored
    assert control.checkpoint() == "step"


def test_a_command_wakes_a_paced_or_paused_wait_at_once():
    control, server = pipe_control(steps_per_second=0.2)
    assert control.checkpoint() == "run"
    later(0.2, lambda: server.send("pause"))
    later(0.4, lambda: server.send("stop"))
    started = time.monotonic()
    assert control.checkpoint() == "stop"  # paused at 0.2 s, stopped at 0.4 s: not 5 s
    assert time.monotonic() - started < 2
    assert control.control.state == "stopped"


def test_a_server_that_is_gone_stops_the_run():
    control, server = pipe_control()
    control.control.pause()
    later(0.2, server.close)
    started = time.monotonic()
    assert control.checkpoint() == "stop"
    assert time.monotonic() - started < 2


def test_a_learning_rate_sent_is_taken_once_after_the_next_checkpoint():
    control, server = pipe_control()
    assert control.checkpoint() == "run" and control.take_lr() is None
    server.send(("lr", 0.002))
    server.send(("lr", 0.003))  # the last one asked for wins
    server.send(("lr",))  # malformed: ignored
    assert control.checkpoint() == "run"
    assert control.take_lr() == 0.003
    assert control.take_lr() is None
