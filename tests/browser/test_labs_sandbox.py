"""Labs 1-3 in Chromium, walked step by step with the lab bar's Next: at every step the numbers
the page computed (the sandbox's output, winners and gradients, the playground's output, the
Pooling view's window and its shift panel) equal an independent reference: numpy's and torch's
convolutions and pooling, autograd, and the notebooks' printed numbers where they are right."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.browser.labwalk import (
    link_state,
    next_step,
    photo_of_a_one,
    read_grid,
    sandbox_step,
    start_lab,
    wait_quiet,
    wait_sandbox,
)
from tests.browser.stepping import POOLING_SHOWN, page_digit, traced

X1 = np.array([1, 3, 2, 4, 5, 6, 1, 3], float)
W1 = np.array([1, 0, 3, 1, 2], float)
X2 = np.array([[1, 3, 2, 4], [5, 6, 1, 3], [1, 2, 0, 2], [3, 4, 3, 2]], float)
W2 = np.array([[1, 0, 3], [1, 2, 1], [0, 1, 1]], float)
#: The 6×6 matrices of notebook 000's pooling problems, and the 3×3 upstream gradient it drew.
MAX_IN = np.array(
    [[3, 4, 2, 1, 5, 2], [2, 6, 1, 7, 1, 4], [0, 3, 1, 6, 2, 7],
     [7, 0, 7, 5, 4, 0], [4, 8, 0, 2, 5, 0], [3, 3, 5, 0, 7, 5]], float)  # fmt: skip
AVG_IN = np.array(
    [[4, 2, 2, 3, 0, 5], [2, 5, 3, 4, 0, 5], [0, 3, 3, 4, 5, 5],
     [0, 6, 1, 0, 4, 4], [6, 3, 7, 8, 1, 7], [0, 0, 7, 1, 2, 1]], float)  # fmt: skip
GRAD = np.array([[7, 6, 6], [8, 5, 8], [2, 0, 5]], float)
#: Notebook 001's pair: dots in column 4 on rows 0, 2, 4, and the same moved down one row.
IMAGE_A = np.zeros((6, 6))
IMAGE_A[[0, 2, 4], 4] = 1
IMAGE_B = np.roll(IMAGE_A, 1, axis=0)
KERNEL = np.array([[0, 1, 2], [0, -1, 1], [0, 3, 0]], float)


def t(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64)[None, None]


def torch_conv(x: np.ndarray, w: np.ndarray, **kw) -> np.ndarray:
    """torch's conv2d (cross-correlation) of one-channel `x` with `w`."""
    return F.conv2d(t(x), t(w), **kw)[0, 0].numpy()


def torch_pool(pool, x: np.ndarray, grad: np.ndarray | None = None):
    """torch's pooling of `x` by 2, with its indices for max pooling, and autograd's gradient
    with respect to `x` for the upstream `grad` (all ones when None)."""
    xt = t(x).requires_grad_(True)
    out = pool(xt, 2, return_indices=True) if pool is F.max_pool2d else (pool(xt, 2), None)
    value, indices = out
    value.backward(t(np.ones(value.shape[2:])) if grad is None else t(grad))
    idx = None if indices is None else indices[0, 0].numpy()
    return value[0, 0].detach().numpy(), idx, xt.grad[0, 0].numpy()


