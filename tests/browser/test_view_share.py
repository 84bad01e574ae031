"""A link carries the digit: what a teacher drew and stepped to, opened from the Share dialog's
link in a fresh browser context, shows the same numbers; the dialog copies the link, shows its
QR code, closes on Escape and gives the focus back; an old link without input still opens on
the example digit.
"""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from tests.browser.pages import draw_and_wait, goto_view, wait_predicted, wait_rendered

DRAW = "section[data-view='draw']"
STEPPER = "section[data-view='stepper']"
#: A "7" in CSS px on the 280×280 pad: a bar, then the diagonal.
SEVEN = [(70, 60), (130, 58), (210, 62), (180, 120), (150, 180), (125, 245)]

SHOWN = """() => {
  const q = (s) => document.querySelector(s);
  const stepper = "section[data-view='stepper']";
  return {
    position: q(`${stepper} [data-position]`).textContent,
    sum: q(`${stepper} [data-sum-plus-bias]`).dataset.value,
    arithmetic: q(`${stepper} [data-arith]`).innerText,
  };
}"""
PROBABILITIES = """() => ({
  predicted: document.querySelector("section[data-view='draw'] [data-predicted]").textContent,
  bars: [...document.querySelectorAll("section[data-view='draw'] [data-prob]")]
    .map((bar) => [bar.dataset.prob, bar.innerText.replace(/\\s+/g, " "), bar.dataset.value]),
})"""


def link_input(page) -> str | None:
    keys = parse_qs(urlsplit(page.url).fragment)
    return keys.get("input", [None])[0]


def wait_for_input(page, timeout: float = 15.0) -> str:
    """The link's input code, once the page has written it."""
    deadline = time.monotonic() + timeout
    while (code := link_input(page)) is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"the link never got an input: {page.url}")
        time.sleep(0.05)
    return code


def stepper_at(page, row_col: str, timeout_ms: float = 20_000) -> dict:
    """Wait until the stepper shows cell `row_col` ("row 4, col 7") with its numbers."""
    page.wait_for_function(
        """(want) => {
          const view = document.querySelector("section[data-view='stepper']");
          const position = view?.querySelector("[data-position]");
          const spb = view?.querySelector("[data-sum-plus-bias]");
          return position && position.textContent.includes(want) && spb?.dataset.value !== undefined
            && !/…/.test(spb.textContent);
        }""",
        arg=row_col,
        timeout=timeout_ms,
        polling=50,
    )
    return page.evaluate(SHOWN)


def test_a_shared_link_reproduces_every_number(sized_page, server, screenshot):
    teacher = sized_page()
    teacher.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    goto_view(teacher, server.url, "draw")
    wait_rendered(teacher, "draw")
    draw_and_wait(teacher, SEVEN)
    code = wait_for_input(teacher)
    assert code.startswith("v1.") and len(code) == 1049
    probabilities = teacher.evaluate(PROBABILITIES)

    # The stepper: conv2, filter 12, then two steps on from where it opens.
    teacher.locator("[data-tab='stepper']").click()
    wait_rendered(teacher, "stepper")
    teacher.locator(f"{STEPPER} select[data-stepper-layer]").select_option("conv2")
    teacher.locator(f"{STEPPER} select[data-stepper-channel]").select_option("12")
    wait_rendered(teacher, "stepper")
    teacher.locator(f"{STEPPER} button[data-step-next]").first.click()
    teacher.locator(f"{STEPPER} button[data-step-next]").first.click()
    wait_rendered(teacher, "stepper")
    at = parse_qs(urlsplit(teacher.url).fragment)["at"][0]
    row, col = at.split(",")
    shown = stepper_at(teacher, f"row {row}, col {col}")
    assert link_input(teacher) == code  # stepping kept the digit's code

    # Share: the dialog's link is the page's, Copy puts it on the clipboard.
    share = teacher.locator("[data-share]")
    share.click()
    dialog = teacher.locator("[data-share-dialog]")
    dialog.wait_for(state="visible")
    link = teacher.locator("[data-share-link]").input_value()
    assert link == teacher.url
    keys = parse_qs(urlsplit(link).fragment)
    assert keys["tab"] == ["stepper"] and keys["conv"] == ["conv2"] and keys["filter"] == ["12"]
    assert keys["input"] == [code]
    teacher.locator("[data-share-copy]").click()
    teacher.wait_for_function(
        "() => document.querySelector('[data-share-status]').textContent.startsWith('Copied')"
    )
    assert teacher.evaluate("() => navigator.clipboard.readText()") == link
    teacher.wait_for_function(
        "() => { const qr = document.querySelector('[data-share-qr]');"
        " return qr.complete && qr.naturalWidth > 0; }"
    )
    screenshot("share-dialog", teacher)
    teacher.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert teacher.evaluate("() => document.activeElement.matches('[data-share]')")

    # A student opens the link in a fresh browser context: the same numbers.
    student = sized_page()
    student.goto(link)
    student.wait_for_selector("html[data-ready='true']", state="attached")
    assert stepper_at(student, f"row {row}, col {col}") == shown
    screenshot("share-student-stepper", student)
    student.locator("[data-tab='draw']").click()
    wait_rendered(student, "draw")
    assert student.evaluate(PROBABILITIES) == probabilities
    note = student.locator(f"{DRAW} .draw-note").inner_text()
    assert "from the link" in note
    assert link_input(student) == code
    screenshot("share-student-draw", student)


