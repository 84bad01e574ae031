"""The page at the three sizes it is built for (conftest.SIZES: a 1280×800 laptop, a 1920×1080
projector, a 390×844 phone held upright, touch): every view, once it has drawn its data, scrolls
only downwards, shows no text under 12 px, and on the phone offers no control smaller than
44×44 px; after a finger draws on the phone, the answer is on screen without scrolling; in
presentation mode on the projector no text is under 20 px. Each view is photographed at each
size in artifacts/screenshots/layout-<view>-<size>.png (present-<view>.png for the projector in
presentation mode)."""

from __future__ import annotations

import pytest
from tests.browser.conftest import SIZES
from tests.browser.pages import (
    VIEWS,
    goto_view,
    one_points,
    open_rendered,
    touch_stroke,
    wait_predicted,
    wait_rendered,
)

#: Page-side helpers: `shown(e)` (a box over 1 px, so not the screen-reader-only text, and not
#: visibility: hidden) and `named(e, text)` (tag, classes and data- hooks, for a message).
HELPERS = """
    const shown = (e) => {
        const box = e.getBoundingClientRect();
        return box.width > 1 && box.height > 1 && getComputedStyle(e).visibility !== "hidden";
    };
    const named = (e, text) => {
        const hooks = [...e.attributes].filter((a) => a.name.startsWith("data-"))
            .map((a) => `[${a.name}]`).join("");
        const classes = [...e.classList].map((c) => `.${c}`).join("");
        const what = (text || "").trim().slice(0, 24);
        return `${e.tagName.toLowerCase()}${classes}${hooks} "${what}"`;
    };
"""

#: The elements whose text shows under `least` CSS px as the screen shows it: the computed font
#: size times the page's zoom (presentation mode), for SVG text times the drawing's own scale
#: (its viewBox to its box on screen). Counted: every shown element with text of its own, and
#: the fields that show a value.
TEXT_BELOW = (
    """(least) => {"""
    + HELPERS
    + """
    const values = "input:not([type=checkbox], [type=radio], [type=range]), select, textarea";
    const found = [];
    for (const e of document.body.querySelectorAll("*")) {
        const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if ((!own && !e.matches(values)) || !shown(e)) continue;
        let size = parseFloat(getComputedStyle(e).fontSize);
        if (e instanceof SVGElement) {
            const m = e.getScreenCTM();
            size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
        } else {
            size *= e.currentCSSZoom;
        }
        if (size >= least - 0.01) continue;
        found.push(`${named(e, e.textContent || e.value)} ${size.toFixed(1)} px`);
    }
    return found;
}"""
)

#: The controls a finger must hit whose box is under 44×44 CSS px (a checkbox or a radio button
#: by its label, which takes the tap too).
SMALL_TARGETS = (
    """() => {"""
    + HELPERS
    + """
    const found = [];
    const controls = "button, a[href], input:not([type=hidden]), select, textarea, summary, "
        + "[role=tab], [role=button]";
    for (const e of document.querySelectorAll(controls)) {
        if (!e.getClientRects().length || getComputedStyle(e).visibility === "hidden") continue;
        const label = e.closest("label");
        const box = (label && e.matches("[type=checkbox], [type=radio]") ? label : e)
            .getBoundingClientRect();
        if (box.width < 44 || box.height < 44) {
            const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
            found.push(`${named(e, e.textContent || e.value)} ${size}`);
        }
    }
    return found;
}"""
)

#: The tabs that are not wholly on screen, off the window or scrolled out of their row's box (a
#: view one cannot see is there to open).
TABS_OFF_SCREEN = """() => [...document.querySelectorAll("[role=tab]")]
    .filter((tab) => {
        const box = tab.getBoundingClientRect();
        const row = tab.parentElement.getBoundingClientRect();
        const left = Math.max(0, row.left);
        const right = Math.min(innerWidth, row.right);
        return box.width < 1 || box.left < left - 0.5 || box.right > right + 0.5;
    })
    .map((tab) => tab.textContent.trim())"""
#: The link's keys, in the page.
LINK = "new URLSearchParams(location.hash.slice(1))"
#: How far the page scrolls sideways (0: not at all).
SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"


def open_view_at(page, server, view: str, request: pytest.FixtureRequest, keys: str = "") -> None:
    """Open `view`, the Train view with a finished run (made only when a test needs it)."""
    job = request.getfixturevalue("finished_run") if view == "train" else None
    open_rendered(page, server.url, view, job, keys)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("size", list(SIZES))
def test_every_view_fits_the_screen(sized_page, server, screenshot, request, size, view):
    page = sized_page(size)
    open_view_at(page, server, view, request)
    screenshot(f"layout-{view}-{size}", page)
    problems = []
    if (overflow := page.evaluate(SIDEWAYS)) > 0:
        problems.append(f"the page scrolls {overflow} px sideways")
    if small := page.evaluate(TEXT_BELOW, 12):
        problems.append(f"{len(small)} texts under 12 px: " + "; ".join(small[:20]))
    if hidden := page.evaluate(TABS_OFF_SCREEN):
        problems.append(f"tabs not wholly on screen: {hidden}")
    if size == "phone" and (targets := page.evaluate(SMALL_TARGETS)):
        problems.append(f"{len(targets)} controls under 44×44 px: " + "; ".join(targets[:20]))
    assert not problems, f"{view} at {size}: " + "\n".join(problems)


