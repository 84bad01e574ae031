"""Sequential: names, trace, backward, summary, shapes and their errors, spec, save and load.

The reference is torch: each model is rebuilt as a `torch.nn.Sequential` with the same weights
(`to_torch`), and outputs, per-layer maps, pool indices, gradients, shapes and parameter counts
are compared with it.
"""

import json
import zipfile

import numpy as np
import pytest
import torch

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

pytestmark = pytest.mark.parity

F32, F64 = np.float32, np.float64
# |engine - torch| <= TOL * max(1, max |torch|): different summation orders, same maths.
TOL = {F32: 1e-5, F64: 1e-12}
LENET5_NAMES = [
    "conv1", "relu1", "pool1", "conv2", "relu2", "pool2",
    "flatten1", "fc1", "relu3", "fc2", "relu4", "fc3",
]  # fmt: skip


# -- torch, the reference ---------------------------------------------------------------------


def torch_module(layer) -> torch.nn.Module:
    """The torch module computing what `layer` computes, from its public config and params."""
    kind, cfg = type(layer).__name__, layer.config()
    if kind == "Conv2D":
        padding = cfg["padding"]
        if padding == "full":
            k, d = np.broadcast_to(cfg["kernel_size"], 2), np.broadcast_to(cfg["dilation"], 2)
            padding = tuple(int(x) for x in d * (k - 1))
        module = torch.nn.Conv2d(
            cfg["in_channels"],
            cfg["out_channels"],
            cfg["kernel_size"],
            stride=cfg["stride"],
            padding=padding,
            dilation=cfg["dilation"],
            bias=cfg["bias"],
        )
    elif kind == "Dense":
        module = torch.nn.Linear(cfg["in_features"], cfg["out_features"], bias=cfg["bias"])
    elif kind in ("MaxPool2D", "AvgPool2D"):
        cls = torch.nn.MaxPool2d if kind == "MaxPool2D" else torch.nn.AvgPool2d
        module = cls(cfg["kernel_size"], cfg["stride"], cfg["padding"])
    elif kind == "LeakyReLU":
        module = torch.nn.LeakyReLU(cfg["negative_slope"])
    else:
        module = {"Flatten": torch.nn.Flatten, "ReLU": torch.nn.ReLU}.get(kind) or getattr(
            torch.nn, kind
        )
        module = module()
    with torch.no_grad():
        for key, value in layer.params.items():
            setattr(module, key, torch.nn.Parameter(torch.from_numpy(np.array(value))))
    return module


def to_torch(model: Sequential) -> torch.nn.Sequential:
    return torch.nn.Sequential(*(torch_module(layer) for layer in model))


def assert_close(actual, expected, what=""):
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else expected
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} vs {expected.shape}"
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype} vs {expected.dtype}"
    scale = max(1.0, float(np.abs(expected).max(initial=0)))
    error = float(np.abs(actual.astype(F64) - expected.astype(F64)).max(initial=0))
    assert error <= TOL[expected.dtype.type] * scale, f"{what}: off by {error:.3g} (scale {scale})"


def digits(n, rng, dtype=F32, channels=1, size=28) -> np.ndarray:
    return rng.random((n, channels, size, size)).astype(dtype)


def custom_model(dtype=F32) -> Sequential:
    """Every layer type, a name given by hand, named padding and dilation."""
    rng = np.random.default_rng(5)
    return Sequential(
        Conv2D(2, 4, 3, padding="same", rng=rng, dtype=dtype, name="stem"),
        LeakyReLU(0.1),
        AvgPool2D(2),
        Conv2D(4, 3, (3, 2), padding="full", dilation=(1, 2), rng=rng, dtype=dtype),
        Tanh(),
        MaxPool2D(3, stride=2, padding=1),
        Flatten(),
        Dense(48, 8, rng=rng, dtype=dtype),
        Sigmoid(),
        Dense(8, 5, bias=False, rng=rng, dtype=dtype),
        ReLU(),
        input_shape=(2, 10, 10),
    )


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
        assert_close(record.output, t, record.name)
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
        assert_close(record.output, t, record.name)
        if record.pre_activation is not None:
            assert_close(record.pre_activation, t_in, record.name)
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
    dout = rng.standard_normal((3, 10)).astype(dtype)
    model.trace(x)
    dx = model.backward(dout)
    grads, tdx = torch_gradients(model, x, dout)
    assert_close(dx, tdx, "input")
    for layer in model:
        assert layer.grads.keys() == layer.params.keys()
        for key in layer.params:
            assert_close(layer.grads[key], grads[(layer.name, key)], f"{layer.name}.{key}")


