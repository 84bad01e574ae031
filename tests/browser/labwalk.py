"""What the lab tests share: starting a lab from the Labs view, walking it with the lab bar's
Next (checking at each step that the bar is there, says which step, and leaves the view
uncovered), and reading the numbers the views compute: the sandbox's grids, the Model view's
parameter table, the playground's output, a finished training run's accuracy."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlsplit

import numpy as np
from PIL import Image, ImageDraw
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from tests.browser.pages import QUIET, goto_view

BAR = "[data-labbar]"

#: The box of the lab bar and of the view on screen, and the window's width.
BOXES = """() => {
    const box = (e) => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom,
        left: r.left, right: r.right}; };
    const view = document.querySelector("[data-view]:not([hidden])");
    return {bar: box(document.querySelector("[data-labbar]")), view: box(view),
            name: view.dataset.view, width: document.documentElement.clientWidth};
}"""


def start_lab(page, base_url: str, lab: str) -> None:
    """Open the Labs view and press the lab's Start button: step 1 opens with the bar."""
    goto_view(page, base_url, "labs")
    page.click(f"[data-lab-start='{lab}']")
    wait_step(page, lab, 1)


def wait_step(page, lab: str, number: int) -> dict:
    """Wait until the bar shows step `number` of `lab`; returns where things are (BOXES), after
    checking the bar reads "Step n of m", is inside the window and ends above the view."""
    page.wait_for_selector(f"{BAR}[data-lab='{lab}'][data-lab-step='{number}']")
    count = page.locator(f"{BAR} [data-lab-count]").inner_text()
    assert count.startswith(f"Step {number} of "), count
    assert page.locator(f"{BAR} [data-lab-question]").inner_text().startswith("Try:")
    where = page.evaluate(BOXES)
    bar, view = where["bar"], where["view"]
    assert bar["bottom"] <= view["top"] + 0.5, (
        f"the lab bar covers the {where['name']} view: {where}"
    )
    assert bar["left"] >= 0 and bar["right"] <= where["width"] + 0.5, where
    return where


def next_step(page, lab: str, number: int, view: str) -> None:
    """Press Next in the lab bar and wait for step `number`, shown in `view`."""
    page.click(f"{BAR} [data-lab-next]")
    where = wait_step(page, lab, number)
    assert where["name"] == view, f"step {number} of {lab} opened {where['name']}, not {view}"


def link_state(page) -> dict[str, str]:
    """The page's link keys, as text."""
    return dict(parse_qsl(urlsplit(page.url).fragment))


def wait_quiet(page, timeout_ms: float = 30_000) -> None:
    """Wait until the page has finished no request for 400 ms."""
    page.evaluate("() => { window.__quiet = null; }")
    page.wait_for_function(QUIET, timeout=timeout_ms, polling=50)


def photo_of_a_one(size: tuple[int, int] = (300, 240)) -> bytes:
    """A PNG like a phone's photo of a "1" written on paper: a thick dark stroke on grey-white."""
    image = Image.new("RGB", size, (228, 226, 219))
    width, height = size
    ImageDraw.Draw(image).line(
        [(width // 2 + 10, height // 6), (width // 2 - 6, height * 5 // 6)],
        fill=(30, 32, 60),
        width=14,
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# --- the sandbox ----------------------------------------------------------------------------------

SANDBOX = "section[data-view='sandbox']"


def sandbox_answers(page) -> int:
    """How many answers the sandbox has shown so far (0 before it is mounted)."""
    return int(page.evaluate(f'() => document.querySelector("{SANDBOX}").dataset.answers || 0'))


def wait_sandbox(page, before: int) -> None:
    """Wait until the sandbox has shown more than `before` answers, none is on its way, and the
    page is quiet."""
    page.wait_for_function(
        """([sel, before]) => {
            const view = document.querySelector(sel);
            return Number(view.dataset.answers || 0) > before && view.dataset.busy === "false";
        }""",
        arg=[SANDBOX, before],
        polling=50,
    )
    wait_quiet(page)


def read_grid(page, hook: str) -> np.ndarray:
    """The numbers of the sandbox grid marked `hook` (e.g. "data-sb-output"), in rows, as the
    page prints them."""
    rows = page.evaluate(
        """(sel) => [...document.querySelectorAll(`${sel} .numrow`)]
            .map((row) => [...row.querySelectorAll(".cell")].map((c) => c.textContent))""",
        f"{SANDBOX} [{hook}]",
    )
    assert rows, f"no {hook} grid in the sandbox"
    return np.array([[float(text.replace("\u2212", "-")) for text in row] for row in rows])


def sandbox_step(page, lab: str, number: int) -> None:
    """Press Next to step `number`, a sandbox step, and wait for its answer."""
    before = sandbox_answers(page) if page.locator(SANDBOX).count() else 0
    next_step(page, lab, number, "sandbox")
    wait_sandbox(page, before)


# --- the Model view -------------------------------------------------------------------------------

#: {layer name: parameters} and the total, as the Model view's table shows them.
READ_PARAMETERS = """(source) => {
    const table = document.querySelector(
        `section[data-view='model'] table[data-arithmetic='${source}']`);
    const count = (row) => Number(row.querySelector("[data-col='parameters']").dataset.value);
    const rows = Object.fromEntries([...table.querySelectorAll("tbody tr[data-layer]")]
        .map((row) => [row.dataset.layer, count(row)]));
    return {rows, total: count(table.querySelector("tfoot tr[data-total]"))};
}"""


def model_parameters(page, source: str) -> dict:
    """The parameters per layer and in all of `source`'s table (a preset's name), once shown."""
    page.wait_for_selector(f"section[data-view='model'] table[data-arithmetic='{source}']")
    return page.evaluate(READ_PARAMETERS, source)


# --- the Train view -------------------------------------------------------------------------------


def train_to_the_end(page, config: dict, timeout_ms: float = 600_000) -> float:
    """Press Start on the Train view once it holds `config` (a recipe's POST /api/train body) and
    has shown its plan, wait for the run's results, and return its final accuracy as a
    fraction. Each recipe runs in under 40 s on an idle core; training workers run at the
    lowest priority, so on a machine busy with other work the deadline is far longer."""
    view = page.locator("section[data-view='train']")
    if "spec" in config:
        # A network built layer by layer must pass the server's check before it may start.
        view.locator("[data-check='fits']").wait_for()
    view.locator("[data-train-plan]", has_text=f"{config['epochs']} epochs").wait_for()
    # A step's link names no job, so no earlier run's results may be on screen: the accuracy
    # that appears after Start is this run's.
    assert view.locator("[data-final-accuracy]").count() == 0, "an earlier run's results are shown"
    view.locator("[data-train-start]").click()
    try:
        view.locator("[data-final-accuracy]").wait_for(timeout=timeout_ms)
    except PlaywrightTimeout:
        said = view.locator("[data-train-progress], [data-train-error], [data-job-state]")
        said = said.all_inner_texts()
        raise AssertionError(f"no result within {timeout_ms / 1000:g} s: {said}") from None
    text = view.locator("[data-final-accuracy]").inner_text()
    return float(text.strip().rstrip("%")) / 100
