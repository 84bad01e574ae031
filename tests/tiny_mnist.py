"""A tiny MNIST-format dataset for tests that train: learnable in one epoch, written in ms."""

from pathlib import Path

import numpy as np

from cnnviz.data import write_idx


def make_tiny_mnist(root: Path, train: int = 200, test: int = 40) -> Path:
    """MNIST-format IDX files of easy digits: label k has a bright row at 2k + 3."""
    folder = root / "mnist"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", train), ("t10k", test)):
        labels = (np.arange(n) % 10).astype(np.uint8)
        images = (rng.random((n, 28, 28)) * 60).astype(np.uint8)
        images[np.arange(n), labels * 2 + 3, :] = 255
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", labels)
    return root
