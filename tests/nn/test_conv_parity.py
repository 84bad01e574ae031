"""Conv2D against torch.nn.functional.conv2d: outputs, dx, dW and db over random configurations,
odd memory layouts and integer images; a whole Conv → ReLU → MaxPool → Conv → Flatten → Dense
chain against torch, which runs the engine's CHWN fast paths; and the errors Conv2D raises."""

import math
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.nn.parity_helpers import assert_close, assert_equal

from cnnviz.nn import Conv2D, Dense, Flatten, MaxPool2D, ReLU

pytestmark = pytest.mark.parity

DTYPES = [np.float64, np.float32]


def draw_conv_case(seed: int) -> dict:
    """A random Conv2D configuration and batch size; the input is drawn large enough to fit."""
    rng = np.random.default_rng(seed)
    square = rng.random() < 0.3
    kernel = (
        (int(rng.integers(1, 8)),) * 2 if square else tuple(int(k) for k in rng.integers(1, 8, 2))
    )
    dilation = tuple(int(d) for d in rng.integers(1, 4, 2))
    stride = tuple(int(s) for s in rng.integers(1, 4, 2))
    mode = rng.choice(["int", "pair", "valid", "same", "full"], p=[0.3, 0.25, 0.15, 0.15, 0.15])
    if mode == "int":
        padding = int(rng.integers(0, 4))
    elif mode == "pair":
        padding = tuple(int(p) for p in rng.integers(0, 4, 2))
    else:
        padding = str(mode)
    if padding == "same":
        stride = (1, 1)
    if padding == "full":
        pads = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
    elif padding in ("valid", "same"):
        pads = [0, 0]  # "same" always fits; "valid" needs the whole window
    else:
        pads = [padding] * 2 if isinstance(padding, int) else list(padding)
    size = []
    for k, d, p in zip(kernel, dilation, pads, strict=True):
        n = max(1, d * (k - 1) + 1 - 2 * p) + int(rng.integers(0, 7))
        size.append(n + 1 - n % 2)  # odd
    if size[0] == size[1]:
        size[1] += 2  # and not square
    return {
        "batch": int(rng.integers(1, 6)),
        "in_channels": int(rng.integers(1, 9)),
        "out_channels": int(rng.integers(1, 9)),
        "hw": tuple(size),
        "kernel_size": kernel[0] if square else kernel,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "bias": bool(rng.random() < 0.7),
    }


def torch_padding(case: dict):
    """torch takes ints, pairs, "valid" and "same"; "full" is dilation * (kernel - 1) per side."""
    if case["padding"] != "full":
        return case["padding"]
    kernel = case["kernel_size"]
    kernel = (kernel, kernel) if isinstance(kernel, int) else kernel
    return tuple(d * (k - 1) for k, d in zip(kernel, case["dilation"], strict=True))


def torch_conv(x, weight, bias, dout, case: dict):
    """torch's out, dx, dW, db (db None without bias) for the conv described by `case`."""
    xt = torch.tensor(np.ascontiguousarray(x), requires_grad=True)
    wt = torch.tensor(weight, requires_grad=True)
    bt = None if bias is None else torch.tensor(bias, requires_grad=True)
    with warnings.catch_warnings():
        # "same" with an even kernel: torch warns that it pads a copy; that is what we compare.
        warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)
        out = F.conv2d(xt, wt, bt, case["stride"], torch_padding(case), case["dilation"])
    out.backward(torch.tensor(dout))
    return out, xt.grad, wt.grad, None if bt is None else bt.grad


def make_conv(case: dict, dtype, rng: np.random.Generator, name: str = "conv") -> Conv2D:
    """A Conv2D for `case` with random weights and (non-zero) bias loaded through `params`."""
    layer = Conv2D(
        case["in_channels"],
        case["out_channels"],
        case["kernel_size"],
        stride=case["stride"],
        padding=case["padding"],
        dilation=case["dilation"],
        bias=case["bias"],
        dtype=dtype,
        name=name,
    )
    layer.params["weight"] = rng.normal(size=layer.params["weight"].shape).astype(dtype)
    if case["bias"]:
        layer.params["bias"] = rng.normal(size=case["out_channels"]).astype(dtype)
    return layer


def check_conv_against_torch(layer: Conv2D, x, rng, case, dtype, input_grad=True) -> None:
    out = layer.forward(x)
    dout = rng.normal(size=out.shape).astype(dtype)
    dx = layer.backward(dout, input_grad=input_grad)
    ref_out, ref_dx, ref_dw, ref_db = torch_conv(
        x.astype(dtype), layer.params["weight"], layer.params.get("bias"), dout, case
    )
    assert_close(out, ref_out, "out", case)
    if input_grad:
        assert_close(dx, ref_dx, "dx", case)
    else:
        assert dx is None, f"input_grad=False still returned dx for {case!r}"
    assert set(layer.grads) == set(layer.params), case
    assert_close(layer.grads["weight"], ref_dw, "dW", case)
    if case["bias"]:
        assert_close(layer.grads["bias"], ref_db, "db", case)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("seed", range(40), ids=lambda s: f"seed{s}")
