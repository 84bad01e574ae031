"""One training job as the server knows it: its configuration and state, its event log
(`cnnviz.tasks.events`), the progress and metrics that log implies, and the record that is
shown by `GET /api/train/{id}` and saved (with the history) by `JobManager`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

from cnnviz.tasks.events import EventLog

JobState = Literal["queued", "running", "paused", "done", "failed", "interrupted", "cancelled"]
#: States of a job that holds a worker (what the running limit counts).
ACTIVE: frozenset[str] = frozenset({"running", "paused"})
#: States of a job that has not ended: it waits for a worker, or holds one.
LIVE: frozenset[str] = frozenset({"queued", *ACTIVE})
#: The event a job's history ends with, by the state it ended in without finishing.
END_EVENTS: dict[str, str] = {
    "failed": "error",
    "interrupted": "interrupted",
    "cancelled": "cancelled",
}


def job_event_log(**options) -> EventLog:
    """A training job's history: steps thinned to a fixed number; filters, and the queue
    positions of a job that waited, first and latest. `options`: EventLog's `after` and
    `track_dropped` (for a broker's copy of the history)."""
    return EventLog(sampled="step", first_and_latest=("filters", "queued"), **options)


def _seq(event: dict) -> int:
    return event.get("seq", 0)


@dataclass
class Job:
    id: str
    config: dict[str, Any]
    state: JobState = "running"
    created: float = field(default_factory=time.time)
    #: When a worker took it (None while queued): the queue's wait is `started - created`.
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    model_id: str | None = None
    stopped: bool = False
    #: New learning rates sent to its worker (bounded: each is an event its history keeps).
    lr_changes: int = field(default=0, repr=False)
    #: Where the worker reads the dataset (not shown: a local path).
    data_dir: str | None = field(default=None, repr=False)
    #: Its events, numbered and bounded; saved with the record.
    log: EventLog = field(default_factory=job_event_log, repr=False)
    #: While queued: 1 for the next job to start, 2 for the one after, ...; else None.
    queue_position: int | None = None
    #: The latest event of each type when they are kept elsewhere (a broker's stream: see
    #: `cnnviz.tasks.distributed`); None: the job's own log's.
    latest_events: dict[str, dict] | None = field(default=None, repr=False)

    @property
    def final(self) -> bool:
        return self.state not in LIVE

    @property
    def last(self) -> dict[str, dict]:
        """The latest event of each type ("start", "step", "epoch", "done", ...)."""
        return self.latest_events if self.latest_events is not None else self.log.latest

    def progress(self) -> dict[str, Any]:
        last = self.last
        start, step, epoch = last.get("start"), last.get("step"), last.get("epoch")
        total = start["total_steps"] if start else None
        done = (step or epoch or {}).get("global_step", 0)
        return {
            "global_step": done,
            "total_steps": total,
            "epoch": (step or {}).get("epoch") or (epoch or {}).get("epoch") or 0,
            "epochs": start["epochs"] if start else self.config.get("epochs"),
            "fraction": round(done / total, 4) if total else 0.0,
        }

    def metrics(self) -> dict[str, Any]:
        """The last step's loss/accuracy, the last epoch's scores, the latest validation scores
        (of a validation point when one came after the epoch), the final evaluation."""
        last = self.last
        step, epoch, done = (last.get(k) for k in ("step", "epoch", "done"))
        scored = max(
            (last.get(k) for k in ("epoch", "validation") if k in last), key=_seq, default=None
        )
        out: dict[str, Any] = {}
        if step:
            out.update(loss=step["loss"], accuracy=step["accuracy"], lr=step["lr"])
        if epoch:
            out.update({k: epoch[k] for k in ("train_loss", "train_accuracy")})
        if scored:
            out.update({k: scored[k] for k in ("val_loss", "val_accuracy")})
        if done:
            out.update(test_accuracy=done["accuracy"], test_loss=done["loss"])
        return out

    @classmethod
    def from_record(cls, job_id: str, record: dict[str, Any]) -> Job:
        """The job a saved `record()` (with its history) describes, in the state it was saved
        in; raises ValueError, KeyError or TypeError for a record that is not one."""
        job = cls(
            id=job_id,
            config=dict(record["config"]),
            state=record["state"],
            created=float(record["created"]),
            started=record.get("started"),
            finished=record.get("finished"),
            error=record.get("error"),
            model_id=record.get("model_id"),
            stopped=bool(record.get("stopped")),
        )
        job.log.restore(record.get("history") or [])
        return job

    def record(self) -> dict[str, Any]:
        """What is saved as JSON and what `GET /api/train/{id}` shows."""
        return {
            "id": self.id,
            "state": self.state,
            "config": self.config,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "error": self.error,
            "model_id": self.model_id,
            "stopped": self.stopped,
            "queue_position": self.queue_position,
            "progress": self.progress(),
            "metrics": self.metrics(),
            **self.outcome(),
        }

    def outcome(self) -> dict[str, Any]:
        """What the final evaluation used, in words ("the first 100 test digits"), and with
        keep_best the epoch whose weights the model holds; None until the job is done."""
        done = self.last.get("done") or {}
        return {"evaluated": done.get("evaluated_words"), "best_epoch": done.get("best_epoch")}
