"""Real-browser fixtures: `cnnviz serve` on 127.0.0.1 with data made here, and Debian Chromium.

The server (tests/live_server.py) has its own models folder and a generated MNIST-format
dataset, started once per session. Every test gets
a fresh page (1400×900) that fails the test at teardown when the page logged a console error or
threw an uncaught error, and a `screenshot(name)` helper that writes
`artifacts/screenshots/<name>.png` at the repository root.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.browser.pages import ARTIFACTS, REPORTS, SCREENSHOTS
from tests.live_server import LiveServer, live_server
from tests.tiny_mnist import make_tiny_mnist

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


# --- the server -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`cnnviz serve` with the API and the page, its own models folder and a dataset of easy
    digits: 3,000 for training (the training test asks for 500 of classes 0 and 1, plus the
    tenth held out for validation) and 200 for testing."""
    root = tmp_path_factory.mktemp("browser-server")
    data_dir = make_tiny_mnist(root / "data", train=3000, test=200)
    with live_server(root, {"CNNVIZ_DATA_DIR": str(data_dir)}, start_timeout=60) as running:
        yield running


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
def page(browser, server: LiveServer) -> Iterator[object]:
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
def open_view(page, server: LiveServer) -> Callable[[str], object]:
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
