"""`cnnviz serve --broker URL --workers N`: the URL is checked at start (one line naming where it
came from), more than one process without a broker is refused with the reason, and with a broker
two processes share the port: each serves predictions on its own, while Redis cannot be reached
the job routes answer 503 saying so and health says which part is missing, and Ctrl+C stops
them all."""

import os
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from tests.closed_port import closed_port_url
from tests.live_server import CLI, HOST, LiveServer, live_server, without_proxies
from tests.waiting import wait_until

from cnnviz import __version__
from cnnviz.api.schemas.inference import EXAMPLE_PIXELS
from cnnviz.models.bundled import load_model
from cnnviz.settings import Settings, SettingsError

pytestmark = pytest.mark.timeout(120)  # a backstop: every wait below has its own deadline

NOT_REDIS = ["http://lab-pc:6379", "lab-pc:6379", "redis:/lab-pc", "redis://", "REDIS-URL"]
NEEDS_BROKER = (
    "cnnviz: error: --workers 2 needs a broker: without one each process would run its own jobs "
    "that the others cannot see; pass --broker redis://HOST:6379/0 or set CNNVIZ_BROKER_URL"
)
PREDICT = "/api/models/lenet5-mnist/predict"
#: How long Ctrl+C may take to stop the supervisor and its processes (each gets 3 s of grace).
STOP_DEADLINE_S = 15.0


def _serve(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`cnnviz serve` that is expected to stop at once; no broker unless `env` gives one."""
    environ = {k: v for k, v in without_proxies(os.environ).items() if k != "CNNVIZ_BROKER_URL"}
    return subprocess.run(
        [*CLI, "serve", "--host", HOST, "--port", "0", *argv],
        capture_output=True,
        text=True,
        timeout=30,
        env={**environ, **(env or {})},
    )


@pytest.mark.parametrize("url", NOT_REDIS)
def test_a_broker_url_that_is_not_redis_is_a_settings_error(url: str) -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"CNNVIZ_BROKER_URL": url})
    assert str(error.value).startswith(f"CNNVIZ_BROKER_URL={url} is not a Redis URL")


@pytest.mark.parametrize(
    "url", ["redis://redis:6379/0", "rediss://:secret@10.0.0.5:6380/1", "unix:///run/redis.sock"]
)
def test_a_redis_url_is_the_broker_and_none_is_embedded(url: str) -> None:
    assert Settings.from_env({"CNNVIZ_BROKER_URL": url}).broker_url == url
    assert Settings.from_env({}).broker_url is None
    assert Settings.from_env({"CNNVIZ_BROKER_URL": ""}).broker_url is None


@pytest.mark.parametrize(
    ("argv", "env", "named"),
    [
        (["--broker", "http://lab-pc"], {}, "--broker=http://lab-pc"),
        ([], {"CNNVIZ_BROKER_URL": "http://lab-pc"}, "CNNVIZ_BROKER_URL=http://lab-pc"),
    ],
)
def test_serve_with_a_url_that_is_not_redis_is_one_line(
    argv: list[str], env: dict[str, str], named: str
) -> None:
    result = _serve(*argv, env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"cnnviz: error: {named} is not a Redis URL (give redis://HOST:6379/0, "
        "rediss://HOST:6380/0 for TLS or unix:///path/to/redis.sock)"
    ]


def test_serve_with_two_processes_and_no_broker_says_why_not() -> None:
    result = _serve("--workers", "2")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [NEEDS_BROKER]
    assert "serving on" not in result.stdout + result.stderr


@pytest.mark.parametrize("count", ["0", "-2", "two"])
def test_serve_workers_is_a_whole_number_of_at_least_one(count: str) -> None:
    result = _serve("--workers", count)
    assert result.returncode == 2
    assert "argument --workers: expected a whole number of at least 1" in result.stderr


def _expected_probabilities() -> np.ndarray:
    """The bundled model's softmax for EXAMPLE_PIXELS, from the engine in this process."""
    model, _ = load_model("lenet5-mnist")
    logits = model.forward(np.array(EXAMPLE_PIXELS, np.float32)[None, None])[0]
    exp = np.exp(logits.astype(np.float64) - logits.max())
    return exp / exp.sum()


@contextmanager
def _stopped(pid: int):
    """SIGSTOP `pid` for the block (it accepts nothing then); SIGCONT it after. Kept short: the
    supervisor replaces a process that does not answer its ping for 5 s."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def _server_processes(server: LiveServer) -> list[int]:
    """The processes uvicorn's supervisor started (spawned: their command line says so)."""
    return [
        pid
        for pid in server.children()
        if b"multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def test_two_processes_with_redis_away_serve_predictions_and_say_jobs_are_503(
    tmp_path: Path,
) -> None:
    """Each of the two processes answers a prediction alone (the other stopped), equal to the
    engine's own softmax; health says the broker is unreachable; job and download routes are
    503 with the broker's message."""
    broker = closed_port_url("/0").replace("http://", "redis://")
    with live_server(tmp_path, args=["--workers", "2", "--broker", broker]) as server:
        assert "in 2 processes" in server.log_text()
        wait_until(lambda: len(_server_processes(server)) == 2, timeout=20, what="2 processes")
        expected = _expected_probabilities()
        for pid in _server_processes(server):
            others = [other for other in _server_processes(server) if other != pid]
            with _stopped(others[0]):
                status, body = server.request("POST", PREDICT, {"pixels": EXAMPLE_PIXELS}, 4.0)
            assert status == 200, body
            np.testing.assert_allclose(body["probabilities"], expected, rtol=1e-5, atol=1e-12)

        assert server.api("GET", "/api/health") == {
            "status": "ok",
            "version": __version__,
            "jobs": "broker",
            "broker": "unreachable",
        }
        for method, path in [
            ("GET", "/api/train"),
            ("POST", "/api/datasets/mnist/download"),
        ]:
            status, body = server.request(method, path)
            assert status == 503, (method, path, body)
            assert body["detail"].startswith("the job broker (Redis at 127.0.0.1:"), body
            assert "cannot be reached" in body["detail"]
        assert "Traceback" not in server.log_text()


def test_ctrl_c_stops_both_processes_within_seconds(tmp_path: Path) -> None:
    broker = closed_port_url("/0").replace("http://", "redis://")
    with live_server(tmp_path, args=["--workers", "2", "--broker", broker]) as server:
        wait_until(lambda: len(_server_processes(server)) == 2, timeout=20, what="2 processes")
        processes = _server_processes(server)
        server.process.send_signal(signal.SIGINT)
        try:
            code = server.process.wait(timeout=STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"cnnviz serve --workers 2 still ran {STOP_DEADLINE_S:g} s after SIGINT")
        assert code == 0, server.log_text()[-3000:]
        assert not [pid for pid in processes if Path(f"/proc/{pid}").exists()]
        assert "Traceback" not in server.log_text()
