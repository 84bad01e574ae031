"""The small-matrix sandbox (`cnnviz.explain.sandbox`) against torch and the course's numbers:
1-D and 2-D convolution (flipped or not) with F.conv1d/F.conv2d, max pooling with
F.max_pool2d(return_indices=True), average pooling with F.avg_pool2d, every backward pass with
torch's autograd, and each window's taps with torch's unfold."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.explain.references import taps_of, torch_taps

from cnnviz.explain import sandbox
from cnnviz.explain.sandbox_examples import (
    AVG_POOL_GRAD,
    AVG_POOL_INPUT,
    MATRIX,
    MATRIX_KERNEL,
    MAX_POOL_INPUT,
    SIGNAL,
    SIGNAL_KERNEL,
)
from cnnviz.nn.geometry import ConvGeometry

pytestmark = pytest.mark.parity


def t64(values) -> torch.Tensor:
    return torch.tensor(np.asarray(values, np.float64))


def input_taps(answer: dict) -> np.ndarray:
    """The answer's windows as (OH, OW, KH, KW) flat input indices (−1 on padding)."""
    top, _, left, _ = answer["geometry"]["padding"]
    windows = {"rows": answer["windows"]["rows"] - top, "cols": answer["windows"]["cols"] - left}
    return taps_of(windows, tuple(answer["input_size"]))


# -- the course's numbers ------------------------------------------------------------------------


def test_signal_convolution_is_the_notebooks() -> None:
    """x = [1 3 2 4 5 6 1 3] by w = [1 0 3 1 2], padding 2, stride 1, kernel flipped: NumPy's
    own np.convolve(x, w, "same") gives the same eight numbers."""
    answer = sandbox.run("conv", SIGNAL, kernel=SIGNAL_KERNEL, padding=2, flip=True)
    expected = [5, 14, 16, 26, 24, 34, 19, 22]
    assert answer["output"].tolist() == [expected]
    assert np.convolve(SIGNAL[0], SIGNAL_KERNEL[0], mode="same").tolist() == expected
    assert answer["dims"] == 1
    assert answer["padded"].tolist() == [[0, 0, 1, 3, 2, 4, 5, 6, 1, 3, 0, 0]]
    assert answer["applied_kernel"].tolist() == [[2, 1, 3, 0, 1]]
    [length] = answer["formulas"]
    assert length["axis"] == "length"
    assert length["text"] == "⌊(8 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 8"
    # The first window by hand: 0·2 + 0·1 + 1·3 + 3·0 + 2·1 = 5.
    assert answer["products"][0, 0].tolist() == [[0, 0, 3, 0, 2]]


def test_matrix_convolution_is_the_notebooks() -> None:
    answer = sandbox.run("conv", MATRIX, kernel=MATRIX_KERNEL, flip=True)
    assert answer["output"].tolist() == [[25, 24], [28, 25]]
    assert [f["axis"] for f in answer["formulas"]] == ["rows", "columns"]
    assert answer["formulas"][0]["text"] == "⌊(4 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 2"
    unflipped = sandbox.run("conv", MATRIX, kernel=MATRIX_KERNEL)
    # Cross-correlation, by hand at (0, 0): 1·1 + 3·0 + 2·3 + 5·1 + 6·2 + 1·1 + 1·0 + 2·1 + 0·1.
    assert unflipped["output"][0, 0] == 27


def test_max_pool_winners_by_hand() -> None:
    """The course's 6×6 matrix pooled 2×2: maxima, winners and their flat indices (row·6 +
    column) read off the matrix by hand; the gradient of all ones lands on the winners."""
    answer = sandbox.run("maxpool", MAX_POOL_INPUT, pool=2)
    assert answer["output"].tolist() == [[6, 7, 5], [7, 7, 7], [8, 5, 7]]
    assert answer["indices"].tolist() == [[7, 9, 4], [18, 20, 17], [25, 32, 34]]
    assert answer["winners"][2, 1].tolist() == [5, 2]
    assert answer["ties"].tolist() == [[1, 1, 1]] * 3
    grad = np.zeros((6, 6))
    for index in [7, 9, 4, 18, 20, 17, 25, 32, 34]:
        grad.flat[index] = 1
    assert answer["grad_input"].tolist() == grad.tolist()
    assert answer["formulas"][1]["text"] == "⌊(6 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 3"


def test_average_pool_is_the_notebooks() -> None:
    answer = sandbox.run("avgpool", AVG_POOL_INPUT, pool=2, grad=AVG_POOL_GRAD)
    assert answer["output"].tolist() == [[3.25, 3, 2.5], [2.25, 2, 4.5], [2.25, 5.75, 2.75]]
    # Each upstream number is shared by the four cells of its window: 7 / 4 = 1.75, ...
    expected = np.kron(np.asarray(AVG_POOL_GRAD, float), np.ones((2, 2))) / 4
    assert answer["grad_input"].tolist() == expected.tolist()
    assert answer["divisor"] == 4


