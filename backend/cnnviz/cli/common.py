"""Pieces the model commands share: the --data-dir option, loading a model, class subsets."""

from pathlib import Path

import numpy as np

from cnnviz.data import DataError, load_split
from cnnviz.models.bundled import load_model
from cnnviz.models.errors import ModelNotFoundError
from cnnviz.nn import Sequential

from .errors import CliError


def add_data_dir(parser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="folder holding the datasets (default: $CNNVIZ_DATA_DIR or the per-user cache)",
    )


def open_model(id_or_path: str) -> tuple[Sequential, dict]:
    try:
        return load_model(id_or_path)
    except (ModelNotFoundError, ValueError) as exc:
        raise CliError(str(exc)) from None


def labelled_split(
    dataset: str, split: str, classes: list[int] | None, data_dir: Path | None
) -> tuple[np.ndarray, np.ndarray]:
    """A split's images and labels; with `classes`, only those, renumbered 0..len-1 in order."""
    try:
        images, labels = load_split(dataset, split, root=data_dir)
    except DataError as exc:
        raise CliError(str(exc)) from None
    if classes is None:
        return images, labels.astype(np.int64)
    keep = np.isin(labels, classes)
    renumber = np.full(int(labels.max()) + 1, -1, np.int64)
    renumber[classes] = np.arange(len(classes))
    return images[keep], renumber[labels[keep]]