def test_backward_of_every_layer_type_matches_torch():
    rng = np.random.default_rng(5)
    model = custom_model(F64)
    x = rng.standard_normal((3, 2, 10, 10))
    dout = rng.standard_normal((3, 5))
    model.forward(x)
    dx = model.backward(dout)
    grads, tdx = torch_gradients(model, x, dout)
    assert_close(dx, tdx, "input")
    for layer in model:
        for key in layer.params:
            assert_close(layer.grads[key], grads[(layer.name, key)], f"{layer.name}.{key}")


@pytest.mark.parametrize("preset", list(PRESETS))
def test_backward_without_input_gradient_fills_the_same_grads(preset):
    rng = np.random.default_rng(6)
    model = build_model(preset)
    x, dout = digits(3, rng), rng.standard_normal((3, 10)).astype(F32)
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


# -- summary, shapes --------------------------------------------------------------------------


def torch_lenet5() -> torch.nn.Sequential:
    """LeNet-5 as torch code writes it, independently of the engine."""
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip


def torch_shapes(reference: torch.nn.Sequential, input_shape) -> list[tuple[int, ...]]:
    t, shapes = torch.zeros((1, *input_shape)), []
    for module in reference:
        t = module(t)
        shapes.append(tuple(t.shape[1:]))
    return shapes


def test_lenet5_summary():
    model = build_model("lenet5")
    reference = torch_lenet5()
    total = sum(p.numel() for p in reference.parameters())
    assert total == 61_706 == model.parameter_count
    shapes = torch_shapes(reference, (1, 28, 28))
    summary = model.summary()
    lines = summary.splitlines()
    for layer, shape, module in zip(model, shapes, reference, strict=True):
        count = sum(p.numel() for p in module.parameters())
        assert layer.parameter_count == count
        row = [line for line in lines if line.startswith(f"{layer.name} ")]
        assert len(row) == 1, f"{layer.name}: {row}"
        assert f"({type(layer).__name__})" in row[0]
        assert str(shape) in row[0] and row[0].rstrip().endswith(f"{count:,}")
    assert "Total params: 61,706" in summary
    assert model.output_shapes() == shapes


@pytest.mark.parametrize("preset", list(PRESETS))
def test_output_shapes_match_torch(preset):
    model = build_model(preset)
    assert model.input_shape == (1, 28, 28)
    assert model.output_shapes() == torch_shapes(to_torch(model), (1, 28, 28))
    assert model.parameter_count == sum(p.numel() for p in to_torch(model).parameters())


def test_custom_model_shapes_and_summary():
    model = custom_model()
    assert model.output_shapes() == torch_shapes(to_torch(model), (2, 10, 10))
    summary = model.summary()
    assert f"Total params: {sum(p.numel() for p in to_torch(model).parameters()):,}" in summary
    assert all(name in summary for name in model.names)


def test_output_shapes_need_an_input_shape():
    model = Sequential(Conv2D(1, 2, 3), Flatten())
    with pytest.raises(ValueError, match="input_shape"):
        model.output_shapes()
    assert model.output_shapes((1, 5, 6)) == [(2, 3, 4), (24,)]