def test_on_a_phone_the_answer_stays_in_view_while_a_finger_draws(sized_page, server, screenshot):
    page = sized_page("phone")
    goto_view(page, server.url, "draw")
    wait_rendered(page, "draw")
    view = page.locator("section[data-view='draw']")
    before = int(view.get_attribute("data-predictions"))
    page.evaluate(
        """() => { window.__pointers = [];
        addEventListener("pointerdown", (e) => __pointers.push(e.pointerType), true); }"""
    )
    touch_stroke(page, page.locator("[data-draw-canvas]"), one_points())
    wait_predicted(page, before)
    assert page.evaluate("() => __pointers") == ["touch"], "the stroke was not one touch"
    screenshot("layout-draw-phone-drawn", page)

    predicted = page.locator("[data-predicted]").inner_text().strip()
    assert predicted == "1", f"a 1 drawn with a finger was read as {predicted!r}"
    screen = page.evaluate("() => ({scroll: scrollY, height: innerHeight, width: innerWidth})")
    assert screen["scroll"] == 0, f"drawing scrolled the page to {screen['scroll']} px"
    parts = {"the predicted digit": page.locator("[data-predicted]")}
    parts |= {f"the bar of {k}": page.locator(f"[data-prob='{k}']") for k in range(10)}
    parts["the pad"] = page.locator("[data-draw-canvas]")
    outside = []
    for name, part in parts.items():
        box = part.bounding_box()
        inside = box and box["y"] >= 0 and box["y"] + box["height"] <= screen["height"]
        if not (inside and box["x"] >= 0 and box["x"] + box["width"] <= screen["width"]):
            outside.append(f"{name} at {box}")
    where = f"{screen['width']}×{screen['height']}"
    assert not outside, f"off the {where} screen: " + "; ".join(outside)


@pytest.mark.parametrize("view", VIEWS)
def test_presentation_mode_on_a_projector(sized_page, server, screenshot, request, view):
    page = sized_page("projector")
    open_view_at(page, server, view, request, "&present=1")
    screenshot(f"present-{view}", page)
    problems = []
    if (overflow := page.evaluate(SIDEWAYS)) > 0:
        problems.append(f"the page scrolls {overflow} px sideways")
    if small := page.evaluate(TEXT_BELOW, 20):
        problems.append(f"{len(small)} texts under 20 px: " + "; ".join(small[:20]))
    used = page.evaluate("() => document.querySelector('main').getBoundingClientRect().width")
    used /= SIZES["projector"]["viewport"]["width"]
    if used < 0.98:
        problems.append(f"the content uses {used:.0%} of the screen's width")
    assert not problems, f"{view} in presentation mode: " + "\n".join(problems)


def steady_box(page, selector: str) -> list[float]:
    """The width and height of `selector`'s box once they have not changed for 300 ms."""
    return page.wait_for_function(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            const now = performance.now();
            const key = `${box.width}×${box.height}`;
            const seen = window.__box;
            if (!seen || seen.key !== key) {
                window.__box = {key, since: now};
                return false;
            }
            return now - seen.since >= 300 && [box.width, box.height];
        }""",
        arg=selector,
        polling=50,
        timeout=10_000,
    ).json_value()


def test_presentation_mode_is_a_toggle_kept_in_the_link(sized_page, server):
    page = sized_page("projector")
    goto_view(page, server.url, "network")
    wait_rendered(page, "network")
    toggle = page.get_by_role("button", name="Present")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.evaluate("() => document.documentElement.hasAttribute('data-present')") is False

    toggle.click()
    page.wait_for_function(f"() => {LINK}.get('present') === '1'")
    assert toggle.get_attribute("aria-pressed") == "true"
    # The Network overview lays itself out again for the zoomed page, as it does when the link
    # is opened in presentation mode.
    toggled = steady_box(page, "section[data-view='network'] .net-stage")
    page.reload()
    page.wait_for_selector("html[data-ready='true'][data-present]", state="attached")
    assert toggle.get_attribute("aria-pressed") == "true"
    wait_rendered(page, "network")
    opened = steady_box(page, "section[data-view='network'] .net-stage")
    assert toggled == pytest.approx(opened, abs=1), (
        f"the overview toggled into presentation mode {toggled} is not as opened in it {opened}"
    )
    assert page.evaluate(f"() => {LINK}.get('tab')") == "network"

    toggle.click()
    page.wait_for_function(f"() => !{LINK}.has('present')")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.evaluate("() => document.documentElement.hasAttribute('data-present')") is False
