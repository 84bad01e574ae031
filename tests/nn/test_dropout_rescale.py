"""Dropout and Rescale against torch 2.13 and against centred finite differences.

Dropout's randomness is taken out of the comparison the only honest way: the engine draws the
mask, torch applies that same mask as `x * mask / (1 - p)` and differentiates it with autograd.
Eval mode needs no mask: it must equal torch's `nn.Dropout(p).eval()`, the identity.
"""

import copy

import numpy as np
import pytest
import torch
from tests.nn.gradcheck import assert_gradients_match, gradcheck, weighted_sum_loss
from tests.nn.parity_helpers import assert_close, assert_equal
from tests.nn.torch_models import F32, F64, digits

from cnnviz.nn import Conv2D, Dense, Dropout, Flatten, ReLU, Rescale, Sequential, build_model

pytestmark = pytest.mark.parity

SHAPES = [(4, 7), (3, 2, 5, 6)]


def trained_forward(layer: Dropout, x: np.ndarray) -> np.ndarray:
    layer.training = True
    return layer.forward(x)


@pytest.mark.parametrize("dtype", [F64, F32])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_with_the_engines_mask_matches_torch(p, shape, dtype):
    rng = np.random.default_rng(int(p * 10) + len(shape))
    x, dout = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    layer = Dropout(p, rng=3)
    y = trained_forward(layer, x)
    dx = layer.backward(dout)

    mask = torch.from_numpy(layer.mask.astype(dtype))
    tx = torch.from_numpy(x).requires_grad_()
    ty = tx * mask / (1 - p)
    ty.backward(torch.from_numpy(dout))
    case = (p, shape, dtype)
    assert_close(y, ty, "output", case)
    assert_close(dx, tx.grad, "dx", case)
    assert 0 < layer.mask.sum() < layer.mask.size, f"a mask that keeps all or nothing: {case}"


@pytest.mark.parametrize("shape", SHAPES)
def test_dropout_in_eval_mode_is_torchs_eval_dropout(shape):
    rng = np.random.default_rng(8)
    x, dout = rng.standard_normal(shape), rng.standard_normal(shape)
    layer = Dropout(0.5, rng=1)
    assert layer.training is False  # a fresh layer is in eval mode
    reference = torch.nn.Dropout(0.5).eval()
    tx = torch.from_numpy(x).requires_grad_()
    ty = reference(tx)
    ty.backward(torch.from_numpy(dout))
    assert_equal(layer.forward(x), ty, "output", shape)
    assert_equal(layer.backward(dout), tx.grad, "dx", shape)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_keeps_about_1_minus_p_of_100k_units(p):
    """Kept fraction within ±0.01 of 1 - p: the binomial's standard deviation on 100,000 units
    is at most 0.0016, so the band is over six of them. Kept units are x / (1 - p) (to 1 ulp)."""
    x = np.random.default_rng(0).uniform(1, 2, (100, 1000))
    layer = Dropout(p, rng=7)
    y = trained_forward(layer, x)
    kept = y != 0
    assert abs(kept.mean() - (1 - p)) < 0.01, kept.mean()
    np.testing.assert_array_equal(kept, layer.mask)
    np.testing.assert_allclose(y[kept], x[kept] / (1 - p), rtol=1e-15)


def test_dropout_masks_are_seeded_and_fresh_each_batch():
    x = np.ones((6, 50))
    first, again = Dropout(0.5, rng=4), Dropout(0.5, rng=4)
    masks = [trained_forward(first, x).copy() for _ in range(2)]
    assert not np.array_equal(masks[0], masks[1])  # a new mask each forward
    np.testing.assert_array_equal(trained_forward(again, x), masks[0])  # same seed, same masks


def test_a_dropout_does_not_change_the_initial_weights_of_the_layers_after_it():
    """Its generator is split off the model's without drawing from it."""
    dense = {"type": "Dense", "in_features": 4, "out_features": 3}
    plain = Sequential.from_spec({"layers": [dense]}, seed=9)
    with_dropout = Sequential.from_spec({"layers": [{"type": "Dropout"}, dense]}, seed=9)
    weight = with_dropout["fc1"].params["weight"]
    np.testing.assert_array_equal(weight, plain["fc1"].params["weight"])


def test_p_zero_is_the_identity_even_while_training():
    x = np.arange(6.0).reshape(2, 3)
    assert_equal(trained_forward(Dropout(0.0), x), x, "output", "p = 0")


@pytest.mark.parametrize("p", [1, 1.0, -0.1, 2, True, "0.5", None])
def test_a_drop_probability_outside_0_to_1_is_refused(p):
    with pytest.raises(ValueError, match=r"0 <= p < 1"):
        Dropout(p)


def test_train_and_eval_set_every_layer_and_return_the_model():
    model = build_model("cnn32-64-64")
    assert model.training is False and not any(layer.training for layer in model)
    assert model.train() is model and model.training
    assert all(layer.training for layer in model)
    assert model.eval() is model and not model.training
    assert not any(layer.training for layer in model)


