"""The harness the broker tests stand on (tests/redis_server.py, tests/celery_workers.py and the
fixtures in tests/conftest.py): Redis starts on a free loopback port, answers, keeps nothing,
stops, starts again on the same port and is emptied between tests; a Celery worker starts, is
ready, runs a task in a pool process and dies when killed (a probe app's, whose task reports the
pid it ran in); `cnnviz worker` itself starts, takes a task and stops; and nothing either started
is left running afterwards, checked in /proc."""

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
import tests.redis_server as redis_module
from celery import Celery
from tests.celery_workers import CeleryWorker
from tests.child_processes import is_running
from tests.redis_server import RedisServer
from tests.waiting import wait_until

from cnnviz.tasks.distributed.celery_app import TRAIN_TASK

PROBE_APP = "tests.celery_probe_app"


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_redis_answers_on_loopback_and_persists_nothing(tmp_path: Path) -> None:
    with RedisServer(tmp_path) as server:
        pid, port = server.process.pid, server.port
        assert server.url == f"redis://127.0.0.1:{port}/0"
        with redis.Redis.from_url(server.url) as client:
            assert client.ping()
            settings = client.config_get("*")
        assert settings["bind"] == "127.0.0.1"
        assert settings["protected-mode"] == "yes"
        assert (settings["save"], settings["appendonly"]) == ("", "no")
        assert Path(settings["dir"]) == tmp_path
    assert not is_running(pid), server.log()
    assert refuses_connections(port)
    assert not list(tmp_path.glob("*.rdb")) and not list(tmp_path.glob("appendonly*"))


def test_redis_stops_and_starts_again_on_its_port(redis_server: RedisServer) -> None:
    url, pid = redis_server.url, redis_server.process.pid
    with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
        client.set("kept?", "no")
        redis_server.stop()
        assert not is_running(pid)
        with pytest.raises(redis.ConnectionError):
            client.ping()
        redis_server.start()
        assert redis_server.url == url
        assert redis_server.process.pid != pid
        assert client.ping()
        assert client.get("kept?") is None  # nothing persisted across the restart


def test_redis_url_fixture_empties_and_restarts_the_session_redis(
    redis_server: RedisServer, request: pytest.FixtureRequest
) -> None:
    for database in (0, 3):
        with redis.Redis.from_url(redis_server.url, db=database) as client:
            client.set("left by an earlier test", 1)
    redis_server.stop()  # as a test that failed before starting it again would leave it
    url = request.getfixturevalue("redis_url")
    assert redis_server.running
    for database in (0, 3):
        with redis.Redis.from_url(url, db=database) as client:
            assert client.dbsize() == 0


def test_redis_tries_another_port_when_its_port_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        ports = iter([taken.getsockname()[1], redis_module.free_port()])
        monkeypatch.setattr(redis_module, "free_port", lambda: next(ports))
        with RedisServer(tmp_path) as server:
            assert server.port != taken.getsockname()[1]
            assert server.client().ping()
            assert redis_module.BIND_FAILED in server.log()


def test_a_missing_redis_server_fails_saying_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="apt-get install -y redis-server"):
        RedisServer(tmp_path).start()


def test_a_worker_runs_a_task_in_its_pool_and_dies_when_killed(
    redis_url: str, tmp_path: Path
) -> None:
    with CeleryWorker(redis_url, tmp_path, concurrency=2, app=PROBE_APP) as worker:
        processes = worker.processes()
        assert len(processes) == 3, f"main + 2 pool processes, found {processes}"
        with Celery(broker=redis_url) as app:
            app.send_task("probe.report_pid", args=["ran in"])
        with redis.Redis.from_url(redis_url) as client:
            answer = client.blpop(["ran in"], timeout=10)
        assert answer is not None, f"the task did not run within 10 s:\n{worker.log()}"
        assert int(answer[1]) in set(processes) - {worker.pid}, worker.log()

        worker.kill()
        wait_until(
            lambda: not any(is_running(pid) for pid in processes),
            timeout=10,
            what="the pool processes to end with their killed worker",
        )


def test_cnnviz_worker_takes_a_task_and_stops_leaving_nothing_running(
    start_worker: Callable[..., CeleryWorker], redis_url: str
) -> None:
    worker = start_worker(concurrency=2)
    assert worker.command()[1:4] == ["-m", "cnnviz", "worker"]
    processes = worker.processes()
    assert len(processes) == 3, f"main + 2 pool processes, found {processes}"
    with Celery(broker=redis_url) as app:
        task = app.send_task(TRAIN_TASK, args=["no-such-job"])
    ran = f"Task {TRAIN_TASK}[{task.id}] succeeded"
    try:
        wait_until(lambda: ran in worker.log(), timeout=10, what=f"'{ran}' in the worker's log")
    except AssertionError as error:
        raise AssertionError(f"{error}:\n{worker.log()}") from None
    worker.stop()
    assert worker.process.returncode == 0, worker.log()  # a warm shutdown, not the SIGKILL
    assert not any(is_running(pid) for pid in processes)


def test_a_worker_that_cannot_start_fails_with_its_log(redis_url: str, tmp_path: Path) -> None:
    worker = CeleryWorker(redis_url, tmp_path, app="tests.no_such_module")
    with pytest.raises(RuntimeError, match="no_such_module"):
        worker.start()
    assert not worker.processes()
