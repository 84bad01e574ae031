"""The Sandbox view in Chromium: each of the course's examples opened as a link shows the
course's numbers in its widgets (the 1-D convolution [5 14 16 26 24 34 19 22], the flipped 2-D
one [[25, 24], [28, 25]], the 6×6 max pool with its Pindex and the average pool with its
backward pass) at the laptop, projector and phone sizes; an output cell's window and products;
typing into the form rewrites the link and the numbers; a tie names its winner; a kernel too
wide says why."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import numpy as np
import pytest
from tests.browser.conftest import SIZES
from tests.browser.pages import goto_view
from tests.browser.refusals import page_logging_errors

VIEW = "section[data-view='sandbox']"
#: The view has an answer and no request is on its way.
SETTLED = f"""(n) => {{
    const view = document.querySelector("{VIEW}");
    return Number(view.dataset.answers || 0) > n && view.dataset.busy === "false";
}}"""

EXAMPLES = {
    "conv1d": dict(sbop="conv", sbin="1,3,2,4,5,6,1,3", sbkernel="1,0,3,1,2", sbpad=2, sbflip=1),
    "conv2d": dict(
        sbop="conv",
        sbin="1,3,2,4;5,6,1,3;1,2,0,2;3,4,3,2",
        sbkernel="1,0,3;1,2,1;0,1,1",
        sbpad="valid",
        sbflip=1,
    ),
    "maxpool": dict(
        sbop="maxpool",
        sbin="3,4,2,1,5,2;2,6,1,7,1,4;0,3,1,6,2,7;7,0,7,5,4,0;4,8,0,2,5,0;3,3,5,0,7,5",
        sbpool=2,
    ),
    "avgpool": dict(
        sbop="avgpool",
        sbin="4,2,2,3,0,5;2,5,3,4,0,5;0,3,3,4,5,5;0,6,1,0,4,4;6,3,7,8,1,7;0,0,7,1,2,1",
        sbpool=2,
        sbgrad="7,6,6;8,5,8;2,0,5",
    ),
}


def open_sandbox(page, server, state: dict) -> object:
    view = goto_view(page, server.url, "sandbox&" + urlencode(state))
    page.wait_for_function(SETTLED, arg=0)
    return view


def grid_values(view, hook: str, attribute: str | None = None) -> np.ndarray:
    """A grid's numbers in rows: each cell's `data-value` (exact) or its text as shown."""
    grid = view.locator(f".numgrid[{hook}]")
    columns = grid.evaluate(
        "(g) => Number(g.style.gridTemplateColumns.match(/repeat\\((\\d+)/)[1])"
    )
    if attribute:
        texts = grid.locator(".cell").evaluate_all(
            f"(cells) => cells.map((c) => c.dataset.{attribute})"
        )
    else:
        texts = grid.locator(".cell").all_inner_texts()
    return np.array([float(t.replace("\u2212", "-")) for t in texts]).reshape(-1, columns)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_course_examples_show_the_course_numbers(sized_page, server, screenshot, size):
    page = sized_page(size)
    view = open_sandbox(page, server, EXAMPLES["conv1d"])
    assert grid_values(view, "data-sb-output", "value").tolist() == [
        [5, 14, 16, 26, 24, 34, 19, 22]
    ]
    assert grid_values(view, "data-sb-padded").tolist() == [[0, 0, 1, 3, 2, 4, 5, 6, 1, 3, 0, 0]]
    formula = view.locator("[data-sb-formula='length']")
    assert "⌊(8 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 8" in formula.inner_text()
    assert view.locator("[data-sb-input]").input_value() == "1, 3, 2, 4, 5, 6, 1, 3"
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    screenshot(f"sandbox-conv1d-{size}", page)

    view = open_sandbox(page, server, EXAMPLES["conv2d"])
    assert grid_values(view, "data-sb-output", "value").tolist() == [[25, 24], [28, 25]]
    assert grid_values(view, "data-sb-applied").tolist() == [[1, 1, 0], [1, 2, 1], [3, 0, 1]]
    screenshot(f"sandbox-conv2d-{size}", page)

    view = open_sandbox(page, server, EXAMPLES["maxpool"])
    assert grid_values(view, "data-sb-output", "value").tolist() == [
        [6, 7, 5],
        [7, 7, 7],
        [8, 5, 7],
    ]
    # Pindex read off the matrix by hand: row · 6 + column of each window's maximum.
    assert grid_values(view, "data-sb-indices").tolist() == [[7, 9, 4], [18, 20, 17], [25, 32, 34]]
    marked = view.locator("[data-sb-padded] > .numrow > .cell.is-winner").all_inner_texts()
    assert sorted(map(int, marked)) == sorted([6, 7, 5, 7, 7, 7, 8, 5, 7])
    assert grid_values(view, "data-sb-grad-input").sum() == 9  # each 1 on its winner only
    screenshot(f"sandbox-maxpool-{size}", page)

    view = open_sandbox(page, server, EXAMPLES["avgpool"])
    expected = [[3.25, 3, 2.5], [2.25, 2, 4.5], [2.25, 5.75, 2.75]]
    assert grid_values(view, "data-sb-output", "value").tolist() == expected
    shares = np.kron(np.array([[7, 6, 6], [8, 5, 8], [2, 0, 5]]) / 4, np.ones((2, 2)))
    assert grid_values(view, "data-sb-grad-input").tolist() == shares.tolist()
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    screenshot(f"sandbox-avgpool-{size}", page)


def test_the_example_buttons_write_the_course_links(page, server):
    """A link without sandbox keys opens on the 1-D convolution; each example button (read from
    GET /api/sandbox/examples) writes the same link a course example is shared as."""
    view = goto_view(page, server.url, "sandbox")
    page.wait_for_function(SETTLED, arg=0)
    assert grid_values(view, "data-sb-output", "value").tolist() == [
        [5, 14, 16, 26, 24, 34, 19, 22]
    ]
    buttons = view.locator("[data-sb-example]")
    assert buttons.evaluate_all("(b) => b.map((x) => x.dataset.sbExample)") == list(EXAMPLES)
    # The opening example last: its request is the one already answered, so it is not sent again.
    order = [*list(EXAMPLES)[1:], "conv1d"]
    for answered, name in enumerate(order, start=1):
        state = EXAMPLES[name]
        view.locator(f"[data-sb-example='{name}']").click()
        page.wait_for_function(SETTLED, arg=min(answered, len(order) - 1))
        linked = dict(parse_qsl(page.evaluate("location.hash.slice(1)")))
        expected = {"sbpad": "valid", **{key: str(value) for key, value in state.items()}}
        assert {k: v for k, v in linked.items() if k.startswith("sb")} == expected, name


def test_an_output_cell_shows_its_window_and_products(page, server, screenshot):
    view = open_sandbox(page, server, EXAMPLES["conv1d"])
    cell = view.locator("[data-sb-output] > .numrow > .cell[data-col='3']")
    cell.hover()
    detail = view.locator("[data-sb-window]")
    page.wait_for_function(
        "(sel) => document.querySelector(sel).dataset.col === '3'", arg=f"{VIEW} [data-sb-window]"
    )
    # Output 3 reads input 1..5 (3 2 4 5 6) times the flipped kernel 2 1 3 0 1.
    assert grid_values(view, "data-sb-products").tolist() == [[6, 2, 12, 0, 6]]
    assert detail.locator("[data-sb-sum] [data-value]").get_attribute("data-value") == "26"
    outlined = view.locator("[data-sb-padded] > .numrow > .cell.in-window").all_inner_texts()
    assert outlined == ["3", "2", "4", "5", "6"]
    # The keyboard walks the output: one step right is output 4.
    cell.focus()
    page.keyboard.press("ArrowRight")
    assert detail.get_attribute("data-col") == "4"
    assert (
        view.locator("[data-sb-output] > .numrow > .cell.is-marked").get_attribute("data-value")
        == "24"
    )
    screenshot("sandbox-window", page)


def test_typing_rewrites_the_link_and_the_numbers(page, server, screenshot):
    view = open_sandbox(page, server, EXAMPLES["conv2d"])
    view.locator("[data-sb-flip]").uncheck()
    page.wait_for_function(SETTLED, arg=1)
    assert "sbflip" not in page.evaluate("location.hash")
    # Cross-correlation at (0, 0) by hand: 1·1 + 3·0 + 2·3 + 5·1 + 6·2 + 1·1 + 1·0 + 2·1 + 0·1.
    assert grid_values(view, "data-sb-output", "value")[0, 0] == 27

    view.locator("[data-sb-op]").select_option("maxpool")
    view.locator("[data-sb-input]").fill("1 2\n3 9")
    page.wait_for_function(SETTLED, arg=2)
    assert "sbop=maxpool" in page.evaluate("location.hash")
    assert grid_values(view, "data-sb-output", "value").tolist() == [[9]]
    assert grid_values(view, "data-sb-indices").tolist() == [[3]]
    # A tie: 5 three times in the one window. The first in reading order wins (index 0).
    view.locator("[data-sb-input]").fill("5 5\n1 5")
    page.wait_for_function(SETTLED, arg=3)
    assert grid_values(view, "data-sb-indices").tolist() == [[0]]
    ties = view.locator("[data-sb-ties]")
    assert ties.get_attribute("data-sb-ties") == "3" and "first" in ties.inner_text()
    assert grid_values(view, "data-sb-grad-input").tolist() == [[1, 0], [0, 0]]


def test_a_refusal_says_what_to_fix(browser, server, screenshot):
    """A kernel wider than the padded input: the server's 422 message shown under the form (and
    no stale numbers); a token that is not a number is caught before any request. Chromium logs
    each refused request as a console error: this page expects exactly those."""
    with page_logging_errors(browser) as (page, logged):
        view = open_sandbox(page, server, EXAMPLES["conv1d"])
        view.locator("[data-sb-input]").fill("1 2 3")
        view.locator("[data-sb-padding]").select_option("valid")
        error = view.locator("[data-sb-error]")
        error.wait_for(state="visible")
        assert "the kernel (5 wide) is wider than the padded input (3)" in error.inner_text()
        assert view.locator("[data-sb-results]").is_hidden()
        screenshot("sandbox-error", page)

        view.locator("[data-sb-input]").fill("1 2 3 z")
        page.wait_for_function(
            "(sel) => document.querySelector(sel).textContent.includes('z')",
            arg=f"{VIEW} [data-sb-error]",
        )
        assert '"z" is not a number' in error.inner_text()
        assert logged and all("status of 422" in line for line in logged), logged
