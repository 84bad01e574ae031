"""Each view's keys in the link are its own: choosing a channel in Pooling leaves the stepper's
filter where it was, the link carries both, and an old-style link still opens what it meant."""

import time

VIEW = "section[data-view='stepper']"
POOL = "section[data-view='pooling']"


def stepper_shown(page, timeout: float = 15.0) -> dict:
    """Wait until the stepper has drawn a position with its numbers; returns what it shows."""
    deadline = time.monotonic() + timeout
    while True:
        shown = page.evaluate(
            """(view) => {
              const q = (s) => document.querySelector(`${view} ${s}`);
              return {
                layer: q("select[data-stepper-layer]").value,
                filter: q("select[data-stepper-channel]").value,
                row: q("[data-position]").dataset.row, col: q("[data-position]").dataset.col,
                sum: q("[data-sum-plus-bias]").dataset.value ?? null,
              };
            }""",
            VIEW,
        )
        if shown["layer"] and shown["filter"] and shown["sum"] is not None:
            return shown
        if time.monotonic() > deadline:
            raise AssertionError(f"the stepper never showed a position with its numbers: {shown}")
        time.sleep(0.05)


def link_keys(page) -> dict:
    return page.evaluate("() => Object.fromEntries(new URLSearchParams(location.hash.slice(1)))")


def test_pooling_channel_leaves_the_stepper_filter(page, open_view, server, screenshot):
    view = open_view("stepper")
    stepper_shown(page)
    view.locator("select[data-stepper-layer]").select_option("conv2")
    view.locator("select[data-stepper-channel]").select_option("12")
    page.wait_for_function(
        "(view) => document.querySelector(`${view} [data-position]`)"
        ".textContent.includes('of 100')",
        arg=VIEW,
    )
    assert stepper_shown(page)["filter"] == "12"

    page.locator("[data-tab='pooling']").click()
    pool = page.locator(POOL)
    pool.wait_for(state="visible")
    page.wait_for_function(
        "(view) => document.querySelectorAll(`${view} select[data-pool-channel] option`)"
        ".length > 2",
        arg=POOL,
    )
    pool.locator("select[data-pool-channel]").select_option("2")
    pool.locator("[data-pool-detail]").first.wait_for(state="visible")

    # Back in the stepper, a fresh render still sits on its own filter.
    page.locator("[data-tab='stepper']").click()
    page.locator(VIEW).wait_for(state="visible")
    deadline = time.monotonic() + 1.5  # the stepper re-renders within a few ms of being shown
    while time.monotonic() < deadline:
        shown = stepper_shown(page)
        assert (shown["layer"], shown["filter"]) == ("conv2", "12"), (
            f"choosing channel 2 in Pooling moved the stepper: it shows {shown}"
        )
        time.sleep(0.05)
    screenshot("links-stepper-after-pooling")
    keys = link_keys(page)
    assert "2" in keys.values() and "12" in keys.values(), f"the link lost a view's choice: {keys}"

    # The link, opened afresh (a student's browser), shows both views' choices.
    link = page.evaluate("location.hash")
    page.goto(f"{server.url}/{link}")
    page.wait_for_selector("html[data-ready='true']", state="attached")
    page.locator("[data-tab='stepper']").click()
    shown = stepper_shown(page)
    assert (shown["layer"], shown["filter"]) == ("conv2", "12"), f"the link {link} opened {shown}"
    page.locator("[data-tab='pooling']").click()
    page.wait_for_function(
        "(view) => document.querySelector(`${view} select[data-pool-channel]`)?.value === '2'",
        arg=POOL,
    )


def test_an_old_style_link_opens_the_stepper_position(page, open_view):
    open_view("stepper&layer=conv2&channel=3&row=4&col=7")
    shown = stepper_shown(page)
    assert (shown["layer"], shown["filter"], shown["row"], shown["col"]) == (
        "conv2",
        "3",
        "4",
        "7",
    ), f"#tab=stepper&layer=conv2&channel=3&row=4&col=7 opened {shown}"

    # An old Pooling link's channel is Pooling's, not the stepper's (opened in a fresh page).
    page.goto("about:blank")
    open_view("pooling&pool=pool1&channel=2&window=3,5")
    page.wait_for_function(
        "(view) => document.querySelector(`${view} select[data-pool-channel]`)?.value === '2'",
        arg=POOL,
    )
    page.locator("[data-tab='stepper']").click()
    shown = stepper_shown(page)
    assert shown["filter"] == "0", f"an old Pooling link's channel moved the stepper: {shown}"
