"""How many samples of each label a dataset on disk holds (read from its label file once), so a
train_size or test_size it cannot serve is refused before a job starts and a form can say what
is there. Which of them a run uses is `subsets.py`'s."""

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..data import DataError, get_dataset, read_idx
from ..data.store import dataset_dir, find_file
from .config import TrainConfig


def label_counts(dataset: str, split: str, root: str | os.PathLike) -> tuple[int, ...] | None:
    """Samples per label (label 0 first) of a split of `dataset` under `root` (the data dir);
    None when its label file is not there or cannot be read. Read once per file version."""
    info = get_dataset(dataset)
    path = find_file(dataset_dir(info, root), info.split(split).labels)
    if path is None:
        return None
    try:
        stat = path.stat()
        return _label_counts(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except (OSError, DataError):
        return None


def training_pool(config: TrainConfig, root: str | os.PathLike) -> int | None:
    """How many training samples of `config`'s classes its dataset holds under `root` (the data
    dir); None when the label file is not there or cannot be read (starting the job reports
    that)."""
    counts = label_counts(config.dataset, "train", root)
    if counts is None:
        return None
    labels, _ = config.dataset_classes()
    return sum(counts[label] for label in labels if label < len(counts))


@lru_cache(maxsize=16)
def _label_counts(path: str, mtime_ns: int, size: int) -> tuple[int, ...]:
    """Samples per label in an IDX label file; cached by (path, mtime, size), so a file that
    changes is read again."""
    return tuple(np.bincount(read_idx(Path(path)).reshape(-1)).tolist())
