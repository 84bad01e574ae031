"""The Labs view and the lab bar in Chromium: a lab starts from its card, the bar walks it with
Next and Back on every view without covering the view (laptop, projector, phone), survives a
reload, and Close takes it away; a step's Open link is the step's own state, so a key an earlier
step set is gone. At each size the bar's text is at least 12 px, its controls are finger-sized on
the phone, and axe-core finds nothing serious with the bar open; on a long view scrolled down,
the bar stays in sight under the sticky header on the laptop and projector, and leaves with the
header on the phone."""

from __future__ import annotations

import pytest
from tests.browser.labwalk import BAR, link_state, next_step, start_lab, wait_step
from tests.browser.pages import goto_view, wait_rendered


def test_a_lab_starts_walks_back_survives_a_reload_and_closes(page, server, screenshot):
    start_lab(page, server.url, "pooling")
    state = link_state(page)
    assert (state["tab"], state["lab"], state["step"], state["sbop"]) == (
        "sandbox",
        "pooling",
        "1",
        "maxpool",
    )
    assert page.locator(f"{BAR} [data-lab-back]").is_disabled()

    next_step(page, "pooling", 2, "sandbox")
    assert link_state(page)["sbgrad"] == "7,6,6;8,5,8;2,0,5"
    next_step(page, "pooling", 3, "sandbox")
    next_step(page, "pooling", 4, "pooling")
    # The Pooling step's link names no sandbox key: what steps 1-3 set is gone from the link.
    state = link_state(page)
    assert not {"sbin", "sbop", "sbgrad", "sbpool"} & state.keys(), state
    assert (state["pool"], state["map"]) == ("pool1", "0")
    assert page.locator(f"{BAR} [data-lab-next]").inner_text() == "All labs"

    page.reload()
    page.wait_for_selector("html[data-ready='true']", state="attached")
    wait_step(page, "pooling", 4)

    page.click(f"{BAR} [data-lab-back]")
    wait_step(page, "pooling", 3)
    assert link_state(page)["sbop"] == "avgpool"

    page.click(f"{BAR} [data-lab-close]")
    page.wait_for_selector(BAR, state="hidden")
    state = link_state(page)
    assert "lab" not in state and "step" not in state and state["tab"] == "sandbox"


def test_the_last_step_leads_back_to_the_labs(page, server):
    goto_view(page, server.url, "draw&lab=sigmoid&step=3")
    wait_step(page, "sigmoid", 3)
    page.click(f"{BAR} [data-lab-next]")
    page.wait_for_selector("section[data-view='labs']", state="visible")
    page.wait_for_selector(BAR, state="hidden")
    assert "lab" not in link_state(page)


def test_a_step_opened_from_the_list_is_exactly_its_link(page, server):
    # A key no step of the convolution lab names is left in the link by hand.
    goto_view(page, server.url, "labs&sbgrad=1,1&sbstride=3")
    card = page.locator("[data-lab-card='convolution']")
    card.locator("summary").click()
    link = card.locator("a.lab-open").nth(4)
    href = link.get_attribute("href")
    assert "lab=convolution" in href and "step=5" in href
    link.click()
    wait_step(page, "convolution", 5)
    state = link_state(page)
    assert state["sbin"] == "1,3,2,4;5,6,1,3;1,2,0,2;3,4,3,2" and state["sbflip"] == "1"
    assert "sbgrad" not in state and "sbstride" not in state, state


#: The lab bar's smallest text (CSS px) and its smallest control's box, [width, height].
BAR_SIZES = """() => {
    const bar = document.querySelector("[data-labbar]");
    const texts = [...bar.querySelectorAll("*")].filter((e) =>
        [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
    const font = Math.min(...texts.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    const boxes = [...bar.querySelectorAll("button, summary, a[href]")]
        .map((e) => e.getBoundingClientRect());
    return {font, width: Math.min(...boxes.map((b) => b.width)),
            height: Math.min(...boxes.map((b) => b.height))};
}"""


#: Scroll the window 600 px down (the tallest views scroll further at every size), then the boxes
#: of the bar, the view and the header (its bottom) and the window's height.
SCROLL_DOWN = """async () => {
    window.scrollTo(0, 600);
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const box = (e) => {
        const r = e.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom};
    };
    return {scrolled: window.scrollY, height: window.innerHeight,
            bar: box(document.querySelector("[data-labbar]")),
            view: box(document.querySelector("[data-view]:not([hidden])")),
            header: document.querySelector("header").getBoundingClientRect().bottom};
}"""


def scroll_down(page) -> dict:
    """SCROLL_DOWN's boxes, once the page has scrolled the whole 600 px."""
    measured = page.evaluate(SCROLL_DOWN)
    assert measured["scrolled"] == 600, f"the view is too short to scroll 600 px: {measured}"
    return measured


@pytest.mark.parametrize("size", ["laptop", "projector", "phone"])
def test_the_labs_and_the_bar_at_each_size(sized_page, server, screenshot, artifacts, size):
    page = sized_page(size)
    goto_view(page, server.url, "labs")
    page.wait_for_selector("section[data-view='labs'][data-rendered]")
    assert page.locator("[data-lab-card]").count() == 7
    screenshot(f"labs-{size}", page)
    page.click("[data-lab-start='convolution']")
    wait_step(page, "convolution", 1)
    # Step 7 is on the Convolution view, the tallest of the views a lab opens early.
    for number, view in [
        (2, "sandbox"),
        (3, "sandbox"),
        (4, "sandbox"),
        (5, "sandbox"),
        (6, "sandbox"),
        (7, "stepper"),
    ]:
        next_step(page, "convolution", number, view)
    wait_rendered(page, "stepper")
    measured = page.evaluate(BAR_SIZES)
    assert measured["font"] >= 12, measured
    if size == "phone":
        assert measured["width"] >= 44 and measured["height"] >= 44, measured
    screenshot(f"labs-bar-{size}", page)
    scrolled = scroll_down(page)
    bar, view = scrolled["bar"], scrolled["view"]
    page.screenshot(path=str(artifacts / "screenshots" / f"labs-bar-scrolled-{size}.png"))
    if size == "phone":
        assert bar["bottom"] <= 0, f"the bar should scroll away with the phone's header: {scrolled}"
    else:
        # Stuck under the header's first row, whole, with the view scrolled on under it.
        assert bar["top"] > 0 and bar["bottom"] <= scrolled["height"], scrolled
        assert bar["bottom"] <= scrolled["header"] + 0.5, scrolled
        assert view["top"] < bar["top"], scrolled
    # axe-core on the view with the bar above it: nothing serious or critical.
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    blocking = [(v["id"], v["help"]) for v in violations if v["impact"] in ("serious", "critical")]
    assert not blocking, blocking
