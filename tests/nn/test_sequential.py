"""Sequential: names, trace, backward (per layer too), dtypes and presets.

The reference is torch: each model is rebuilt as a `torch.nn.Sequential` with the same weights
(`to_torch`), and outputs, per-layer maps, pool indices and gradients are compared with it.
Shapes and summaries are in test_shapes.py, specs and files in test_serialize.py.
"""

import numpy as np
import pytest
import torch
from tests.nn.parity_helpers import assert_close
from tests.nn.torch_models import F32, F64, custom_model, digits, to_torch, torch_module

from cnnviz.nn import (
    PRESETS,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Sequential,
    build_model,
)

pytestmark = pytest.mark.parity

LENET5_NAMES = [
    "conv1", "relu1", "pool1", "conv2", "relu2", "pool2",
    "flatten1", "fc1", "relu3", "fc2", "relu4", "fc3",
]  # fmt: skip


# -- names and lookup -------------------------------------------------------------------------


def test_default_names_number_each_kind():
    assert build_model("lenet5").names == LENET5_NAMES
    model = custom_model()
    assert model.names == [
        "stem", "leakyrelu1", "avgpool1", "conv2", "tanh1", "pool1",
        "flatten1", "fc1", "sigmoid1", "fc2", "relu1",
    ]  # fmt: skip
    assert [layer.name for layer in model] == model.names and len(model) == 11


def test_duplicate_names_are_rejected():
    with pytest.raises(ValueError, match=r"unique.*\bhead\b"):
        Sequential(Dense(3, 3, name="head"), ReLU(), Dense(3, 2, name="head"))


def test_lookup_by_name_and_position():
    model = build_model("lenet5")
    assert model["conv1"] is model[0] and isinstance(model[0], Conv2D)
    assert model["pool2"] is model[5] and model["fc3"] is model[-1]
    with pytest.raises(KeyError) as info:
        model["conv9"]
    message = str(info.value)
    assert "conv9" in message and all(name in message for name in LENET5_NAMES)
    with pytest.raises(IndexError):
        model[12]


# -- trace ------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", list(PRESETS))
def test_trace_records_every_layer_as_torch_computes_it(preset):
    rng = np.random.default_rng(1)
    model = build_model(preset, seed=2)
    x = digits(4, rng)
    records = model.trace(x)
    assert [(r.name, r.type) for r in records] == [
        (layer.name, type(layer).__name__) for layer in model
    ]
    np.testing.assert_array_equal(records[-1].output, model.forward(x))

    t = torch.from_numpy(x)
    inputs = [x] + [r.output for r in records[:-1]]
    for record, module, layer_input in zip(records, to_torch(model), inputs, strict=True):
        t_in, t = t, module(t)
        assert record.input_shape == layer_input.shape == tuple(t_in.shape)
        assert record.output_shape == record.output.shape == tuple(t.shape)
        assert_close(record.output, t, record.name, preset)
        if model[record.name].is_activation:
            assert record.pre_activation is not None
            np.testing.assert_array_equal(record.pre_activation, layer_input)
        else:
            assert record.pre_activation is None
        if record.type == "MaxPool2D":
            # indices from torch on this very record's input (ties after ReLU included)
            _, indices = torch.nn.functional.max_pool2d(
                torch.from_numpy(np.ascontiguousarray(layer_input)),
                module.kernel_size,
                module.stride,
                module.padding,
                return_indices=True,
            )
            assert record.indices.dtype == np.int64
            np.testing.assert_array_equal(record.indices, indices.numpy())
        else:
            assert record.indices is None


def test_trace_of_every_layer_type():
    rng = np.random.default_rng(2)
    model = custom_model()
    x = digits(3, rng, channels=2, size=10) - 0.5
    records = model.trace(x)
    t = torch.from_numpy(x)
    for record, module in zip(records, to_torch(model), strict=True):
        t_in, t = t, module(t)
        assert_close(record.output, t, record.name, "custom")
        if record.pre_activation is not None:
            assert_close(record.pre_activation, t_in, record.name, "custom")
    assert [r.name for r in records if r.pre_activation is not None] == [
        "leakyrelu1", "tanh1", "sigmoid1", "relu1",
    ]  # fmt: skip
    assert [r.name for r in records if r.indices is not None] == ["pool1"]


def test_a_trace_is_not_overwritten_by_later_passes():
    rng = np.random.default_rng(3)
    model = build_model("lenet5")
    records = model.trace(digits(2, rng))
    kept = [(r.output.copy(), None if r.indices is None else r.indices.copy()) for r in records]
    model.trace(digits(2, rng))
    model.backward(np.ones((2, 10), F32))
    model.forward(digits(2, rng))
    for record, (output, indices) in zip(records, kept, strict=True):
        np.testing.assert_array_equal(record.output, output, err_msg=record.name)
        if indices is not None:
            np.testing.assert_array_equal(record.indices, indices, err_msg=record.name)


