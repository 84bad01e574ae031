"""Dense, Flatten and the activations against torch: F.linear (out, dx, dW, db), torch.flatten
(order and backward, also on CHWN memory), relu / leaky_relu / sigmoid / tanh (also at ±100 and
beyond, where a naive sigmoid overflows), and the errors these layers raise."""

import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.nn.parity_helpers import assert_close, assert_equal

from cnnviz.nn import Dense, Flatten, LeakyReLU, ReLU, Sigmoid, Tanh

pytestmark = pytest.mark.parity

DTYPES = [np.float64, np.float32]
DTYPE_IDS = ["float64", "float32"]


# -- Dense --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("seed", range(12), ids=lambda s: f"seed{s}")
def test_dense_matches_torch_linear(seed, dtype):
    rng = np.random.default_rng(seed)
    case = {
        "batch": int(rng.integers(1, 7)),
        "in_features": int(rng.integers(1, 40)),
        "out_features": int(rng.integers(1, 12)),
        "bias": bool(seed % 3),
    }
    layer = Dense(case["in_features"], case["out_features"], case["bias"], dtype=dtype, name="fc")
    weight = rng.normal(size=(case["out_features"], case["in_features"])).astype(dtype)
    layer.params["weight"] = weight
    bias = rng.normal(size=case["out_features"]).astype(dtype) if case["bias"] else None
    if case["bias"]:
        layer.params["bias"] = bias
    x = rng.normal(size=(case["batch"], case["in_features"])).astype(dtype)
    out = layer.forward(x)
    dout = rng.normal(size=out.shape).astype(dtype)
    dx = layer.backward(dout)

    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(weight, requires_grad=True)
    bt = None if bias is None else torch.tensor(bias, requires_grad=True)
    ref = F.linear(xt, wt, bt)
    ref.backward(torch.tensor(dout))
    assert_close(out, ref, "out", case)
    assert_close(dx, xt.grad, "dx", case)
    assert set(layer.grads) == set(layer.params), case
    assert_close(layer.grads["weight"], wt.grad, "dW", case)
    if case["bias"]:
        assert_close(layer.grads["bias"], bt.grad, "db", case)

    assert layer.backward(dout, input_grad=False) is None
    assert_close(layer.grads["weight"], wt.grad, "dW without input_grad", case)


# -- Flatten ------------------------------------------------------------------------------------


def _flatten_inputs(rng):
    yield "nchw", rng.normal(size=(3, 4, 5, 7))
    yield "chwn-view", np.ascontiguousarray(rng.normal(size=(4, 5, 7, 3))).transpose(3, 0, 1, 2)
    yield "sliced", rng.normal(size=(3, 8, 5, 9))[:, ::2, :, 1:-1]
    yield "one-sample", rng.normal(size=(1, 2, 3, 5))
    yield "3-d", rng.normal(size=(2, 6, 5))
    yield "2-d", rng.normal(size=(4, 9))


def test_flatten_matches_torch_order_and_backward():
    rng = np.random.default_rng(0)
    for layout, x in _flatten_inputs(rng):
        layer = Flatten(name="flatten")
        out = layer.forward(x)
        xt = torch.tensor(np.ascontiguousarray(x), requires_grad=True)
        ref = torch.flatten(xt, 1)
        dout = rng.normal(size=ref.shape)
        # dout both plain and as the transposed (features, N) memory a Dense hands back
        for dlayout, d in (("plain", dout), ("transposed", np.ascontiguousarray(dout.T).T)):
            case = {"input": layout, "dout": dlayout, "shape": x.shape}
            dx = layer.backward(d)
            xt.grad = None
            ref.backward(torch.tensor(dout), retain_graph=True)
            assert_equal(out, ref, "out", case)  # a flatten moves values, never changes them
            assert_equal(dx, xt.grad, "dx", case)


# -- activations --------------------------------------------------------------------------------

