"""A Celery app with one task, so tests/test_harness.py can prove that a worker started by
tests/celery_workers.py takes a task from Redis and runs it in a pool process (`cnnviz worker`
runs only training jobs, which need a dataset and a model). The broker comes from the worker's
command line (`celery --broker URL`)."""

import os

import redis
from celery import Celery

app = Celery("probe")
app.conf.update(
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
)


@app.task(name="probe.report_pid")
def report_pid(key: str) -> None:
    """Push the pid of the process running this task onto the list `key` in the broker's Redis,
    where the test waits for it (the app keeps no results)."""
    with redis.Redis.from_url(app.conf.broker_url) as client:
        client.rpush(key, os.getpid())