# The first layer a wrong input breaks, and the message it gives.
BAD_INPUTS = [
    ("lenet5", (2, 3, 28, 28), "Conv2D 'conv1' expects 1 input channel, got 3"),
    ("lenet5", (2, 1, 32, 32), "Dense 'fc1' expects 400 input features, got 576"),
    ("lenet5", (2, 1, 4, 4), "Conv2D 'conv2' input 2×2 is too small for a 5×5 kernel"),
    (
        "lenet5",
        (1, 28, 28),
        "Conv2D 'conv1' expects a 4-D batch (N, C, H, W), got shape (1, 28, 28)",
    ),
    ("tinyvgg", (2, 1, 8, 8), "Conv2D 'conv3' input 2×2 is too small for a 3×3 kernel"),
    ("tinyvgg", (2, 2, 28, 28), "Conv2D 'conv1' expects 1 input channel, got 2"),
    ("simple", (2, 1, 30, 30), "Dense 'fc1' expects 1352 input features, got 1568"),
    ("simple", (2, 1, 3, 3), "MaxPool2D 'pool1' input 1×1 is smaller than its 2×2 window"),
]


@pytest.mark.parametrize(("preset", "shape", "message"), BAD_INPUTS)
def test_a_wrong_input_shape_names_the_first_bad_layer(preset, shape, message):
    model = build_model(preset)
    with pytest.raises(ValueError) as info:
        model.forward(np.zeros(shape, F32))
    assert message in str(info.value)
    with pytest.raises(ValueError) as info:
        model.trace(np.zeros(shape, F32))
    assert message in str(info.value)
    if len(shape) == 4:
        with pytest.raises(ValueError) as info:
            model.output_shapes(shape[1:])
        assert message in str(info.value)
        with pytest.raises(RuntimeError):  # torch agrees that the shape is wrong
            to_torch(model)(torch.zeros(shape))


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        (
            lambda: [Conv2D(1, 4, 3), ReLU(), Conv2D(3, 8, 3)],
            "Conv2D 'conv2' expects 3 input channels, got 4",
        ),
        (
            lambda: [Conv2D(1, 4, 3), Flatten(), Dense(100, 2)],
            "Dense 'fc1' expects 100 input features, got 144",
        ),
        (lambda: [MaxPool2D(2), Conv2D(1, 2, 5)], "Conv2D 'conv1' input 4×4 is too small"),
        (lambda: [Dense(64, 2)], "Dense 'fc1'"),
    ],
)
def test_an_inconsistent_architecture_fails_at_construction(layers, message):
    with pytest.raises(ValueError) as info:
        Sequential(*layers(), input_shape=(1, 8, 8))
    assert message in str(info.value)
    Sequential(*layers())  # without input_shape nothing is checked yet


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
    assert_close(after, to_torch(model)(torch.from_numpy(x)), "output")


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
        assert_close(out, expected, "conv output")  # to 1e-12: float32 arithmetic gives ~1e-7
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
    assert_close(out, to_torch(model)(torch.from_numpy(x)), "output")
    assert model.forward(x.astype(F32)).dtype == F64
    records = model.trace(x)
    assert all(r.output.dtype == F64 for r in records)
    model.backward(np.ones((2, 10)))
    assert all(g.dtype == F64 for layer in model for g in layer.grads.values())


def test_build_model_dtype():
    model = build_model("lenet5", dtype=np.float64)
    assert {p.dtype for layer in model for p in layer.params.values()} == {np.dtype(F64)}


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


# -- spec -------------------------------------------------------------------------------------


def copy_weights(source: Sequential, target: Sequential) -> None:
    for a, b in zip(source, target, strict=True):
        for key, value in a.params.items():
            b.params[key] = value.copy()


def make_model(name: str) -> Sequential:
    return custom_model() if name == "custom" else build_model(name)


