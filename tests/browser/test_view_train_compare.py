"""The Train view's Compare runs panel overlays two runs of the server on the same charts: one
line per run with as many points as the run had validation points (the server's plan of the same
request says how many), each in the legend by how it was set up."""

import pytest
from tests.browser.axecheck import serious_violations
from tests.waiting import wait_until

VIEW = "section[data-view='train']"
# A second run beside the session's finished one (adam, lr 0.001): plain SGD at a larger rate.
SGD_RUN = {
    "model": "simple",
    "classes": [0, 1],
    "train_size": 300,
    "epochs": 2,
    "seed": 0,
    "optimizer": "sgd",
    "lr": 0.05,
}
FINISHED_RUN = {"model": "simple", "classes": [0, 1], "train_size": 300, "epochs": 2, "seed": 0}


@pytest.fixture(scope="module")
def sgd_run(server) -> str:
    job_id = server.api("POST", "/api/train", SGD_RUN)["id"]
    ended = lambda: server.api("GET", f"/api/train/{job_id}")["state"] not in ("running", "paused")  # noqa: E731
    wait_until(ended, timeout=120, what="the SGD run to end")
    assert server.api("GET", f"/api/train/{job_id}")["state"] == "done"
    return job_id


def compare(page, first: str, second: str) -> object:
    panel = page.locator(f"{VIEW} [data-train-compare]")
    for job_id in (first, second):
        box = panel.locator(f"input[data-compare-job='{job_id}']")
        box.wait_for(timeout=20_000)
        box.check()
    return panel


def test_two_runs_overlaid_with_their_legends(
    page, open_view, server, finished_run, sgd_run, sized_page, screenshot
):
    points = {
        body.get("optimizer", "adam"): server.api("POST", "/api/train/plan", body)[
            "validation_points"
        ]
        for body in (FINISHED_RUN, SGD_RUN)
    }
    open_view("train")
    panel = compare(page, finished_run, sgd_run)
    for chart in ("[data-compare-loss]", "[data-compare-accuracy]"):
        lines = panel.locator(f"{chart} g.lines polyline")
        read = (
            "lines => lines.map((l) => l.getAttribute('points').split(' ').filter(Boolean).length)"
        )
        wait_until(
            lambda lines=lines, read=read: (
                lines.evaluate_all(read) == [points["adam"], points["sgd"]]
            ),
            timeout=30,
            what=f"{chart}: {points['adam']} and {points['sgd']} points",
        )
        legend = panel.locator(f"{chart} .chart-key li").all_inner_texts()
        assert legend == [
            "adam · lr 0.001 · no augmentation · 2 classes · 300 digits",
            "sgd · lr 0.05 · no augmentation · 2 classes · 300 digits",
        ], legend
    note = panel.locator("[data-compare-note]").inner_text()
    assert note.startswith("2 runs overlaid"), note
    panel.scroll_into_view_if_needed()
    screenshot("train-compare")

    for size in ("laptop", "projector", "phone"):
        other = sized_page(size)
        other.goto(f"{server.url}/#tab=train")
        other.wait_for_selector("html[data-ready='true']", state="attached")
        compare(other, finished_run, sgd_run)
        other.locator(f"{VIEW} [data-compare-loss] .chart-key li").nth(1).wait_for()
        screenshot(f"train-compare-{size}", other)
        blocking = serious_violations(other)
        assert not blocking, f"axe at {size}: {blocking}"
