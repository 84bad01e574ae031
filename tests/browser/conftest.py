"""Real-browser fixtures: uvicorn on 127.0.0.1 with data made here, and Debian Chromium.

The server is a subprocess (`python -m uvicorn cnnviz.api.main:create_app --factory`) with its
own models folder and a generated MNIST-format dataset, started once per session. Every test gets
a fresh page (1400×900) that fails the test at teardown when the page logged a console error or
threw an uncaught error, and a `screenshot(name)` helper that writes
`artifacts/screenshots/<name>.png` at the repository root.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from tests.browser.pages import ARTIFACTS, REPO, REPORTS, SCREENSHOTS

from cnnviz.data import write_idx

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
#: Training digits per class: the training test asks for 500 digits of classes 0 and 1, plus the
#: tenth held out for validation.
TRAIN_PER_CLASS = 300
TEST_PER_CLASS = 20


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in this folder carries the `browser` marker."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter) -> None:
    """Say what the browser tests measured (the draw latency), in every run's log."""
    if REPORTS:
        terminalreporter.section("browser tests: measurements")
        for line in REPORTS:
            terminalreporter.write_line(line)


# --- data -----------------------------------------------------------------------------------------


def make_browser_mnist(root: Path) -> Path:
    """MNIST-format IDX files of easy, learnable digits: label k has a bright row at 2k + 3.

    3,000 training digits (300 per class: 600 of classes 0 and 1) and 200 test digits.
    """
    folder = root / "mnist"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for prefix, per_class in (("train", TRAIN_PER_CLASS), ("t10k", TEST_PER_CLASS)):
        n = per_class * 10
        labels = (np.arange(n) % 10).astype(np.uint8)
        images = (rng.random((n, 28, 28)) * 60).astype(np.uint8)
        images[np.arange(n), labels * 2 + 3, 4:24] = 255
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", labels)
    return root


# --- the server -----------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def api(self, method: str, path: str, body: object | None = None) -> dict:
        """JSON in, JSON out, straight to the API (not through the page)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data else {},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """uvicorn serving the API and the page, with its own models folder and dataset."""
    root = tmp_path_factory.mktemp("browser-server")
    data_dir = make_browser_mnist(root / "data")
    models_dir = root / "models"
    models_dir.mkdir()
    env = {**os.environ, "CNNVIZ_MODELS_DIR": str(models_dir), "CNNVIZ_DATA_DIR": str(data_dir)}
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(name, None)
    port = free_port()
    log = root / "server.log"
    command = [
        sys.executable, "-m", "uvicorn", "cnnviz.api.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"uvicorn exited with {process.returncode}:\n{server.log_tail()}")
            try:
                server.api("GET", "/api/health")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"uvicorn did not answer /api/health in 60 s:\n{server.log_tail()}")
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium; "
            "run `apt-get install -y chromium`",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python Playwright is missing: pip install -e '.[test]'", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server: Server) -> Iterator[object]:
    """A fresh page at 1400×900; the test fails at teardown if the page logged any error."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url", "")
            errors.append(f"console.error: {message.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    yield page
    context.close()
    if errors:
        pytest.fail("the page logged errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def open_view(page, server: Server) -> Callable[[str], object]:
    """`open_view("draw")` or `open_view("stepper&layer=conv1")`: load the page at that hash
    and wait until the app has booted and the view is visible."""

    def open_view(hash_rest: str) -> object:
        name = hash_rest.split("&", 1)[0]
        page.goto(f"{server.url}/#tab={hash_rest}")
        page.wait_for_selector("html[data-ready='true']", state="attached")
        page.wait_for_selector(f"section[data-view='{name}']", state="visible")
        return page.locator(f"section[data-view='{name}']")

    return open_view


@pytest.fixture(scope="session")
def artifacts() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def screenshot(page, artifacts: Path) -> Callable[[str], Path]:
    """`screenshot("draw")` saves the whole page to artifacts/screenshots/draw.png."""

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
