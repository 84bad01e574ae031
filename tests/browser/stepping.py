"""What the Convolution and Pooling tests share: the digit the page works on, its trace, the
requests a page sends, and each view's "drawn" signal."""

from __future__ import annotations

import numpy as np

from cnnviz.api.encoding import decode_array

STEPPER = "section[data-view='stepper']"
POOLING = "section[data-view='pooling']"

#: True once the stepper shows a position's numbers.
STEPPER_SHOWN = f"""() => document.querySelector(
    "{STEPPER} [data-sum-plus-bias]")?.dataset.value !== undefined"""

#: True once the Pooling view shows a window's numbers ("Window (r, c)").
POOLING_SHOWN = f"""() => document.querySelector(
    "{POOLING} [data-pool-detail] h3")?.textContent.startsWith("Window (")"""


def page_digit(page) -> dict:
    """The digit every view works on, as the page sends it (`{image}` or `{pixels}`)."""
    return page.evaluate("async () => (await import('/js/shell.js')).currentDigit()")


def traced(server, model: str, digit: dict) -> dict[str, np.ndarray]:
    """Each layer's output for `digit` (one sample: [C, H, W]) and the input, by layer name, from
    the trace route."""
    trace = server.api("POST", f"/api/models/{model}/trace", digit)
    maps = {layer["name"]: decode_array(layer["output"])[0] for layer in trace["layers"]}
    maps["input"] = decode_array(trace["input"])[0]
    return maps


def most_active(plane: np.ndarray) -> tuple[int, int]:
    """numpy's own answer: the cell with the largest |value| (first in row-major order)."""
    row, col = np.unravel_index(int(np.argmax(np.abs(plane))), plane.shape)
    return int(row), int(col)


def count_requests(page, route: str) -> list[str]:
    """A list that fills with the URL of every request to an API path ending in `route`."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if r.url.endswith(route) else None)
    return seen
