"""The Train view with a job that waits in the server's queue (issue 13), on a server with one
trainer (CNNVIZ_MAX_JOBS=1): started while another job trains, the page's run says it waits and
its place in line, the place the server gives (GET /api/train/{id} `queue_position`), moving up
when a job ahead of it is cancelled; Stop reads Cancel. When the job ahead stops, the page's run
starts and its steps arrive in the usual live view; cancelled from the page instead, it says so
and Start is ready again, and the server's record says cancelled too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.browser.axecheck import serious_violations
from tests.browser.labwalk import link_state
from tests.browser.pages import goto_view
from tests.live_server import LiveServer, live_server
from tests.tiny_mnist import make_tiny_mnist
from tests.waiting import wait_until

VIEW = "section[data-view='train']"
#: A job that trains for over a minute unless stopped: 75 steps at one a second.
LONG_RUN = {
    "model": "simple",
    "classes": [0, 1],
    "train_size": 500,
    "epochs": 5,
    "seed": 0,
    "steps_per_second": 1,
}
#: The states of a job that has not ended.
LIVE = ("queued", "running", "paused")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's server (it replaces the session's for `page` and `open_view`): one trainer,
    so a second job waits in the queue."""
    root = tmp_path_factory.mktemp("queue-server")
    data_dir = make_tiny_mnist(root / "data", train=3000, test=200)
    environment = {"CNNVIZ_DATA_DIR": str(data_dir), "CNNVIZ_MAX_JOBS": "1"}
    with live_server(root, environment, start_timeout=60) as running:
        yield running


@pytest.fixture(autouse=True)
def no_live_jobs(server: LiveServer) -> Iterator[None]:
    """Every test starts and ends with no job queued or training (each is stopped at the end)."""
    yield
    for job in server.api("GET", "/api/train"):
        if job["state"] in LIVE:
            server.request("POST", f"/api/train/{job['id']}/stop")
    wait_until(
        lambda: all(job["state"] not in LIVE for job in server.api("GET", "/api/train")),
        timeout=60,
        what="every job to end",
    )


def state_of(server: LiveServer, job_id: str) -> dict:
    return server.api("GET", f"/api/train/{job_id}")


def start_long_run(server: LiveServer, expected_state: str) -> str:
    """A long job started through the API, in `expected_state` (running, or queued)."""
    answer = server.api("POST", "/api/train", LONG_RUN)
    assert answer["state"] == expected_state, answer
    return answer["id"]


def wait_state(page, state: str, timeout_ms: float = 30_000) -> None:
    page.wait_for_selector(f"{VIEW} [data-job-state][data-state='{state}']", timeout=timeout_ms)


def wait_progress(page, text: str, timeout_ms: float = 30_000) -> None:
    """The run panel's progress line reads `text` (exactly)."""
    page.wait_for_function(
        "([css, text]) => document.querySelector(css).textContent === text",
        arg=[f"{VIEW} [data-train-progress]", text],
        timeout=timeout_ms,
    )


def start_in_page(page, view) -> str:
    """In the Train `view`, press Start with the form's default run and wait until the page says
    the run waits; returns the run's id (the link's `job`)."""
    page.wait_for_function(
        "(css) => !document.querySelector(css).disabled", arg=f"{VIEW} select[name='model']"
    )
    view.locator("button[data-train-start]").click()
    wait_state(page, "queued")
    page.wait_for_function("() => location.hash.includes('job=')", timeout=10_000)
    return link_state(page)["job"]


def test_a_queued_run_waits_moves_up_and_starts(page, server, open_view, screenshot):
    page.set_viewport_size({"width": 1280, "height": 800})
    first = start_long_run(server, "running")
    second = start_long_run(server, "queued")
    view = open_view("train")
    job_id = start_in_page(page, view)

    # Its place as the server counts it: behind the API's queued job.
    assert state_of(server, job_id)["queue_position"] == 2
    wait_progress(page, "Waiting for a free trainer: 2nd in line")
    stop = view.locator("button[data-train-stop]")
    assert stop.inner_text() == "Cancel" and stop.is_enabled()
    assert view.locator("button[data-train-start]").is_disabled()
    assert view.locator("button[data-train-pause]").is_disabled()
    mine = view.locator(f"[data-compare-list] label:has(input[data-compare-job='{job_id}'])")
    assert "waiting, 2nd in line" in mine.inner_text()

    # The job ahead of it is cancelled: the server moves it up, the page follows.
    assert server.api("POST", f"/api/train/{second}/stop")["state"] == "cancelled"
    assert state_of(server, job_id)["queue_position"] == 1
    wait_progress(page, "Waiting for a free trainer: 1st in line")
    cancelled = view.locator(f"[data-compare-list] input[data-compare-job='{second}']")
    cancelled.wait_for()
    wait_until(cancelled.is_disabled, timeout=10, what="the cancelled run's box to be disabled")
    screenshot("train-queue-waiting")
    assert serious_violations(page) == []

    # The link opened again (a reload, another browser) shows the same wait from the history.
    page.reload()
    page.wait_for_selector("html[data-ready='true']", state="attached")
    wait_state(page, "queued")
    wait_progress(page, "Waiting for a free trainer: 1st in line")

    # The running job stops: the page's run starts and its steps arrive.
    server.api("POST", f"/api/train/{first}/stop")
    wait_state(page, "running", timeout_ms=60_000)
    page.wait_for_function(
        "(css) => Number(document.querySelector(css).dataset.points) >= 2",
        arg=f"{VIEW} [data-loss-chart]",
        timeout=60_000,
    )
    assert state_of(server, job_id)["state"] == "running"
    assert state_of(server, job_id)["queue_position"] is None
    progress = view.locator("[data-train-progress]").inner_text()
    assert progress.startswith("Epoch ") and " step " in progress, progress
    assert stop.inner_text() == "Stop" and view.locator("button[data-train-pause]").is_enabled()
    screenshot("train-queue-started")


def test_a_queued_run_cancelled_from_the_page(server, sized_page, screenshot):
    phone = sized_page("phone")
    running = start_long_run(server, "running")
    view = goto_view(phone, server.url, "train")
    job_id = start_in_page(phone, view)
    wait_progress(phone, "Waiting for a free trainer: 1st in line")
    assert state_of(server, job_id)["queue_position"] == 1
    screenshot("train-queue-waiting-phone", phone)

    stop = view.locator("button[data-train-stop]")
    assert stop.inner_text() == "Cancel"
    stop.click()
    wait_state(phone, "cancelled")
    wait_progress(phone, "Cancelled while waiting: it never started. Set up a run and press Start.")
    record = state_of(server, job_id)
    assert record["state"] == "cancelled" and record["queue_position"] is None, record
    assert state_of(server, running)["state"] == "running"  # the job that trains goes on
    assert view.locator("button[data-train-start]").is_enabled()
    assert stop.is_disabled() and stop.inner_text() == "Stop"
    screenshot("train-queue-cancelled-phone", phone)
    assert serious_violations(phone) == []
