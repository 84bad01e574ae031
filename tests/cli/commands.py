"""What the tests of `cnnviz train`, `evaluate` and `predict` share: the command run in-process,
and the dataset they read (written by tests/cli/conftest.py's `bars_data`).

The dataset is 200 training and 100 test images of bars (`tests/synthetic_digits.py`), in the IDX
files and folder layout of MNIST, found through CNNVIZ_DATA_DIR like the real one; its test
classes come in unequal numbers.
"""

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnnviz.cli import main
from cnnviz.nn import Sequential

N_TRAIN, N_TEST = 200, 100
TRAIN = ["train", "--model", "simple", "--epochs", "2", "--validation-size", "20"]


@dataclass
class BarsData:
    """The data folder (CNNVIZ_DATA_DIR) and the test split as written."""

    root: Path
    test_images: np.ndarray
    test_labels: np.ndarray

    def class_counts(self, classes=range(10)) -> list[int]:
        return [int((self.test_labels == c).sum()) for c in classes]


@dataclass
class Run:
    code: int
    out: str
    err: str


def cnnviz(*argv: object) -> Run:
    """Run `cnnviz argv...` in-process; argparse's own errors count as exit codes too."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(arg) for arg in argv])
        except SystemExit as exc:
            code = exc.code
    return Run(code, out.getvalue(), err.getvalue())


def ok(*argv: object) -> Run:
    run = cnnviz(*argv)
    assert run.code == 0, run.err
    return run


def accuracy_by_hand(model: Sequential, images: np.ndarray, labels: np.ndarray) -> float:
    logits = model.forward(images.astype(np.float32)[:, None] / np.float32(255))
    return int((logits.argmax(axis=1) == labels).sum()) / len(labels)