@pytest.mark.parametrize("name", [*PRESETS, "custom"])
def test_spec_is_json_and_rebuilds_the_architecture(name):
    model = make_model(name)
    text = json.dumps(model.to_spec())
    rebuilt = Sequential.from_spec(json.loads(text), seed=1)
    assert json.dumps(rebuilt.to_spec()) == text
    assert rebuilt.names == model.names
    assert [type(layer) for layer in rebuilt] == [type(layer) for layer in model]
    assert rebuilt.input_shape == model.input_shape
    assert rebuilt.output_shapes() == model.output_shapes()
    for a, b in zip(model, rebuilt, strict=True):
        assert {k: (v.shape, v.dtype) for k, v in a.params.items()} == {
            k: (v.shape, v.dtype) for k, v in b.params.items()
        }
    # the same architecture: with the same weights, the same function
    copy_weights(model, rebuilt)
    x = np.random.default_rng(11).random((2, *model.input_shape)).astype(F32)
    np.testing.assert_array_equal(rebuilt.forward(x), model.forward(x))


def test_from_spec_draws_weights_from_the_seed():
    spec = build_model("lenet5").to_spec()
    a, b, c = (Sequential.from_spec(spec, seed=s) for s in (5, 5, 6))
    np.testing.assert_array_equal(a["conv2"].params["weight"], b["conv2"].params["weight"])
    assert not np.allclose(a["conv2"].params["weight"], c["conv2"].params["weight"])


# -- save and load ----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", [*PRESETS, "custom"])
def test_save_load_round_trip(name, dtype, tmp_path):
    model = make_model(name).astype(dtype)
    rng = np.random.default_rng(12)
    for layer in model:  # non-zero biases, so a bias mix-up shows
        for key, value in layer.params.items():
            layer.params[key] = (value + rng.normal(0, 0.1, value.shape)).astype(dtype)
    path = model.save(tmp_path / "model.npz")
    assert path == tmp_path / "model.npz" and sorted(p.name for p in tmp_path.iterdir()) == [
        "model.npz"
    ]
    loaded = Sequential.load(path)
    assert loaded.names == model.names and loaded.input_shape == model.input_shape
    for a, b in zip(model, loaded, strict=True):
        assert type(a) is type(b) and json.dumps(a.config()) == json.dumps(b.config())
        for key, value in a.params.items():
            assert b.params[key].dtype == dtype
            np.testing.assert_array_equal(b.params[key], value)
    x = rng.random((3, *model.input_shape)).astype(dtype)
    out, loaded_out = model.forward(x), loaded.forward(x)
    assert loaded_out.dtype == out.dtype == dtype
    np.testing.assert_array_equal(loaded_out, out)

    # plain data: readable without unpickling, one array per parameter plus the spec
    with np.load(path, allow_pickle=False) as data:
        entries = {name: data[name] for name in data.files}
    expected = {f"{layer.name}/{k}" for layer in model for k in layer.params}
    assert set(entries) == expected | {"spec"}
    assert json.loads(str(entries["spec"])) == json.loads(json.dumps(model.to_spec()))
    for layer in model:
        for key, value in layer.params.items():
            np.testing.assert_array_equal(entries[f"{layer.name}/{key}"], value)


def write_npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def saved_lenet5(tmp_path):
    path = build_model("lenet5").save(tmp_path / "lenet5.npz")
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


def test_load_missing_file(tmp_path):
    with pytest.raises(ValueError, match=r"no model file at .*nothing\.npz"):
        Sequential.load(tmp_path / "nothing.npz")


@pytest.mark.parametrize(
    "content",
    [b"hello, not a model\n", b"", b"PK\x03\x04 truncated zip"],
    ids=["text", "empty", "zip"],
)
def test_load_a_file_that_is_not_npz(tmp_path, content):
    path = tmp_path / "model.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"model\.npz is not a readable \.npz model file"):
        Sequential.load(path)


def test_load_a_npy_file(tmp_path):
    """A single-array .npy file (np.load returns an ndarray, not an archive) is not a model."""
    path = tmp_path / "weights.npy"
    np.save(path, np.zeros((6, 1, 5, 5), F32))
    with pytest.raises(ValueError, match=r"weights\.npy"):
        Sequential.load(path)


def test_load_a_zip_that_is_not_npz(tmp_path):
    path = tmp_path / "model.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match="no 'spec'"):
        Sequential.load(path)


