"""The Celery task's body: train one queued job on this worker.

1. Claim the job (`scripts.CLAIM`): it leaves the queue (the jobs behind it hear their new
   positions), becomes "running", and its lease starts. A job that is no longer queued (cancelled
   while its message waited, or failed by the sweep) is skipped: a message delivered twice
   never trains twice.
2. Train it with the embedded worker's code (`cnnviz.tasks.worker`), its events numbered after
   the queue's and mirrored into its stream (`stream.StreamWriter`), its commands read from Redis
   and its lease renewed (`control`).
3. Keep the model in the shared models folder and end the job done; or end it failed with the
   message. The model appears on every API process (they list the folder).
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import redis

from cnnviz.models.store import ModelStore
from cnnviz.tasks.distributed import keys
from cnnviz.tasks.distributed.control import LEASE_SECONDS, Lease, RedisControl
from cnnviz.tasks.distributed.scripts import Scripts
from cnnviz.tasks.distributed.stream import StreamWriter
from cnnviz.tasks.job import job_event_log
from cnnviz.tasks.jobs import check_dataset
from cnnviz.tasks.results import keep_trained_model
from cnnviz.tasks.worker import failure_message, prepare_job_process, train_in_worker
from cnnviz.train import TrainConfig, TrainingControl


def holder_name() -> str:
    """Who holds a lease: this host and process, for a person reading Redis."""
    return f"{socket.gethostname()}:{os.getpid()}"


class JobRun:
    """One claimed job on this worker: its stream, its control and how it ends."""

    def __init__(self, client: redis.Redis, scripts: Scripts, job_id: str, last_seq: int) -> None:
        self.client = client
        self.scripts = scripts
        self.job_id = job_id
        self.log = job_event_log(after=last_seq, track_dropped=True)
        self.writer = StreamWriter(self.log, self._write)
        self.control: RedisControl | None = None

    def _write(self, seq: int, kind: str, text: str, dropped: list[int]) -> bool:
        job = self.job_id
        keys_ = [keys.job(job), keys.events(job), keys.latest(job)]
        return bool(self.scripts.append(keys=keys_, args=[seq, kind, text, *dropped]))

    def emit(self, event: dict) -> None:
        if not self.writer.emit(event) and self.control is not None:
            self.control.control.stop()  # the job was taken from this worker: wind down

    def train(self, record: dict[str, str]) -> None:
        try:
            config = TrainConfig.from_dict(json.loads(record["config"]))
            data_dir = record["data_dir"]
            with_test = check_dataset(config, Path(data_dir))
            self.control = RedisControl(
                TrainingControl(config.steps_per_second), self.client, self.job_id
            )
            with Lease(self.client, self.job_id, holder_name(), self.control.control.stop):
                model = train_in_worker(config, data_dir, with_test, self.emit, self.control)
                store = ModelStore(Path(record["models_dir"]))
                model_id = keep_trained_model(
                    store, self.job_id, config, self.log.latest, data_dir, model
                )
        except BaseException as exc:
            message = failure_message(exc)
            self.emit({"type": "error", "message": message})
            self._finish("failed", error=message)
            if not isinstance(exc, Exception):
                raise
            return
        stopped = bool(self.log.latest.get("done", {}).get("stopped"))
        self._finish("done", model_id=model_id, stopped=stopped)

    def _finish(self, state: str, error: str = "", model_id: str = "", stopped=False) -> None:
        job = self.job_id
        self.scripts.finish(
            keys=[keys.job(job), keys.RUNNING, keys.lease(job), keys.control(job)],
            args=[job, state, time.time(), error, model_id, int(stopped)],
        )


def run_job(client: redis.Redis, job_id: str) -> str:
    """Claim and train job `job_id`; returns what became of it (for the worker's log)."""
    scripts = Scripts(client)
    last_seq = scripts.claim(
        keys=[keys.QUEUE, keys.RUNNING, keys.job(job_id), keys.lease(job_id)],
        args=[job_id, int(LEASE_SECONDS * 1000), holder_name(), time.time(), keys.PREFIX],
    )
    if last_seq is None:
        return "skipped: no longer queued"
    prepare_job_process()
    run = JobRun(client, scripts, job_id, int(last_seq))
    run.train(client.hgetall(keys.job(job_id)))
    return client.hget(keys.job(job_id), "state") or "gone"
