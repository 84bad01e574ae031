"""What the browser tests share besides fixtures: paths, drawing with the mouse, reports."""

import io
import itertools
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
#: Lines for the end of the pytest run (the terminal summary), e.g. the measured draw latency.
REPORTS: list[str] = []


#: The page's views, by the name the URL's `tab` gives each.
VIEWS = ("draw", "network", "stepper", "pooling", "train", "sandbox", "model", "labs")

#: When each view has drawn its data, as a predicate evaluated in the page. The Train view's is
#: for a finished run opened by its link (`train&job=<id>`): its charts and confusion matrix.
RENDERED = {
    "draw": """() => {
        const view = document.querySelector("section[data-view='draw']");
        return Number(view.dataset.predictions || 0) > 0 && view.dataset.busy === "false";
    }""",
    "network": "() => document.querySelector(\"section[data-view='network'][data-rendered]\")",
    "stepper": """() => document.querySelector(
        "section[data-view='stepper'] [data-sum-plus-bias]")?.dataset.value !== undefined""",
    "pooling": """() => document.querySelector(
        "section[data-view='pooling'] [data-similarity]")?.dataset.value !== undefined""",
    "train": """() => document.querySelector(
        "section[data-view='train'] table[data-confusion]")?.getClientRects().length > 0""",
    "sandbox": """() => {
        const view = document.querySelector("section[data-view='sandbox']");
        return Number(view.dataset.answers || 0) > 0 && view.dataset.busy === "false";
    }""",
    "model": """() => document.querySelector(
        "section[data-view='model'] [data-arith][data-rendered]")
        && document.querySelector("section[data-view='model'] [data-act][data-rendered]")""",
    "labs": "() => document.querySelector(\"section[data-view='labs'][data-rendered]\")",
}

#: True once the page has finished no new request for 400 ms (resource timing entries are added
#: as requests end), so the sections a view loads after its first answer are there too.
QUIET = """() => {
    const count = performance.getEntriesByType("resource").length;
    const now = performance.now();
    const seen = window.__quiet;
    if (!seen || seen.count !== count) {
        window.__quiet = {count, since: now};
        return false;
    }
    return now - seen.since >= 400;
}"""


def wait_rendered(page, view: str, timeout_ms: float = 30_000) -> None:
    """Wait until `view` has drawn its data (RENDERED) and the page has gone quiet."""
    page.wait_for_function(RENDERED[view], timeout=timeout_ms, polling=50)
    page.evaluate("() => { window.__quiet = null; }")
    page.wait_for_function(QUIET, timeout=timeout_ms, polling=50)


def open_rendered(page, base_url: str, view: str, job: str | None = None, keys: str = "") -> None:
    """Open `view` (the Train view following run `job`, with `keys` such as "&present=1" added
    to the link) and wait until it has drawn its data."""
    rest = f"train&job={job}" if view == "train" else view
    goto_view(page, base_url, rest + keys)
    wait_rendered(page, view)


def goto_view(page, base_url: str, hash_rest: str) -> object:
    """Load the page at `#tab=<hash_rest>` (e.g. "stepper&conv=conv1") and wait until the app has
    booted and the view is visible; returns the view's section."""
    name = hash_rest.split("&", 1)[0]
    page.goto(f"{base_url}/#tab={hash_rest}")
    page.wait_for_selector("html[data-ready='true']", state="attached")
    page.wait_for_selector(f"section[data-view='{name}']", state="visible")
    return page.locator(f"section[data-view='{name}']")


def photograph(page, path: Path) -> Path:
    """Save the whole of `page` to `path`. A touch page is photographed screen by screen, scrolled
    and joined: Playwright's full-page capture drops a context's touch emulation while it
    captures, so `pointer: coarse` stops matching and the picture shows the phone's 44 px
    controls shrunk to their desktop size."""
    if not page.evaluate("() => matchMedia('(pointer: coarse)').matches"):
        page.screenshot(path=str(path), full_page=True)
        return path
    height, screen, width, start = page.evaluate(
        "() => [document.documentElement.scrollHeight, innerHeight, innerWidth, scrollY]"
    )
    screens = []
    for top in range(0, height, screen):
        at = page.evaluate("(y) => { scrollTo(0, y); return scrollY; }", top)
        screens.append((at, Image.open(io.BytesIO(page.screenshot()))))
    page.evaluate("(y) => scrollTo(0, y)", start)
    scale = screens[0][1].width / width
    sheet = Image.new("RGB", (screens[0][1].width, round(height * scale)), "white")
    for at, image in screens:
        sheet.paste(image, (0, round(at * scale)))
    sheet.save(path)
    return path


def stroke(page, canvas, points: list[tuple[float, float]], steps: int = 4) -> None:
    """One mouse stroke through `points` (CSS px inside `canvas`)."""
    box = canvas.bounding_box()
    assert box, "the drawing canvas has no bounding box (is it visible?)"
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + points[0][0], y0 + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x0 + x, y0 + y, steps=steps)
    page.mouse.up()


def touch_stroke(page, canvas, points: list[tuple[float, float]], steps: int = 4) -> None:
    """One finger stroke through `points` (CSS px inside `canvas`), sent as touch input through
    the DevTools protocol (the page needs a context with has_touch): the page gets pointer
    events of type "touch", as from a phone's screen. Playwright's touchscreen only taps."""
    box = canvas.bounding_box()
    assert box, "the drawing canvas has no bounding box (is it visible?)"
    x0, y0 = box["x"], box["y"]
    path = [points[0]]
    for (xa, ya), (xb, yb) in itertools.pairwise(points):
        path += [(xa + (xb - xa) * k / steps, ya + (yb - ya) * k / steps) for k in range(1, steps)]
        path.append((xb, yb))
    session = page.context.new_cdp_session(page)
    try:
        for i, (x, y) in enumerate(path):
            kind = "touchStart" if i == 0 else "touchMove"
            touch = {"x": x0 + x, "y": y0 + y}
            session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [touch]})
        session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        session.detach()


def one_points() -> list[tuple[float, float]]:
    """A "1": a vertical line at x=140 from y=40 to y=240."""
    return [(140, 40 + 20 * i) for i in range(11)]


def zero_points() -> list[tuple[float, float]]:
    """A "0": an ellipse around (140, 140) with radii 60×90, closed."""
    angles = np.linspace(0, 2 * np.pi, 41)
    return [(140 + 60 * np.sin(a), 140 - 90 * np.cos(a)) for a in angles]


def draw_and_wait(page, points: list[tuple[float, float]], steps: int = 4) -> None:
    """Draw one stroke on the Draw view and wait for the prediction it starts to be shown."""
    view = page.locator("section[data-view='draw']")
    before = int(view.get_attribute("data-predictions") or 0)
    stroke(page, page.locator("[data-draw-canvas]"), points, steps)
    wait_predicted(page, before)


def wait_predicted(page, before: int) -> None:
    """Wait until more than `before` predictions are done, none is running, and the count has
    stayed the same for 300 ms (a view may predict while the stroke is drawn and again at its
    end: the last one counts)."""
    page.wait_for_function(
        """(before) => {
            const view = document.querySelector("section[data-view='draw']");
            const count = Number(view.dataset.predictions || 0);
            const idle = count > before && view.dataset.busy === "false";
            const now = performance.now();
            const seen = window.__settled || (window.__settled = {count: -1, since: now});
            if (!idle || seen.count !== count) {
                window.__settled = {count: idle ? count : -1, since: now};
                return false;
            }
            return now - seen.since >= 300;
        }""",
        arg=before,
        polling=50,
    )