def test_conv2d_matches_torch(seed, dtype):
    case = draw_conv_case(seed)
    rng = np.random.default_rng(1000 + seed)
    layer = make_conv(case, dtype, rng)
    x = rng.normal(size=(case["batch"], case["in_channels"], *case["hw"])).astype(dtype)
    check_conv_against_torch(layer, x, rng, case, dtype)


@pytest.mark.parametrize("seed", range(4), ids=lambda s: f"seed{s}")
def test_conv2d_without_input_grad_still_fills_grads(seed):
    case = draw_conv_case(100 + seed)
    rng = np.random.default_rng(seed)
    layer = make_conv(case, np.float64, rng)
    x = rng.normal(size=(case["batch"], case["in_channels"], *case["hw"]))
    check_conv_against_torch(layer, x, rng, case, np.float64, input_grad=False)


def _layouts(rng, shape):
    """The same logical (N, C, H, W) batch in memory orders a caller may hand over."""
    n, c, h, w = shape
    yield "transposed", rng.normal(size=(n, c, w, h)).transpose(0, 1, 3, 2)
    yield "sliced", rng.normal(size=(n, c, 2 * h, w + 2))[:, :, ::2, 1:-1]
    yield "reversed", rng.normal(size=shape)[:, ::-1, :, ::-1]
    yield "fortran", np.asfortranarray(rng.normal(size=shape))
    yield "chwn-view", np.ascontiguousarray(rng.normal(size=(c, h, w, n))).transpose(3, 0, 1, 2)
    yield "float32-into-float64", rng.normal(size=shape).astype(np.float32)


@pytest.mark.parametrize("padding", [0, 1, "same"])
def test_conv2d_accepts_any_memory_layout(padding):
    rng = np.random.default_rng(7)
    case = {
        "in_channels": 3,
        "out_channels": 4,
        "kernel_size": (3, 2),
        "stride": (1, 1),
        "padding": padding,
        "dilation": (1, 1),
        "bias": True,
    }
    for layout, x in _layouts(rng, (3, 3, 9, 7)):
        layer = make_conv(case, np.float64, rng)
        kept = x.copy()
        check_conv_against_torch(layer, x, rng, {**case, "layout": layout}, np.float64)
        assert_equal(x, kept, f"input after forward/backward ({layout})", case)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("image_dtype", [np.uint8, np.int64])
def test_conv2d_on_integer_images(image_dtype, dtype):
    """An integer image (0..255) gives what torch gives on the same image as floats."""
    rng = np.random.default_rng(3)
    case = {
        "in_channels": 2,
        "out_channels": 3,
        "kernel_size": 3,
        "stride": (2, 1),
        "padding": 1,
        "dilation": (1, 1),
        "bias": True,
        "image": np.dtype(image_dtype).name,
    }
    layer = make_conv(case, dtype, rng)
    x = rng.integers(0, 256, size=(2, 2, 11, 9)).astype(image_dtype)
    out = layer.forward(x)
    dout = rng.normal(size=out.shape)
    dx = layer.backward(dout)
    ref_out, ref_dx, ref_dw, ref_db = torch_conv(
        x.astype(dtype), layer.params["weight"], layer.params["bias"], dout.astype(dtype), case
    )
    if image_dtype == np.uint8:
        assert out.dtype == dtype, f"uint8 image into a {np.dtype(dtype)} layer gave {out.dtype}"
    assert np.issubdtype(out.dtype, np.floating) and np.issubdtype(dx.dtype, np.floating)
    # Values as large as ~1e3 here: the tolerance is relative to the reference's magnitude.
    assert_close(out, ref_out, "out", case, dtype=dtype, check_dtype=False)
    assert_close(dx, ref_dx, "dx", case, dtype=dtype, check_dtype=False)
    assert_close(layer.grads["weight"], ref_dw, "dW", case)
    assert_close(layer.grads["bias"], ref_db, "db", case)


# -- a chain through every fast path ----------------------------------------------------------


def _is_chwn(a: np.ndarray) -> bool:
    return a.transpose(1, 2, 3, 0).flags.c_contiguous