def test_lab_convolution_by_hand(page, server, screenshot):
    start_lab(page, server.url, "convolution")
    wait_sandbox(page, 0)
    # 1: true convolution (flipped kernel), padding "same": numpy's convolve, and the notebook's.
    same = read_grid(page, "data-sb-output")[0]
    np.testing.assert_array_equal(same, np.convolve(X1, W1, mode="same"))
    np.testing.assert_array_equal(same, [5, 14, 16, 26, 24, 34, 19, 22])
    # 2: no flip: numpy's cross-correlation of the signal padded by 2.
    sandbox_step(page, "convolution", 2)
    np.testing.assert_array_equal(
        read_grid(page, "data-sb-output")[0], np.correlate(np.pad(X1, 2), W1, "valid")
    )
    # 3: full padding: 8 + 5 - 1 outputs.
    sandbox_step(page, "convolution", 3)
    full = read_grid(page, "data-sb-output")[0]
    assert full.shape == (12,)
    np.testing.assert_array_equal(full, np.convolve(X1, W1, mode="full"))
    # 4: stride 2 over padding 2: every other output of step 1; the formula's count agrees.
    sandbox_step(page, "convolution", 4)
    np.testing.assert_array_equal(
        read_grid(page, "data-sb-output")[0], np.convolve(X1, W1, mode="same")[::2]
    )
    count = page.locator("section[data-view='sandbox'] [data-sb-formula]").first.get_attribute(
        "data-value"
    )
    assert int(count) == (8 + 2 * 2 - 5) // 2 + 1 == 4
    # 5 and 6: the 2-D example, flipped, valid then same: torch with the kernel turned half a turn.
    sandbox_step(page, "convolution", 5)
    valid2 = read_grid(page, "data-sb-output")
    np.testing.assert_array_equal(valid2, torch_conv(X2, W2[::-1, ::-1].copy()))
    np.testing.assert_array_equal(valid2, [[25, 24], [28, 25]])
    sandbox_step(page, "convolution", 6)
    same2 = read_grid(page, "data-sb-output")
    np.testing.assert_array_equal(same2, torch_conv(X2, W2[::-1, ::-1].copy(), padding=1))
    np.testing.assert_array_equal(same2[1:3, 1:3], valid2)
    screenshot("lab-convolution-2d")
    # 7: the edge kernel over the drawing in the playground: torch's conv2d with padding 1.
    next_step(page, "convolution", 7, "stepper")
    playground = page.locator("section[data-view='stepper'] [data-playground]")
    page.wait_for_function(
        "(p) => Number(document.querySelector(p)?.dataset.applied || 0) > 0",
        arg="section[data-view='stepper'] [data-playground]",
    )
    wait_quiet(page)
    assert playground.locator("select[data-kernel]").input_value() == "edge"
    digit = traced(server, "lenet5-mnist", page_digit(page))["input"][0].astype(np.float64)
    edge = np.full((3, 3), -1.0)
    edge[1, 1] = 8
    grid = playground.locator("[data-pg-output-values]")
    columns = int(grid.evaluate("(g) => g.style.gridTemplateColumns.match(/repeat\\((\\d+)/)[1]"))
    shown = [float(v.replace("\u2212", "-")) for v in grid.locator(".cell").all_inner_texts()]
    np.testing.assert_allclose(
        np.array(shown).reshape(-1, columns), torch_conv(digit, edge, padding=1), atol=0.5e-3 + 1e-9
    )
    # 8: a photo through the same kernel, at its own size, in the playground's photo panel.
    next_step(page, "convolution", 8, "stepper")
    assert link_state(page)["kernel"] == "edge"
    panel = page.locator("section[data-view='stepper'] [data-photo-kernels]")
    page.set_input_files(
        "section[data-view='stepper'] [data-photo-kernels] [data-photo-kernel-file]",
        files=[{"name": "one.png", "mimeType": "image/png", "buffer": photo_of_a_one()}],
    )
    page.wait_for_function(
        """(sel) => { const p = document.querySelector(sel);
            return p?.dataset.query === "mode=grey&kernel=edge" && p.dataset.busy === "false"; }""",
        arg="section[data-view='stepper'] [data-photo-kernels]",
    )
    size = panel.locator("canvas").last.evaluate("(c) => [c.width, c.height]")
    assert size == [300, 240]


