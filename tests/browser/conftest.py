"""Real-browser fixtures: `cnnviz serve` on 127.0.0.1 with data made here, and Debian Chromium.

The server (tests/live_server.py) has its own models folder and a generated MNIST-format
dataset, started once per session. Every test gets a fresh page (1400×900) that fails the test
at teardown when the page logged a console error or threw an uncaught error, and a
`screenshot(name)` helper that writes `artifacts/screenshots/<name>.png` at the repository root.
`sized_page(size)` opens more pages, each in a fresh browser context and watched the same way, at
one of the SIZES the page is built for: a laptop, a projector and a phone (touch).
`finished_run` is a short training run, made once per session for the tests that need one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.browser.pages import ARTIFACTS, REPORTS, SCREENSHOTS, goto_view, photograph
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
#: The screens the page is built for, as browser-context options: a student's laptop, a
#: classroom projector, and a phone held upright (touch, a mobile viewport, 3 device pixels per
#: CSS pixel).
SIZES: dict[str, dict] = {
    "laptop": {"viewport": {"width": 1280, "height": 800}},
    "projector": {"viewport": {"width": 1920, "height": 1080}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "has_touch": True,
        "is_mobile": True,
        "device_scale_factor": 3,
    },
}


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


@pytest.fixture(scope="session")
def finished_run(server: LiveServer) -> str:
    """The id of a short training run (2 classes, 300 digits, 2 epochs) started through the API
    and finished, for tests that look at the Train view with its charts and results
    (`open_view(f"train&job={finished_run}")`)."""
    body = {"model": "simple", "classes": [0, 1], "train_size": 300, "epochs": 2, "seed": 0}
    job_id = server.api("POST", "/api/train", body)["id"]
    deadline = time.monotonic() + 120
    while (job := server.api("GET", f"/api/train/{job_id}"))["state"] in ("running", "paused"):
        if time.monotonic() > deadline:
            pytest.fail(f"the training run did not end within 120 s: {job}", pytrace=False)
        time.sleep(0.1)
    assert job["state"] == "done", job
    return job_id


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
def sized_page(browser, server: LiveServer) -> Iterator[Callable[..., object]]:
    """`sized_page("phone")` (a key of SIZES, or None for 1400×900): a fresh page in a fresh
    browser context (no cookies or storage shared with another page). The test fails at
    teardown if any page it opened logged an error."""
    contexts: list[object] = []
    errors: list[str] = []

    def open_page(size: str | None = None) -> object:
        options = SIZES[size] if size else {"viewport": VIEWPORT}
        context = browser.new_context(**options)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        where = f" [{size}]" if size else ""

        def on_console(message) -> None:
            if message.type == "error":
                location = message.location or {}
                url = location.get("url", "")
                errors.append(f"console.error{where}: {message.text} ({url})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(f"page error{where}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    if errors:
        pytest.fail("the page logged errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page(sized_page) -> object:
    """A fresh page at 1400×900; the test fails at teardown if the page logged any error."""
    return sized_page()


@pytest.fixture
def open_view(page, server: LiveServer) -> Callable[[str], object]:
    """`open_view("draw")` or `open_view("stepper&layer=conv1")`: load the page at that hash
    and wait until the app has booted and the view is visible."""
    return lambda hash_rest: goto_view(page, server.url, hash_rest)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, artifacts: Path) -> Callable[..., Path]:
    """`screenshot("draw")` saves the whole `page` to artifacts/screenshots/draw.png;
    `screenshot("draw-phone", other_page)` saves another page (one from `sized_page`; the
    `page` fixture is then never opened)."""

    def take(name: str, of: object | None = None) -> Path:
        return photograph(of or request.getfixturevalue("page"), SCREENSHOTS / f"{name}.png")

    return take