@pytest.mark.parametrize("pool_padding", [0, 1])
@pytest.mark.parametrize("batch", [1, 4])
def test_chain_matches_torch(batch, pool_padding):
    """Conv2D → ReLU → MaxPool2D → Conv2D → Flatten → Dense, forward and every gradient, float64.

    Each layer hands the next an NCHW view of CHWN memory, so this runs the paths that take such
    views without copying (and the backward ones that hand CHWN gradients back)."""
    rng = np.random.default_rng(batch * 10 + pool_padding)
    case = {"batch": batch, "pool_padding": pool_padding}
    f64 = np.float64
    layers = [
        Conv2D(3, 4, 3, padding=1, dtype=f64, name="conv1"),
        ReLU(name="relu1"),
        MaxPool2D(2, padding=pool_padding, name="pool1"),
        Conv2D(4, 5, (3, 2), stride=(1, 2), dtype=f64, name="conv2"),
        Flatten(name="flatten"),
    ]
    shape = (3, 13, 11)
    for layer in layers:
        shape = layer.output_shape(shape)
    layers.append(Dense(math.prod(shape), 6, dtype=f64, name="fc1"))
    for layer in layers:
        for key, value in layer.params.items():
            layer.params[key] = rng.normal(size=value.shape)

    def run(x):
        outs = [x]
        for layer in layers:
            outs.append(layer.forward(outs[-1]))
        return outs

    x = rng.normal(size=(batch, 3, 13, 11))
    outs = run(x)
    dout = rng.normal(size=outs[-1].shape)
    grads = [dout]
    for layer in reversed(layers):
        grads.append(layer.backward(grads[-1]))
    grads = grads[::-1]  # grads[i] is d(loss)/d(outs[i])
    if batch > 1:  # with one sample every layout looks contiguous
        assert _is_chwn(outs[1]) and _is_chwn(outs[3]) and not outs[1].flags.c_contiguous, (
            "conv/pool outputs are no longer CHWN views: this test no longer covers that path"
        )

    p = {
        f"{layer.name}.{key}": torch.tensor(v)
        for layer in layers
        for key, v in layer.params.items()
    }
    for tensor in p.values():
        tensor.requires_grad_(True)
    t = [torch.tensor(x, requires_grad=True)]
    t.append(F.conv2d(t[-1], p["conv1.weight"], p["conv1.bias"], padding=1))
    t.append(F.relu(t[-1]))
    t.append(F.max_pool2d(t[-1], 2, padding=pool_padding))
    t.append(F.conv2d(t[-1], p["conv2.weight"], p["conv2.bias"], stride=(1, 2)))
    t.append(torch.flatten(t[-1], 1))
    t.append(F.linear(t[-1], p["fc1.weight"], p["fc1.bias"]))
    for tensor in t[1:]:
        tensor.retain_grad()
    t[-1].backward(torch.tensor(dout))

    names = ["input", *(layer.name for layer in layers)]
    for name, out, ref in zip(names, outs, t, strict=True):
        assert_close(out, ref, f"output of {name}", case)
        assert_close(grads[names.index(name)], ref.grad, f"gradient at the output of {name}", case)
    for layer in layers:
        assert set(layer.grads) == set(layer.params), layer.name
        for key in layer.params:
            assert_close(
                layer.grads[key], p[f"{layer.name}.{key}"].grad, f"{layer.name}.{key}", case
            )

    # What a pass hands out stays put: a later pass reuses scratch memory, never these arrays.
    handed_out = outs + grads + [layers[2].indices]
    handed_out += [layer.grads[key] for layer in layers for key in layer.grads]
    kept = [a.copy() for a in handed_out]
    run(rng.normal(size=x.shape))
    d = rng.normal(size=dout.shape)
    for layer in reversed(layers):
        d = layer.backward(d)
    _ = layers[2].indices
    for i, (a, b) in enumerate(zip(handed_out, kept, strict=True)):
        assert_equal(a, b, f"array {i} of the first pass after a second pass", case)


# -- errors -------------------------------------------------------------------------------------


def test_wrong_channel_count_names_the_layer():
    layer = Conv2D(1, 4, 3, name="conv1")
    with pytest.raises(ValueError) as info:
        layer.forward(np.zeros((2, 3, 8, 8), np.float32))
    assert str(info.value) == "Conv2D 'conv1' expects 1 input channel, got 3"
    with pytest.raises(
        ValueError, match=re.escape("Conv2D 'conv2' expects 3 input channels, got 1")
    ):
        Conv2D(3, 4, 3, name="conv2").forward(np.zeros((2, 1, 8, 8), np.float32))


@pytest.mark.parametrize(
    ("kwargs", "hw"),
    [
        ({"kernel_size": 5}, (4, 9)),
        ({"kernel_size": 3, "dilation": 3}, (9, 6)),
        ({"kernel_size": (2, 7)}, (5, 5)),
    ],
)
def test_too_small_input_names_the_layer(kwargs, hw):
    layer = Conv2D(2, 3, **kwargs, name="conv1")
    with pytest.raises(ValueError, match=r"^Conv2D 'conv1' input .* too small"):
        layer.forward(np.zeros((1, 2, *hw), np.float32))


@pytest.mark.parametrize("shape", [(2, 8, 8), (8, 8), (1, 2, 1, 8, 8)])
def test_wrong_ndim_names_the_layer(shape):
    with pytest.raises(ValueError, match=r"^Conv2D 'conv1' expects a 4-D batch"):
        Conv2D(2, 3, 3, name="conv1").forward(np.zeros(shape, np.float32))


def test_same_padding_with_stride_2_names_the_layer():
    with pytest.raises(ValueError, match=r"^Conv2D 'conv1' .*padding='same'.*stride 1"):
        Conv2D(1, 4, 3, stride=2, padding="same", name="conv1")


def test_backward_before_forward_names_the_layer():
    with pytest.raises(ValueError, match=r"^Conv2D 'conv1' backward called before forward"):
        Conv2D(1, 4, 3, name="conv1").backward(np.zeros((1, 4, 6, 6), np.float32))
