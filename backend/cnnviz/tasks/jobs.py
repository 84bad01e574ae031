"""Training jobs for the server: each one trains in its own worker process
(`cnnviz.tasks.worker`, held by `cnnviz.tasks.process`), so a NumPy loop never holds up the
process that answers predictions.

Knows nothing of HTTP. One `JobManager` per app:

- `start(config, data_dir)` checks that the dataset is on disk (DatasetMissingError), then starts
  a worker when fewer than `max_jobs` jobs are running or paused, and otherwise queues the job
  (state "queued", `queue_position` 1 for the next to start). A job more than `max_queued`
  waiting is a JobLimitError. Each queued job's log gets a `queued` event with its position when
  it is queued and again whenever a job ahead of it starts or is cancelled.
- When a job ends (done, failed, stopped, its worker died) the first queued job starts. "stop" on
  a queued job cancels it (state "cancelled", a `cancelled` event); other commands refuse it.
- The worker sends every event back over a pipe; a reader thread appends it to the job's `log`
  (`cnnviz.tasks.events`: numbered, bounded), which event streams poll (`events_since`).
- Control (pause, resume, step, stop) goes to the worker over a second pipe, which the worker's
  training loop reads before each batch and waits on (`worker.PipeControl`: a command sent before
  a batch begins acts before it, and wakes a watch pace's wait at once).
- When training ends the worker saves the model atomically as `<jobs dir>/<id>.result.npz`; the
  reader thread adds it to the ModelStore (so it appears in /api/models) and deletes that file.
- A worker that raises or dies marks the job "failed" with the error; the server is untouched.
- Each job's record is kept as `<models dir>/jobs/<id>.json`, its bounded history included,
  written atomically when it is queued, when it starts, after every epoch and when it ends
  (failed and cancelled too); not when only its queue position moves, which would rewrite every
  waiting job's record each time one starts. On start-up the records come back with what they
  reached; jobs that were running or queued are marked "interrupted" and their history ends with
  an "interrupted" event, as they are at shutdown.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

from cnnviz.data import dataset_status, get_dataset, without_folder
from cnnviz.ids import is_id, new_id
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
from cnnviz.tasks.process import WorkerProcess
from cnnviz.tasks.records import read_records, write_record
from cnnviz.tasks.results import keep_trained_model
from cnnviz.tasks.worker import COMMANDS, SET_LR
from cnnviz.train import TrainConfig

#: Learning-rate changes one job may take: each is an event its history keeps whole.
MAX_LR_CHANGES = 100
#: The message of a queued job's `cancelled` event (and its error).
CANCELLED = "cancelled while queued"


def check_dataset(config: TrainConfig, data_dir: Path) -> bool:
    """Raise DatasetMissingError unless the training split is on disk; return whether the test
    split is too (the final evaluation uses it)."""
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
    return status.splits["test"].present and not status.splits["test"].error


class JobManager:
    def __init__(
        self,
        store: ModelStore,
        max_jobs: int = 2,
        jobs_dir: Path | None = None,
        max_queued: int = 100,
    ) -> None:
        self.store = store
        self.max_jobs = max_jobs
        self.max_queued = max_queued
        self.jobs_dir = Path(jobs_dir) if jobs_dir else Path(store.models_dir) / "jobs"
        self._jobs: dict[str, Job] = {}
        self._running: dict[str, WorkerProcess] = {}
        self._queue: list[Job] = []  # waiting jobs, the next to start first
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
        its last: see `_end`)."""
        job = self.get(job_id)
        with self._lock:
            return job.log.since(seq), job.final

    # -- starting and queueing -------------------------------------------------------------------
    def start(self, config: TrainConfig, data_dir: Path) -> Job:
        """Start training `config` on the data under `data_dir` in a new worker process, or
        queue it when `max_jobs` are running."""
        data_dir = Path(data_dir)
        check_dataset(config, data_dir)
        with self._lock:
            if self._closed:
                raise JobError("the server is shutting down")
            active = sum(job.state in ACTIVE for job in self._jobs.values())
            runs_now = active < self.max_jobs and not self._queue
            if not runs_now and len(self._queue) >= self.max_queued:
                raise JobLimitError.queue_full(len(self._queue), self.max_queued)
            job = Job(
                id=self._new_id(config),
                config=config.to_dict(),
                data_dir=str(data_dir),
                state="running" if runs_now else "queued",
            )
            self._jobs[job.id] = job
            if not runs_now:
                self._queue.append(job)
                self._number_queue()
        if not runs_now:
            self._save(job)
            return job
        if not self._launch(job):
            self._start_queued()  # jobs queued meanwhile may take the slot it would have held
            raise JobError(job.error)
        return job

    def _new_id(self, config: TrainConfig) -> str:
        prefix = config.model if config.spec is None else "custom"
        return new_id(
            f"{prefix}-{config.dataset}",
            taken=self._jobs.__contains__,
            default="job",
            random_bytes=4,
        )

    def _number_queue(self) -> None:
        """Give every queued job its position; a job whose position changed gets a `queued`
        event saying the new one. Call with the lock held."""
        for position, job in enumerate(self._queue, start=1):
            if job.queue_position != position:
                job.queue_position = position
                job.log.append({"type": "queued", "position": position})

    def _start_queued(self) -> None:
        """Start queued jobs, first come first, while fewer than `max_jobs` run."""
        while True:
            with self._lock:
                active = sum(job.state in ACTIVE for job in self._jobs.values())
                if self._closed or not self._queue or active >= self.max_jobs:
                    return
                job = self._queue.pop(0)
                job.state, job.queue_position = "running", None
                self._number_queue()
            self._launch(job)

    def _launch(self, job: Job) -> bool:
        """Start the worker of `job` (already "running", so it counts against `max_jobs`) and
        the thread that reads its events. A job that cannot start fails with the reason: False."""
        job.started = time.time()
        self._save(job)
        data_dir = Path(job.data_dir)
        result = self.jobs_dir / f"{job.id}.result.npz"
        try:
            with_test = check_dataset(TrainConfig.from_dict(job.config), data_dir)
            worker = WorkerProcess.create(job.id, job.config, data_dir, with_test, result)
        except DatasetMissingError as exc:  # removed while the job waited
            self._end(job, "failed", error=str(exc))
            return False
        with self._lock:
            self._running[job.id] = worker  # commands sent from now on wait in its pipe
        try:
            worker.start()
        except Exception as exc:
            self._end(job, "failed", error=f"could not start a training process: {exc}")
            return False
        worker.reader = threading.Thread(
            target=self._read, args=(job, worker, result), daemon=True, name=f"job-{job.id}"
        )
        worker.reader.start()
        with self._lock:
            if self._closed:  # shut down while it started: it ends interrupted
                worker.terminate()
        return True

    # -- control -------------------------------------------------------------------------------
    def command(self, job_id: str, command: str) -> bool:
        """Send pause/resume/step/stop; returns whether it changed anything (as TrainingControl).
        "stop" cancels a queued job.

        Raises JobStateError for a job that has ended, and for pause/resume/step while queued.
        """
        if command not in COMMANDS:
            raise ValueError(f"unknown command {command!r}; one of {', '.join(COMMANDS)}")
        job = self.get(job_id)
        if command == "stop" and job.state == "queued":
            return self._cancel(job)
        with self._lock:
            worker = self._running.get(job.id)
            self._check_runs(job, worker, f"it takes {command} once it runs; stop cancels it")
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
        return changed and worker.send(command)

    def set_lr(self, job_id: str, lr: float) -> None:
        """Send a new base learning rate to a running or paused job: its worker applies it
        before the next batch (an `lr` event), and the schedule scales from it. Raises
        JobStateError for a job that is queued or has ended, JobLimitError after
        MAX_LR_CHANGES."""
        job = self.get(job_id)
        with self._lock:
            worker = self._running.get(job.id)
            self._check_runs(job, worker, "it takes a new learning rate once it runs")
            if job.lr_changes >= MAX_LR_CHANGES:
                raise JobLimitError.too_many_lr_changes(job.id, MAX_LR_CHANGES)
            job.lr_changes += 1
        worker.send((SET_LR, float(lr)))  # a worker that is gone: its reader records why

    @staticmethod
    def _check_runs(job: Job, worker: WorkerProcess | None, when_queued: str) -> None:
        """Raise JobStateError unless `job` holds a worker (call with the lock held)."""
        if job.state == "queued":
            raise JobStateError(
                f"job {job.id} is queued (position {job.queue_position}); {when_queued}"
            )
        if job.final:
            raise JobStateError(f"job {job.id} is {job.state}; it takes no more commands")
        if worker is None:
            raise JobStateError(f"job {job.id} is starting its worker; try again in a moment")

    def _cancel(self, job: Job) -> bool:
        """End a queued job "cancelled"; those behind it move up. False when it was no longer
        waiting (it has just started: then "stop" reaches its worker instead)."""
        with self._lock:
            waiting = job in self._queue
            if waiting:
                self._queue.remove(job)
                self._number_queue()
        if waiting:
            self._end(job, "cancelled", error=CANCELLED)
            return True
        # It has just started (then the stop reaches its worker), ended, or is being cancelled.
        return job.state in ACTIVE and self.command(job.id, "stop")

    # -- the reader thread ---------------------------------------------------------------------
    def _read(self, job: Job, worker: WorkerProcess, result: Path) -> None:
        error = worker.receive(lambda event: self._append(job, event))
        if error is None and "done" not in job.last and self._closed:
            self._finish(job, "interrupted", error="the server shut down while it was running")
            return
        if error is None and "done" not in job.last:
            error = f"the training process ended unexpectedly (exit code {worker.exitcode})"
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
        model_id = keep_trained_model(
            self.store, job.id, config, job.last, job.data_dir, Sequential.load(result)
        )
        with self._lock:
            job.model_id = model_id
        return None

    def _finish(self, job: Job, state: JobState, error: str | None = None) -> None:
        """End a job that ran; the first queued job takes the slot it held."""
        self._end(job, state, error)
        self._start_queued()

    def _end(self, job: Job, state: JobState, error: str | None = None) -> None:
        """End the job: its last event logged, then its record written, then its state set, so
        whoever sees the job final sees every event, and its record on disk says it ended."""
        with self._lock:
            if state in END_EVENTS:
                job.log.append({"type": END_EVENTS[state], "message": error})
            job.error, job.finished, job.queue_position = error, time.time(), None
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
                job = Job.from_record(job_id, record)
            except (ValueError, KeyError, TypeError):
                continue
            if job.state in LIVE:  # not ended when the server died
                was = "queued" if job.state == "queued" else "running"
                job.state = "interrupted"
                job.error = f"the server restarted while this job was {was}"
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
        """End every queued job and stop every worker (all are recorded as interrupted), and
        wait for the workers."""
        with self._lock:
            self._closed = True
            queued, self._queue = self._queue, []
            running = list(self._running.values())
        for job in queued:
            self._end(job, "interrupted", error="the server shut down while it was queued")
        for worker in running:
            worker.terminate()
        deadline = time.monotonic() + timeout
        for worker in running:
            worker.wait(deadline)
