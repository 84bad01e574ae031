"""The Celery side of the job broker: the app, its one task, and the worker `cnnviz worker` runs.

The task message carries only the job's id; everything else is the job's record in Redis. Settings
that matter for long jobs: a message is acknowledged after its task (a worker that dies before
finishing does not lose it silently: the claim makes a redelivery harmless), each worker process
reserves one message at a time (prefetch 1: a queued job waits in the broker, where any free
worker takes it, not behind a busy one), results are not stored (the record is the result)."""

from __future__ import annotations

import os

from celery import Celery

from cnnviz.tasks.distributed.connection import connect
from cnnviz.tasks.distributed.runner import run_job

TRAIN_TASK = "cnnviz.train"


def make_celery(broker_url: str) -> Celery:
    app = Celery("cnnviz", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # Sending a job reconnects once or twice (a Redis restarted since the last send leaves
        # a dead connection in the pool), and never hangs a request: about a second at most.
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 0.5,
        },
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
    )
    client = None

    @app.task(name=TRAIN_TASK, ignore_result=True)
    def train(job_id: str) -> str:
        nonlocal client
        if client is None:  # one client per worker process, made in the process itself
            client = connect(broker_url)
        return run_job(client, job_id)

    return app


def worker_main(broker_url: str, concurrency: int | None = None) -> None:
    """Run a Celery worker for `broker_url` in this process (blocks until it is stopped)."""
    app = make_celery(broker_url)
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency or os.cpu_count() or 1}",
            "--prefetch-multiplier=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-O",
            "fair",
        ]
    )
