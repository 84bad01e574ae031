"""The bundled models: found by id, described by their metadata and card, and as good as promised
on the official MNIST test set (the acceptance check, on real data: see `mnist_dir`)."""

import contextlib
import io
import json
import shlex
from pathlib import Path

import numpy as np
import pytest

from cnnviz.cli import build_parser, main
from cnnviz.cli.train import _config
from cnnviz.data import read_idx
from cnnviz.models.bundled import (
    PRETRAINED_DIR,
    load_model,
    model_card,
    pretrained_ids,
    resolve_model,
)
from cnnviz.models.errors import ModelNotFoundError

BUNDLED = ("lenet5-mnist", "simple-mnist")
#: The accuracy each bundled model must reach on the 10,000 official MNIST test digits.
REQUIRED_ACCURACY = {"lenet5-mnist": 0.985, "simple-mnist": 0.96}


def test_the_bundled_ids() -> None:
    assert set(BUNDLED) <= set(pretrained_ids())


@pytest.mark.parametrize("model_id", BUNDLED)
def test_loads_by_id_without_a_path(model_id: str, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # nothing found relative to the working directory
    assert resolve_model(model_id) == PRETRAINED_DIR / f"{model_id}.npz"
    model, meta = load_model(model_id)
    logits = model.forward(np.zeros((2, 1, 28, 28), np.float32))
    assert logits.shape == (2, 10)
    assert np.isfinite(logits).all()
    assert meta["id"] == model_id


def test_unknown_id_lists_the_bundled_ones() -> None:
    with pytest.raises(ModelNotFoundError) as error:
        load_model("lenet9-mnist")
    message = str(error.value)
    assert "lenet9-mnist" in message
    for model_id in BUNDLED:
        assert model_id in message


@pytest.mark.parametrize("model_id", BUNDLED)
def test_metadata_says_how_it_was_made(model_id: str) -> None:
    _, meta = load_model(model_id)
    assert meta["id"] == model_id
    assert meta["dataset"] == "mnist"
    assert meta["class_names"] == list("0123456789")
    accuracy = meta["evaluation"]["accuracy"]
    assert isinstance(accuracy, float)
    assert 0.0 <= accuracy <= 1.0
    command = meta["command"]
    assert command.startswith("cnnviz train ")
    assert f"--id {model_id}" in command


#: Settings added after the bundled models were trained. They change how a run is watched (the
#: pace, validation points, the probe digit's layer), never its weights, and the CLI leaves them
#: unset; the bundled commands hold no validation set, so no validation point is ever taken.
WATCH_ONLY = {"steps_per_second": None, "validate_every": None, "probe_layer": None}
#: Training options added after the bundled models were trained, at the values that train as
#: those runs did (issue 12: the loss, the subsets, keep_best, per-layer optimizers).
AS_BEFORE = {
    "loss": "cross_entropy",
    "train_subset": "stratified",
    "test_size": None,
    "test_subset": "stratified",
    "keep_best": False,
    "param_groups": [],
}


@pytest.mark.parametrize("model_id", BUNDLED)
def test_recorded_command_gives_the_recorded_config(model_id: str) -> None:
    """The command in the card, parsed by the real CLI, is exactly the configuration trained."""
    _, meta = load_model(model_id)
    words = shlex.split(meta["command"])
    args = build_parser().parse_args(words[1:])
    assert args.id == model_id
    config = json.loads(json.dumps(_config(args).to_dict()))
    watch = {name: config.pop(name) for name in WATCH_ONLY}
    later = {name: config.pop(name) for name in AS_BEFORE}
    assert config == meta["config"]
    assert watch == WATCH_ONLY, "the command would watch the run, not only train it"
    assert later == AS_BEFORE, "the command would train otherwise than the bundled run did"


@pytest.mark.parametrize("model_id", BUNDLED)
def test_card_beside_the_model(model_id: str) -> None:
    model, meta = load_model(model_id)
    path = PRETRAINED_DIR / f"{model_id}.md"
    assert path.is_file()
    card = model_card(model_id)
    assert card == path.read_text(encoding="utf-8")
    assert card.startswith(f"# {model_id}\n")
    assert f"accuracy **{100 * meta['evaluation']['accuracy']:.2f}%**" in card
    assert f"`{meta['command']}`" in card
    assert model.summary() in card


@pytest.mark.parametrize("model_id", BUNDLED)
def test_card_names_the_schedule_it_was_trained_with(model_id: str) -> None:
    """The card's training line and its recorded command must agree on the LR schedule."""
    _, meta = load_model(model_id)
    schedule = meta["config"]["lr_schedule"]
    assert f"--schedule {schedule}" in meta["command"]
    assert f"schedule {schedule})" in model_card(model_id)


# --- acceptance: the official MNIST test set ---------------------------------------------------


def accuracy_by_hand(model, images: np.ndarray, labels: np.ndarray) -> tuple[int, int]:
    """(correct, total): forward in batches over uint8 images scaled to [0, 1], then argmax."""
    correct = 0
    for start in range(0, len(images), 1000):
        batch = images[start : start + 1000].astype(np.float32)[:, None] / np.float32(255)
        predicted = model.forward(batch).argmax(axis=1)
        correct += int((predicted == labels[start : start + 1000]).sum())
    return correct, len(labels)


@pytest.mark.parametrize("model_id", BUNDLED)
def test_accuracy_on_the_official_mnist_test_set(model_id: str, mnist_dir: Path) -> None:
    images = read_idx(mnist_dir / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(mnist_dir / "t10k-labels-idx1-ubyte.gz")
    assert images.shape == (10_000, 28, 28)
    assert labels.shape == (10_000,)
    model, meta = load_model(model_id)

    correct, total = accuracy_by_hand(model, images, labels)
    accuracy = correct / total
    assert accuracy >= REQUIRED_ACCURACY[model_id], (
        f"{model_id}: {correct:,} of {total:,} test digits right ({100 * accuracy:.2f}%), "
        f"needs {100 * REQUIRED_ACCURACY[model_id]:.1f}%"
    )

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            ["evaluate", "--model", model_id, "--json", "--data-dir", str(mnist_dir.parent)]
        )
    assert code == 0
    report = json.loads(out.getvalue())
    assert report["count"] == total
    assert report["accuracy"] == accuracy
    assert np.trace(report["confusion_matrix"]) == correct

    assert meta["evaluation"]["accuracy"] == accuracy
    assert meta["evaluated_on"] == "the official MNIST test split (10,000 images)"
    assert f"accuracy **{100 * accuracy:.2f}%**" in model_card(model_id)
