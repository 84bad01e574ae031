"""Every layer's backward, and whole models', against centred finite differences in float64.

Each parameter is checked on its own, and the input gradient too; the relative error of an array
is the norm ratio ||a - n|| / (||a|| + ||n||) over its checked entries (see `gradcheck.py`), and
must stay below 1e-6. Inputs keep away from the places a derivative does not exist: ReLU's kink
at 0, and max-pool ties (a random permutation of values 0.01 apart, perturbed by 1e-6).
"""

import numpy as np
import pytest
from tests.nn.gradcheck import (
    EPS,
    Check,
    assert_gradients_match,
    cross_entropy_loss,
    gradcheck,
    numeric_gradient,
    weighted_sum_loss,
)

from cnnviz.nn import (
    PRESETS,
    AvgPool2D,
    Conv2D,
    Dense,
    Flatten,
    LeakyReLU,
    MaxPool2D,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    build_model,
)

TOL = 1e-6
F64 = np.float64


def check(layer, x, rng, loss=None, max_entries=None) -> list[Check]:
    """Gradcheck `layer` on `x` with loss = sum(output * w), and assert it passes."""
    if loss is None:
        loss = weighted_sum_loss(layer.forward(x).shape, rng)
    checks = gradcheck(layer, x, loss, max_entries=max_entries, rng=rng)
    assert_gradients_match(checks, TOL)
    return checks


def random_bias(layer, rng, scale=1.0) -> None:
    """Biases start at zero; give them values so a bias mix-up cannot hide."""
    if "bias" in layer.params:
        layer.params["bias"] = scale * rng.standard_normal(layer.params["bias"].shape)


def separated_values(shape, rng, gap=0.01) -> np.ndarray:
    """A random permutation of values `gap` apart, centred on 0: no ties, none within 2 * EPS,
    and negative values, which a zero-padded (rather than -inf-padded) max-pool would get wrong."""
    size = int(np.prod(shape))
    x = (rng.permutation(size) - size / 2) * gap
    assert gap > 100 * EPS
    return x.reshape(shape).astype(F64)


# -- Conv2D ------------------------------------------------------------------------------------

# (in, out, kernel_size, keyword arguments, input H×W)
CONV_CASES = {
    "3x3": (2, 3, 3, {}, (7, 8)),
    "stride2-pad1": (2, 3, 3, {"stride": 2, "padding": 1}, (7, 8)),
    "valid-stride2-odd": (3, 2, 2, {"padding": "valid", "stride": 2}, (7, 7)),
    "same-even-kernel": (2, 3, 4, {"padding": "same"}, (6, 7)),
    "same-dilation2": (2, 2, 3, {"padding": "same", "dilation": 2}, (7, 6)),
    "full": (2, 3, 3, {"padding": "full"}, (5, 6)),
    "full-dilation2": (1, 2, 2, {"padding": "full", "dilation": 2}, (4, 5)),
    "dilation2-pad2": (2, 3, 3, {"dilation": 2, "padding": 2}, (7, 8)),
    "rectangular": (
        2,
        3,
        (2, 3),
        {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2)},
        (7, 9),
    ),
    "stride-beyond-kernel": (2, 2, 2, {"stride": 3}, (8, 8)),
    "pad-beyond-kernel": (1, 2, 2, {"padding": 3}, (3, 4)),
    "1x1": (3, 4, 1, {}, (4, 5)),
    "no-bias": (2, 3, 3, {"bias": False, "padding": 1}, (5, 5)),
    "whole-image-kernel": (2, 3, (4, 5), {}, (4, 5)),
}


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d(case):
    rng = np.random.default_rng(sum(map(ord, case)))
    c_in, c_out, k, kwargs, (h, w) = CONV_CASES[case]
    layer = Conv2D(c_in, c_out, k, rng=rng, dtype=F64, **kwargs)
    random_bias(layer, rng)
    checks = check(layer, rng.standard_normal((3, c_in, h, w)), rng)
    bias = ["Conv2D.bias"] if kwargs.get("bias", True) else []
    assert [c.name for c in checks] == ["Conv2D.weight", *bias, "input"]


# -- pooling -----------------------------------------------------------------------------------

# (kernel_size, stride, padding, input H×W)
MAX_POOL_CASES = {
    "2x2": (2, None, 0, (6, 8)),
    "2x2-odd-input": (2, None, 0, (7, 9)),
    "3x3-stride2-overlap": (3, 2, 0, (7, 7)),
    "3x3-stride2-pad1": (3, 2, 1, (8, 7)),
    "2x2-stride1": (2, 1, 0, (5, 5)),
    "2x2-stride1-pad1": (2, 1, 1, (4, 5)),
    "rectangular-pad": ((2, 3), (1, 2), (1, 1), (6, 7)),
    "3x3-stride3-pad1": (3, 3, 1, (7, 8)),
    "stride-beyond-kernel": (2, 3, 0, (8, 8)),
}