# -- backward ---------------------------------------------------------------------------------


def torch_gradients(model, x, dout):
    """Gradients torch computes for loss = sum(output * dout): per layer name, and the input's."""
    reference = to_torch(model)
    t = torch.from_numpy(x).requires_grad_()
    (reference(t) * torch.from_numpy(dout)).sum().backward()
    grads = {
        (layer.name, key): getattr(module, key).grad
        for layer, module in zip(model, reference, strict=True)
        for key in layer.params
    }
    return grads, t.grad


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("preset", list(PRESETS))
def test_backward_after_trace_matches_torch(preset, dtype):
    rng = np.random.default_rng(4)
    model = build_model(preset, seed=3, dtype=dtype)
    x = digits(3, rng, dtype)
    dout = rng.standard_normal((3, *model.output_shapes()[-1])).astype(dtype)
    model.trace(x)
    dx = model.backward(dout)
    grads, tdx = torch_gradients(model, x, dout)
    assert_close(dx, tdx, "input", (preset, dtype))
    for layer in model:
        assert layer.grads.keys() == layer.params.keys()
        for key in layer.params:
            assert_close(layer.grads[key], grads[(layer.name, key)], key, (preset, layer.name))


def test_backward_of_every_layer_type_matches_torch():
    rng = np.random.default_rng(5)
    model = custom_model(F64)
    x = rng.standard_normal((3, 2, 10, 10))
    dout = rng.standard_normal((3, 5))
    model.forward(x)
    dx = model.backward(dout)
    grads, tdx = torch_gradients(model, x, dout)
    assert_close(dx, tdx, "input", "custom")
    for layer in model:
        for key in layer.params:
            assert_close(layer.grads[key], grads[(layer.name, key)], key, layer.name)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_backward_without_input_gradient_fills_the_same_grads(preset):
    rng = np.random.default_rng(6)
    model = build_model(preset)
    x, dout = digits(3, rng), rng.standard_normal((3, *model.output_shapes()[-1])).astype(F32)
    model.forward(x)
    assert model.backward(dout) is not None
    expected = {(layer.name, k): g.copy() for layer in model for k, g in layer.grads.items()}
    for layer in model:
        layer.grads = {}
    model.forward(x)
    assert model.backward(dout, input_grad=False) is None
    got = {(layer.name, k): g for layer in model for k, g in layer.grads.items()}
    assert got.keys() == expected.keys() and len(got) == 2 * len(
        [layer for layer in model if layer.params]
    )
    for key, value in expected.items():
        np.testing.assert_array_equal(got[key], value, err_msg=str(key))


@pytest.mark.parametrize("preset", list(PRESETS))
def test_backward_per_layer_keeps_what_torch_sends_each_layer(preset):
    """The gradient reaching each layer's output, as torch's autograd finds it with every
    intermediate tensor kept, the input's, and the same weight gradients as `backward`."""
    rng = np.random.default_rng(13)
    model = build_model(preset, seed=5, dtype=F64)
    x, dout = digits(2, rng, F64), rng.standard_normal((2, *model.output_shapes()[-1]))
    model.trace(x)
    reached, dx = model.backward_per_layer(dout)
    kept = {(layer.name, k): g.copy() for layer in model for k, g in layer.grads.items()}

    t = torch.from_numpy(x).requires_grad_()
    outputs, h = [], t
    for module in to_torch(model):
        h = module(h)
        h.retain_grad()
        outputs.append(h)
    (h * torch.from_numpy(dout)).sum().backward()
    assert len(reached) == len(outputs) == len(model)
    for layer, got, output in zip(model, reached, outputs, strict=True):
        assert_close(got, output.grad, "output gradient", (preset, layer.name))
    assert_close(dx, t.grad, "input gradient", preset)
    model.trace(x)
    model.backward(dout)
    for layer in model:
        for key, value in layer.grads.items():
            np.testing.assert_array_equal(value, kept[(layer.name, key)], err_msg=layer.name)


MODELS_BY_FIRST_LAYER = {
    "Dense": lambda: (Sequential(Dense(12, 6), ReLU(), Dense(6, 3)), (2, 12)),
    "Flatten": lambda: (Sequential(Flatten(), Dense(12, 3)), (2, 3, 2, 2)),
    "ReLU": lambda: (Sequential(ReLU(), Dense(12, 3)), (2, 12)),
    "MaxPool2D": lambda: (Sequential(MaxPool2D(2), Flatten(), Dense(3, 3)), (2, 3, 2, 2)),
}


