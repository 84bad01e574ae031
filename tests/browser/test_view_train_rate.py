"""The learning rate of a running job changed from the Train view: the server takes it from the
next batch (its `lr` event), the page says from which step, and the charts mark the change."""

from tests.browser.trainform import wait_form_ready
from tests.waiting import wait_until


def test_a_new_rate_on_a_paced_run_is_taken_and_marked(page, open_view, server, screenshot):
    view = open_view("train")
    wait_form_ready(page)
    # The default run: adam at 0.001, paced at 2 steps a second.
    view.locator("[data-train-plan][data-fits='true']").wait_for(state="attached")
    view.locator("button[data-train-start]").click()
    page.wait_for_function(
        "() => Number(document.querySelector(\"section[data-view='train'] [data-loss-chart]\")"
        ".dataset.points) >= 2",
        timeout=30_000,
    )
    job_id = page.evaluate("() => new URLSearchParams(location.hash.slice(1)).get('job')")
    view.locator("input[data-rate-input]").fill("0.01")
    view.locator("button[data-rate-set]").click()

    note = view.locator("[data-rate-note]")
    wait_until(lambda: note.inner_text().startswith("Learning rate 0.01 from step"), 20, "the note")
    step = int(note.inner_text().split("from step ")[1].split()[0])
    assert step >= 2, note.inner_text()
    # The loss chart has one dashed line, at that step, labelled with the new rate.
    chart = view.locator("[data-loss-chart]")
    assert chart.get_attribute("data-rate-marks") == "1"
    labels = chart.locator(".event-label").evaluate_all("ls => ls.map((l) => l.textContent)")
    assert labels == ["lr → 0.01"], labels
    # The server trains with it: the job's last step used 0.01 once a step after it is done.
    wait_until(
        lambda: server.api("GET", f"/api/train/{job_id}")["progress"]["global_step"] > step + 1,
        20,
        "a step at the new rate",
    )
    assert server.api("GET", f"/api/train/{job_id}")["metrics"]["lr"] == 0.01
    screenshot("train-rate")
    view.locator("button[data-train-stop]").click()
    page.wait_for_function(
        "() => document.querySelector(\"section[data-view='train'] [data-job-state]\")"
        ".dataset.state === 'done'",
        timeout=30_000,
    )
