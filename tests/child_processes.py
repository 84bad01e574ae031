"""Services a test starts as subprocesses (Redis, Celery workers): each in its own process group,
so that stopping it reaches the processes it forked too; each told to end with the test run
(Linux's parent-death signal), so that a test run killed outright leaves no server behind on a
machine others share; stopped with a deadline; and checked gone by reading /proc."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

#: prctl(2) option: the signal the kernel sends a process when its parent exits.
PR_SET_PDEATHSIG = 1
STOP_TIMEOUT_S = 10.0


def _end_with_parent() -> None:
    """Runs in the child between fork and exec: SIGTERM it when the test run exits."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(
    args: Sequence[str], log: Path, env: Mapping[str, str], cwd: Path | None = None
) -> subprocess.Popen:
    """Start `args` with stdout and stderr appended to `log`, as the leader of a new process group
    (its group id is its pid), ended with SIGTERM if the test run exits first.

    The kernel sends that signal when the *thread* that called `spawn` ends: call it from the
    test's own thread, never from a short-lived one (a thread pool starting two workers at once
    would see them stopped as soon as its threads finish)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            list(args),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_end_with_parent,
        )


def stop_group(process: subprocess.Popen, timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM `process` and wait up to `timeout` seconds for it to exit, then SIGKILL whatever
    is left of its process group (its forked children included) and reap it."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):  # an empty group: all exited on SIGTERM
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=timeout)


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/<pid>/stat's fields after the command name (state, ppid, pgrp, ...), or None once
    the process is gone. The name sits in parentheses and may itself hold spaces."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()


def is_running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting to be reaped has ended: it runs nothing
    and holds no port)."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def group_members(group: int) -> list[int]:
    """The live processes whose process group is `group`."""
    members = []
    for entry in Path("/proc").iterdir():
        fields = _stat_fields(int(entry.name)) if entry.name.isdigit() else None
        if fields and fields[0] != "Z" and int(fields[2]) == group:
            members.append(int(entry.name))
    return sorted(members)
