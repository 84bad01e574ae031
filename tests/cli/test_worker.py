"""`cnnviz worker` as an operator runs it: without a broker it says what to pass, in one line; its
--concurrency is a whole number of at least 1; and on a real Redis it is a Celery worker that
answers the broker with the pool size asked for, its URL taken from CNNVIZ_BROKER_URL when
--broker is not given."""

import os
import subprocess
from pathlib import Path

import pytest
from tests.cli.commands import cnnviz
from tests.live_server import CLI, without_proxies

from cnnviz.cli import build_parser

pytestmark = pytest.mark.timeout(120)  # a backstop: every wait below has its own deadline


def test_worker_without_a_broker_is_a_one_line_error() -> None:
    env = {k: v for k, v in without_proxies(os.environ).items() if k != "CNNVIZ_BROKER_URL"}
    result = subprocess.run([*CLI, "worker"], capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "cnnviz: error: cnnviz worker needs a broker: pass --broker redis://HOST:6379/0 (the "
        "Redis the server's --broker names) or set CNNVIZ_BROKER_URL"
    ]


@pytest.mark.parametrize(
    ("argv", "env", "named"),
    [
        (["--broker", "http://lab-pc:6379"], {}, "--broker=http://lab-pc:6379"),
        ([], {"CNNVIZ_BROKER_URL": "lab-pc:6379"}, "CNNVIZ_BROKER_URL=lab-pc:6379"),
    ],
)
def test_worker_with_a_url_that_is_not_redis_names_it(
    argv: list[str], env: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CNNVIZ_BROKER_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = cnnviz("worker", *argv)
    assert run.code == 2
    assert run.err.startswith(f"cnnviz: error: {named} is not a Redis URL (give redis://")


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5", ""])
def test_concurrency_below_one_or_not_whole_is_refused(text: str) -> None:
    run = cnnviz("worker", "--broker", "redis://127.0.0.1:1/0", "--concurrency", text)
    assert run.code == 2
    assert "argument --concurrency: expected a whole number of at least 1" in run.err


def test_concurrency_is_read_and_defaults_to_the_cores() -> None:
    parser = build_parser()
    assert parser.parse_args(["worker", "--concurrency", "3"]).concurrency == 3
    assert parser.parse_args(["worker"]).concurrency == os.cpu_count()


def test_worker_takes_its_broker_from_the_environment_and_runs_the_pool_asked_for(
    redis_url: str, tmp_path: Path
) -> None:
    """Started with CNNVIZ_BROKER_URL only, the worker answers a `stats` broadcast on that
    Redis, and its pool is the --concurrency given."""
    from celery import Celery
    from tests.celery_workers import CeleryWorker

    class WorkerFromEnvironment(CeleryWorker):
        def command(self) -> list[str]:
            return [*CLI, "worker", "--concurrency", str(self.concurrency)]

    env = {"CNNVIZ_BROKER_URL": redis_url}
    pool = 1 if (os.cpu_count() or 1) > 1 else 2  # not the default, which is the cores
    worker = WorkerFromEnvironment(redis_url, tmp_path, concurrency=pool, env=env)
    with worker, Celery(broker=redis_url) as control:
        replies = control.control.broadcast("stats", reply=True, timeout=2.0)
    stats = [stats for reply in replies for stats in reply.values()]
    ours = [entry for entry in stats if entry["pid"] == worker.pid]
    assert len(ours) == 1, stats
    assert ours[0]["pool"]["max-concurrency"] == pool
