"""The API side of the job broker: `RedisJobManager` answers the routes exactly as the embedded
`JobManager` does (same methods, same errors), from Redis, so any number of API processes share
every job and a restart of all of them loses nothing.

- `start` checks the dataset, writes the job's record and its place in the queue in one script
  (429 past `max_queued`), then sends Celery the job's id. Workers take the messages as they free
  up; the claim moves the queue (`runner`).
- Reads (`get`, `jobs`, `events_since`) build `Job` snapshots from the record and the latest
  events; event streams read the job's Stream after the last id a client saw (`stream`), in a
  thread, so a Redis that is slow or away never holds up the event loop (predictions).
- Commands go through `scripts.COMMAND` (state checked and changed atomically, the command pushed
  on the job's list for its worker); "stop" on a queued job cancels it.
- A sweep thread fails every job whose worker's lease has run out (`control.LEASE_SECONDS`): a
  killed worker's job ends failed with a message within 30 s, and the queue goes on. Jobs are
  never marked interrupted when an API process restarts: they belong to the workers.
- Finished jobs beyond `KEPT_JOBS` are deleted, oldest first, so Redis holds a bounded history.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from anyio import CapacityLimiter, to_thread

from cnnviz.ids import is_id, new_id
from cnnviz.models.store import ModelStore
from cnnviz.tasks.distributed import keys
from cnnviz.tasks.distributed.celery_app import TRAIN_TASK, make_celery
from cnnviz.tasks.distributed.connection import broker_errors, connect
from cnnviz.tasks.distributed.control import LEASE_SECONDS, SWEEP_SECONDS
from cnnviz.tasks.distributed.scripts import Scripts
from cnnviz.tasks.distributed.stream import read_after
from cnnviz.tasks.errors import JobError, JobLimitError, JobNotFoundError, JobStateError
from cnnviz.tasks.events import LoggedEvent
from cnnviz.tasks.job import ACTIVE, LIVE, Job
from cnnviz.tasks.jobs import CANCELLED, MAX_LR_CHANGES, check_dataset
from cnnviz.tasks.worker import COMMANDS, SET_LR
from cnnviz.train import TrainConfig

#: Finished jobs Redis keeps (records and events); older ones are deleted as new ones start.
KEPT_JOBS = 1000
#: Event-stream reads of Redis in flight at once per process (each in a thread).
STREAM_READERS = 8
LEASE_LOST = (
    f"the worker running this job stopped answering (no heartbeat for {LEASE_SECONDS:.0f} s: "
    "it was killed or lost its machine); start the job again"
)


class RedisJobManager:
    def __init__(self, store: ModelStore, broker_url: str, max_queued: int = 100) -> None:
        self.store = store
        self.broker_url = broker_url
        self.max_queued = max_queued
        self.redis = connect(broker_url)
        self.scripts = Scripts(self.redis)
        self.celery = make_celery(broker_url)
        self._readers = CapacityLimiter(STREAM_READERS)
        self._closed = threading.Event()
        self._sweeper = threading.Thread(target=self._sweep_forever, daemon=True, name="sweep")
        self._sweeper.start()

    # -- reading -----------------------------------------------------------------------------
    def get(self, job_id: str) -> Job:
        if not is_id(job_id):
            raise JobNotFoundError(
                f"{job_id!r} is not a job id (lowercase letters, digits and dashes)"
            )
        with broker_errors(self.broker_url):
            job = self._snapshots([job_id])[0]
        if job is None:
            raise JobNotFoundError(f"no training job {job_id!r}; POST /api/train starts one")
        return job

    def jobs(self) -> list[Job]:
        with broker_errors(self.broker_url):
            ids = self.redis.zrange(keys.JOBS, 0, -1)
            return [job for job in self._snapshots(ids) if job is not None]

    def active_count(self) -> int:
        return sum(job.state in ACTIVE for job in self.jobs())

    async def events_since(self, job_id: str, seq: int) -> tuple[list[LoggedEvent], bool]:
        """The kept events numbered after `seq`, and whether the job has ended (its state is
        read first: a job seen final has written its last event already)."""
        return await to_thread.run_sync(self._events_since, job_id, seq, limiter=self._readers)

    def _events_since(self, job_id: str, seq: int) -> tuple[list[LoggedEvent], bool]:
        with broker_errors(self.broker_url):
            state = self.redis.hget(keys.job(job_id), "state")
            events = read_after(self.redis, keys.events(job_id), seq)
        return events, state not in LIVE

    def _snapshots(self, ids: list[str]) -> list[Job | None]:
        with self.redis.pipeline(transaction=False) as pipe:
            for job_id in ids:
                pipe.hgetall(keys.job(job_id))
                pipe.hgetall(keys.latest(job_id))
                pipe.lpos(keys.QUEUE, job_id)
            replies = pipe.execute()
        return [_snapshot(job_id, *replies[3 * i : 3 * i + 3]) for i, job_id in enumerate(ids)]

    # -- starting ------------------------------------------------------------------------------
    def start(self, config: TrainConfig, data_dir: Path) -> Job:
        """Queue `config` for the workers; it starts as soon as one is free."""
        if self._closed.is_set():
            raise JobError("the server is shutting down")
        data_dir = Path(data_dir)
        check_dataset(config, data_dir)
        with broker_errors(self.broker_url):
            job_id = self._new_id(config)
            position = self.scripts.enqueue(
                keys=[keys.QUEUE, keys.JOBS, keys.job(job_id)],
                args=[
                    job_id,
                    self.max_queued,
                    time.time(),
                    json.dumps(config.to_dict()),
                    str(data_dir),
                    str(self.store.models_dir),
                ],
            )
            if position < 0:
                raise JobLimitError.queue_full(self.max_queued, self.max_queued)
            try:
                self.celery.send_task(TRAIN_TASK, args=[job_id])
            except Exception as exc:  # kombu's errors: the message did not reach the broker
                self._cancel(job_id, f"the job could not be handed to the workers: {exc}")
                raise JobError(f"the job could not be handed to the workers: {exc}") from None
            self._forget_old_jobs()
            return self.get(job_id)

    def _new_id(self, config: TrainConfig) -> str:
        prefix = config.model if config.spec is None else "custom"
        return new_id(
            f"{prefix}-{config.dataset}",
            taken=lambda candidate: bool(self.redis.exists(keys.job(candidate))),
            default="job",
            random_bytes=4,
        )

    def _forget_old_jobs(self) -> None:
        extra = self.redis.zcard(keys.JOBS) - KEPT_JOBS
        if extra <= 0:
            return
        for job_id in self.redis.zrange(keys.JOBS, 0, extra - 1):
            if self.redis.hget(keys.job(job_id), "state") not in LIVE:
                self.redis.delete(*keys.job_keys(job_id))
                self.redis.zrem(keys.JOBS, job_id)

    # -- control -------------------------------------------------------------------------------
    def command(self, job_id: str, command: str) -> bool:
        """pause/resume/step/stop, as the embedded manager; "stop" cancels a queued job."""
        if command not in COMMANDS:
            raise ValueError(f"unknown command {command!r}; one of {', '.join(COMMANDS)}")
        job = self.get(job_id)
        with broker_errors(self.broker_url):
            if command == "stop" and job.state == "queued" and self._cancel(job.id, CANCELLED):
                return True
            return self._send(job, command, json.dumps(command))

    def set_lr(self, job_id: str, lr: float) -> None:
        job = self.get(job_id)
        with broker_errors(self.broker_url):
            self._send(job, SET_LR, json.dumps([SET_LR, float(lr)]))

    def _send(self, job: Job, command: str, payload: str) -> bool:
        result = self.scripts.command(
            keys=[keys.job(job.id), keys.control(job.id)],
            args=[command, payload, MAX_LR_CHANGES],
        )
        if result == "limit":
            raise JobLimitError.too_many_lr_changes(job.id, MAX_LR_CHANGES)
        if result == "queued":
            raise JobStateError(
                f"job {job.id} is queued; it takes {command} once it runs; stop cancels it"
            )
        if isinstance(result, str):
            raise JobStateError(f"job {job.id} is {result}; it takes no more commands")
        return bool(result)

    def _cancel(self, job_id: str, message: str) -> bool:
        result = self.scripts.cancel(
            keys=[keys.QUEUE, keys.job(job_id)], args=[job_id, time.time(), keys.PREFIX, message]
        )
        return result == 1

    # -- the lease sweep -----------------------------------------------------------------------
    def sweep(self) -> list[str]:
        """Fail every job whose worker's lease has run out; returns their ids."""
        with broker_errors(self.broker_url):
            return self.scripts.sweep(
                keys=[keys.RUNNING], args=[keys.PREFIX, time.time(), LEASE_LOST]
            )

    def _sweep_forever(self) -> None:
        while not self._closed.wait(SWEEP_SECONDS):
            try:
                self.sweep()
            except JobError:
                continue  # Redis is away; the next sweep tries again

    def shutdown(self) -> None:
        """Stop the sweep. The jobs go on: they belong to the workers."""
        self._closed.set()


def _snapshot(job_id: str, record: dict, latest: dict, index: int | None) -> Job | None:
    if not record:
        return None
    job = Job(
        id=job_id,
        config=json.loads(record["config"]),
        state=record["state"],
        created=float(record["created"]),
        started=float(record["started"]) if record.get("started") else None,
        finished=float(record["finished"]) if record.get("finished") else None,
        error=record.get("error") or None,
        model_id=record.get("model_id") or None,
        stopped=record.get("stopped") == "1",
        data_dir=record.get("data_dir"),
        queue_position=index + 1 if index is not None and record["state"] == "queued" else None,
        latest_events={kind: json.loads(text) for kind, text in latest.items()},
    )
    job.lr_changes = int(record.get("lr_changes") or 0)
    return job
