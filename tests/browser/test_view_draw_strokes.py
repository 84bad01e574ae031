"""A small digit drawn with a thick brush: the Draw view shows the stroke-width step with the
server's measurements, and the network reads the digit, not the blob (issue 11, item 11)."""

import pytest
from tests.browser.pages import draw_and_wait, goto_view, wait_rendered

DRAW = "section[data-view='draw']"
#: A "7" about 60 px tall (its strokes' centre lines), in CSS px on the 280×280 pad.
SMALL_SEVEN = [(115, 110), (165, 110), (140, 170)]


def set_brush(page, width: int) -> None:
    page.evaluate(
        """(width) => {
          const brush = document.querySelector("[data-brush]");
          brush.value = String(width);
          brush.dispatchEvent(new Event("input", {bubbles: true}));
        }""",
        width,
    )


def wait_final(page) -> None:
    """Wait for the answer to the finished drawing: the link gets the drawing's input code only
    from it (an answer to a stroke half drawn never sets it)."""
    page.wait_for_function("() => location.hash.includes('input=')", timeout=20_000)


@pytest.mark.parametrize("size", ["laptop", "projector", "phone"])
def test_a_thick_small_seven_is_thinned_and_read(sized_page, server, screenshot, size):
    page = sized_page(size)
    goto_view(page, server.url, "draw")
    wait_rendered(page, "draw")
    set_brush(page, 30)
    draw_and_wait(page, SMALL_SEVEN)
    wait_final(page)
    assert page.locator(f"{DRAW} [data-predicted]").inner_text() == "7"
    steps = page.locator(f"{DRAW} figure.draw-step")
    assert steps.count() == 4
    stroke_step = steps.nth(1)
    assert stroke_step.get_attribute("data-thinned") == "true"
    caption = stroke_step.locator("figcaption").inner_text()
    assert "2. Check the stroke width." in caption
    assert "thinned to" in caption and "MNIST's are about 13%" in caption
    screenshot(f"draw-thick-seven-{size}", page)


def test_a_normal_drawing_is_left_as_it_is(page, server):
    goto_view(page, server.url, "draw")
    wait_rendered(page, "draw")
    draw_and_wait(page, [(90, 50), (200, 50), (130, 240)])  # a 7 filling the pad, brush 18
    wait_final(page)
    stroke_step = page.locator(f"{DRAW} figure.draw-step").nth(1)
    assert stroke_step.get_attribute("data-thinned") == "false"
    assert "Left as they are." in stroke_step.locator("figcaption").inner_text()
