"""A job's (or a download's) event log on the broker: a Redis Stream whose entry ids are the
events' sequence numbers (`0-<seq>`), so "the events after the last one I saw" is one XRANGE,
on any API process, after any restart.

The one process that emits a job's events (its worker) keeps the same bounded `EventLog` the
embedded backend keeps, and mirrors it: each event is added, and the events its thinning drops
are deleted (`StreamWriter`); so the stream is bounded exactly as the embedded history is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from redis import Redis

from cnnviz.tasks.events import EventLog, LoggedEvent

#: Events one read returns at most: a late subscriber's history comes in a few reads.
READ_COUNT = 500


def read_after(client: Redis, stream: str, seq: int) -> list[LoggedEvent]:
    """The stream's events numbered after `seq`, oldest first."""
    entries = client.xrange(stream, min=f"(0-{seq}", max="+", count=READ_COUNT)
    return [
        LoggedEvent(int(entry_id.split("-", 1)[1]), fields["t"], fields["e"])
        for entry_id, fields in entries
    ]


class StreamWriter:
    """Numbers, keeps and thins events in `log` (an EventLog with `track_dropped`), and hands
    each to `write(seq, type, text, dropped_seqs) -> bool`, which stores it on the broker (false:
    the job is no longer this writer's, and `emit` says so)."""

    def __init__(self, log: EventLog, write: Callable[[int, str, str, list[int]], bool]) -> None:
        self.log = log
        self._write = write

    def emit(self, event: dict[str, Any]) -> bool:
        logged = self.log.append_logged(event)
        return self._write(logged.seq, logged.type, logged.text, self.log.take_dropped())
