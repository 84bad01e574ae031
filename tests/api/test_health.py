"""The health endpoint (embedded jobs, a broker that answers, one that is away), the frontend
mount, and the API's JSON 404s."""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.closed_port import closed_port_url

from cnnviz import __version__
from cnnviz.api.main import create_app
from cnnviz.settings import Settings, SettingsError, find_frontend_dir


def test_health_reports_ok_version_and_embedded_jobs(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__, "jobs": "embedded"}


def test_index_page_is_served_at_root(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>cnnviz: see how a CNN works</title>" in response.text
    assert 'data-view="draw"' in response.text


def test_frontend_assets_are_served(client: TestClient) -> None:
    response = client.get("/js/main.js")
    assert response.status_code == 200
    assert "/api/health" in client.get("/js/api.js").text


@pytest.mark.parametrize("path", ["/api/nope", "/api", "/api/health/extra"])
def test_unknown_api_path_is_json_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Not Found"}


def test_unknown_api_path_stays_json_even_with_a_404_page(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<title>cnnviz</title>")
    (tmp_path / "404.html").write_text("<p>lost</p>")
    settings = Settings(tmp_path, tmp_path / "models", allowed_hosts=("testserver",))
    client = TestClient(create_app(settings))
    assert client.get("/nope").text == "<p>lost</p>"
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_wrong_method_on_api_route_is_405(client: TestClient) -> None:
    response = client.post("/api/health")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json() == {"detail": "POST is not allowed on /api/health; it takes GET"}


def test_frontend_dir_from_env(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<title>cnnviz</title><p>custom</p>")
    env = {"CNNVIZ_FRONTEND_DIR": str(tmp_path), "CNNVIZ_ALLOWED_HOSTS": "testserver"}
    settings = Settings.from_env(env)
    assert settings.frontend_dir == tmp_path.resolve()
    assert "custom" in TestClient(create_app(settings)).get("/").text


def test_frontend_dir_without_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"CNNVIZ_FRONTEND_DIR=.* has no index\.html"):
        Settings.from_env({"CNNVIZ_FRONTEND_DIR": str(tmp_path)})


def test_default_frontend_dir_holds_the_page() -> None:
    # Editable install: the repository's frontend/; wheel: the copy inside the package.
    assert (find_frontend_dir() / "index.html").is_file()


def _broker_app(settings: Settings, broker_url: str) -> TestClient:
    return TestClient(create_app(replace(settings, broker_url=broker_url)))


def test_health_with_a_broker_that_answers(settings: Settings, redis_url: str) -> None:
    with _broker_app(settings, redis_url) as client:
        response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": __version__,
        "jobs": "broker",
        "broker": "ok",
    }


def test_health_and_job_routes_with_a_broker_that_is_away(settings: Settings) -> None:
    """Health stays 200 and says the broker is unreachable; a job route is a 503 whose message
    names the broker (never a 500)."""
    broker = closed_port_url("/0").replace("http://", "redis://")
    with _broker_app(settings, broker) as client:
        health = client.get("/api/health")
        jobs = client.get("/api/train")
    assert health.status_code == 200
    assert health.json()["broker"] == "unreachable"
    assert jobs.status_code == 503
    port = broker.rsplit(":", 1)[1].split("/")[0]
    assert jobs.json()["detail"].startswith(f"the job broker (Redis at 127.0.0.1:{port}) cannot")


def test_the_embedded_app_loads_neither_celery_nor_redis(tmp_path: Path) -> None:
    """Without a broker the app (and the whole command line) runs without them: a fresh
    interpreter builds the app, answers health and lists jobs, and has not imported them."""
    script = f"""
import sys
from pathlib import Path
from fastapi.testclient import TestClient
import cnnviz.cli
from cnnviz.api.main import create_app
from cnnviz.settings import Settings, find_frontend_dir
settings = Settings(find_frontend_dir(), Path({str(tmp_path)!r}), allowed_hosts=("testserver",))
with TestClient(create_app(settings)) as client:
    assert client.get("/api/health").json()["jobs"] == "embedded"
    assert client.get("/api/train").status_code == 200
print(sorted({{name.split(".")[0] for name in sys.modules}} & {{"celery", "kombu", "redis"}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
