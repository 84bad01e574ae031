"""Tiny MNIST-format datasets for the tests: the four IDX files of a dataset folder, and the easy
digits that tests train on (learnable in one epoch, written in milliseconds)."""

from pathlib import Path

import numpy as np

from cnnviz.data import write_idx

#: The four files of an MNIST-format dataset folder, as the real download names them.
MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
#: The easy digits' background noise is below this; their one bright row is 255.
NOISE = 60


def write_mnist_files(
    folder: Path, train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray]
) -> Path:
    """`folder` with the MNIST_FILES of (images, labels) `train` and `test`, labels as uint8."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = (train[0], train[1].astype(np.uint8), test[0], test[1].astype(np.uint8))
    for name, array in zip(MNIST_FILES, arrays, strict=True):
        write_idx(folder / name, array)
    return folder


def easy_digits(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`n` 28×28 digits with labels 0, 1, ..., 9, 0, ...: label k is a row of 255 at 2k + 3 over
    noise below NOISE."""
    labels = (np.arange(n) % 10).astype(np.uint8)
    images = (rng.random((n, 28, 28)) * NOISE).astype(np.uint8)
    images[np.arange(n), labels * 2 + 3, :] = 255
    return images, labels


def make_tiny_mnist(root: Path, train: int = 200, test: int = 40, name: str = "mnist") -> Path:
    """`root` holding `root`/`name`: `train` and `test` easy digits in MNIST's files."""
    rng = np.random.default_rng(0)
    write_mnist_files(root / name, easy_digits(train, rng), easy_digits(test, rng))
    return root
