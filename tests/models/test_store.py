"""The model store: bundled and user models by id, persistence, validated uploads and ids."""

import numpy as np
import pytest

from cnnviz.models.bundled import pretrained_ids
from cnnviz.models.errors import ModelNotFoundError, ModelStoreError
from cnnviz.models.store import ModelStore
from cnnviz.nn import build_model


@pytest.fixture
def store(tmp_path):
    return ModelStore(tmp_path / "models")


def test_bundled_models_are_listed_first_with_their_accuracy(store):
    summaries = [store.summary(model_id) for model_id in store.ids()]
    assert [s["id"] for s in summaries] == ["lenet5-mnist", "simple-mnist"]
    default = [s for s in summaries if s["default"]]
    assert [s["id"] for s in default] == ["lenet5-mnist"]
    assert all(s["builtin"] and s["accuracy"] > 0.9 for s in summaries)


def test_a_user_model_persists_for_a_new_store(store, tmp_path):
    entry = store.add(build_model("simple", seed=3), {"preset": "simple"}, prefix="My Net!")
    assert entry.id.startswith("my-net-") and not entry.builtin
    again = ModelStore(tmp_path / "models").get(entry.id)
    x = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    np.testing.assert_array_equal(again.model.forward(x), build_model("simple", seed=3).forward(x))
    assert again.meta["id"] == entry.id and again.meta["preset"] == "simple"


def test_import_keeps_a_valid_file_and_refuses_anything_else(store, tmp_path):
    meta = {"name": "hi", "note": "not a known fact"}
    path = build_model("tinyvgg").save(tmp_path / "t.npz", metadata=meta)
    entry = store.import_file(path.read_bytes())
    assert entry.id.startswith("hi-") and entry.meta["imported"] is True
    assert "note" not in entry.meta  # unknown metadata is dropped, not trusted
    np.save(tmp_path / "object.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    junk = {
        b"": "body is empty",
        b"not a zip": "not an .npz model file",
        (tmp_path / "object.npy").read_bytes(): "not an .npz model file",
    }
    for data, message in junk.items():
        with pytest.raises(ValueError, match=message):
            store.import_file(data)
    assert store.ids() == [*pretrained_ids(), entry.id]


def test_delete_only_user_models(store):
    entry = store.add(build_model("simple"), {})
    store.delete(entry.id)
    assert entry.id not in store.ids()
    with pytest.raises(ModelNotFoundError):
        store.get(entry.id)
    with pytest.raises(ModelStoreError, match="bundled"):
        store.delete("lenet5-mnist")


@pytest.mark.parametrize("bad", ["../lenet5-mnist", "LeNet", "", "a/b", "-x", "x" * 65, ".."])
def test_ids_are_validated_never_used_as_paths(store, bad):
    with pytest.raises(ModelNotFoundError):
        store.get(bad)


def test_a_model_is_loaded_once_and_has_a_lock(store):
    first, second = store.get("lenet5-mnist"), store.get("lenet5-mnist")
    assert first is second and first.lock.acquire(blocking=False)
    first.lock.release()


def test_loaded_answers_only_from_memory_and_checks_the_id(store):
    assert store.loaded("lenet5-mnist") is None  # never loaded: the caller must load it
    entry = store.get("lenet5-mnist")
    assert store.loaded("lenet5-mnist") is entry
    user = store.add(build_model("simple", seed=1), {"preset": "simple"})
    assert store.loaded(user.id) is user
    store.delete(user.id)
    with pytest.raises(ModelNotFoundError):
        store.loaded(user.id)
    with pytest.raises(ModelNotFoundError):
        store.loaded("../lenet5-mnist")


def test_multiply_adds_count_each_weight_once_per_output_position(store):
    lenet5 = (
        6 * 1 * 5 * 5 * 28 * 28  # conv1, padding 2 keeps 28×28
        + 16 * 6 * 5 * 5 * 10 * 10  # conv2 on 14×14 gives 10×10
        + 400 * 120
        + 120 * 84
        + 84 * 10
    )
    assert store.get("lenet5-mnist").multiply_adds == lenet5 == 416_520
    simple = 8 * 3 * 3 * 26 * 26 + 8 * 13 * 13 * 10
    assert store.add(build_model("simple"), {}).multiply_adds == simple