def test_lab_pooling_winners_and_gradients(page, server, screenshot):
    start_lab(page, server.url, "pooling")
    wait_sandbox(page, 0)
    # 1: max pooling: torch's values and indices (flat in the 6×6, as Pindex is).
    value, indices, _ = torch_pool(F.max_pool2d, MAX_IN)
    np.testing.assert_array_equal(read_grid(page, "data-sb-output"), value)
    np.testing.assert_array_equal(
        read_grid(page, "data-sb-output"), [[6, 7, 5], [7, 7, 7], [8, 5, 7]]
    )
    np.testing.assert_array_equal(read_grid(page, "data-sb-indices"), indices)
    assert read_grid(page, "data-sb-indices")[0, 0] == 1 * 6 + 1  # the question's answer
    # 2: the upstream gradient reaches the winners only: autograd's.
    sandbox_step(page, "pooling", 2)
    _, _, grad = torch_pool(F.max_pool2d, MAX_IN, GRAD)
    shown = read_grid(page, "data-sb-grad-input")
    np.testing.assert_array_equal(shown, grad)
    assert np.count_nonzero(shown) == 8  # nine winners, one of whose gradients is 0
    screenshot("lab-pooling-backward")
    # 3: average pooling and its gradient, a quarter each: torch, and the notebook's numbers.
    sandbox_step(page, "pooling", 3)
    value, _, grad = torch_pool(F.avg_pool2d, AVG_IN, GRAD)
    np.testing.assert_array_equal(read_grid(page, "data-sb-output"), value)
    np.testing.assert_array_equal(value, [[3.25, 3, 2.5], [2.25, 2, 4.5], [2.25, 5.75, 2.75]])
    np.testing.assert_array_equal(read_grid(page, "data-sb-grad-input"), grad)
    # 4: the Pooling view on the drawing: the window shown is pool1's output there, the max of
    # relu1's 2×2 under it, by the trace.
    next_step(page, "pooling", 4, "pooling")
    page.wait_for_function(POOLING_SHOWN)
    wait_quiet(page)
    row, col = map(int, link_state(page)["window"].split(","))
    maps = traced(server, "lenet5-mnist", page_digit(page))
    shown = float(
        page.locator("section[data-view='pooling'] [data-pool-output-value]").inner_text()
    )
    assert shown == round(float(maps["pool1"][0, row, col]), 3)
    assert (
        maps["pool1"][0, row, col]
        == maps["relu1"][0, 2 * row : 2 * row + 2, 2 * col : 2 * col + 2].max()
    )


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a.ravel() @ b.ravel() / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_lab_translation_invariance(page, server, screenshot):
    start_lab(page, server.url, "invariance")
    wait_sandbox(page, 0)
    pooled = {}
    for number, image in [(1, IMAGE_A), (2, IMAGE_B)]:
        if number > 1:
            sandbox_step(page, "invariance", number)
        value, indices, _ = torch_pool(F.max_pool2d, image)
        np.testing.assert_array_equal(read_grid(page, "data-sb-output"), value)
        np.testing.assert_array_equal(read_grid(page, "data-sb-indices"), indices)
        pooled[number] = (value, indices)
    np.testing.assert_array_equal(pooled[1][0], pooled[2][0])  # the same output...
    assert (pooled[1][1] != pooled[2][1]).any()  # ...from winners that moved
    convs = {}
    for number, image in [(3, IMAGE_A), (4, IMAGE_B)]:
        sandbox_step(page, "invariance", number)
        convs[number] = read_grid(page, "data-sb-output")
        np.testing.assert_array_equal(convs[number], torch_conv(image, KERNEL))
    np.testing.assert_array_equal(convs[4], np.roll(convs[3], 1, axis=0))  # equivariant
    for number, conv in [(5, convs[3]), (6, convs[4])]:
        sandbox_step(page, "invariance", number)
        # the step pools the map the page showed two steps before
        np.testing.assert_array_equal(read_grid(page, "data-sb-padded"), conv)
        np.testing.assert_array_equal(
            read_grid(page, "data-sb-output"), torch_pool(F.max_pool2d, conv)[0]
        )
        np.testing.assert_array_equal(read_grid(page, "data-sb-output"), [[0, 4], [0, 4]])
    screenshot("lab-invariance-pooled")
    # 7: the drawing shifted in the Pooling view: its similarities are those of conv1/pool1
    # channel 0 maps traced here for the drawing and for the drawing shifted by numpy.
    next_step(page, "invariance", 7, "pooling")
    view = page.locator("section[data-view='pooling']")
    view.locator("[data-shift='2']").click()
    view.locator("[data-shift-body] figcaption", has_text="shifted 2 px").wait_for()
    wait_quiet(page)
    down = view.locator("[data-shift-down]").is_checked()
    maps = traced(server, "lenet5-mnist", page_digit(page))
    shifted = np.zeros((28, 28), np.float32)
    dy = 2 if down else 0
    shifted[dy:, 2:] = maps["input"][0][: 28 - dy, :26]
    moved = traced(server, "lenet5-mnist", {"pixels": shifted.tolist()})
    before = float(view.locator("[data-similarity-before]").get_attribute("data-value"))
    after = float(view.locator("[data-similarity]").get_attribute("data-value"))
    assert abs(before - cosine(maps["relu1"][0], moved["relu1"][0])) < 1e-5
    assert abs(after - cosine(maps["pool1"][0], moved["pool1"][0])) < 1e-5