@pytest.mark.parametrize("case", MAX_POOL_CASES)
def test_max_pool2d(case):
    rng = np.random.default_rng(sum(map(ord, case)))
    k, s, p, (h, w) = MAX_POOL_CASES[case]
    layer = MaxPool2D(k, stride=s, padding=p)
    checks = check(layer, separated_values((3, 2, h, w), rng), rng)
    assert [c.name for c in checks] == ["input"]


def test_max_pool2d_all_negative_window_next_to_padding():
    """Windows that hold one real (negative) value and padding: the value must win, not a 0."""
    rng = np.random.default_rng(1)
    x = -1 - separated_values((2, 1, 3, 3), rng) ** 2 - np.arange(18).reshape(2, 1, 3, 3)
    layer = MaxPool2D(2, stride=2, padding=1)
    assert np.all(layer.forward(x) < 0)
    check(layer, x, rng)


AVG_POOL_CASES = {
    "2x2": (2, None, 0, (6, 8)),
    "2x2-odd-input": (2, None, 0, (7, 9)),
    "3x3-stride2-pad1": (3, 2, 1, (8, 7)),
    "2x2-stride1-pad1": (2, 1, 1, (5, 5)),
    "rectangular-pad": ((3, 2), (2, 1), (1, 0), (7, 6)),
    "3x3-pad1": (3, None, 1, (7, 8)),
    "stride-beyond-kernel": (2, 3, 0, (8, 8)),
}


@pytest.mark.parametrize("case", AVG_POOL_CASES)
def test_avg_pool2d(case):
    rng = np.random.default_rng(sum(map(ord, case)))
    k, s, p, (h, w) = AVG_POOL_CASES[case]
    check(AvgPool2D(k, stride=s, padding=p), rng.standard_normal((3, 2, h, w)), rng)


def first_winner_gradient(x, dout, k, s) -> np.ndarray:
    """Naive reference: each window's gradient goes to its first maximum in row-major order."""
    dx = np.zeros_like(x)
    n, c, oh, ow = dout.shape
    for b in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    window = x[b, ch, i * s : i * s + k, j * s : j * s + k]
                    u, v = np.unravel_index(np.argmax(window), window.shape)  # first maximum
                    dx[b, ch, i * s + u, j * s + v] += dout[b, ch, i, j]
    return dx


@pytest.mark.parametrize(("k", "s"), [(2, 2), (3, 2), (2, 1)])
def test_max_pool2d_ties_send_the_gradient_to_the_first_winner(k, s):
    """Where finite differences cannot go: with ties, one winner (the first in row-major order),
    not every tied element."""
    rng = np.random.default_rng(k * 10 + s)
    x = rng.integers(0, 3, (2, 3, 7, 7)).astype(F64)  # three values: ties everywhere
    x[0, 0] = 1.0  # a plane of all-equal values
    layer = MaxPool2D(k, stride=s)
    out = layer.forward(x)
    dout = rng.integers(-64, 64, out.shape) / 8  # sums of these are exact in any order
    dx = layer.backward(dout)
    np.testing.assert_array_equal(dx, first_winner_gradient(x, dout, k, s))
    assert dx.sum() == dout.sum()  # nothing duplicated, nothing lost


# -- Dense, Flatten ----------------------------------------------------------------------------


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(("n_in", "n_out"), [(5, 4), (1, 3), (12, 1)])
def test_dense(n_in, n_out, bias):
    rng = np.random.default_rng(n_in * 100 + n_out)
    layer = Dense(n_in, n_out, bias=bias, rng=rng, dtype=F64)
    random_bias(layer, rng)
    checks = check(layer, rng.standard_normal((3, n_in)), rng)
    assert [c.name for c in checks] == ["Dense.weight", *(["Dense.bias"] if bias else []), "input"]


@pytest.mark.parametrize("shape", [(3, 2, 4, 5), (2, 3, 4), (3, 7)])
def test_flatten(shape):
    rng = np.random.default_rng(len(shape))
    check(Flatten(), rng.standard_normal(shape), rng)


