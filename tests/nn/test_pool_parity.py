"""MaxPool2D and AvgPool2D against torch.nn.functional: values, `indices` (torch's return_indices)
and dx over random configurations with overlapping windows, padding and tied maxima; hand-made
tie cases; and the errors the pooling layers raise."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.nn.parity_helpers import assert_close, assert_equal

from cnnviz.nn import AvgPool2D, MaxPool2D

pytestmark = pytest.mark.parity

DTYPES = [np.float64, np.float32]
RNG = np.random.default_rng(0)  # upstream gradients for the hand-made cases


def draw_pool_case(seed: int) -> dict:
    """Kernel 1-5 (often non-square), stride 1-3 or the default (= kernel), so windows overlap,
    tile or leave gaps; padding up to half the kernel; odd non-square inputs that fit."""
    rng = np.random.default_rng(seed)
    kernel = tuple(int(k) for k in rng.integers(1, 6, 2))
    stride = None if rng.random() < 0.25 else tuple(int(s) for s in rng.integers(1, 4, 2))
    padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
    size = []
    for k, p in zip(kernel, padding, strict=True):
        n = max(1, k - 2 * p) + int(rng.integers(0, 8))
        size.append(n + 1 - n % 2)
    if size[0] == size[1]:
        size[1] += 2
    return {
        "batch": int(rng.integers(1, 6)),
        "channels": int(rng.integers(1, 9)),
        "hw": tuple(size),
        "kernel_size": kernel,
        "stride": stride,
        "padding": padding,
    }


def draw_input(case: dict, rng: np.random.Generator, dtype, ties: bool) -> np.ndarray:
    shape = (case["batch"], case["channels"], *case["hw"])
    if ties:  # a handful of integers: most windows hold their maximum more than once
        return rng.integers(-3, 4, size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def torch_pool(pool, x, dout, case: dict, **kwargs):
    """torch's result (a tuple for return_indices) and dx for `pool` (max_pool2d / avg_pool2d)."""
    xt = torch.tensor(np.ascontiguousarray(x), requires_grad=True)
    stride = case["stride"] if case["stride"] is not None else case["kernel_size"]
    result = pool(xt, case["kernel_size"], stride, case["padding"], **kwargs)
    out = result[0] if isinstance(result, tuple) else result
    out.backward(torch.tensor(dout))
    return result, xt.grad


def check_max_pool(x, case: dict, rng: np.random.Generator) -> None:
    layer = MaxPool2D(case["kernel_size"], case["stride"], case["padding"], name="pool")
    out = layer.forward(x)
    indices = layer.indices
    dout = rng.normal(size=out.shape).astype(x.dtype)
    dx = layer.backward(dout)
    (ref_out, ref_indices), ref_dx = torch_pool(F.max_pool2d, x, dout, case, return_indices=True)
    assert_equal(out, ref_out, "out", case)  # a maximum is one of the inputs: no rounding
    assert_equal(indices, ref_indices, "indices", case)
    assert_close(dx, ref_dx, "dx", case)
    assert layer.grads == {} and layer.params == {}


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("ties", [True, False], ids=["integers", "normal"])
@pytest.mark.parametrize("seed", range(20), ids=lambda s: f"seed{s}")
def test_max_pool_matches_torch(seed, ties, dtype):
    case = draw_pool_case(seed)
    rng = np.random.default_rng(500 + seed)
    check_max_pool(draw_input(case, rng, dtype, ties), case, rng)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("seed", range(20), ids=lambda s: f"seed{s}")
def test_avg_pool_matches_torch(seed, dtype):
    """torch's default count_include_pad=True: padded zeros count in every divisor."""
    case = draw_pool_case(100 + seed)
    rng = np.random.default_rng(600 + seed)
    x = draw_input(case, rng, dtype, ties=False)
    layer = AvgPool2D(case["kernel_size"], case["stride"], case["padding"], name="avgpool")
    out = layer.forward(x)
    dout = rng.normal(size=out.shape).astype(dtype)
    dx = layer.backward(dout)
    ref_out, ref_dx = torch_pool(F.avg_pool2d, x, dout, case)
    assert_close(out, ref_out, "out", case)
    assert_close(dx, ref_dx, "dx", case)


def test_max_pool_on_chwn_views_and_strided_input():
    """The fast path takes CHWN memory without a copy; a sliced input must give the same."""
    rng = np.random.default_rng(11)
    case = {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 0)}
    chwn = rng.integers(-3, 4, size=(4, 9, 7, 3)).astype(np.float64)
    check_max_pool(chwn.transpose(3, 0, 1, 2), {**case, "layout": "chwn"}, rng)
    check_max_pool(chwn[::-1, ::2].transpose(3, 0, 2, 1), {**case, "layout": "strided"}, rng)


