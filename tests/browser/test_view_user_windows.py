"""A model of the user's own with every kind of window the engine slides — padding "same", a 3×5
kernel with stride 2, dilation 2, an AvgPool2D with padding — in the Convolution and Pooling
views: each window drawn is the one torch's unfold reads (the geometry written out by hand from
the spec, not by our code), the windows' numbers are the trace's, and no console error; the Draw
view reads digits with it (the Network view's test draws it too)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.browser.pages import wait_predicted
from tests.browser.stepping import (
    POOLING,
    POOLING_SHOWN,
    STEPPER,
    STEPPER_SHOWN,
    page_digit,
    traced,
)
from tests.explain.references import torch_taps

from cnnviz.nn.geometry import ConvGeometry

SPEC = {
    "input_shape": [1, 28, 28],
    "layers": [
        {
            "type": "Conv2D",
            "in_channels": 1,
            "out_channels": 2,
            "kernel_size": 3,
            "padding": "same",
        },
        {"type": "ReLU"},
        {"type": "Conv2D", "in_channels": 2, "out_channels": 3, "kernel_size": [3, 5], "stride": 2},
        {"type": "Conv2D", "in_channels": 3, "out_channels": 2, "kernel_size": 3, "dilation": 2},
        {"type": "ReLU"},
        {"type": "AvgPool2D", "kernel_size": 3, "stride": 2, "padding": 1},
        {"type": "Flatten"},
        {"type": "Dense", "in_features": 40, "out_features": 10},
    ],
}
#: Each windowed layer's window and input size, by hand from SPEC (28 → 28 → 13×12 → 9×8 → 5×4):
#: "same" for a 3×3 kernel pads 1 on every side; the pool's padding 1 is on every side too.
WINDOWS = [
    (0, ConvGeometry((3, 3), (1, 1), (1, 1, 1, 1)), (28, 28)),
    (2, ConvGeometry((3, 5), (2, 2)), (28, 28)),
    (3, ConvGeometry((3, 3), dilation=(2, 2)), (13, 12)),
    (5, ConvGeometry((3, 3), (2, 2), (1, 1, 1, 1)), (9, 8)),
]


@pytest.fixture(scope="module")
def model(server) -> dict:
    created = server.api("POST", "/api/models", {"spec": SPEC, "seed": 3, "name": "every window"})
    return server.api("GET", f"/api/models/{created['id']}")


def drawn_taps(element, hw: tuple[int, int]) -> np.ndarray:
    """The window an element says it shows (data-window-rows/cols) as flat input indices, −1 on
    padding, in the layout of `torch_taps` (KH, KW)."""
    rows = np.array([int(v) for v in element.get_attribute("data-window-rows").split(",")])
    cols = np.array([int(v) for v in element.get_attribute("data-window-cols").split(",")])
    inside = (rows[:, None] >= 0) & (rows[:, None] < hw[0]) & (cols >= 0) & (cols < hw[1])
    return np.where(inside, rows[:, None] * hw[1] + cols[None, :], -1)


def positions(out_hw: tuple[int, int]) -> list[tuple[int, int]]:
    """The corners (where padding shows) and a cell inside."""
    oh, ow = out_hw
    return [(0, 0), (oh - 1, ow - 1), (oh // 2, ow // 2 - 1)]


def test_every_window_in_the_stepper(page, open_view, model, server, screenshot):
    rows = model["layers"]
    for index, geometry, hw in WINDOWS[:3]:
        layer = rows[index]
        assert layer["type"] == "Conv2D" and layer["input_shape"][1:] == list(hw)
        reference = torch_taps(geometry, hw)
        for row, col in positions(reference.shape[:2]):
            view = open_view(
                f"stepper&model={model['id']}&conv={layer['name']}&filter=1&at={row},{col}"
            )
            page.wait_for_function(
                """([view, row, col]) => {
                    const p = document.querySelector(`${view} [data-position]`);
                    const maps = document.querySelector(`${view} [data-input-maps]`);
                    return p.dataset.row === row && p.dataset.col === col
                        && maps.dataset.windowRows !== undefined;
                }""",
                arg=[STEPPER, str(row), str(col)],
            )
            page.wait_for_function(STEPPER_SHOWN)
            drawn = drawn_taps(view.locator("[data-input-maps]"), hw)
            np.testing.assert_array_equal(drawn, reference[row, col], err_msg=layer["name"])
            caption = view.locator("[data-input-caption]").inner_text()
            (kh, kw), (h, w) = geometry.kernel, hw
            assert f"of {h}×{w}" in caption and f"window {kh}×{kw}" in caption, caption
            traced_value = traced(server, model["id"], page_digit(page))[layer["name"]]
            shown = float(view.locator("[data-sum-plus-bias]").get_attribute("data-value"))
            assert shown == pytest.approx(float(traced_value[1, row, col]), abs=1e-5)
        screenshot(f"stepper-user-{layer['name']}")


def test_every_window_in_the_pooling_view(page, open_view, model, server, screenshot):
    index, geometry, hw = WINDOWS[3]
    layer = model["layers"][index]
    assert layer["type"] == "AvgPool2D"
    reference = torch_taps(geometry, hw)
    for row, col in positions(reference.shape[:2]):
        keys = f"model={model['id']}&pool={layer['name']}&map=1&window={row},{col}"
        view = open_view(f"pooling&{keys}")
        detail = view.locator("[data-pool-detail]")
        detail.get_by_role("heading", name=f"Window ({row}, {col})").wait_for()
        page.wait_for_function(POOLING_SHOWN)
        np.testing.assert_array_equal(drawn_taps(detail, hw), reference[row, col])
        pooled = traced(server, model["id"], page_digit(page))[layer["name"]]
        shown = float(detail.locator("[data-pool-output-value]").inner_text())
        assert shown == pytest.approx(float(pooled[1, row, col]), abs=0.5e-3)
    # Spreading each gradient over the windows the API lists is the network's own backward pass,
    # padding included (what lands on padding is lost in both).
    check = view.locator("[data-backprop-check]").first
    check.wait_for()
    assert check.get_attribute("data-backprop-check") == "match", check.inner_text()
    assert view.locator("[data-winner]").count() == 0, "an average pool has no winners"
    page.wait_for_function(f"""() => document.querySelector(
        "{POOLING} [data-similarity]")?.dataset.value !== undefined""")
    screenshot("pooling-user-avgpool")


def test_the_draw_view_reads_with_it(page, open_view, model, server):
    """Its ten bars are the probabilities the API gives for the digit on the pad."""
    view = open_view(f"draw&model={model['id']}")
    before = int(view.get_attribute("data-predictions") or 0)
    page.locator("[data-example='7']").click()
    wait_predicted(page, before)
    bars = view.locator("[data-prob]")
    shown = [float(bars.nth(k).get_attribute("data-value")) for k in range(bars.count())]
    answer = server.api("POST", f"/api/models/{model['id']}/predict", page_digit(page))
    np.testing.assert_allclose(shown, answer["probabilities"], atol=1e-9)