def test_load_an_npz_without_spec(tmp_path):
    arrays = saved_lenet5(tmp_path)
    del arrays["spec"]
    with pytest.raises(ValueError, match=r"not a cnnviz model: it has no 'spec'"):
        Sequential.load(write_npz(tmp_path / "weights.npz", **arrays))


def test_load_a_spec_that_is_not_json(tmp_path):
    arrays = saved_lenet5(tmp_path)
    arrays["spec"] = np.array("{not json")
    with pytest.raises(ValueError, match="spec is not valid JSON"):
        Sequential.load(write_npz(tmp_path / "m.npz", **arrays))


def test_load_missing_weights(tmp_path):
    arrays = saved_lenet5(tmp_path)
    del arrays["conv2/bias"]
    with pytest.raises(ValueError, match="has no weights for conv2/bias"):
        Sequential.load(write_npz(tmp_path / "m.npz", **arrays))


def test_load_wrong_weight_shape(tmp_path):
    arrays = saved_lenet5(tmp_path)
    arrays["fc1/weight"] = arrays["fc1/weight"].T
    with pytest.raises(
        ValueError, match=r"fc1/weight has shape \(400, 120\), the spec needs \(120, 400\)"
    ):
        Sequential.load(write_npz(tmp_path / "m.npz", **arrays))


def test_load_extra_weights(tmp_path):
    arrays = saved_lenet5(tmp_path)
    arrays["fc4/weight"] = np.zeros((3, 10), F32)
    with pytest.raises(ValueError, match="weights no layer uses: fc4/weight"):
        Sequential.load(write_npz(tmp_path / "m.npz", **arrays))


def test_load_unknown_layer_type(tmp_path):
    arrays = saved_lenet5(tmp_path)
    spec = json.loads(str(arrays["spec"]))
    spec["layers"][3]["type"] = "Conv3D"
    arrays["spec"] = np.array(json.dumps(spec))
    with pytest.raises(ValueError) as info:
        Sequential.load(write_npz(tmp_path / "m.npz", **arrays))
    message = str(info.value)
    assert "layer 4" in message and "Conv2D, MaxPool2D" in message
    assert "Conv3D" in message, f"the message does not say which type is unknown: {message}"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda spec: spec["layers"][0].pop("kernel_size"), "layer 1 of the spec.*kernel_size"),
        (lambda spec: spec["layers"][0].update(stride="two"), "stride"),
        (lambda spec: spec.update(format="keras/2"), "unknown spec format 'keras/2'"),
        (lambda spec: spec.update(layers="conv"), "'layers' list"),
        (
            lambda spec: spec.update(input_shape=[3, 28, 28]),
            "Conv2D 'conv1' expects 1 input channel",
        ),
    ],
    ids=["missing-argument", "bad-argument", "format", "layers-not-a-list", "input-shape"],
)
def test_load_a_bad_spec(tmp_path, change, match):
    arrays = saved_lenet5(tmp_path)
    spec = json.loads(str(arrays["spec"]))
    change(spec)
    arrays["spec"] = np.array(json.dumps(spec))
    with pytest.raises(ValueError, match=match):
        Sequential.load(write_npz(tmp_path / "m.npz", **arrays))


def test_load_a_spec_with_an_unknown_dtype(tmp_path):
    arrays = saved_lenet5(tmp_path)
    spec = json.loads(str(arrays["spec"]))
    spec["dtype"] = "banana"
    arrays["spec"] = np.array(json.dumps(spec))
    with pytest.raises(ValueError, match="banana"):
        Sequential.load(write_npz(tmp_path / "m.npz", **arrays))


def test_load_rejects_weights_that_are_not_numbers(tmp_path):
    arrays = saved_lenet5(tmp_path)
    arrays["fc3/bias"] = np.full(10, "x")
    with pytest.raises(ValueError, match="fc3/bias"):
        Sequential.load(write_npz(tmp_path / "m.npz", **arrays))
