"""The browser-facing defences: security headers on every answer, `/docs` offline under its own
policy, the Host check (DNS rebinding), CORS off unless listed, and 405 for a wrong method."""

from __future__ import annotations

import base64
import hashlib
import re
import socket
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cnnviz.api.main import create_app
from cnnviz.settings import Settings, SettingsError, find_frontend_dir

FOREIGN = "rebind.example"


def _app_client(tmp_path: Path, **fields) -> TestClient:
    return TestClient(create_app(Settings(find_frontend_dir(), tmp_path / "models", **fields)))


def _policy(response) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: sources}."""
    directives = [part.split() for part in response.headers["content-security-policy"].split(";")]
    return {words[0]: words[1:] for words in directives if words}


# --- security headers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/css/app.css", 200),
        ("GET", "/js/main.js", 200),
        ("GET", "/api/health", 200),
        ("GET", "/api/models/no-such-model", 404),
        ("GET", "/nope.html", 404),
        ("POST", "/api/conv/apply", 422),
    ],
)
def test_every_answer_carries_the_security_headers(client, method, path, status) -> None:
    response = client.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no CDN
    assert policy["style-src"] == ["'self'"]  # no inline style attribute
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_page_loads_only_its_own_files(client) -> None:
    """What the policy allows is what index.html asks for: same-origin scripts and styles, no
    inline script or style."""
    html = client.get("/").text
    assert "<style" not in html and " style=" not in html
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http:", "https:", "//")), url
        if not url.startswith(("data:", "#", "/docs")):
            assert client.get("/" + url).status_code == 200, url


# --- /docs -----------------------------------------------------------------------------------


def test_docs_work_offline_under_their_own_policy(client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link type="text/css" rel="stylesheet" href="([^"]+)"', html)
    assert scripts == ["/docs/assets/swagger-ui-bundle.js"]
    assert styles == ["/docs/assets/swagger-ui.css"]
    bundle = client.get(scripts[0])
    assert bundle.status_code == 200 and "javascript" in bundle.headers["content-type"]
    assert b"SwaggerUIBundle" in bundle.content
    css = client.get(styles[0])
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    # The one inline script is allowed by its hash, computed here from the page itself.
    (inline,) = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    policy = _policy(response)
    assert policy["script-src"] == ["'self'", f"'sha256-{digest}'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


# --- the Host header -------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000"])
def test_local_names_are_answered(tmp_path, host) -> None:
    client = _app_client(tmp_path)
    assert client.get("/api/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", [FOREIGN, f"{FOREIGN}:8000", "testserver", "localhost.evil.org"])
def test_a_foreign_host_is_400_with_a_message(tmp_path, host) -> None:
    client = _app_client(tmp_path)
    response = client.get("/api/health", headers={"Host": host})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert repr(host) in detail and "CNNVIZ_ALLOWED_HOSTS" in detail
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_itself_is_refused_to_a_foreign_host(tmp_path) -> None:
    response = _app_client(tmp_path).get("/", headers={"Host": FOREIGN})
    assert response.status_code == 400 and "<html" not in response.text


def test_allowed_hosts_add_names(tmp_path) -> None:
    client = _app_client(tmp_path, allowed_hosts=("lab-pc", "10.1.2.3", "fd00::7"))
    for host in ("lab-pc:8000", "LAB-PC", "10.1.2.3", "[fd00::7]:8000"):
        assert client.get("/api/health", headers={"Host": host}).status_code == 200, host
    assert client.get("/api/health", headers={"Host": FOREIGN}).status_code == 400


def _hostname_command(*args: str) -> list[str]:
    """What the system's `hostname` tool says (an independent reading of names and addresses)."""
    return subprocess.run(
        ["hostname", *args], capture_output=True, text=True, timeout=10
    ).stdout.split()


def test_bound_to_all_interfaces_the_machine_names_and_addresses_are_answered(tmp_path) -> None:
    public = _app_client(tmp_path, listen_host="0.0.0.0")
    local = _app_client(tmp_path)
    names = [socket.gethostname(), *_hostname_command("-I")]
    for name in names:
        host = f"[{name}]:8000" if ":" in name else f"{name}:8000"
        assert public.get("/api/health", headers={"Host": host}).status_code == 200, host
        if name not in ("localhost", "127.0.0.1"):
            assert local.get("/api/health", headers={"Host": host}).status_code == 400, host
    assert public.get("/api/health", headers={"Host": FOREIGN}).status_code == 400


def test_allowed_hosts_from_the_environment() -> None:
    env = {"CNNVIZ_ALLOWED_HOSTS": " lab-pc , 10.0.0.5,,::1 "}
    assert Settings.from_env(env).allowed_hosts == ("lab-pc", "10.0.0.5", "::1")
    with pytest.raises(SettingsError, match="'lab-pc:8000' is not a host name"):
        Settings.from_env({"CNNVIZ_ALLOWED_HOSTS": "lab-pc:8000"})
    with pytest.raises(SettingsError, match="'http://lab-pc' is not a host name"):
        Settings.from_env({"CNNVIZ_ALLOWED_HOSTS": "http://lab-pc"})


# --- CORS ------------------------------------------------------------------------------------


def _preflight(client: TestClient, origin: str):
    return client.options(
        "/api/models",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )


def test_cors_is_off_by_default(client) -> None:
    origin = "http://lab-pc:8080"
    assert "access-control-allow-origin" not in _preflight(client, origin).headers
    response = client.get("/api/models", headers={"Origin": origin})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_cors_allows_the_listed_origins_only(tmp_path) -> None:
    listed = "http://lab-pc:8080"
    client = _app_client(tmp_path, allowed_hosts=("testserver",), cors_origins=(listed,))
    allowed = _preflight(client, listed)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == listed
    assert "POST" in allowed.headers["access-control-allow-methods"]
    refused = _preflight(client, "http://other:8080")
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    response = client.get("/api/models", headers={"Origin": listed})
    assert response.headers["access-control-allow-origin"] == listed


def test_cors_origins_from_the_environment() -> None:
    env = {"CNNVIZ_CORS_ORIGINS": "http://lab-pc:8080, https://example.org"}
    assert Settings.from_env(env).cors_origins == ("http://lab-pc:8080", "https://example.org")
    for bad in ("*", "lab-pc:8080", "http://lab-pc:8080/app"):
        with pytest.raises(SettingsError, match="is not an origin"):
            Settings.from_env({"CNNVIZ_CORS_ORIGINS": bad})


# --- 405 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/health", "GET"),
        ("PUT", "/api/models", "GET, POST"),
        ("PUT", "/api/models/lenet5-mnist", "GET, PATCH, DELETE"),
        ("GET", "/api/train/some-job/pause", "POST"),
        ("POST", "/docs", "GET"),
        ("DELETE", "/index.html", "GET, HEAD"),
    ],
)
def test_a_wrong_method_on_an_existing_path_is_405(client, method, path, allow) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"detail": f"{method} is not allowed on {path}; it takes {allow}"}


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_a_path_that_does_not_exist_is_404_whatever_the_method(client, method) -> None:
    response = client.request(method, "/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