@pytest.mark.parametrize("first", MODELS_BY_FIRST_LAYER)
def test_backward_without_input_gradient_returns_none_whatever_the_first_layer(first):
    """The docstring's promise, "None with input_grad=False", for an MLP as for a CNN."""
    model, shape = MODELS_BY_FIRST_LAYER[first]()
    out = model.forward(np.random.default_rng(7).standard_normal(shape).astype(F32))
    assert model.backward(np.ones_like(out), input_grad=False) is None


# -- dtypes and assigned weights --------------------------------------------------------------


def test_assigned_weights_are_used():
    rng = np.random.default_rng(8)
    model = build_model("lenet5")
    x = digits(3, rng)
    before = model.forward(x).copy()
    for layer in model:
        for key, value in layer.params.items():
            layer.params[key] = rng.standard_normal(value.shape).astype(F32) * 0.2
    after = model.forward(x)
    assert not np.allclose(after, before)
    assert_close(after, to_torch(model)(torch.from_numpy(x)), "output", "lenet5")


def test_assigned_float64_weights_make_a_layer_compute_in_float64():
    rng = np.random.default_rng(9)
    layer = Conv2D(2, 3, 3, padding=1)
    assert layer.params["weight"].dtype == F32
    layer.params["weight"] = rng.standard_normal((3, 2, 3, 3))
    layer.params["bias"] = rng.standard_normal(3)
    x = rng.standard_normal((2, 2, 6, 6))
    reference = torch_module(layer)(torch.from_numpy(x))
    for given in (x, x.astype(F32)):  # a float32 input is promoted, as the weights are float64
        out = layer.forward(given)
        assert out.dtype == F64
        expected = (
            reference
            if given.dtype == F64
            else torch_module(layer)(torch.from_numpy(given.astype(F64)))
        )
        assert_close(out, expected, "conv output", given.dtype)  # float32 arithmetic: ~1e-7 off
    dense = Dense(6, 2)
    dense.params["weight"] = rng.standard_normal((2, 6))
    out = dense.forward(rng.standard_normal((4, 6)).astype(F32))
    assert out.dtype == F64


@pytest.mark.parametrize("preset", list(PRESETS))
def test_astype_float64(preset):
    rng = np.random.default_rng(10)
    model = build_model(preset, seed=4)
    original = {(layer.name, k): p.copy() for layer in model for k, p in layer.params.items()}
    assert model.astype(np.float64) is model
    for layer in model:
        for key, p in layer.params.items():
            assert p.dtype == F64
            np.testing.assert_array_equal(p, original[(layer.name, key)].astype(F64))
    x = digits(2, rng, F64)
    out = model.forward(x)
    assert out.dtype == F64
    assert_close(out, to_torch(model)(torch.from_numpy(x)), "output", preset)
    assert model.forward(x.astype(F32)).dtype == F64
    records = model.trace(x)
    assert all(r.output.dtype == F64 for r in records)
    model.backward(np.ones((2, *model.output_shapes()[-1])))
    assert all(g.dtype == F64 for layer in model for g in layer.grads.values())


def test_build_model_dtype():
    model = build_model("lenet5", dtype=np.float64)
    assert {p.dtype for layer in model for p in layer.params.values()} == {np.dtype(F64)}


def test_a_models_dtype_is_its_parameters():
    assert build_model("simple").dtype == np.dtype(F32)
    assert build_model("simple").astype(F64).dtype == np.dtype(F64)
    assert build_model("lenet5", dtype=F64).dtype == np.dtype(F64)
    assert Sequential(ReLU(), Flatten()).dtype == np.dtype(F32)  # nothing to say otherwise


# -- presets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", list(PRESETS))
def test_presets_are_deterministic_per_seed(preset):
    a, b, c = build_model(preset, seed=3), build_model(preset, seed=3), build_model(preset, seed=4)
    params = [(layer.name, k) for layer in a for k in layer.params]
    assert params
    for name, key in params:
        np.testing.assert_array_equal(a[name].params[key], b[name].params[key])
        if key == "weight":  # biases start at zero whatever the seed
            assert not np.any(a[name].params[key] == c[name].params[key]), (name, key)
    x = digits(2, np.random.default_rng(0))
    np.testing.assert_array_equal(a.forward(x), b.forward(x))
    assert not np.allclose(a.forward(x), c.forward(x))


def test_unknown_preset():
    with pytest.raises(ValueError, match="lenet5"):
        build_model("resnet50")
