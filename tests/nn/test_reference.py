"""The fast functional core against the naive loops of `reference` (the readable spec the stepper
teaches from), the loops themselves against torch, and `true_convolution` against independent
definitions of flipped-kernel convolution: numpy.convolve and torch conv2d with a flipped kernel.

Loops are slow: every case here is a few small images.
"""

import itertools
import zlib

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.nn.parity_helpers import assert_close, assert_equal

from cnnviz.nn.functional import (
    avg_pool2d_backward,
    avg_pool2d_forward,
    conv2d_backward,
    conv2d_forward,
    max_pool2d_backward,
    max_pool2d_forward,
    max_pool2d_indices,
)
from cnnviz.nn.geometry import ConvGeometry, PoolGeometry
from cnnviz.nn.reference import (
    avg_pool2d_backward_naive,
    avg_pool2d_forward_naive,
    conv2d_backward_naive,
    conv2d_forward_naive,
    max_pool2d_backward_naive,
    max_pool2d_forward_naive,
    true_convolution,
)

pytestmark = pytest.mark.parity

KERNELS = [(3, 3), (2, 4), (1, 1), (5, 3)]


def _conv_cases():
    grid = itertools.product([1, 2, 3], [0, 2, (1, 0), "valid", "same", "full"], [1, (2, 1)])
    cases = [(s, p, d) for s, p, d in grid if not (p == "same" and s != 1)]
    for n, (stride, padding, dilation) in enumerate(cases):
        kernel = KERNELS[n % len(KERNELS)]
        yield pytest.param(
            kernel, stride, padding, dilation, id=f"k{kernel}-s{stride}-p{padding}-d{dilation}"
        )