ACTIVATIONS = {
    "relu": (ReLU, {}, F.relu),
    "leaky_relu-default": (LeakyReLU, {}, F.leaky_relu),
    "leaky_relu-0.2": (LeakyReLU, {"negative_slope": 0.2}, lambda t: F.leaky_relu(t, 0.2)),
    "sigmoid": (Sigmoid, {}, torch.sigmoid),
    "tanh": (Tanh, {}, torch.tanh),
}


def check_activation(name, x, rng, case) -> None:
    layer_type, kwargs, torch_fn = ACTIVATIONS[name]
    layer = layer_type(**kwargs, name="act")
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")  # no overflow, no invalid value (underflow to 0 is fine)
        out = layer.forward(x)
        dout = rng.normal(size=x.shape).astype(x.dtype)
        dx = layer.backward(dout)
    xt = torch.tensor(np.ascontiguousarray(x), requires_grad=True)
    ref = torch_fn(xt)
    ref.backward(torch.tensor(np.ascontiguousarray(dout)))
    assert_close(out, ref, "out", case)
    assert_close(dx, xt.grad, "dx", case)
    assert layer.params == {} and layer.grads == {}


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_matches_torch(name, dtype):
    """Normal values with exact zeros mixed in (the kink of relu and leaky_relu), as an NCHW
    array, as CHWN memory, and as a (N, features) batch."""
    rng = np.random.default_rng(sorted(ACTIVATIONS).index(name))
    x = rng.normal(scale=3.0, size=(3, 4, 5, 6)).astype(dtype)
    x[rng.random(x.shape) < 0.1] = 0.0
    chwn = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    for layout, batch in (("nchw", x), ("chwn-view", chwn), ("2-d", x.reshape(6, -1))):
        check_activation(name, batch, rng, {"activation": name, "layout": layout, "dtype": dtype})


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_at_extreme_inputs(name, dtype):
    """±100 (exp(100) overflows float32), ±1000 (and float64): finite, no warnings, as torch."""
    x = np.array([[-1000.0, -100.0, -30.0, -1e-3, 0.0, 1e-3, 30.0, 100.0, 1000.0]], dtype)
    case = {"activation": name, "dtype": dtype, "x": x.tolist()}
    check_activation(name, x, np.random.default_rng(0), case)


def test_sigmoid_saturates_to_0_and_1():
    out = Sigmoid().forward(np.array([-100.0, 100.0]))
    assert 0.0 <= out[0] < 1e-40 and out[1] == 1.0, out
    out = Sigmoid().forward(np.array([-100.0, 100.0], np.float32))
    assert out.dtype == np.float32 and 0.0 <= out[0] < 1e-40 and out[1] == 1.0, out


# -- errors -------------------------------------------------------------------------------------


def test_dense_wrong_feature_count_names_the_layer():
    layer = Dense(10, 4, name="fc1")
    with pytest.raises(ValueError, match="^" + re.escape("Dense 'fc1' expects 10 input features")):
        layer.forward(np.zeros((2, 12), np.float32))


@pytest.mark.parametrize("shape", [(10,), (2, 1, 10), (2, 10, 1, 1)])
def test_dense_wrong_ndim_names_the_layer(shape):
    with pytest.raises(ValueError, match=r"^Dense 'fc1' expects a 2-D batch"):
        Dense(10, 4, name="fc1").forward(np.zeros(shape, np.float32))


def test_flatten_without_batch_axis_names_the_layer():
    with pytest.raises(ValueError, match=r"^Flatten 'flatten1' expects a batch"):
        Flatten(name="flatten1").forward(np.zeros(5))


@pytest.mark.parametrize(
    ("layer", "label"),
    [
        (Dense(10, 4, name="fc1"), "Dense 'fc1'"),
        (Flatten(name="flatten1"), "Flatten 'flatten1'"),
        *((cls(name="act1"), f"{cls.__name__} 'act1'") for cls in (ReLU, LeakyReLU, Sigmoid, Tanh)),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_backward_before_forward_names_the_layer(layer, label):
    with pytest.raises(
        ValueError, match="^" + re.escape(f"{label} backward called before forward")
    ):
        layer.backward(np.zeros((2, 4), np.float32))
