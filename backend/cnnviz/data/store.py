"""Where datasets live on disk, what is there, and loading a split (cached in memory).

The data dir is `CNNVIZ_DATA_DIR` when set, else the per-user cache dir; each dataset has its own
folder in it (`<data dir>/mnist/train-images-idx3-ubyte.gz`). A folder that already holds the IDX
files is used as it is, gzip or not (the names without `.gz` are accepted too): presence is
enough. Whether a file is the official one (its md5) is reported by `dataset_status`, never
required, so a smaller development copy of a training set works the same way.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .idx import DataError, load_images_labels, read_idx_header
from .registry import SPLITS, DataFile, DatasetInfo, get_dataset

__all__ = [
    "ENV_DATA_DIR",
    "DatasetStatus",
    "FileStatus",
    "SplitStatus",
    "clear_cache",
    "data_dir",
    "dataset_dir",
    "dataset_status",
    "find_file",
    "load_split",
    "md5_of",
]

ENV_DATA_DIR = "CNNVIZ_DATA_DIR"


def without_folder(message: str, root: Path) -> str:
    """`message` with the data folder's path in words: for messages that leave the server (the
    web API), which never shows where it keeps its files. The command line shows paths."""
    return message.replace(str(root), "the server's data folder")


def data_dir() -> Path:
    """The folder that holds one subfolder per dataset.

    `CNNVIZ_DATA_DIR` if set; else the per-user cache dir: `$XDG_CACHE_HOME/cnnviz` or
    `~/.cache/cnnviz` on Linux and other Unixes, `~/Library/Caches/cnnviz` on macOS,
    `%LOCALAPPDATA%\\cnnviz` on Windows.
    """
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        # The XDG spec says a relative value is invalid and must be ignored.
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "cnnviz"


def dataset_dir(name: str | DatasetInfo, root: str | os.PathLike | None = None) -> Path:
    """`<root or data_dir()>/<dataset name>`."""
    info = get_dataset(name)
    return (Path(root).expanduser() if root is not None else data_dir()) / info.name


def find_file(folder: Path, file: DataFile) -> Path | None:
    """The file in `folder` under its distributed name, or without `.gz`; None if neither."""
    names = [file.name]
    if file.name.endswith(".gz"):
        names.append(file.name[: -len(".gz")])
    for name in names:
        path = folder / name
        if path.is_file():
            return path
    return None


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class FileStatus:
    """One expected file: where it is (None: missing) and whether it is the official file.

    `official` is None when it cannot be told: the file is missing, uncompressed (the md5s are of
    the .gz files), or not checked.
    """

    file: DataFile
    path: Path | None
    official: bool | None = None

    @property
    def present(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class SplitStatus:
    """One split: its two files, the number of images if readable, or what is wrong with it."""

    split: str
    images: FileStatus
    labels: FileStatus
    count: int | None = None
    error: str | None = None

    @property
    def missing(self) -> list[str]:
        return [f.file.name for f in (self.images, self.labels) if not f.present]

    @property
    def present(self) -> bool:
        return not self.missing

    @property
    def official(self) -> bool | None:
        """True if both files are the official ones, False if either is not, else None."""
        flags = (self.images.official, self.labels.official)
        if False in flags:
            return False
        return True if all(flags) else None


@dataclass(frozen=True)
class DatasetStatus:
    info: DatasetInfo
    folder: Path
    splits: dict[str, SplitStatus]

    @property
    def missing(self) -> list[str]:
        return [name for s in self.splits.values() for name in s.missing]

    @property
    def complete(self) -> bool:
        return not self.missing


def _file_status(folder: Path, file: DataFile, check_md5: bool) -> FileStatus:
    path = find_file(folder, file)
    official = None
    if path is not None and check_md5 and path.name == file.name:
        try:
            official = md5_of(path) == file.md5
        except OSError:
            official = None
    return FileStatus(file, path, official)


def dataset_status(
    name: str | DatasetInfo, root: str | os.PathLike | None = None, *, check_md5: bool = True
) -> DatasetStatus:
    """What is on disk for dataset `name`: per split, the files present or missing, the number
    of images (read from the IDX header, so cheap), any problem with the headers, and, when
    `check_md5`, whether each file is the official one.
    """
    info = get_dataset(name)
    folder = dataset_dir(info, root)
    splits = {}
    for split in SPLITS:
        files = info.split(split)
        images = _file_status(folder, files.images, check_md5)
        labels = _file_status(folder, files.labels, check_md5)
        count = error = None
        if images.present and labels.present:
            try:
                count, error = _check_headers(info, images.path, labels.path)
            except DataError as exc:
                error = str(exc)
        splits[split] = SplitStatus(split, images, labels, count, error)
    return DatasetStatus(info, folder, splits)


def _check_headers(info: DatasetInfo, images: Path, labels: Path) -> tuple[int, str | None]:
    image_header, label_header = read_idx_header(images), read_idx_header(labels)
    count = image_header.shape[0]
    if image_header.shape[1:] != info.image_shape or image_header.dtype != np.uint8:
        return count, (
            f"{images} holds {image_header.dtype.name} images of shape "
            f"{'×'.join(map(str, image_header.shape[1:]))}; {info.title} has uint8 "
            f"{'×'.join(map(str, info.image_shape))}"
        )
    if label_header.shape != (count,):
        return count, (
            f"{images} holds {count} images but {labels} holds "
            f"{'×'.join(map(str, label_header.shape))} labels"
        )
    return count, None


def _missing_message(info: DatasetInfo, folder: Path, root, missing: list[str]) -> str:
    download = f"cnnviz data download {info.name}"
    if root is not None and Path(root).expanduser() != data_dir():
        download += f" --data-dir {root}"
    every = len(missing) == len(info.files)
    what = (
        f"{info.title} is not in {folder}"
        if every or not folder.is_dir()
        else f"{info.title} in {folder} is missing {', '.join(missing)}"
    )
    return (
        f"{what}; download it with `{download}`, or set {ENV_DATA_DIR} to a directory that has it"
    )


# (folder, dataset, split) -> (fingerprint of the two files, images, labels)
_cache: dict[tuple[str, str, str], tuple[tuple, np.ndarray, np.ndarray]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every split `load_split` holds in memory."""
    with _cache_lock:
        _cache.clear()


