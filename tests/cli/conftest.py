"""The command tests' fixtures: the bars dataset that `cnnviz train`, `evaluate` and `predict`
read and the model trained on it once (tests/cli/commands.py), and for `cnnviz data` small
datasets made on the spot with a local server to download them from (tests/downloads.py)."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from tests.cli.commands import N_TEST, N_TRAIN, TRAIN, BarsData, Run, ok
from tests.downloads import (  # noqa: F401 (fixtures)
    closed_port_url_fixture,
    isolated,
    server,
    tiny,
    tiny_mirror,
    tiny_mnist,
)
from tests.synthetic_digits import bars
from tests.tiny_mnist import write_mnist_files

from cnnviz.data import clear_cache
from cnnviz.data.store import ENV_DATA_DIR


@pytest.fixture(scope="session")
def bars_data(tmp_path_factory: pytest.TempPathFactory) -> BarsData:
    root = tmp_path_factory.mktemp("bars-data")
    train = bars(N_TRAIN, seed=1)
    # Drawn from a larger shuffled set, so the classes come in unequal numbers.
    test_images, test_labels = (array[:N_TEST] for array in bars(N_TEST + 37, seed=2))
    write_mnist_files(root / "mnist", train, (test_images, test_labels))
    assert len(set(np.bincount(test_labels, minlength=10))) > 1
    return BarsData(root, test_images, test_labels)


@pytest.fixture
def bars_env(bars_data: BarsData, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """CNNVIZ_DATA_DIR is the bars data's folder, and no dataset is cached from elsewhere."""
    monkeypatch.setenv(ENV_DATA_DIR, str(bars_data.root))
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(scope="session")
def trained(bars_data: BarsData, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """The 10-class model the tests train once: x.npz (and x.md), and the run that wrote it."""
    out = tmp_path_factory.mktemp("trained") / "x.npz"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_DATA_DIR, str(bars_data.root))
        clear_cache()
        run = ok(*TRAIN, "--out", out)
    clear_cache()
    return out, run
