"""`cnnviz train` on the bars dataset (tests/cli/commands.py): the model file, its card and
metadata, the recorded command that reproduces it, and training on two classes."""

import json
import shlex
from pathlib import Path

import numpy as np
import pytest
from tests.cli.commands import N_TEST, TRAIN, BarsData, Run, accuracy_by_hand, ok

from cnnviz.cli import build_parser
from cnnviz.cli.train import DEFAULTS, FIELD_OPTIONS
from cnnviz.nn import Sequential, read_metadata

pytestmark = pytest.mark.usefixtures("bars_env")


def weights(path: Path) -> dict[str, bytes]:
    """Every array of a model file except its metadata, as dtype, shape and raw bytes."""
    with np.load(path, allow_pickle=False) as data:
        return {
            name: (data[name].dtype.str, data[name].shape, data[name].tobytes())
            for name in data.files
            if name != "metadata"
        }


def test_train_writes_model_and_card(trained: tuple[Path, Run], bars_data: BarsData) -> None:
    out, run = trained
    card_path = out.with_suffix(".md")
    assert out.is_file()
    assert card_path.is_file()
    model, meta = Sequential.load(out), read_metadata(out)
    accuracy = meta["evaluation"]["accuracy"]
    assert accuracy == accuracy_by_hand(model, bars_data.test_images, bars_data.test_labels)
    assert f"test accuracy {100 * accuracy:.2f}% on {N_TEST} images" in run.out
    assert meta["id"] == "simple-mnist"
    assert meta["classes"] == list(range(10))
    assert meta["evaluation"]["confusion_matrix"] == (
        np.bincount(
            bars_data.test_labels * 10
            + model.forward(bars_data.test_images[:, None] / 255.0).argmax(1),
            minlength=100,
        )
        .reshape(10, 10)
        .tolist()
    )

    card = card_path.read_text(encoding="utf-8")
    assert f"`{meta['command']}`" in card
    assert f"accuracy **{100 * accuracy:.2f}%**" in card
    assert model.summary() in card
    for layer in model:
        assert f"{layer.name} ({type(layer).__name__})" in card


def test_recorded_command_reproduces_the_weights(trained: tuple[Path, Run], tmp_path: Path) -> None:
    out, _ = trained
    meta = read_metadata(out)
    words = shlex.split(meta["command"])
    assert words[:2] == ["cnnviz", "train"]
    assert "--out" not in words
    again = tmp_path / "again.npz"
    ok(*words[1:], "--out", again)
    assert weights(again) == weights(out)
    meta_again = read_metadata(again)
    assert meta_again["command"] == meta["command"]
    assert meta_again["evaluation"] == meta["evaluation"]


def test_recorded_command_spells_out_every_option(trained: tuple[Path, Run]) -> None:
    """Every option that has a default (DEFAULTS: what a run uses where no option says) is
    written out, so a new default cannot change what an old command means."""
    out, _ = trained
    words = shlex.split(read_metadata(out)["command"])
    needed = {"--" + dest.replace("_", "-") for dest, name in FIELD_OPTIONS if name in DEFAULTS} - {
        "--keep-best"
    }
    assert {"--seed", "--epochs", "--loss", "--train-subset", "--test-subset"} <= needed
    missing = sorted(needed - set(words))
    assert not missing, f"the recorded command leaves out {missing}: {shlex.join(words)}"
    assert ("--keep-best" in words) != ("--no-keep-best" in words)
    # every option's own default is None, "not given", so a recipe's values can show through
    defaults = vars(build_parser().parse_args(["train"]))
    assert {k for k, v in defaults.items() if v is not None} == {"command", "func", "augment"}


def test_train_on_two_classes(bars_data: BarsData, tmp_path: Path) -> None:
    out = tmp_path / "two.npz"
    ok(*TRAIN, "--classes", "0,1", "--validation-size", "4", "--out", out)
    model, meta = Sequential.load(out), read_metadata(out)
    assert model.forward(np.zeros((1, 1, 28, 28), np.float32)).shape == (1, 2)
    assert meta["classes"] == [0, 1]
    assert meta["class_names"] == ["0", "1"]
    assert "--classes 0,1" in meta["command"]

    report = json.loads(ok("evaluate", "--model", out, "--json").out)
    counts = bars_data.class_counts((0, 1))
    assert report["count"] == sum(counts)
    matrix = np.array(report["confusion_matrix"])
    assert matrix.shape == (2, 2)
    assert matrix.sum(axis=1).tolist() == counts
    assert report["classes"] == ["0", "1"]
