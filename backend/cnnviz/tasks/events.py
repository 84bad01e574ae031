"""The event log of work that outlives a request (a training job, a dataset download): what
subscribers stream, what a late subscriber replays, and what a job's record keeps.

Every event gets a sequence number when it is emitted (1, 2, 3, ...), written into the event as
`"seq"` and sent as its Server-Sent Events `id:`, so a reconnecting client resumes after the last
id it saw. Numbers never change: the history is thinned by dropping events, never by renumbering.

The history is bounded, so a job of any length costs the same memory and the same replay:

- the sampled type (a job's "step", a download's "progress") keeps at most `max_samples` events,
  spread evenly over the run: every k-th one, k doubling whenever they would exceed the limit,
  and always the latest, so the progress a subscriber sees is never behind;
- first-and-latest types (a job's "filters": the first convolution's weights after each epoch,
  up to a few hundred kilobytes each) keep their first event and their latest: the random start
  and where training is now, the two the Train view shows;
- every other type (start, epoch, done, error, interrupted) is kept whole.

Events are held as their JSON text, about a quarter of the memory of the dicts, and what a stream
sends as it is.
"""

from __future__ import annotations

import json
import math
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

#: Events of the sampled type a log keeps at most.
MAX_SAMPLES = 1000


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    seq: int
    type: str
    #: The event as JSON, its "seq" included.
    text: str
    #: Its position among the sampled type's events (1-based); 0 for any other type.
    sample: int = 0


class EventLog:
    """A thread-safe, bounded history of events with stable sequence numbers (see the module)."""

    def __init__(
        self,
        sampled: str | None = None,
        first_and_latest: Collection[str] = (),
        max_samples: int = MAX_SAMPLES,
        after: int = 0,
        track_dropped: bool = False,
    ) -> None:
        """`after`: the number the first event follows (a log that continues a history kept
        elsewhere). `track_dropped`: remember the numbers of events the thinning drops, for a
        copy of the history kept elsewhere (`take_dropped`)."""
        if max_samples < 1:
            raise ValueError(f"max_samples must be at least 1, not {max_samples}")
        self.sampled = sampled
        self.first_and_latest = frozenset(first_and_latest)
        self.max_samples = max_samples
        self._kept: list[LoggedEvent] = []
        self._seqs: list[int] = []  # the kept events' numbers, for bisect
        self._last_seq = after
        self._dropped: list[int] | None = [] if track_dropped else None
        self._samples_seen = 0
        self._samples_kept = 0
        self._stride = 1  # sampled events kept: every `_stride`-th, and the latest
        self._latest_sample: LoggedEvent | None = None
        self._first: dict[str, int] = {}  # first-and-latest type -> its first event's seq
        self._latest: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def append(self, event: dict[str, Any]) -> dict[str, Any]:
        """Number the event, keep it, thin the history; returns the event with its "seq"."""
        with self._lock:
            return self._add(event, self._last_seq + 1)

    def append_logged(self, event: dict[str, Any]) -> LoggedEvent:
        """As `append`; returns the event as kept, its number and JSON text (the latest event is
        never thinned away)."""
        with self._lock:
            self._add(event, self._last_seq + 1)
            return self._kept[-1]

    def restore(self, events: list[dict[str, Any]]) -> None:
        """Take back a history written by `events()`, each event with its own "seq"."""
        with self._lock:
            for event in events:
                seq = event["seq"]
                if not isinstance(seq, int) or seq <= self._last_seq:
                    raise ValueError(f"event numbers must increase; got {seq!r}")
                self._add(event, seq)

    def since(self, seq: int) -> list[LoggedEvent]:
        """The kept events numbered after `seq`, in order."""
        with self._lock:
            return self._kept[bisect_right(self._seqs, seq) :]

    def events(self) -> list[dict[str, Any]]:
        """Every kept event, in order, as dicts."""
        with self._lock:
            kept = list(self._kept)
        return [json.loads(event.text) for event in kept]

    def take_dropped(self) -> list[int]:
        """The numbers of the events dropped since the last call (with `track_dropped`)."""
        with self._lock:
            dropped, self._dropped = self._dropped or [], [] if self._dropped is not None else None
        return dropped

    @property
    def latest(self) -> dict[str, dict[str, Any]]:
        """The latest event of each type emitted (kept or not), by type."""
        with self._lock:
            return dict(self._latest)

    @property
    def last_type(self) -> str | None:
        """The type of the latest event, which is always kept."""
        with self._lock:
            return self._kept[-1].type if self._kept else None

    # -- keeping and thinning ------------------------------------------------------------------
    def _add(self, event: dict[str, Any], seq: int) -> dict[str, Any]:
        kind = event["type"]
        numbered = {**event, "seq": seq}
        sample = 0
        if kind == self.sampled:
            self._samples_seen += 1
            sample = self._samples_seen
            previous = self._latest_sample
            if previous is not None and previous.sample % self._stride:
                self._remove(previous.seq)
        elif kind in self.first_and_latest:
            first = self._first.setdefault(kind, seq)
            previous_seq = self._latest.get(kind, {}).get("seq")
            if previous_seq is not None and previous_seq != first:
                self._remove(previous_seq)
        logged = LoggedEvent(seq, kind, _to_json(numbered), sample)
        self._kept.append(logged)
        self._seqs.append(seq)
        self._last_seq = seq
        self._latest[kind] = numbered
        if sample:
            self._latest_sample = logged
            self._samples_kept += 1
            if self._samples_kept > self.max_samples:
                self._thin()
        return numbered

    def _thin(self) -> None:
        """Double the stride until the sampled events fit, keeping the latest."""
        while self._samples_kept > self.max_samples:
            self._stride *= 2
            kept = [
                event
                for event in self._kept
                if not event.sample
                or event.sample % self._stride == 0
                or event is self._latest_sample
            ]
            if self._dropped is not None:
                survivors = {event.seq for event in kept}
                self._dropped.extend(e.seq for e in self._kept if e.seq not in survivors)
            self._kept = kept
            self._seqs = [event.seq for event in self._kept]
            self._samples_kept = sum(1 for event in self._kept if event.sample)

    def _remove(self, seq: int) -> None:
        index = bisect_left(self._seqs, seq)
        if index < len(self._seqs) and self._seqs[index] == seq:
            removed = self._kept.pop(index)
            del self._seqs[index]
            if self._dropped is not None:
                self._dropped.append(seq)
            if removed.sample:
                self._samples_kept -= 1


def _to_json(event: dict[str, Any]) -> str:
    """Compact JSON; a non-finite number (weights of a diverged run) becomes null, as JSON
    has no NaN and the browser's parser refuses it."""
    try:
        return json.dumps(event, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(_finite(event), separators=(",", ":"), allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