@pytest.mark.parametrize("dtype", [F64, F32])
@pytest.mark.parametrize(("scale", "offset"), [(1.0, -0.5), (2.5, 0.25), (-1.0, 0.0)])
def test_rescale_matches_torch(scale, offset, dtype):
    rng = np.random.default_rng(2)
    x, dout = digits(3, rng, dtype), rng.standard_normal((3, 1, 28, 28)).astype(dtype)
    layer = Rescale(scale, offset)
    tx = torch.from_numpy(x).requires_grad_()
    ty = tx * scale + offset
    ty.backward(torch.from_numpy(dout))
    case = (scale, offset, dtype)
    assert_close(layer.forward(x), ty, "output", case)
    assert_close(layer.backward(dout), tx.grad, "dx", case)


@pytest.mark.parametrize(
    ("args", "message"),
    [((float("nan"),), "finite scale"), ((1, float("inf")), "finite offset"), ((1, "0"), "number")],
)
def test_rescale_refuses_what_is_not_a_finite_number(args, message):
    with pytest.raises(ValueError, match=message):
        Rescale(*args)


# -- finite differences --------------------------------------------------------------------------


class ReplayedMasks:
    """A model in training mode whose Dropout layers draw the same masks at every forward (each
    forward starts from a copy of their generators), so finite differences see one function."""

    def __init__(self, model: Sequential) -> None:
        self.model, self.layers = model.train(), model.layers
        self.saved = {layer.name: copy.deepcopy(layer.generator) for layer in self.dropouts}

    @property
    def dropouts(self) -> list[Dropout]:
        return [layer for layer in self.layers if isinstance(layer, Dropout)]

    def __iter__(self):
        return iter(self.layers)

    def forward(self, x):
        for layer in self.dropouts:
            layer.generator = copy.deepcopy(self.saved[layer.name])
        return self.model.forward(x)

    def backward(self, dout):
        return self.model.backward(dout)


def test_finite_differences_through_dropout_and_rescale():
    rng = np.random.default_rng(21)
    model = Sequential(
        Rescale(2.0, -0.5),
        Conv2D(1, 3, 3, rng=rng, dtype=F64),
        ReLU(),
        Dropout(0.3, rng=rng),
        Flatten(),
        Dense(3 * 4 * 4, 6, rng=rng, dtype=F64),
        Dropout(0.5, rng=rng),
        Dense(6, 3, rng=rng, dtype=F64),
        input_shape=(1, 6, 6),
    )
    replayed = ReplayedMasks(model)
    x = rng.standard_normal((4, 1, 6, 6))
    checks = gradcheck(replayed, x, weighted_sum_loss((4, 3), rng))
    assert_gradients_match(checks)
    assert all(0 < layer.mask.mean() < 1 for layer in replayed.dropouts)  # units were dropped


# -- the presets against torch modules written by hand ------------------------------------------


def hand_written_torch(preset: str) -> torch.nn.Sequential:
    nn = torch.nn
    if preset == "sigmoid01":
        return nn.Sequential(nn.Conv2d(1, 8, 3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1352, 1))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
        nn.Linear(576, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 10),
    )  # fmt: skip


@pytest.mark.parametrize(("preset", "count"), [("sigmoid01", 1_433), ("cnn32-64-64", 93_322)])
def test_presets_count_torchs_parameters_and_compute_what_torch_does(preset, count):
    """The parameter count of the same network in torch, and its output with the engine's weights
    copied in order (sigmoid01's pixels moved to [-0.5, 0.5] by hand on the torch side)."""
    model = build_model(preset, seed=2, dtype=F64)
    reference = hand_written_torch(preset).double().eval()
    assert model.parameter_count == sum(p.numel() for p in reference.parameters()) == count
    engine_params = [p for layer in model for p in layer.params.values()]
    with torch.no_grad():
        for target, value in zip(reference.parameters(), engine_params, strict=True):
            target.copy_(torch.from_numpy(value))
    x = digits(3, np.random.default_rng(0), F64)
    shifted = x - 0.5 if preset == "sigmoid01" else x
    assert_close(model.forward(x), reference(torch.from_numpy(shifted)), "output", preset)


def test_a_training_step_of_cnn32_64_64_matches_torch_with_the_same_mask():
    """Train mode end to end: torch's dropout replaced by the mask the engine drew."""
    model = build_model("cnn32-64-64", seed=4, dtype=F64).train()
    reference = hand_written_torch("cnn32-64-64").double()
    with torch.no_grad():
        engine_params = [p for layer in model for p in layer.params.values()]
        for target, value in zip(reference.parameters(), engine_params, strict=True):
            target.copy_(torch.from_numpy(value))
    rng = np.random.default_rng(6)
    x, dout = digits(5, rng, F64), rng.standard_normal((5, 10))
    out = model.forward(x)
    model.backward(dout)
    mask = torch.from_numpy(model["dropout1"].mask.astype(F64))
    h = torch.from_numpy(x)
    for module in reference:
        h = h * mask / 0.5 if isinstance(module, torch.nn.Dropout) else module(h)
    h.backward(torch.from_numpy(dout))
    assert_close(out, h, "output", "cnn32-64-64")
    grads = [g for layer in model for g in layer.grads.values()]
    for (name, param), grad in zip(reference.named_parameters(), grads, strict=True):
        assert_close(grad, param.grad, name, "cnn32-64-64")
