"""Sequential as data: the JSON spec that rebuilds an architecture, and .npz files of spec and
weights, with every way a file can be wrong."""

import json
import zipfile

import numpy as np
import pytest
from tests.nn.torch_models import F32, F64, custom_model

from cnnviz.nn import PRESETS, Sequential, build_model

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