def _fingerprint(path: Path) -> tuple[str, int, int]:
    resolved = path.resolve()
    stat = resolved.stat()
    return str(resolved), stat.st_mtime_ns, stat.st_size


def load_split(
    name: str | DatasetInfo, split: str, root: str | os.PathLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Images and labels of one split ("train" or "test") of dataset `name`.

    Returns
    -------
    images : np.ndarray, uint8, shape (N, 28, 28), read-only
    labels : np.ndarray, uint8, shape (N,), read-only

    Kept in memory after the first call and shared between callers (hence read-only: copy
    before changing them); read again when either file changes (path, mtime or size).

    Raises
    ------
    DataError
        Missing files (the message says how to get them) or damaged ones.
    """
    info = get_dataset(name)
    files = info.split(split)
    folder = dataset_dir(info, root)
    images_path = find_file(folder, files.images)
    labels_path = find_file(folder, files.labels)
    if images_path is None or labels_path is None:
        missing = [f.name for f in info.files if find_file(folder, f) is None]
        raise DataError(_missing_message(info, folder, root, missing))

    key = (str(folder.resolve()), info.name, split)
    try:
        fingerprint = (_fingerprint(images_path), _fingerprint(labels_path))
    except OSError as exc:
        raise DataError(f"cannot read {info.title} in {folder}: {exc}") from None
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1], cached[2]

    images, labels = load_images_labels(images_path, labels_path)
    if images.shape[1:] != info.image_shape:
        raise DataError(
            f"{images_path} holds images of shape {'×'.join(map(str, images.shape[1:]))}; "
            f"{info.title} images are {'×'.join(map(str, info.image_shape))}"
        )
    if labels.size and int(labels.max()) >= len(info.classes):
        raise DataError(
            f"{labels_path} has label {int(labels.max())}, but {info.title} has "
            f"{len(info.classes)} classes (0 to {len(info.classes) - 1})"
        )
    images.flags.writeable = False
    labels.flags.writeable = False
    with _cache_lock:
        _cache[key] = (fingerprint, images, labels)
    return images, labels