def test_a_link_with_only_an_input_shows_it_in_the_pad(sized_page, server):
    first = sized_page()
    goto_view(first, server.url, "draw")
    wait_rendered(first, "draw")
    draw_and_wait(first, SEVEN)
    code = wait_for_input(first)
    probabilities = first.evaluate(PROBABILITIES)

    second = sized_page()
    second.goto(f"{server.url}/#input={code}")
    second.wait_for_selector("html[data-ready='true']", state="attached")
    wait_rendered(second, "draw")
    assert "from the link" in second.locator(f"{DRAW} .draw-note").inner_text()
    assert second.evaluate(PROBABILITIES) == probabilities
    assert link_input(second) == code
    # A stroke over the linked digit makes a new digit, and a new code for the link.
    before = int(second.locator(DRAW).get_attribute("data-predictions") or 0)
    draw_and_wait(second, [(40, 262), (240, 262)])
    wait_predicted(second, before)
    assert wait_for_input(second) != code


def test_an_old_link_without_input_opens_the_example(page, server):
    goto_view(page, server.url, "stepper&conv=conv2&filter=3&at=4,7")
    wait_rendered(page, "stepper")
    assert page.locator(f"{STEPPER} [data-stepper-example]").is_visible()
    # the example's trace gives the link its input code too
    assert wait_for_input(page).startswith("v1.")


def test_share_without_a_clipboard_selects_the_link(page, server):
    page.add_init_script("delete Navigator.prototype.clipboard")
    goto_view(page, server.url, "draw")
    wait_rendered(page, "draw")
    page.locator("[data-share]").click()
    page.locator("[data-share-copy]").click()
    status = page.locator("[data-share-status]").inner_text()
    assert "Ctrl+C" in status
    selected = page.evaluate(
        "() => { const f = document.activeElement;"
        " return f.matches('[data-share-link]') && f.selectionEnd - f.selectionStart; }"
    )
    assert selected == len(page.url)
    page.locator("[data-share-close]").click()
    assert page.evaluate("() => document.activeElement.matches('[data-share]')")


@pytest.mark.parametrize("size", ["laptop", "projector", "phone"])
def test_the_dialog_fits_every_screen(sized_page, server, screenshot, size):
    page = sized_page(size)
    goto_view(page, server.url, "draw")
    wait_rendered(page, "draw")
    share = page.locator("[data-share]").bounding_box()
    tabs = page.locator("nav.tabs").bounding_box()
    if size != "phone":  # the header keeps one row: the button sits beside the tabs
        assert share["y"] < tabs["y"] + tabs["height"]
    assert share["height"] >= (44 if size == "phone" else 24) and share["width"] >= 24
    page.locator("[data-share]").click()
    page.wait_for_function(
        "() => { const qr = document.querySelector('[data-share-qr]');"
        " return qr.complete && qr.naturalWidth > 0; }"
    )
    viewport = page.viewport_size
    box = page.locator("[data-share-dialog]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
    qr = page.locator("[data-share-qr]").bounding_box()
    assert qr["width"] >= 250  # ~2 px per module for a link with an input (121 modules)
    for control in ("[data-share-copy]", "[data-share-close]", "[data-share-link]"):
        assert page.locator(control).bounding_box()["height"] >= (44 if size == "phone" else 24)
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    serious = [(v["id"], v["help"]) for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    screenshot(f"share-dialog-{size}", page)
