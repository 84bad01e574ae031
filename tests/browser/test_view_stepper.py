"""The convolution stepper in Chromium: its sum + bias is the API trace's number at that cell; it
opens on the filter's most active cell with one request."""

import random
import re
import time

from tests.browser.pages import draw_and_wait, zero_points
from tests.browser.stepping import (
    STEPPER_SHOWN,
    count_requests,
    most_active,
    page_digit,
    traced,
)

from cnnviz.api.encoding import decode_array

MODEL = "lenet5-mnist"
VIEW = "section[data-view='stepper']"
FOUR_DECIMALS = re.compile(r"^-?\d+\.\d{4}$")
NUMBERS = ("[data-sum]", "[data-bias]", "[data-sum-plus-bias]", "[data-activation]")


def shown(page, hook: str) -> tuple[str, float]:
    """(text with a plain minus, data-value) of the first `hook` in the stepper."""
    element = page.locator(f"{VIEW} {hook}").first
    text = element.inner_text().strip().replace("\u2212", "-")
    return text, float(element.get_attribute("data-value"))


def wait_for_cell(page, row: int, col: int, expected: float, timeout: float = 15.0) -> str:
    """Wait until the stepper sits at (row, col) and shows `expected` (to 4 decimals); returns
    the text shown. Fails with what was on screen instead."""
    deadline = time.monotonic() + timeout
    while True:
        position = page.locator(f"{VIEW} [data-position]").first
        at = (position.get_attribute("data-row"), position.get_attribute("data-col"))
        text = page.locator(f"{VIEW} [data-sum-plus-bias]").first.inner_text()
        text = text.strip().replace("\u2212", "-")
        ok = at == (str(row), str(col)) and FOUR_DECIMALS.match(text)
        if ok and abs(float(text) - expected) <= 0.5e-4 + 1e-6:
            return text
        if time.monotonic() > deadline:
            raise AssertionError(
                f"at row {row}, col {col} the trace says {expected:.4f}; the stepper shows "
                f"{text!r} at (row, col) = {at}"
            )
        time.sleep(0.05)


def test_sum_plus_bias_matches_the_trace(page, open_view, server, screenshot):
    # Draw a digit on the Draw tab first: the stepper works on the page's current digit.
    open_view("draw")
    draw_and_wait(page, zero_points())
    digit = page.evaluate("async () => (await import('/js/shell.js')).store.state.digit")
    assert digit, "the Draw view did not set store.state.digit"
    trace = server.api("POST", f"/api/models/{MODEL}/trace", digit)
    outputs = {layer["name"]: decode_array(layer["output"]) for layer in trace["layers"]}

    rng = random.Random(20)
    positions = []
    for layer, channels, size in (("conv1", 6, 28),) * 3 + (("conv2", 16, 10),):
        positions.append((layer, rng.randrange(channels), rng.randrange(size), rng.randrange(size)))

    for layer, channel, row, col in positions:
        page.evaluate(
            "(hash) => { location.hash = hash; }",
            f"#tab=stepper&layer={layer}&channel={channel}&row={row}&col={col}",
        )
        page.wait_for_selector(VIEW, state="visible")
        expected = float(outputs[layer][0, channel, row, col])
        wait_for_cell(page, row, col, expected)
        assert page.locator(f"{VIEW} select[data-stepper-layer]").input_value() == layer
        assert page.locator(f"{VIEW} select[data-stepper-channel]").input_value() == str(channel)
        values = {}
        for hook in NUMBERS:
            text, value = shown(page, hook)
            assert FOUR_DECIMALS.match(text), f"{hook} shows {text!r}, not 4 decimals"
            assert abs(float(text) - value) <= 0.5e-4 + 1e-6, (hook, text, value)
            values[hook] = value
        total = values["[data-sum]"] + values["[data-bias]"]
        assert abs(total - values["[data-sum-plus-bias]"]) <= 1e-4, values
    screenshot("stepper")

    # The step buttons move one position and back again.
    position = page.locator(f"{VIEW} [data-position]").first
    start = (position.get_attribute("data-row"), position.get_attribute("data-col"))
    for hook in ("input[data-scrub]", "button[data-play]"):
        assert page.locator(f"{VIEW} {hook}").count() >= 1, f"the stepper has no {hook}"
    page.locator(f"{VIEW} button[data-step-next]").first.click()
    page.wait_for_function(
        """([row, col]) => {
            const p = document.querySelector("section[data-view='stepper'] [data-position]");
            return p.dataset.row !== row || p.dataset.col !== col;
        }""",
        arg=list(start),
    )
    page.locator(f"{VIEW} button[data-step-back]").first.click()
    page.wait_for_function(
        """([row, col]) => {
            const p = document.querySelector("section[data-view='stepper'] [data-position]");
            return p.dataset.row === row && p.dataset.col === col;
        }""",
        arg=list(start),
    )


def test_opens_on_the_most_active_cell_with_one_request(page, open_view, server):
    """Position (0, 0) of the example digit is background (all zeros); the stepper opens where
    the filter answers most, which numpy finds in the trace, and asks for it once (it used to
    send its first conv-step twice)."""
    steps = count_requests(page, "/conv-step")
    view = open_view("stepper")
    page.wait_for_function(STEPPER_SHOWN)
    page.wait_for_load_state("networkidle")
    maps = traced(server, MODEL, page_digit(page))
    row, col = most_active(maps["conv1"][0])
    assert (row, col) != (0, 0)
    position = view.locator("[data-position]")
    assert (position.get_attribute("data-row"), position.get_attribute("data-col")) == (
        str(row),
        str(col),
    )
    _, value = shown(page, "[data-sum-plus-bias]")
    assert abs(value - float(maps["conv1"][0, row, col])) <= 1e-4
    assert len(steps) == 1, f"conv-step asked {len(steps)} times on open: {steps}"
    keys = page.evaluate("() => Object.fromEntries(new URLSearchParams(location.hash.slice(1)))")
    assert keys["at"] == f"{row},{col}", "the cell the server chose is in the link"

    # Another filter opens on its own most active cell, asked once more.
    view.locator("select[data-stepper-channel]").select_option("4")
    row, col = most_active(maps["conv1"][4])
    page.wait_for_function(
        """([row, col]) => {
            const p = document.querySelector("section[data-view='stepper'] [data-position]");
            return p.dataset.row === row && p.dataset.col === col;
        }""",
        arg=[str(row), str(col)],
    )
    page.wait_for_function(STEPPER_SHOWN)
    page.wait_for_load_state("networkidle")
    assert len(steps) == 2, steps
