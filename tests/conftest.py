"""Fixtures shared across test folders.

Tests make their own data. The one exception is `mnist_dir`: the official MNIST test set, for the
checks that are about the models we ship rather than about the code.
"""

import os
from pathlib import Path

import pytest

from cnnviz.data.store import ENV_DATA_DIR

REPO = Path(__file__).resolve().parents[1]
MNIST_TEST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The folder holding the real MNIST test files: `$CNNVIZ_DATA_DIR/mnist`, else
    `<repo>/../shared/data/mnist`. Fails (never skips) when they are not there."""
    root = Path(os.environ.get(ENV_DATA_DIR) or REPO.parent / "shared" / "data").expanduser()
    folder = root / "mnist"
    missing = [name for name in MNIST_TEST_FILES if not (folder / name).is_file()]
    if missing:
        pytest.fail(
            f"the MNIST test set is not in {folder} (missing {', '.join(missing)}): set "
            f"{ENV_DATA_DIR} to a folder that has it, or run `cnnviz data download mnist`",
            pytrace=False,
        )
    return folder