def _pool_cases():
    for kernel, stride in itertools.product([2, 3, (3, 2), (1, 4)], [None, 1, 2, 3]):
        kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
        for padding in sorted({(0, 0), (kh // 2, kw // 2)}):
            yield pytest.param(kernel, stride, padding, id=f"k{kernel}-s{stride}-p{padding}")


@pytest.mark.parametrize(("kernel", "stride", "padding", "dilation"), list(_conv_cases()))
def test_conv_fast_path_equals_naive(kernel, stride, padding, dilation):
    case = {"kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation}
    geometry = ConvGeometry.make(kernel, stride, padding, dilation)
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    x = rng.normal(size=(2, 2, 11, 8))
    weight = rng.normal(size=(3, 2, *kernel))
    bias = rng.normal(size=3)

    out, cache = conv2d_forward(x, weight, bias, geometry)
    ref_out = conv2d_forward_naive(x, weight, bias, geometry)
    assert_close(out, ref_out, "out", case)
    dout = rng.normal(size=out.shape)
    dx, dweight, dbias = conv2d_backward(dout, cache)
    ref_dx, ref_dweight, ref_dbias = conv2d_backward_naive(dout, x, weight, geometry)
    assert_close(dx, ref_dx, "dx", case)
    assert_close(dweight, ref_dweight, "dW", case)
    assert_close(dbias, ref_dbias, "db", case)


@pytest.mark.parametrize(("kernel", "stride", "padding"), list(_pool_cases()))
def test_max_pool_fast_path_equals_naive(kernel, stride, padding):
    """Integer inputs, so most windows hold a tie: the first maximum (row-major) wins in both."""
    case = {"kernel": kernel, "stride": stride, "padding": padding}
    geometry = PoolGeometry.make(kernel, stride, padding)
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    x = rng.integers(-2, 3, size=(2, 3, 9, 8)).astype(np.float64)

    out, cache = max_pool2d_forward(x, geometry)
    ref_out, ref_indices = max_pool2d_forward_naive(x, geometry)
    assert_equal(out, ref_out, "out", case)
    assert_equal(max_pool2d_indices(cache), ref_indices, "indices", case)
    dout = rng.normal(size=out.shape)
    dx = max_pool2d_backward(dout, cache)
    assert_close(dx, max_pool2d_backward_naive(dout, ref_indices, x.shape), "dx", case)


@pytest.mark.parametrize(("kernel", "stride", "padding"), list(_pool_cases()))
def test_avg_pool_fast_path_equals_naive(kernel, stride, padding):
    case = {"kernel": kernel, "stride": stride, "padding": padding}
    geometry = PoolGeometry.make(kernel, stride, padding)
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    x = rng.normal(size=(2, 3, 9, 8))

    out, cache = avg_pool2d_forward(x, geometry)
    assert_close(out, avg_pool2d_forward_naive(x, geometry), "out", case)
    dout = rng.normal(size=out.shape)
    dx = avg_pool2d_backward(dout, cache)
    assert_close(dx, avg_pool2d_backward_naive(dout, x.shape, geometry), "dx", case)


# -- the loops against torch ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "dilation"),
    [((3, 3), 1, "same", 1), ((2, 4), (2, 1), 1, (1, 2)), ((3, 2), 1, (2, 1), 2)],
)
def test_naive_conv_matches_torch(kernel, stride, padding, dilation):
    case = {"kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation}
    rng = np.random.default_rng(3)
    x, weight, bias = (
        rng.normal(size=(2, 2, 9, 7)),
        rng.normal(size=(3, 2, *kernel)),
        rng.normal(size=3),
    )
    geometry = ConvGeometry.make(kernel, stride, padding, dilation)
    out = conv2d_forward_naive(x, weight, bias, geometry)
    dout = rng.normal(size=out.shape)
    dx, dweight, dbias = conv2d_backward_naive(dout, x, weight, geometry)

    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, weight, bias))
    ref = F.conv2d(xt, wt, bt, stride, padding, dilation)
    ref.backward(torch.tensor(dout))
    assert_close(out, ref, "out", case)
    assert_close(dx, xt.grad, "dx", case)
    assert_close(dweight, wt.grad, "dW", case)
    assert_close(dbias, bt.grad, "db", case)


@pytest.mark.parametrize(
    ("kernel", "stride", "padding"), [(2, None, 0), (3, 1, 1), ((3, 2), 2, (1, 1))]
)
def test_naive_pools_match_torch(kernel, stride, padding):
    case = {"kernel": kernel, "stride": stride, "padding": padding}
    rng = np.random.default_rng(4)
    x = rng.integers(-2, 3, size=(2, 2, 7, 8)).astype(np.float64)
    geometry = PoolGeometry.make(kernel, stride, padding)
    torch_stride = kernel if stride is None else stride

    xt = torch.tensor(x, requires_grad=True)
    ref, ref_indices = F.max_pool2d(xt, kernel, torch_stride, padding, return_indices=True)
    out, indices = max_pool2d_forward_naive(x, geometry)
    dout = rng.normal(size=out.shape)
    ref.backward(torch.tensor(dout))
    assert_equal(out, ref, "max out", case)
    assert_equal(indices, ref_indices, "max indices", case)
    assert_close(max_pool2d_backward_naive(dout, indices, x.shape), xt.grad, "max dx", case)

    xt = torch.tensor(x, requires_grad=True)
    ref = F.avg_pool2d(xt, kernel, torch_stride, padding)
    ref.backward(torch.tensor(dout))
    assert_close(avg_pool2d_forward_naive(x, geometry), ref, "avg out", case)
    assert_close(avg_pool2d_backward_naive(dout, x.shape, geometry), xt.grad, "avg dx", case)


# -- true (flipped-kernel) convolution -----------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "taps", "dilation"),
    [(7, 3, 1), (5, 5, 1), (3, 6, 1), (9, 1, 1), (8, 4, 2), (6, 3, 3), (1, 4, 1)],
)
def test_true_convolution_of_a_row_is_numpy_convolve(length, taps, dilation):
    """numpy.convolve(a, v, "full")[k] = sum_m a[m] v[k - m]: the textbook definition."""
    case = {"length": length, "taps": taps, "dilation": dilation}
    rng = np.random.default_rng(length * 10 + taps)
    row, kernel = rng.normal(size=length), rng.normal(size=taps)
    geometry = ConvGeometry.make((1, taps), padding="full", dilation=(1, dilation))
    out = true_convolution(row[None, None, None], kernel[None, None, None], None, geometry)
    dilated = np.zeros(dilation * (taps - 1) + 1)
    dilated[::dilation] = kernel  # a dilated kernel is the kernel with holes
    assert_close(out[0, 0, 0], np.convolve(row, dilated, mode="full"), "out", case)
    # A non-symmetric kernel tells convolution from cross-correlation.
    if taps > 1:
        correlation = np.correlate(row, dilated, mode="full")
        assert not np.allclose(out[0, 0, 0], correlation), case


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "dilation"),
    [
        ((3, 3), 1, "full", 1),
        ((2, 3), 1, "same", 1),
        ((4, 2), (2, 1), (1, 2), (1, 2)),
        ((3, 3), 2, 0, 1),
    ],
)
def test_true_convolution_is_torch_conv2d_with_a_flipped_kernel(kernel, stride, padding, dilation):
    case = {"kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation}
    rng = np.random.default_rng(5)
    x, weight, bias = (
        rng.normal(size=(2, 3, 8, 9)),
        rng.normal(size=(4, 3, *kernel)),
        rng.normal(size=4),
    )
    geometry = ConvGeometry.make(kernel, stride, padding, dilation)
    out = true_convolution(x, weight, bias, geometry)
    if padding == "full":
        padding = tuple(d * (k - 1) for k, d in zip(kernel, (dilation, dilation), strict=True))
    flipped = torch.flip(torch.tensor(weight), dims=(2, 3))
    ref = F.conv2d(torch.tensor(x), flipped, torch.tensor(bias), stride, padding, dilation)
    assert_close(out, ref, "out", case)