# -- ties and padding, by hand ----------------------------------------------------------------


def max_pool(x, kernel_size, stride=None, padding=0):
    layer = MaxPool2D(kernel_size, stride, padding, name="pool")
    out = layer.forward(np.asarray(x, np.float64)[None, None])
    dx = layer.backward(np.ones_like(out))
    return out[0, 0], layer.indices[0, 0], dx[0, 0]


def test_constant_window_gives_its_gradient_to_the_first_element_only():
    out, indices, dx = max_pool(np.full((4, 4), 7.0), 2)
    assert_equal(out, np.full((2, 2), 7.0), "out", "constant 4×4, 2×2 windows")
    assert_equal(indices, np.array([[0, 2], [8, 10]]), "indices", "constant 4×4")
    expected = np.zeros((4, 4))
    expected[::2, ::2] = 1.0  # each window's top-left, the first in row-major order
    assert_equal(dx, expected, "dx", "constant 4×4, 2×2 windows")


def test_overlapping_constant_windows_with_padding():
    """3×3 windows, stride 1, padding 1 on a constant 3×3 plane: each window's first element is
    its top-left *inside* the plane (padding never wins), and overlapping windows add up."""
    x = np.full((3, 3), -2.0)  # negative: padding read as 0 would win
    out, indices, dx = max_pool(x, 3, stride=1, padding=1)
    case = "constant -2, 3×3 windows, stride 1, padding 1"
    assert_equal(out, x, "out", case)
    assert_equal(indices, np.array([[0, 0, 1], [0, 0, 1], [3, 3, 4]]), "indices", case)
    assert_equal(dx, np.array([[4.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), "dx", case)
    check_max_pool(x[None, None], {"kernel_size": 3, "stride": 1, "padding": 1}, RNG)


def test_later_tie_loses_to_the_first_maximum():
    x = [[1.0, 5.0, 0.0], [5.0, 2.0, 5.0]]
    out, indices, dx = max_pool(x, (2, 2), stride=1)
    case = "ties at 5 in a 2×3 plane"
    assert_equal(out, np.array([[5.0, 5.0]]), "out", case)
    assert_equal(indices, np.array([[1, 1]]), "indices", case)  # (0, 1) wins both windows
    assert_equal(dx, np.array([[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]), "dx", case)


@pytest.mark.parametrize(
    ("fill", "case"),
    [(-np.inf, "-inf fills a padded window"), (np.nan, "nan in a window")],
)
def test_non_finite_windows_point_where_torch_points(fill, case):
    """torch starts each window at its first element *inside* the plane and lets NaN win
    (`val > maxval || isnan(val)`), so its index always names a real input element."""
    x = np.full((1, 1, 3, 4), fill)
    x[0, 0, 2, 3] = 1.0
    x[0, 0, 0, 0] = 3.0 if np.isnan(fill) else fill
    check_max_pool(x, {"kernel_size": 3, "stride": 1, "padding": 1, "note": case}, RNG)


# -- errors -------------------------------------------------------------------------------------


def test_padding_over_half_the_kernel_names_the_layer():
    with pytest.raises(ValueError, match=r"^MaxPool2D 'pool1' .*padding"):
        MaxPool2D(2, padding=2, name="pool1")
    with pytest.raises(ValueError, match=r"^AvgPool2D 'avgpool1' .*padding"):
        AvgPool2D((3, 4), padding=(1, 3), name="avgpool1")


@pytest.mark.parametrize("layer_type", [MaxPool2D, AvgPool2D])
def test_too_small_input_names_the_layer(layer_type):
    layer = layer_type(3, name="pool1")
    message = f"{layer_type.__name__} 'pool1' input 2×5 is smaller than its 3×3 window"
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        layer.forward(np.zeros((1, 1, 2, 5)))


@pytest.mark.parametrize("layer_type", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("shape", [(1, 4, 4), (1, 1, 1, 4, 4)])
def test_wrong_ndim_names_the_layer(layer_type, shape):
    with pytest.raises(ValueError, match=rf"^{layer_type.__name__} 'pool1' expects a 4-D batch"):
        layer_type(2, name="pool1").forward(np.zeros(shape))


@pytest.mark.parametrize("layer_type", [MaxPool2D, AvgPool2D])
def test_backward_before_forward_names_the_layer(layer_type):
    message = f"{layer_type.__name__} 'pool1' backward called before forward"
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        layer_type(2, name="pool1").backward(np.zeros((1, 1, 2, 2)))