def test_flatten_then_dense_on_channels_last_memory():
    """Inside a network a Flatten gets CHWN memory seen as NCHW; its gradient must still land on
    the right pixels. The input is such a view, perturbed through its base array."""
    rng = np.random.default_rng(3)
    base = rng.standard_normal((2, 3, 4, 5))  # (C, H, W, N)
    model = Sequential(Flatten(), Dense(2 * 3 * 4, 4, rng=rng, dtype=F64))
    random_bias(model["fc1"], rng)
    x = base.transpose(3, 0, 1, 2)  # (N, C, H, W) view
    loss = weighted_sum_loss((5, 4), rng)
    _, dout = loss(model.forward(x))
    dx = model.backward(dout)
    analytic = dx.transpose(1, 2, 3, 0).reshape(-1)  # back to the base's order
    numeric = numeric_gradient(lambda: loss(model.forward(x))[0], base, np.arange(base.size))
    assert_gradients_match([Check("input", np.arange(base.size), analytic, numeric)], TOL)


# -- activations -------------------------------------------------------------------------------


def away_from_zero(shape, rng, low=0.1, high=3.0) -> np.ndarray:
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(low, high, shape)


ACTIVATIONS = {
    "relu": (ReLU, away_from_zero),
    "leakyrelu": (LeakyReLU, away_from_zero),
    "leakyrelu-0.2": (lambda: LeakyReLU(0.2), away_from_zero),
    "sigmoid": (Sigmoid, lambda shape, rng: rng.uniform(-5, 5, shape)),
    "tanh": (Tanh, lambda shape, rng: rng.uniform(-3, 3, shape)),
}


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (4, 6)])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation(name, shape):
    rng = np.random.default_rng(len(name) + len(shape))
    make, inputs = ACTIVATIONS[name]
    layer = make()
    x = inputs(shape, rng)
    checks = check(layer, x, rng)
    assert checks[-1].name == "input"
    if isinstance(layer, ReLU):  # a non-vacuous check: both regions present, both right
        assert (x < 0).any() and (checks[-1].analytic == 0).any()


# -- whole models ------------------------------------------------------------------------------


@pytest.mark.parametrize("loss_kind", ["weighted-sum", "cross-entropy"])
@pytest.mark.parametrize("preset", list(PRESETS))
def test_preset(preset, loss_kind):
    """Every parameter of every layer of a preset, 30 random entries of each large one."""
    rng = np.random.default_rng(len(preset))
    model = build_model(preset, seed=1, dtype=F64)
    for layer in model:
        random_bias(layer, rng, scale=0.1)
    x = rng.standard_normal((2, 1, 28, 28))
    outputs = model.output_shapes()[-1][0]
    if loss_kind == "weighted-sum":
        loss = weighted_sum_loss((2, outputs), rng)
    else:
        loss = cross_entropy_loss(np.array([1, 0]) if outputs == 1 else np.array([3, 8]))
    checks = check(model, x, rng, loss=loss, max_entries=30)
    expected = [f"{layer.name}.{key}" for layer in model for key in layer.params]
    assert [c.name for c in checks] == [*expected, "input"]


def test_every_layer_type_in_one_model():
    """A model no preset builds: every layer type, named padding, dilation, overlapping pooling
    with padding, and the loss through softmax cross-entropy."""
    rng = np.random.default_rng(11)
    model = Sequential(
        Conv2D(2, 4, 3, padding="same", rng=rng, dtype=F64),
        LeakyReLU(0.1),
        AvgPool2D(2),
        Conv2D(4, 3, 3, padding=2, dilation=2, rng=rng, dtype=F64),
        Tanh(),
        MaxPool2D(3, stride=2, padding=1),
        Flatten(),
        Dense(27, 8, rng=rng, dtype=F64),
        Sigmoid(),
        Dense(8, 5, rng=rng, dtype=F64),
        input_shape=(2, 10, 10),
    )
    for layer in model:
        random_bias(layer, rng)
    x = rng.standard_normal((3, 2, 10, 10))
    check(model, x, rng, loss=cross_entropy_loss(np.array([0, 4, 2])), max_entries=40)


# -- the checker itself can fail -----------------------------------------------------------------


class _SlightlyWrongDense(Dense):
    """Dense with one weight gradient (of 200) off by a relative 1e-3."""

    def backward(self, dout, input_grad=True):
        dx = super().backward(dout, input_grad)
        self.grads["weight"][1, 2] *= 1 + 1e-3
        return dx


class _SlightlyWrongTanh(Tanh):
    """Tanh whose input gradient is off by a relative 1e-5 everywhere."""

    def backward(self, dout, input_grad=True):
        return super().backward(dout, input_grad) * (1 + 1e-5)


@pytest.mark.parametrize("layer", [_SlightlyWrongDense, _SlightlyWrongTanh])
def test_the_check_catches_a_small_error(layer):
    rng = np.random.default_rng(5)
    if layer is _SlightlyWrongDense:
        layer, x = layer(20, 10, rng=rng, dtype=F64), rng.standard_normal((4, 20))
    else:
        layer, x = layer(), rng.standard_normal((4, 30))
    with pytest.raises(AssertionError, match="rel error"):
        check(layer, x, rng)
