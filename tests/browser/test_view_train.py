"""The Train view in Chromium: a short run plots its loss live and ends with a confusion matrix."""

import re

VIEW = "section[data-view='train']"
CLASSES = (0, 1)
TRAIN_DIGITS = 500
ENDED = ("done", "failed", "interrupted")

# Records every change of the loss chart's data-points and of the job state, in order, with the
# value each had before (MutationObserver's oldValue): the test rebuilds the sequence from it.
OBSERVE = """() => {
    const view = document.querySelector("section[data-view='train']");
    const points = view.querySelector("[data-loss-chart]");
    const state = view.querySelector("[data-job-state]");
    window.__trainLog = {records: [], points, state,
        start: {points: points.dataset.points, state: state.dataset.state}};
    new MutationObserver((records) => {
        for (const r of records) {
            window.__trainLog.records.push([r.attributeName, r.oldValue]);
        }
    }).observe(view, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ["data-points", "data-state"]});
}"""
READ_LOG = """() => {
    const log = window.__trainLog;
    return {records: log.records, start: log.start,
            end: {"data-points": log.points.dataset.points, "data-state": log.state.dataset.state}};
}"""


def points_while_running(log: dict) -> list[int]:
    """The loss chart's data-points values, each while the job state was not yet an end state."""
    records = log["records"]
    changes = []
    for i, (attribute, _) in enumerate(records):
        later = [old for name, old in records[i + 1 :] if name == attribute]
        changes.append((attribute, later[0] if later else log["end"][attribute]))
    state, seen = log["start"]["state"], []
    for attribute, value in changes:
        if attribute == "data-state":
            state = value
        elif state not in ENDED and value is not None:
            seen.append(int(value))
    return seen


def test_training_run_plots_loss_live_and_ends_with_a_confusion_matrix(
    page, open_view, server, screenshot
):
    view = open_view("train")
    form = view.locator("[data-train-form]")
    digits = form.get_by_label("Training digits")
    digits.fill(str(TRAIN_DIGITS))
    form.get_by_label("Epochs").fill("1")
    classes = form.locator("[data-classes]")
    classes.get_by_label("9", exact=True).wait_for()
    for k in range(10):
        box = classes.get_by_label(str(k), exact=True)
        box.set_checked(k in CLASSES)
    assert digits.input_value() == str(TRAIN_DIGITS)
    form.locator("[data-train-fast]").check()  # as fast as possible: the watch pace is tested
    # in test_view_train_watch

    page.evaluate(OBSERVE)
    view.locator("button[data-train-start]").click()
    state = view.locator("[data-job-state]")
    page.wait_for_function(
        "(ended) => ended.includes(document.querySelector("
        "\"section[data-view='train'] [data-job-state]\").dataset.state)",
        arg=list(ENDED),
        timeout=180_000,
    )
    assert state.get_attribute("data-state") == "done", (
        f"the job ended {state.get_attribute('data-state')}: {state.inner_text()}; "
        f"{view.locator('[data-train-error]').inner_text()}"
    )
    live = sorted({n for n in points_while_running(page.evaluate(READ_LOG)) if n > 0})
    assert len(live) >= 2, f"data-points while the job ran: {live} (want 2 different positive)"

    table = view.locator("table[data-confusion]")
    table.wait_for(state="visible")
    cells = {}
    for cell in table.locator("td[data-cell]").all():
        cells[cell.get_attribute("data-cell")] = int(re.sub(r"\D", "", cell.inner_text()))
    assert set(cells) == {f"{t},{p}" for t in CLASSES for p in CLASSES}, sorted(cells)
    summary = view.locator("[data-train-results]").inner_text()
    match = re.search(r"accuracy on ([\d,.\s\u202f\u00a0]+?) \w+ digits", summary)
    assert match, f"no 'accuracy on N ... digits' in the results: {summary[:300]!r}"
    evaluated = int(re.sub(r"\D", "", match.group(1)))
    assert sum(cells.values()) == evaluated, (cells, evaluated)
    screenshot("train")

    view.locator("button[data-use-model]").click()
    page.wait_for_function(
        "async () => (await import('/js/shell.js')).store.state.model !== 'lenet5-mnist'"
    )
    chosen = page.evaluate("async () => (await import('/js/shell.js')).store.state.model")
    assert chosen != "lenet5-mnist", "Use this model did not switch the page to the new model"
    assert chosen in {m["id"] for m in server.api("GET", "/api/models")}, chosen


def test_a_link_to_a_run_the_server_does_not_know_says_so_without_errors(page, open_view):
    view = open_view("train&job=gone-123abc")
    alert = view.locator(".train-run [role='alert']")
    alert.wait_for(state="visible")
    assert "no training run gone-123abc" in alert.inner_text()
    page.wait_for_function("() => !location.hash.includes('job=')")
    assert "tab=train" in page.evaluate("location.hash")
    assert view.locator("[data-job-state]").get_attribute("data-state") == "idle"
    # The page fixture fails this test if the browser logged any error (a 404 would be one).
