"""The data dir, the dataset registry, what is on disk, and loading a split with its cache."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from tests.tiny_mnist import MNIST_FILES

from cnnviz.data import (
    DATASETS,
    DataError,
    data_dir,
    dataset_dir,
    dataset_status,
    get_dataset,
    load_split,
    write_idx,
)

# --- the data dir --------------------------------------------------------------------------------


def test_env_var_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CNNVIZ_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "data"


def test_env_var_expands_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CNNVIZ_DATA_DIR", "~/datasets")
    assert data_dir() == tmp_path / "datasets"


def test_empty_env_var_is_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("CNNVIZ_DATA_DIR", "")
    assert data_dir() == tmp_path / ".cache" / "cnnviz"


def test_linux_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert data_dir() == tmp_path / ".cache" / "cnnviz"


def test_linux_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "cnnviz"
    # The XDG spec: a relative path is invalid and ignored.
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert data_dir() == tmp_path / ".cache" / "cnnviz"


def test_macos_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # not a macOS convention
    assert data_dir() == tmp_path / "Library" / "Caches" / "cnnviz"


def test_windows_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert data_dir() == tmp_path / "Local" / "cnnviz"
    monkeypatch.delenv("LOCALAPPDATA")
    assert data_dir() == tmp_path / "AppData" / "Local" / "cnnviz"


def test_each_dataset_has_its_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CNNVIZ_DATA_DIR", str(tmp_path))
    assert dataset_dir("mnist") == tmp_path / "mnist"
    assert dataset_dir("Fashion_MNIST") == tmp_path / "fashion-mnist"
    assert dataset_dir("mnist", tmp_path / "other") == tmp_path / "other" / "mnist"


# --- the registry --------------------------------------------------------------------------------


def test_registry_mnist_matches_the_published_checksums() -> None:
    # The two test-set md5s as the project's shared data README states them.
    mnist = DATASETS["mnist"]
    assert mnist.test.images.md5 == "9fb629c4189551a2d022fa330f9573f3"
    assert mnist.test.labels.md5 == "ec29112dd5afa0611ce80d1b7f02629c"
    assert mnist.classes == tuple("0123456789")
    assert (mnist.train.count, mnist.test.count) == (60_000, 10_000)


def test_registry_fashion_classes() -> None:
    fashion = DATASETS["fashion-mnist"]
    assert fashion.classes[0] == "T-shirt/top"
    assert fashion.classes[9] == "Ankle boot"
    assert len(fashion.classes) == 10


@pytest.mark.parametrize("name", list(DATASETS))
def test_registry_entries_are_complete(name: str) -> None:
    info = DATASETS[name]
    assert info.name == name
    assert [f.name for f in info.files] == list(MNIST_FILES)
    assert all(re.fullmatch(r"[0-9a-f]{32}", f.md5) for f in info.files)
    assert len({f.md5 for f in info.files}) == 4
    assert len(info.mirrors) >= 2
    assert all(m.startswith(("http://", "https://")) and m.endswith("/") for m in info.mirrors)
    assert info.image_shape == (28, 28)


def test_unknown_dataset_lists_the_known_ones() -> None:
    with pytest.raises(DataError, match="unknown dataset 'cifar'; known: mnist, fashion-mnist"):
        get_dataset("cifar")
    with pytest.raises(DataError, match="unknown dataset"):
        load_split("cifar", "train")


def test_unknown_split(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown split 'validation' of MNIST; known: train, test"):
        load_split("mnist", "validation", root=tmp_path)


# --- loading -------------------------------------------------------------------------------------


def test_load_split_gz(tiny, tmp_path: Path) -> None:
    tiny.write(tmp_path / "data" / "mnist")
    images, labels = load_split("mnist", "train", root=tmp_path / "data")
    np.testing.assert_array_equal(images, tiny.arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(labels, tiny.arrays["train-labels-idx1-ubyte.gz"])
    assert images.shape == (12, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (12,) and labels.dtype == np.uint8
    test_images, _ = load_split("mnist", "test", root=tmp_path / "data")
    assert test_images.shape == (5, 28, 28)


def test_load_split_uses_the_env_var(tiny, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny.write(tmp_path / "mnist")
    monkeypatch.setenv("CNNVIZ_DATA_DIR", str(tmp_path))
    images, _ = load_split("mnist", "test")
    np.testing.assert_array_equal(images, tiny.arrays["t10k-images-idx3-ubyte.gz"])


def test_load_split_uncompressed_names(tiny, tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name, array in tiny.arrays.items():
        write_idx(folder / name.removesuffix(".gz"), array)
    images, labels = load_split("mnist", "train", root=tmp_path)
    np.testing.assert_array_equal(images, tiny.arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(labels, tiny.arrays["train-labels-idx1-ubyte.gz"])


def test_gz_name_is_preferred_over_the_raw_one(tiny, tmp_path: Path) -> None:
    folder = tiny.write(tmp_path / "mnist")
    write_idx(folder / "t10k-labels-idx1-ubyte", np.zeros(5, np.uint8))
    _, labels = load_split("mnist", "test", root=tmp_path)
    np.testing.assert_array_equal(labels, tiny.arrays["t10k-labels-idx1-ubyte.gz"])


def test_loaded_arrays_are_read_only(tiny, tmp_path: Path) -> None:
    tiny.write(tmp_path / "mnist")
    images, labels = load_split("mnist", "train", root=tmp_path)
    with pytest.raises(ValueError, match="read-only"):
        images[0, 0, 0] = 1
    with pytest.raises(ValueError, match="read-only"):
        labels[0] = 1


def test_cache_returns_the_same_arrays(tiny, tmp_path: Path) -> None:
    tiny.write(tmp_path / "mnist")
    first = load_split("mnist", "train", root=tmp_path)
    second = load_split("mnist", "train", root=str(tmp_path))
    assert first[0] is second[0] and first[1] is second[1]


def test_cache_reloads_a_changed_file(tiny, tmp_path: Path) -> None:
    folder = tiny.write(tmp_path / "mnist")
    images, labels = load_split("mnist", "train", root=tmp_path)
    new_labels = (labels + 1) % 10
    path = write_idx(folder / "train-labels-idx1-ubyte.gz", new_labels)
    # Same size, and an mtime that may fall in the same clock tick: set it apart explicitly.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    images2, labels2 = load_split("mnist", "train", root=tmp_path)
    np.testing.assert_array_equal(labels2, new_labels)
    np.testing.assert_array_equal(images2, images)


def test_cache_is_per_folder(tiny, tmp_path: Path) -> None:
    tiny.write(tmp_path / "a" / "mnist")
    folder_b = tiny.write(tmp_path / "b" / "mnist")
    write_idx(folder_b / "t10k-labels-idx1-ubyte.gz", np.full(5, 9, np.uint8))
    _, labels_a = load_split("mnist", "test", root=tmp_path / "a")
    _, labels_b = load_split("mnist", "test", root=tmp_path / "b")
    np.testing.assert_array_equal(labels_a, tiny.arrays["t10k-labels-idx1-ubyte.gz"])
    assert labels_b.tolist() == [9] * 5


def test_missing_dataset_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CNNVIZ_DATA_DIR", str(tmp_path))
    with pytest.raises(DataError) as info:
        load_split("mnist", "train")
    assert str(info.value) == (
        f"MNIST is not in {tmp_path / 'mnist'}; download it with `cnnviz data download mnist`, "
        "or set CNNVIZ_DATA_DIR to a directory that has it"
    )


def test_missing_dataset_under_an_explicit_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CNNVIZ_DATA_DIR", str(tmp_path / "elsewhere"))
    with pytest.raises(DataError) as info:
        load_split("fashion-mnist", "test", root=tmp_path)
    assert str(info.value).startswith(
        f"Fashion-MNIST is not in {tmp_path / 'fashion-mnist'}; download it with "
        f"`cnnviz data download fashion-mnist --data-dir {tmp_path}`"
    )


def test_partly_missing_names_the_files(tiny, tmp_path: Path) -> None:
    tiny.write(tmp_path / "mnist", names=MNIST_FILES[:3])
    # The train split is complete, so it loads; the test split names what it lacks.
    assert load_split("mnist", "train", root=tmp_path)[0].shape == (12, 28, 28)
    with pytest.raises(
        DataError,
        match=r"MNIST in .*mnist is missing t10k-labels-idx1-ubyte\.gz; download it with",
    ):
        load_split("mnist", "test", root=tmp_path)


def test_damaged_file_is_named(tiny, tmp_path: Path) -> None:
    folder = tiny.write(tmp_path / "mnist")
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(DataError, match=re.escape(str(path))):
        load_split("mnist", "train", root=tmp_path)


def test_wrong_image_size(tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    folder.mkdir()
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((2, 32, 32), np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(2, np.uint8))
    with pytest.raises(DataError, match="holds images of shape 32×32; MNIST images are 28×28"):
        load_split("mnist", "test", root=tmp_path)


def test_label_out_of_range(tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    folder.mkdir()
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((2, 28, 28), np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.array([3, 12], np.uint8))
    with pytest.raises(DataError, match="has label 12, but MNIST has 10 classes"):
        load_split("mnist", "test", root=tmp_path)


# --- status --------------------------------------------------------------------------------------


def test_status_of_an_empty_dir(tmp_path: Path) -> None:
    status = dataset_status("mnist", tmp_path)
    assert status.folder == tmp_path / "mnist"
    assert not status.complete
    assert status.missing == list(MNIST_FILES)
    for split in status.splits.values():
        assert not split.present
        assert split.count is None
        assert split.official is None


def test_status_of_a_complete_official_dataset(tiny, tmp_path: Path) -> None:
    tiny.write(tmp_path / "mnist")
    status = dataset_status(tiny.info, tmp_path)  # its md5s are those of these files
    assert status.complete
    assert status.splits["train"].count == 12
    assert status.splits["test"].count == 5
    assert status.splits["train"].official is True
    assert status.splits["test"].error is None
    assert status.splits["train"].images.path == tmp_path / "mnist" / MNIST_FILES[0]


def test_status_tells_a_non_official_file(tiny, tmp_path: Path) -> None:
    # The real registry: our tiny files are present, usable, and not the official ones.
    tiny.write(tmp_path / "mnist")
    status = dataset_status("mnist", tmp_path)
    assert status.complete
    assert status.splits["train"].count == 12
    assert status.splits["train"].official is False
    assert dataset_status("mnist", tmp_path, check_md5=False).splits["train"].official is None


def test_status_of_uncompressed_files(tiny, tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name, array in tiny.arrays.items():
        write_idx(folder / name.removesuffix(".gz"), array)
    status = dataset_status(tiny.info, tmp_path)
    assert status.complete
    assert status.splits["test"].count == 5
    assert status.splits["test"].official is None  # the md5s are of the .gz files


def test_status_of_a_partial_dataset(tiny, tmp_path: Path) -> None:
    tiny.write(tmp_path / "mnist", names=(MNIST_FILES[1], MNIST_FILES[2], MNIST_FILES[3]))
    status = dataset_status(tiny.info, tmp_path)
    assert status.missing == [MNIST_FILES[0]]
    assert status.splits["train"].missing == [MNIST_FILES[0]]
    assert status.splits["train"].labels.present
    assert status.splits["test"].present and status.splits["test"].count == 5


def test_status_reports_mismatched_files(tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    folder.mkdir()
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((4, 28, 28), np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(3, np.uint8))
    (folder / "train-images-idx3-ubyte.gz").write_bytes(b"garbage")
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.zeros(3, np.uint8))
    status = dataset_status("mnist", tmp_path)
    assert "holds 4 images but" in status.splits["test"].error
    assert "is not a valid gzip file" in status.splits["train"].error