# -- torch parity --------------------------------------------------------------------------------

CONV_CASES = [
    dict(shape=(1, 11), kernel=(1, 4), stride=2, padding=1, dilation=1),
    dict(shape=(1, 9), kernel=(1, 3), stride=1, padding="full", dilation=2),
    dict(shape=(1, 7), kernel=(1, 4), stride=1, padding="same", dilation=1),
    dict(shape=(6, 7), kernel=(3, 3), stride=1, padding="same", dilation=1),
    dict(shape=(9, 8), kernel=(2, 3), stride=2, padding=2, dilation=2),
    dict(shape=(5, 5), kernel=(5, 5), stride=1, padding="full", dilation=1),
    dict(shape=(12, 10), kernel=(7, 1), stride=3, padding="valid", dilation=1),
]


@pytest.mark.parametrize("case", CONV_CASES, ids=str)
@pytest.mark.parametrize("flip", [False, True])
def test_convolution_forward_and_backward_equal_torch(case, flip) -> None:
    """Output, products, windows, and the gradients to the input and to the kernel as typed,
    from torch's autograd of conv1d (a signal) or conv2d (a matrix) with the kernel flipped by
    torch when `flip`."""
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal(case["shape"]), rng.standard_normal(case["kernel"])
    window = dict(
        kernel=w.tolist(),
        stride=case["stride"],
        padding=case["padding"],
        dilation=case["dilation"],
        flip=flip,
    )
    # The first answer gives the output's size, the shape of the upstream gradient to send.
    grad = rng.standard_normal(sandbox.run("conv", x.tolist(), **window)["output_size"])
    answer = sandbox.run("conv", x.tolist(), **window, grad=grad.tolist())
    tx, tw = t64(x).requires_grad_(), t64(w).requires_grad_()
    slid = tw.flip(0, 1) if flip else tw
    options = dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"])
    if case["shape"][0] == 1:
        if options["padding"] == "full":  # torch's conv1d has no "full": pad by hand
            tx_in = F.pad(tx[None], (case["dilation"] * (case["kernel"][1] - 1),) * 2)
            options["padding"] = 0
        else:
            tx_in = tx[None]
        out = F.conv1d(tx_in, slid[None], **options)[0]
    else:
        if options["padding"] == "full":
            k, d = case["kernel"], case["dilation"]
            tx_in = F.pad(tx[None, None], (d * (k[1] - 1),) * 2 + (d * (k[0] - 1),) * 2)
            options["padding"] = 0
        else:
            tx_in = tx[None, None]
        out = F.conv2d(tx_in, slid[None, None], **options)[0, 0]
    out.backward(t64(grad))
    np.testing.assert_allclose(answer["output"], out.detach().numpy(), rtol=1e-12, atol=1e-12)
    sums = answer["products"].sum(axis=(2, 3))
    np.testing.assert_allclose(sums, out.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(answer["grad_input"], tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(answer["grad_kernel"], tw.grad.numpy(), rtol=1e-12, atol=1e-12)
    geometry = ConvGeometry(**{k: tuple(v) for k, v in answer["geometry"].items()})
    np.testing.assert_array_equal(input_taps(answer), torch_taps(geometry, case["shape"]))


POOL_CASES = [
    dict(shape=(6, 6), pool=2, stride=None, padding=0),
    dict(shape=(7, 9), pool=3, stride=2, padding=1),
    dict(shape=(5, 8), pool=2, stride=1, padding=1),
    dict(shape=(1, 9), pool=3, stride=None, padding=0),
    dict(shape=(1, 10), pool=4, stride=2, padding=2),
]


@pytest.mark.parametrize("case", POOL_CASES, ids=str)
def test_pooling_forward_and_backward_equal_torch(case) -> None:
    """Max pooling (output, return_indices, gradient by autograd) and average pooling (padded
    zeros counted, torch's default) on inputs without ties; a signal through max_pool1d."""
    rng = np.random.default_rng(3)
    x = rng.permutation(np.prod(case["shape"])).reshape(case["shape"]).astype(float)
    pool, stride, padding = case["pool"], case["stride"], case["padding"]
    signal = case["shape"][0] == 1
    for op in ("maxpool", "avgpool"):
        answer = sandbox.run(op, x.tolist(), pool=pool, stride=stride, padding=padding)
        grad = rng.standard_normal(answer["output_size"])
        answer = sandbox.run(
            op, x.tolist(), pool=pool, stride=stride, padding=padding, grad=grad.tolist()
        )
        tx = t64(x).requires_grad_()
        if signal:
            size, step, pad = (1, pool), (1, stride or pool), (0, padding)
        else:
            size, step, pad = pool, stride or pool, padding
        if op == "maxpool":
            if signal:
                out, indices = F.max_pool1d(
                    tx[None], pool, stride or pool, padding, return_indices=True
                )
            else:
                out, indices = F.max_pool2d(tx[None, None], size, step, pad, return_indices=True)
            np.testing.assert_array_equal(answer["indices"], indices.reshape(answer["output_size"]))
            rows, cols = np.divmod(answer["indices"], x.shape[1])
            top, _, left, _ = answer["geometry"]["padding"]
            np.testing.assert_array_equal(answer["winners"][..., 0], rows + top)
            np.testing.assert_array_equal(answer["winners"][..., 1], cols + left)
        else:
            out = F.avg_pool2d(tx[None, None], size, step, pad, count_include_pad=True)
        out = out.reshape(answer["output_size"])
        out.backward(t64(grad))
        np.testing.assert_allclose(answer["output"], out.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(answer["grad_input"], tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_tied_maxima_the_first_wins_and_takes_the_gradient() -> None:
    """A window whose maximum 5 appears three times: torch's index and ours point at the first
    in reading order, the window reports three ties, and only that cell gets the gradient."""
    x = [[5, 5, 0, 1], [1, 5, 2, 2]]
    answer = sandbox.run("maxpool", x, grad=[[3, 4]])
    _, indices = F.max_pool2d(t64(x)[None, None], 2, return_indices=True)
    assert answer["indices"].tolist() == indices[0, 0].tolist() == [[0, 6]]
    assert answer["ties"].tolist() == [[3, 2]]
    assert answer["grad_input"].tolist() == [[3, 0, 0, 0], [0, 0, 4, 0]]
    assert "first" in answer["tie_rule"]


def test_default_upstream_gradient_is_ones() -> None:
    answer = sandbox.run("conv", [[1, 2, 3, 4]], kernel=[[1, -1]])
    assert answer["grad"].tolist() == [[1, 1, 1]] and answer["grad_given"] is False
    # d(sum of outputs)/dx_i = the kernel taps that touch x_i: 1, 1 − 1, 1 − 1, −1.
    assert answer["grad_input"].tolist() == [[1, 0, 0, -1]]
    # d(sum)/dw = the sum of what each tap read: 1 + 2 + 3 and 2 + 3 + 4.
    assert answer["grad_kernel"].tolist() == [[6, 9]]


# -- refusals ------------------------------------------------------------------------------------

REFUSALS = [
    (
        dict(op="conv", values=[[1, 2, 3]], kernel=[[1, 0, 3, 1, 2]]),
        "the kernel (5 wide) is wider than the padded input (3)",
    ),
    (
        dict(op="conv", values=[[1, 2], [3, 4]], kernel=[[1], [2], [3]], padding=0),
        "the kernel (3 tall) is taller than the padded input (2)",
    ),
    (
        dict(op="conv", values=[[1, 2, 3, 4]], kernel=[[1, 2]], dilation=4),
        "the kernel (2 wide, spanning 5 with dilation 4) is wider than the padded input (4)",
    ),
    (dict(op="conv", values=[[1, 2, 3]], kernel=[[1], [2]]), "this kernel has 2 rows"),
    (dict(op="conv", values=[[1, 2, 3]]), "a convolution needs a kernel"),
    (dict(op="conv", values=[[1, 2], [3]], kernel=[[1]]), "the input must be rectangular"),
    (dict(op="conv", values=[[1, 2, 3]], kernel=[[1]], stride=2, padding="same"), "stride 1"),
    (
        dict(op="conv", values=[[1, 2, 3, 4]], kernel=[[1, 2]], grad=[[1, 1]]),
        "the output's shape, 3 numbers in one row (one number per output cell), but it is 2",
    ),
    (
        dict(op="maxpool", values=np.zeros((4, 4)).tolist(), grad=[[1, 1, 1, 1]]),
        "the output's shape, 2×2 (one number per output cell), but it is 1×4",
    ),
    (dict(op="maxpool", values=[[1, 2, 3]], kernel=[[1]]), "a pooling window has no kernel"),
    (dict(op="avgpool", values=[[1, 2, 3]], padding="full"), "padding 'full' is for conv"),
    (dict(op="maxpool", values=[[1, 2, 3, 4]], pool=2, padding=2), "more than half the pool"),
    (dict(op="maxpool", values=[[1, 2]], pool=3), "the pool window (3 wide) is wider"),
    (dict(op="dilate", values=[[1]]), "op must be one of conv, maxpool, avgpool"),
    (dict(op="conv", values=np.zeros((2, 33)).tolist(), kernel=[[1]]), "at most 32×32"),
    (
        dict(
            op="conv",
            values=np.zeros((32, 32)).tolist(),
            kernel=np.ones((7, 7)).tolist(),
            padding="full",
            dilation=2,
        ),
        "products, more than the sandbox shows (75,000)",
    ),
]


@pytest.mark.parametrize(("request_", "message"), REFUSALS, ids=lambda v: str(v)[:40])
def test_refusals_say_what_to_change(request_, message) -> None:
    request_ = dict(request_)
    with pytest.raises(ValueError) as refused:
        sandbox.run(request_.pop("op"), request_.pop("values"), **request_)
    assert message in str(refused.value)
