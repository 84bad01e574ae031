"""The Train view when a lab step takes its run away: a step whose link names a recipe and no
`job` fills the form anew, and the results, curves and state of the run the view followed
leave the screen with the job (the run itself is not stopped)."""

from __future__ import annotations

from tests.browser.labwalk import link_state, next_step, wait_step
from tests.browser.pages import goto_view

TRAIN = "section[data-view='train']"


def test_a_lab_step_without_a_job_clears_the_previous_runs_results(
    page, server, finished_run, screenshot
):
    goto_view(page, server.url, f"train&job={finished_run}&lab=curves&step=1")
    wait_step(page, "curves", 1)
    view = page.locator(TRAIN)
    view.locator("[data-final-accuracy]").wait_for()
    assert view.locator("[data-job-state]").inner_text() == "done"
    assert view.locator(".job-id").inner_text() == finished_run
    assert view.locator("[data-train-metrics] dd").count() > 0
    view.locator("[data-filters] canvas").first.wait_for()

    # Step 2 is LeNet's recipe: its link holds the recipe and no job.
    next_step(page, "curves", 2, "train")
    assert "job" not in link_state(page)
    assert link_state(page)["recipe"] == "lenet"
    view.locator("[data-recipe-note]").wait_for()
    assert view.locator("select[data-recipe]").input_value() == "lenet"
    assert view.locator("[data-train-results]").is_hidden()
    assert view.locator("[data-final-accuracy], [data-confusion]").count() == 0
    assert view.locator("[data-job-state]").inner_text() == "idle"
    assert view.locator(".job-id").inner_text() == ""
    assert view.locator("[data-train-metrics] dd").count() == 0
    assert view.locator("[data-train-progress]").inner_text().startswith("Not started")
    assert view.locator("[data-filters] canvas, [data-probe-maps] canvas").count() == 0
    for panel in ("#train-filters-title", "#train-probe-title"):
        note = view.locator(f"section:has({panel}) > p.muted").inner_text()
        assert note.startswith(("The first convolution", "When a run starts")), note
    assert view.locator("[data-train-start]").is_enabled()
    screenshot("lab-train-cleared")
