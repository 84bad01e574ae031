"""The model store's files: a failed write leaves nothing, a killed one is swept at start-up, a
model deleted under a request is "not found", no message names a server path, and ids."""

import errno
import os
import re
import time
from pathlib import Path

import numpy as np
import pytest

from cnnviz import ids
from cnnviz.ids import is_id, new_id
from cnnviz.models.errors import ModelNotFoundError, ModelStorageError
from cnnviz.models.store import ModelStore
from cnnviz.nn import build_model
from cnnviz.nn import serialize as serialize_module


def fail_midway(code: int):
    """A stand-in for np.savez_compressed that writes some bytes, then fails as a full disk
    (or a quota) does."""

    def savez(file, **arrays):
        file.write(b"PK\x03\x04" + b"\0" * 4096)
        raise OSError(code, "No space left on device" if code == errno.ENOSPC else "Disk quota")

    return savez


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_is_a_storage_error_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    store = ModelStore(tmp_path)
    monkeypatch.setattr(serialize_module.np, "savez_compressed", fail_midway(code))
    with pytest.raises(ModelStorageError) as refused:
        store.add(build_model("simple"), {"name": "kept?"})
    assert "free space" in str(refused.value)
    assert str(tmp_path) not in str(refused.value)
    assert list(tmp_path.iterdir()) == []  # neither the model nor its .part
    assert store.ids()[2:] == []


def test_a_read_only_folder_is_a_storage_error(tmp_path: Path, monkeypatch) -> None:
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(ModelStorageError, match="Read-only file system"):
        ModelStore(tmp_path / "models").add(build_model("simple"), {})


def test_partial_files_a_killed_server_left_are_swept_at_start_up(tmp_path: Path) -> None:
    kept = build_model("simple").save(tmp_path / "kept-1.npz")
    left = tmp_path / "gone-1.npz.part"
    left.write_bytes(b"PK\x03\x04 half a model")
    an_hour_ago = time.time() - 3600
    os.utime(left, (an_hour_ago, an_hour_ago))
    # Another process (a training worker sharing the folder) is saving this one right now.
    (tmp_path / "saving-1.npz.part").write_bytes(b"PK\x03\x04 being written")
    (tmp_path / "notes.txt").write_text("not ours to remove")
    store = ModelStore(tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["kept-1.npz", "notes.txt", "saving-1.npz.part"]
    assert store.ids()[2:] == ["kept-1"] and kept.is_file()


def test_a_model_deleted_after_its_lookup_is_not_found(tmp_path: Path, monkeypatch) -> None:
    store = ModelStore(tmp_path)
    model_id = store.add(build_model("simple"), {}).id
    fresh = ModelStore(tmp_path)  # nothing loaded yet
    locate = ModelStore._locate

    def locate_then_delete(self, wanted):
        found = locate(self, wanted)
        found[0].unlink()  # another request deletes it now
        return found

    monkeypatch.setattr(ModelStore, "_locate", locate_then_delete)
    for read in (fresh.get, fresh.summary, fresh.open_export):
        build_model("simple").save(tmp_path / f"{model_id}.npz")
        with pytest.raises(ModelNotFoundError, match=f"no model '{model_id}'") as refused:
            read(model_id)
        assert str(tmp_path) not in str(refused.value)


def test_an_unreadable_file_is_refused_by_id_not_by_path(tmp_path: Path) -> None:
    (tmp_path / "broken-1.npz").write_bytes(b"not a zip")
    store = ModelStore(tmp_path)
    unreadable = r"model 'broken-1' is not a readable \.npz"
    for read in (store.get, store.summary):
        with pytest.raises(ValueError, match=unreadable) as refused:
            read("broken-1")
        assert str(tmp_path) not in str(refused.value)


def test_a_file_over_the_limits_is_refused_when_loaded(tmp_path: Path) -> None:
    model = build_model("simple")
    model.input_shape = (1, 32, 32)  # what no route of the app can feed
    model.save(tmp_path / "wide-1.npz")
    with pytest.raises(ValueError, match=r"input_shape must be \[1, 28, 28\]"):
        ModelStore(tmp_path).get("wide-1")


def test_open_export_reads_the_file_even_if_it_is_deleted_meanwhile(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    entry = store.add(build_model("simple"), {})
    expected = entry.path.read_bytes()
    with store.open_export(entry.id) as file:
        store.delete(entry.id)
        assert file.read() == expected
    assert not entry.path.exists()


# -- ids ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prefix", "start"),
    [("My Net!", "my-net-"), ("Überträger 9", "bertr-ger-9-"), ("!!!", "model-"), ("", "model-")],
)
def test_new_ids_are_slugs_of_the_prefix_with_random_hex(prefix: str, start: str) -> None:
    made = new_id(prefix, taken=lambda candidate: False)
    assert made.startswith(start) and is_id(made)
    assert re.fullmatch(r"[0-9a-f]{6}", made.removeprefix(start))


def test_a_long_prefix_is_cut_to_fit_the_pattern() -> None:
    made = new_id("a" * 200, taken=lambda candidate: False, random_bytes=4)
    assert made[:41] == "a" * 40 + "-" and len(made) == 40 + 1 + 8 and is_id(made)


def test_new_id_skips_taken_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter(["aaaaaa", "aaaaaa", "bbbbbb"])
    monkeypatch.setattr(ids.secrets, "token_hex", lambda n: next(draws))
    assert new_id("job", taken=lambda candidate: candidate == "job-aaaaaa") == "job-bbbbbb"


@pytest.mark.parametrize("text", ["abc\n", "-x", "A", "", "x" * 65, "a/b", "..", None, 7])
def test_what_is_not_an_id(text) -> None:
    assert not is_id(text)


def test_a_saved_model_reads_back_whatever_the_store_made_it(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    entry = store.add(build_model("tinyvgg", seed=2), {"name": "n", "score": float("nan")})
    again = ModelStore(tmp_path).get(entry.id)
    # the store records the classes of every model it adds
    assert (
        again.meta.keys() == entry.meta.keys() == {"name", "score", "id", "classes", "class_names"}
    )
    x = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    np.testing.assert_array_equal(again.model.forward(x), entry.model.forward(x))
