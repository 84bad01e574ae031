"""What the browser tests share besides fixtures: paths, drawing with the mouse, reports."""

from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
#: Lines for the end of the pytest run (the terminal summary), e.g. the measured draw latency.
REPORTS: list[str] = []


def goto_view(page, base_url: str, hash_rest: str) -> object:
    """Load the page at `#tab=<hash_rest>` (e.g. "stepper&conv=conv1") and wait until the app has
    booted and the view is visible; returns the view's section."""
    name = hash_rest.split("&", 1)[0]
    page.goto(f"{base_url}/#tab={hash_rest}")
    page.wait_for_selector("html[data-ready='true']", state="attached")
    page.wait_for_selector(f"section[data-view='{name}']", state="visible")
    return page.locator(f"section[data-view='{name}']")


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
