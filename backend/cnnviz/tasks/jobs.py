"""Training jobs for the server: each one trains in its own worker process
(`cnnviz.tasks.worker`), so a NumPy loop never holds up the process that answers predictions.

Knows nothing of HTTP. One `JobManager` per app:

- `start(config, data_dir)` checks the limit (at most `max_jobs` running or paused: one more is a
  JobLimitError) and that the dataset is on disk (DatasetMissingError), then starts a worker
  (multiprocessing "forkserver" where available, else "spawn": never plain fork, the server has
  threads).
- The worker runs `Trainer.run` and sends every event back over a pipe; a reader thread in the
  server appends it to the job's `log` (`cnnviz.tasks.events`: numbered, bounded), which event
  streams poll (`events_since`).
- Control (pause, resume, step, stop) goes to the worker over a second pipe, which the worker's
  training loop reads before each batch and waits on (`worker.PipeControl`: a command sent before
  a batch begins acts before it, and wakes a watch pace's wait at once).
- When training ends the worker saves the model atomically as `<jobs dir>/<id>.result.npz`; the
  reader thread adds it to the ModelStore (so it appears in /api/models) and deletes that file.
- A worker that raises or dies marks the job "failed" with the error; the server is untouched.
- Each job's record is kept as `<models dir>/jobs/<id>.json`, its bounded history included,
  written atomically when it starts, after every epoch and when it ends (failed too). On start-up
  the records come back with what they reached; jobs that were running are marked "interrupted"
  and their history ends with an "interrupted" event.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cnnviz.data import dataset_status, get_dataset, without_folder
from cnnviz.ids import is_id, new_id
from cnnviz.models.metadata import trained_model_metadata
from cnnviz.models.store import ModelStore
from cnnviz.nn import Sequential
from cnnviz.tasks.errors import (
    DatasetMissingError,
    JobError,
    JobLimitError,
    JobNotFoundError,
    JobStateError,
)
from cnnviz.tasks.events import LoggedEvent
from cnnviz.tasks.job import ACTIVE, END_EVENTS, LIVE, Job, JobState
from cnnviz.tasks.records import read_records, write_record
from cnnviz.tasks.worker import COMMANDS, SET_LR, run_worker
from cnnviz.train import TrainConfig

#: Learning-rate changes one job may take: each is an event its history keeps whole.
MAX_LR_CHANGES = 100


@dataclass
class _Running:
    """The server's side of a live worker."""

    process: Any
    events: Any  # Connection, worker -> server
    control: Any  # Connection, server -> worker
    reader: threading.Thread
    send_lock: threading.Lock = field(default_factory=threading.Lock)


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class JobManager:
    def __init__(self, store: ModelStore, max_jobs: int = 2, jobs_dir: Path | None = None) -> None:
        self.store = store
        self.max_jobs = max_jobs
        self.jobs_dir = Path(jobs_dir) if jobs_dir else Path(store.models_dir) / "jobs"
        self._jobs: dict[str, Job] = {}
        self._running: dict[str, _Running] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._load_records()

    # -- reading -----------------------------------------------------------------------------
    def get(self, job_id: str) -> Job:
        if not is_id(job_id):
            raise JobNotFoundError(
                f"{job_id!r} is not a job id (lowercase letters, digits and dashes)"
            )
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise JobNotFoundError(f"no training job {job_id!r}; POST /api/train starts one")
        return job

    def jobs(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created)

    def active_count(self) -> int:
        with self._lock:
            return sum(job.state in ACTIVE for job in self._jobs.values())

    async def events_since(self, job_id: str, seq: int) -> tuple[list[LoggedEvent], bool]:
        """The kept events numbered after `seq`, and whether the job has ended (then these are
        its last: see `_finish`)."""
        job = self.get(job_id)
        with self._lock:
            return job.log.since(seq), job.final

    # -- starting ------------------------------------------------------------------------------
    def start(self, config: TrainConfig, data_dir: Path) -> Job:
        """Start training `config` on the data under `data_dir` in a new worker process."""
        data_dir = Path(data_dir)
        status = dataset_status(config.dataset, root=data_dir, check_md5=False)
        train = status.splits["train"]
        if not train.present or train.error:
            info = get_dataset(config.dataset)
            raise DatasetMissingError(
                without_folder(train.error, data_dir)
                if train.error
                else f"{info.title} is not downloaded (missing {', '.join(train.missing)}); "
                f"POST /api/datasets/{info.name}/download fetches it"
            )
        with_test = status.splits["test"].present and not status.splits["test"].error
        with self._lock:
            if self._closed:
                raise JobError("the server is shutting down")
            active = sum(job.state in ACTIVE for job in self._jobs.values())
            if active >= self.max_jobs:
                raise JobLimitError(
                    f"{active} training job(s) are running, the most this server allows "
                    f"(max_jobs={self.max_jobs}); stop one or wait for it to finish"
                )
            job = Job(id=self._new_id(config), config=config.to_dict(), data_dir=str(data_dir))
            self._jobs[job.id] = job
        self._save(job)
        ctx = _context()
        events_recv, events_send = ctx.Pipe(duplex=False)
        control_recv, control_send = ctx.Pipe(duplex=False)
        result = self.jobs_dir / f"{job.id}.result.npz"
        process = ctx.Process(
            target=run_worker,
            args=(job.config, str(data_dir), with_test, str(result), events_send, control_recv),
            name=f"cnnviz-train-{job.id}",
            daemon=True,
        )
        try:
            process.start()
        except Exception as exc:
            self._finish(job, "failed", error=f"could not start a training process: {exc}")
            raise JobError(job.error) from None
        finally:
            events_send.close()
            control_recv.close()
        reader = threading.Thread(
            target=self._read, args=(job, events_recv, result), daemon=True, name=f"job-{job.id}"
        )
        with self._lock:
            self._running[job.id] = _Running(process, events_recv, control_send, reader)
        reader.start()
        return job

    def _new_id(self, config: TrainConfig) -> str:
        prefix = config.model if config.spec is None else "custom"
        return new_id(
            f"{prefix}-{config.dataset}",
            taken=self._jobs.__contains__,
            default="job",
            random_bytes=4,
        )

    # -- control -------------------------------------------------------------------------------
    def command(self, job_id: str, command: str) -> bool:
        """Send pause/resume/step/stop; returns whether it changed anything (as TrainingControl).

        Raises JobStateError for a job that has ended.
        """
        if command not in COMMANDS:
            raise ValueError(f"unknown command {command!r}; one of {', '.join(COMMANDS)}")
        job = self.get(job_id)
        with self._lock:
            running = self._running.get(job.id)
            if job.final or running is None:
                raise JobStateError(f"job {job.id} is {job.state}; it takes no more commands")
            changed = {
                "pause": job.state == "running",
                "resume": job.state == "paused",
                "step": job.state == "paused",
                "stop": True,
            }[command]
            if command == "pause" and changed:
                job.state = "paused"
            elif command == "resume" and changed:
                job.state = "running"
        if changed:
            try:
                with running.send_lock:
                    running.control.send(command)
            except (OSError, EOFError):
                return False  # the worker is gone; its reader thread records why
        return changed

    def set_lr(self, job_id: str, lr: float) -> None:
        """Send a new base learning rate to a running or paused job: its worker applies it
        before the next batch (an `lr` event), and the schedule scales from it. Raises
        JobStateError for a job that has ended, JobLimitError after MAX_LR_CHANGES."""
        job = self.get(job_id)
        with self._lock:
            running = self._running.get(job.id)
            if job.final or running is None:
                raise JobStateError(
                    f"job {job.id} is {job.state}; only a running or paused job takes a new "
                    "learning rate"
                )
            if job.lr_changes >= MAX_LR_CHANGES:
                raise JobLimitError(
                    f"job {job.id} has changed its learning rate {MAX_LR_CHANGES} times, the "
                    "most one job may; start a new run with the rate you want"
                )
            job.lr_changes += 1
        # A worker that is gone cannot take it; its reader thread records why it ended.
        with contextlib.suppress(OSError, EOFError), running.send_lock:
            running.control.send((SET_LR, float(lr)))

    # -- the reader thread ---------------------------------------------------------------------
    def _read(self, job: Job, conn, result: Path) -> None:
        error = None
        try:
            while True:
                try:
                    kind, payload = conn.recv()
                except (EOFError, OSError):
                    break
                if kind == "event":
                    self._append(job, payload)
                elif kind == "error":
                    error = payload
        finally:
            conn.close()
        running = self._running.get(job.id)
        if running is not None:
            running.process.join(timeout=5)
        if error is None and "done" not in job.last and self._closed:
            self._finish(job, "interrupted", error="the server shut down while it was running")
            return
        if error is None and "done" not in job.last:
            code = running.process.exitcode if running else None
            error = f"the training process ended unexpectedly (exit code {code})"
        if error is None:
            try:
                error = self._keep_model(job, result)
            except Exception as exc:  # never let a bad result take the reader down
                error = f"could not keep the trained model: {exc}"
        with contextlib.suppress(OSError):
            result.unlink(missing_ok=True)
        if error is not None:
            self._finish(job, "failed", error=error)
        else:
            self._finish(job, "done")

    def _append(self, job: Job, event: dict) -> None:
        job.log.append(event)
        if event["type"] == "done":
            with self._lock:
                job.stopped = bool(event.get("stopped"))
        if event["type"] in ("start", "epoch"):
            self._save(job)

    def _keep_model(self, job: Job, result: Path) -> str | None:
        if not result.is_file():
            return "the training process did not hand back a model"
        config = TrainConfig.from_dict(job.config)
        done, start = job.last["done"], job.last["start"]
        meta = trained_model_metadata(
            config,
            start,
            done,
            seconds=done["seconds"],
            data_dir=job.data_dir,
            trained_with="the cnnviz web API",
        )
        meta["training_job"] = job.id
        entry = self.store.add(Sequential.load(result), meta, prefix=job.id.rsplit("-", 1)[0])
        with self._lock:
            job.model_id = entry.id
        return None

    def _finish(self, job: Job, state: JobState, error: str | None = None) -> None:
        """End the job: its last event logged, then its record written, then its state set, so
        whoever sees the job final sees every event, and its record on disk says it ended."""
        with self._lock:
            if state in END_EVENTS:
                job.log.append({"type": END_EVENTS[state], "message": error})
            job.error = error
            job.finished = time.time()
        self._save(job, state)
        with self._lock:
            job.state = state
            self._running.pop(job.id, None)

    # -- persistence ---------------------------------------------------------------------------
    def _save(self, job: Job, state: JobState | None = None) -> None:
        """Write the job's record with its history (and `state`, when it is about to have it)."""
        with self._lock:
            record = job.record()
        if state is not None:
            record["state"] = state
        record["history"] = job.log.events()
        # A record we cannot write (a full disk) costs the restart report, never the job.
        with contextlib.suppress(OSError):
            write_record(self.jobs_dir, job.id, record)

    def _load_records(self) -> None:
        for job_id, record in read_records(self.jobs_dir):
            if not is_id(job_id):
                continue
            try:
                job = Job(
                    id=job_id,
                    config=dict(record["config"]),
                    state=record["state"],
                    created=float(record["created"]),
                    finished=record.get("finished"),
                    error=record.get("error"),
                    model_id=record.get("model_id"),
                    stopped=bool(record.get("stopped")),
                )
                job.log.restore(record.get("history") or [])
            except (ValueError, KeyError, TypeError):
                continue
            if job.state in LIVE:  # not ended when the server died
                job.state = "interrupted"
                job.error = "the server restarted while this job was running"
                job.finished = time.time()
            end = END_EVENTS.get(job.state)
            if end is not None and job.log.last_type != end:
                job.log.append({"type": end, "message": job.error})
                self._save(job)
            self._jobs[job.id] = job
        for stale in self.jobs_dir.glob("*.result.npz"):
            with contextlib.suppress(OSError):
                stale.unlink()

    # -- shutting down -------------------------------------------------------------------------
    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop every worker (their jobs are recorded as interrupted) and wait for them."""
        with self._lock:
            self._closed = True
            running = dict(self._running)
        for live in running.values():
            live.process.terminate()
        deadline = time.monotonic() + timeout
        for live in running.values():
            live.process.join(max(0.0, deadline - time.monotonic()))
            if live.process.is_alive():
                live.process.kill()
            live.reader.join(max(0.0, deadline - time.monotonic()))
            with contextlib.suppress(OSError):
                live.control.close()
