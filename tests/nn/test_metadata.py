"""Facts about a model travel inside its .npz, and loading the model ignores them."""

import numpy as np
import pytest

from cnnviz.nn import Sequential, build_model, read_metadata


def test_metadata_round_trip_and_weights_unaffected(tmp_path):
    model = build_model("simple", seed=1)
    meta = {"id": "x", "evaluation": {"accuracy": 0.9}, "classes": [0, 1]}
    path = model.save(tmp_path / "m.npz", metadata=meta)
    assert read_metadata(path) == meta
    x = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    np.testing.assert_array_equal(Sequential.load(path).forward(x), model.forward(x))
    with np.load(path, allow_pickle=False) as data:
        assert "metadata" in data.files


def test_no_metadata_reads_as_empty(tmp_path):
    assert read_metadata(build_model("simple").save(tmp_path / "m.npz")) == {}


def test_corrupt_metadata_is_a_clear_error(tmp_path):
    path = tmp_path / "m.npz"
    arrays = {"spec": np.array('{"layers": []}'), "metadata": np.array("{not json")}
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="metadata is not valid JSON"):
        read_metadata(path)
