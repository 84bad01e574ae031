"""`cnnviz train` with issue 12's options on the bars dataset (tests/cli/commands.py): a
one-output sigmoid network, first-N subsets, per-layer optimizers, keep-best, a course recipe and
a spec file; each recorded command gives the same weights again."""

import json
import shlex
from pathlib import Path

import numpy as np
import pytest
from tests.cli.commands import BarsData, cnnviz, ok

from cnnviz.nn import Sequential, build_model, read_metadata

pytestmark = pytest.mark.usefixtures("bars_env")

QUICK = ["train", "--epochs", "1", "--batch-size", "16"]


def weights(path: Path) -> list[np.ndarray]:
    return [p for layer in Sequential.load(path) for p in layer.params.values()]


def assert_recorded_command_reproduces(out: Path, tmp_path: Path) -> None:
    words = shlex.split(read_metadata(out)["command"])
    again = tmp_path / "again.npz"
    ok(*words[1:], "--out", again)
    for a, b in zip(weights(again), weights(out), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_one_output_sigmoid_network_on_two_classes(tmp_path: Path) -> None:
    out = tmp_path / "sigmoid.npz"
    run = ok(
        *QUICK,
        "--model",
        "sigmoid01",
        "--classes",
        "0,1",
        "--optimizer",
        "sgd",
        "--lr",
        "0.01",
        "--out",
        out,
    )
    model, meta = Sequential.load(out), read_metadata(out)
    assert model.forward(np.zeros((3, 1, 28, 28), np.float32)).shape == (3, 1)
    assert meta["classes"] == [0, 1] and meta["config"]["loss"] == "cross_entropy"
    assert "test accuracy" in run.out
    refused = cnnviz(*QUICK, "--model", "sigmoid01", "--classes", "0,1,2", "--out", out)
    assert refused.code == 2 and "learns exactly two classes, not 3" in refused.err


def test_first_n_subsets_say_which_digits_were_tested(bars_data: BarsData, tmp_path: Path) -> None:
    out = tmp_path / "first.npz"
    run = ok(
        *QUICK,
        "--model", "simple",
        "--train-subset", "first",
        "--train-size", "60",
        "--validation-size", "20",
        "--test-subset", "first",
        "--test-size", "25",
        "--out", out,
    )  # fmt: skip
    meta = read_metadata(out)
    assert "on 25 images (the first 25 test digits)" in run.out
    model = Sequential.load(out)
    # the evaluation is that of the first 25 test digits, counted here without the trainer
    x = bars_data.test_images[:25, None].astype(np.float32) / 255
    hits = int((model.forward(x).argmax(axis=1) == bars_data.test_labels[:25]).sum())
    assert meta["evaluation"]["accuracy"] == hits / 25
    assert meta["config"]["train_subset"] == "first" and meta["config"]["test_size"] == 25
    assert "--train-subset first" in meta["command"] and "--test-size 25" in meta["command"]
    assert_recorded_command_reproduces(out, tmp_path)


def test_per_layer_optimizers_with_momentum_and_nesterov(tmp_path: Path) -> None:
    out = tmp_path / "groups.npz"
    ok(
        *QUICK, "--model", "simple", "--optimizer", "sgd", "--lr", "0.01",
        "--momentum", "0.9", "--nesterov", "--weight-decay", "0.0001",
        "--group", "fc1=adagrad:0.01", "--out", out,
    )  # fmt: skip
    config = read_metadata(out)["config"]
    assert config["optimizer_kwargs"] == {"momentum": 0.9, "nesterov": True, "weight_decay": 0.0001}
    assert config["param_groups"] == [
        {"layers": ["fc1"], "optimizer": "adagrad", "lr": 0.01, "optimizer_kwargs": {}}
    ]
    assert_recorded_command_reproduces(out, tmp_path)


@pytest.mark.parametrize(
    "group, message",
    [
        ("fc1", "expected LAYER[,LAYER]=OPTIMIZER:LR like fc1,fc2=adagrad:0.01; got 'fc1'"),
        ("fc1=adagrad:fast", "got 'fc1=adagrad:fast'"),
        ("fc9=adagrad:0.01", "'fc9' is not a layer of this model; its layers are conv1"),
    ],
)
def test_a_bad_group_is_refused_with_what_to_write(
    group: str, message: str, tmp_path: Path
) -> None:
    run = cnnviz(*QUICK, "--model", "simple", "--group", group, "--out", tmp_path / "x.npz")
    assert run.code == 2 and message in run.err


def test_keep_best_reports_and_records_the_best_epoch(tmp_path: Path) -> None:
    out = tmp_path / "best.npz"
    run = ok(
        "train",
        "--model",
        "simple",
        "--epochs",
        "3",
        "--validation-size",
        "40",
        "--keep-best",
        "--out",
        out,
    )
    meta = read_metadata(out)
    assert meta["best_epoch"] in (1, 2, 3) and "--keep-best" in meta["command"]
    assert f"kept epoch {meta['best_epoch']}, the best on validation" in run.out
    refused = cnnviz(*QUICK, "--keep-best", "--validation-size", "0", "--out", out)
    assert refused.code == 2 and "needs a validation set" in refused.err


def test_a_recipe_with_options_over_it(tmp_path: Path) -> None:
    out = tmp_path / "lenet.npz"
    ok(
        "train",
        "--recipe",
        "lenet",
        "--epochs",
        "1",
        "--train-size",
        "50",
        "--test-size",
        "20",
        "--out",
        out,
    )
    meta = read_metadata(out)
    config = meta["config"]
    assert config["epochs"] == 1 and config["train_size"] == 50 and config["test_size"] == 20
    # the rest is the recipe's: first-N digits, AdaGrad for the dense layers, batches of 20
    assert config["train_subset"] == "first" and config["batch_size"] == 20
    assert config["param_groups"][0]["layers"] == ["fc1", "fc2", "fc3"]
    assert shlex.split(meta["command"])[2:4] == ["--recipe", "lenet"]
    assert_recorded_command_reproduces(out, tmp_path)


def test_a_spec_file(tmp_path: Path) -> None:
    spec = build_model("simple").to_spec()
    spec["layers"][-1]["out_features"] = 3
    path = tmp_path / "net.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    out = tmp_path / "spec.npz"
    ok(*QUICK, "--spec", path, "--classes", "0,1,2", "--out", out)
    meta = read_metadata(out)
    assert meta["config"]["spec"]["layers"][-1]["out_features"] == 3
    assert f"--spec {path}" in meta["command"]
    assert_recorded_command_reproduces(out, tmp_path)
    missing = cnnviz(*QUICK, "--spec", tmp_path / "none.json", "--out", out)
    assert missing.code == 2 and "--spec" in missing.err
    both = cnnviz(*QUICK, "--spec", path, "--model", "simple", "--out", out)
    assert both.code == 2 and "not allowed with argument" in both.err
