"""`cnnviz train`, `evaluate` and `predict` on a tiny MNIST-format dataset the tests write.

The dataset is 200 training and 100 test images of bars (`tests/train/synthetic_digits.py`), in
the IDX files and folder layout of MNIST, found through CNNVIZ_DATA_DIR like the real one.
Commands run in-process through `main` (a user error is exit code 2 and one line on stderr),
and twice as real subprocesses: the console path and a reader that goes away.
"""

import contextlib
import io
import json
import os
import re
import shlex
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.data.strokes import drawing, encode
from tests.train.synthetic_digits import bars

from cnnviz.cli import build_parser, main
from cnnviz.data import clear_cache, write_idx
from cnnviz.data.imagefile import MAX_BYTES, MAX_PIXELS
from cnnviz.data.store import ENV_DATA_DIR
from cnnviz.models.bundled import PRETRAINED_DIR, load_model
from cnnviz.nn import Sequential, read_metadata

N_TRAIN, N_TEST = 200, 100
TRAIN = ["train", "--model", "simple", "--epochs", "2", "--validation-size", "20"]


@dataclass
class Tiny:
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


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tiny]:
    root = tmp_path_factory.mktemp("data")
    folder = root / "mnist"
    folder.mkdir()
    train_images, train_labels = bars(N_TRAIN, seed=1)
    # Drawn from a larger shuffled set, so the classes come in unequal numbers.
    test_images, test_labels = (array[:N_TEST] for array in bars(N_TEST + 37, seed=2))
    for name, array in (
        ("train-images-idx3-ubyte.gz", train_images),
        ("train-labels-idx1-ubyte.gz", train_labels.astype(np.uint8)),
        ("t10k-images-idx3-ubyte.gz", test_images),
        ("t10k-labels-idx1-ubyte.gz", test_labels.astype(np.uint8)),
    ):
        write_idx(folder / name, array)
    assert len(set(np.bincount(test_labels, minlength=10))) > 1
    yield Tiny(root, test_images, test_labels)
    clear_cache()


@pytest.fixture(autouse=True)
def data_env(tiny: Tiny, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(ENV_DATA_DIR, str(tiny.root))
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(scope="module")
def trained(tiny: Tiny, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """The 10-class model the tests train once: x.npz (and x.md), and the run that wrote it."""
    out = tmp_path_factory.mktemp("trained") / "x.npz"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_DATA_DIR, str(tiny.root))
        run = ok(*TRAIN, "--out", out)
    return out, run


def accuracy_by_hand(model: Sequential, images: np.ndarray, labels: np.ndarray) -> float:
    logits = model.forward(images.astype(np.float32)[:, None] / np.float32(255))
    return int((logits.argmax(axis=1) == labels).sum()) / len(labels)


def weights(path: Path) -> dict[str, bytes]:
    """Every array of a model file except its metadata, as dtype, shape and raw bytes."""
    with np.load(path, allow_pickle=False) as data:
        return {
            name: (data[name].dtype.str, data[name].shape, data[name].tobytes())
            for name in data.files
            if name != "metadata"
        }


# --- train --------------------------------------------------------------------------------------


def test_train_writes_model_and_card(trained: tuple[Path, Run], tiny: Tiny) -> None:
    out, run = trained
    card_path = out.with_suffix(".md")
    assert out.is_file()
    assert card_path.is_file()
    model, meta = Sequential.load(out), read_metadata(out)
    accuracy = meta["evaluation"]["accuracy"]
    assert accuracy == accuracy_by_hand(model, tiny.test_images, tiny.test_labels)
    assert f"test accuracy {100 * accuracy:.2f}% on {N_TEST} images" in run.out
    assert meta["id"] == "simple-mnist"
    assert meta["classes"] == list(range(10))
    assert meta["evaluation"]["confusion_matrix"] == (
        np.bincount(
            tiny.test_labels * 10 + model.forward(tiny.test_images[:, None] / 255.0).argmax(1),
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
    """Every option that has a default is written out, so a new default cannot change what an
    old command means. (Options whose default is None, "not given", may be left out; so may the
    --augment switch, which has no way to say "off", and --data-dir/--out, which say where, not
    what.)"""
    out, _ = trained
    words = shlex.split(read_metadata(out)["command"])
    defaults = vars(build_parser().parse_args(["train"]))
    not_training = {"command", "func", "augment", "data_dir", "out"}
    needed = {
        "--" + name.replace("_", "-")
        for name, value in defaults.items()
        if value is not None and name not in not_training
    }
    assert "--seed" in needed
    assert "--epochs" in needed
    missing = sorted(needed - set(words))
    assert not missing, f"the recorded command leaves out {missing}: {shlex.join(words)}"


def test_train_on_two_classes(tiny: Tiny, tmp_path: Path) -> None:
    out = tmp_path / "two.npz"
    ok(*TRAIN, "--classes", "0,1", "--validation-size", "4", "--out", out)
    model, meta = Sequential.load(out), read_metadata(out)
    assert model.forward(np.zeros((1, 1, 28, 28), np.float32)).shape == (1, 2)
    assert meta["classes"] == [0, 1]
    assert meta["class_names"] == ["0", "1"]
    assert "--classes 0,1" in meta["command"]

    report = json.loads(ok("evaluate", "--model", out, "--json").out)
    counts = tiny.class_counts((0, 1))
    assert report["count"] == sum(counts)
    matrix = np.array(report["confusion_matrix"])
    assert matrix.shape == (2, 2)
    assert matrix.sum(axis=1).tolist() == counts
    assert report["classes"] == ["0", "1"]


# --- evaluate -----------------------------------------------------------------------------------


@pytest.fixture(params=["trained", "simple-mnist"])
def model_arg(request: pytest.FixtureRequest) -> str:
    """The model the tests trained (a path; it scores 100% on bars), or a bundled one (an id;
    bars are not digits, so its confusion matrix is far from diagonal)."""
    if request.param == "trained":
        return str(request.getfixturevalue("trained")[0])
    return request.param


def test_evaluate_json(model_arg: str, tiny: Tiny) -> None:
    run = ok("evaluate", "--model", model_arg, "--json")
    lines = run.out.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    accuracy = report["accuracy"]
    assert 0.0 <= accuracy <= 1.0
    matrix = np.array(report["confusion_matrix"])
    assert matrix.shape == (10, 10)
    assert matrix.sum(axis=1).tolist() == tiny.class_counts()
    assert accuracy == np.trace(matrix) / matrix.sum()
    model, _ = load_model(model_arg)
    assert accuracy == accuracy_by_hand(model, tiny.test_images, tiny.test_labels)
    assert report["count"] == N_TEST
    assert report["model"] == model_arg


def test_evaluate_text(model_arg: str) -> None:
    report = json.loads(ok("evaluate", "--model", model_arg, "--json").out)
    text = ok("evaluate", "--model", model_arg).out
    assert f"accuracy {100 * report['accuracy']:.2f}%" in text

    per_class_text = text.split("per-class accuracy\n")[1].split("\n\n")[0]
    per_class = dict(line.split() for line in per_class_text.splitlines())
    assert list(per_class) == list("0123456789")
    for shown, value in zip(per_class.values(), report["per_class_accuracy"], strict=True):
        assert shown == f"{100 * value:.2f}%"

    table = text.split("confusion matrix (rows: true class, columns: predicted)\n")[1]
    header, *rows = table.strip("\n").splitlines()
    assert header.split() == list("0123456789")
    assert [row.split()[0] for row in rows] == list("0123456789")
    assert [[int(v) for v in row.split()[1:]] for row in rows] == report["confusion_matrix"]


# --- predict ------------------------------------------------------------------------------------


@pytest.fixture
def digit_files(tmp_path: Path) -> list[Path]:
    paths = []
    for digit in ("0", "1", "7"):
        path = tmp_path / f"digit-{digit}.png"
        path.write_bytes(drawing(digit, "RGBA", height=180, brush=18))
        paths.append(path)
    return paths


def test_predict_text(digit_files: list[Path]) -> None:
    lines = ok("predict", *digit_files).out.splitlines()
    assert len(lines) == len(digit_files)
    for path, line in zip(digit_files, lines, strict=True):
        name, _, ranking = line.partition(": ")
        assert name == str(path)
        top = re.findall(r"(\d) \((\d+\.(\d+))%\)", ranking)
        assert len(top) == 3
        assert ranking == ", ".join(f"{label} ({p}%)" for label, p, _ in top)
        probabilities = [float(p) for _, p, _ in top]
        assert probabilities == sorted(probabilities, reverse=True)
        rounding = 3 * 0.5 * 10.0 ** -len(top[0][2])  # each shown percentage is rounded
        assert sum(probabilities) <= 100.0 + rounding
        assert top[0][0] == path.stem[-1]


@pytest.mark.parametrize("model_id", ["lenet5-mnist", "simple-mnist"])
def test_predict_json(digit_files: list[Path], model_id: str) -> None:
    lines = ok("predict", *digit_files, "--model", model_id, "--json").out.splitlines()
    assert len(lines) == len(digit_files)
    for path, line in zip(digit_files, lines, strict=True):
        result = json.loads(line)
        assert result["image"] == str(path)
        labels = [entry["label"] for entry in result["top"]]
        probabilities = [entry["probability"] for entry in result["top"]]
        assert len(labels) == len(set(labels)) == 3
        assert set(labels) <= set("0123456789")
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(p >= 0 for p in probabilities)
        assert sum(probabilities) <= 1.0 + 1e-9
        assert labels[0] == path.stem[-1]


# --- user errors: exit 2, one line on stderr ----------------------------------------------------


def png_header(width: int, height: int) -> bytes:
    """A PNG that is only a header claiming `width` × `height` grayscale pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def blank_canvas(background: tuple[int, ...], mode: str) -> bytes:
    return encode(Image.new(mode, (280, 280), background))


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def empty_data_dir(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp / "empty").mkdir()
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp / "empty"))


def a_digit(tmp: Path) -> Path:
    return write(tmp / "seven.png", drawing("7", "RGBA"))


Case = Callable[[Path, pytest.MonkeyPatch], list]
ERRORS: dict[str, tuple[Case, str]] = {
    "evaluate-unknown-model-id": (
        lambda tmp, mp: ["evaluate", "--model", "lenet9-mnist"],
        "no model 'lenet9-mnist': not a bundled model (lenet5-mnist, simple-mnist",
    ),
    "predict-unknown-model-id": (
        lambda tmp, mp: ["predict", a_digit(tmp), "--model", "lenet9-mnist"],
        "not a bundled model (lenet5-mnist, simple-mnist",
    ),
    "corrupt-model-file": (
        lambda tmp, mp: ["evaluate", "--model", write(tmp / "bad.npz", b"not a zip archive")],
        "is not a readable .npz model file",
    ),
    "truncated-model-file": (
        lambda tmp, mp: [
            "predict",
            a_digit(tmp),
            "--model",
            write(tmp / "half.npz", (PRETRAINED_DIR / "simple-mnist.npz").read_bytes()[:20000]),
        ],
        "is not a readable .npz model file",
    ),
    "evaluate-missing-dataset": (
        lambda tmp, mp: empty_data_dir(tmp, mp) or ["evaluate", "--model", "simple-mnist"],
        "download it with `cnnviz data download mnist`",
    ),
    "train-missing-dataset": (
        lambda tmp, mp: empty_data_dir(tmp, mp) or [*TRAIN, "--out", tmp / "x.npz"],
        "download it with `cnnviz data download mnist`",
    ),
    "classes-not-numbers": (
        lambda tmp, mp: [*TRAIN, "--classes", "zero,one", "--out", tmp / "x.npz"],
        "expected numbers like 0,1",
    ),
    "classes-only-one": (
        lambda tmp, mp: [*TRAIN, "--classes", "3", "--out", tmp / "x.npz"],
        "classes needs at least 2 labels",
    ),
    "classes-duplicate": (
        lambda tmp, mp: [*TRAIN, "--classes", "3,3", "--out", tmp / "x.npz"],
        "classes has duplicates",
    ),
    "classes-out-of-range": (
        lambda tmp, mp: [*TRAIN, "--classes", "0,10", "--out", tmp / "x.npz"],
        "are not labels of mnist",
    ),
    "batch-size-0": (
        lambda tmp, mp: [*TRAIN, "--batch-size", "0", "--out", tmp / "x.npz"],
        "batch_size must be an integer between 1 and 512, got 0",
    ),
    "out-in-missing-folder": (
        lambda tmp, mp: [*TRAIN, "--out", tmp / "nowhere" / "x.npz"],
        "does not exist",
    ),
    "unreadable-image": (
        lambda tmp, mp: ["predict", write(tmp / "junk.png", b"\x89PNG but not really" * 10)],
        "the image cannot be read",
    ),
    "transparent-blank-drawing": (
        lambda tmp, mp: ["predict", write(tmp / "blank.png", blank_canvas((0, 0, 0, 0), "RGBA"))],
        "the drawing is empty",
    ),
    "white-blank-drawing": (
        lambda tmp, mp: ["predict", write(tmp / "white.png", blank_canvas((255,) * 3, "RGB"))],
        "the drawing is empty",
    ),
    "image-too-many-bytes": (
        lambda tmp, mp: [
            "predict",
            write(tmp / "huge.png", drawing("7", "RGBA") + bytes(MAX_BYTES)),
        ],
        f"at most {MAX_BYTES:,}",
    ),
    "image-too-many-pixels": (
        lambda tmp, mp: ["predict", write(tmp / "wide.png", png_header(5000, 5000))],
        f"too many pixels: 5000×5000, at most {MAX_PIXELS:,}",
    ),
    "image-decompression-bomb": (
        lambda tmp, mp: ["predict", write(tmp / "bomb.png", png_header(40000, 40000))],
        "too many pixels",
    ),
    "nonexistent-image": (
        lambda tmp, mp: ["predict", a_digit(tmp), tmp / "missing.png"],
        "missing.png: No such file or directory",
    ),
    "image-is-a-folder": (
        lambda tmp, mp: ["predict", tmp],
        "Is a directory",
    ),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_user_error(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_argv, expected = ERRORS[case]
    argv = make_argv(tmp_path, monkeypatch)
    run = cnnviz(*argv)
    assert run.code == 2, run
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert "Traceback" not in run.err
    assert expected in run.err
    assert run.out == ""
    assert not (tmp_path / "x.npz").exists()


# --- real processes -----------------------------------------------------------------------------

CLI = [sys.executable, "-m", "cnnviz"]


def test_console_evaluate_json(tiny: Tiny) -> None:
    env = {**os.environ, ENV_DATA_DIR: str(tiny.root)}
    result = subprocess.run(
        [*CLI, "evaluate", "--model", "simple-mnist", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()
    report = json.loads(line)
    assert report["model"] == "simple-mnist"
    assert report["count"] == N_TEST
    matrix = np.array(report["confusion_matrix"])
    assert matrix.sum(axis=1).tolist() == tiny.class_counts()
    assert report["accuracy"] == np.trace(matrix) / N_TEST


@pytest.mark.parametrize("json_flag", [["--json"], []], ids=["json", "text"])
def test_reader_going_away_is_no_traceback(tiny: Tiny, json_flag: list[str]) -> None:
    """`cnnviz evaluate ... | head -c 10`, with a reader that leaves before anything is written
    (as soon as the process starts), so the broken pipe happens every time."""
    env = {**os.environ, ENV_DATA_DIR: str(tiny.root)}
    proc = subprocess.Popen(
        [*CLI, "evaluate", "--model", "simple-mnist", *json_flag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdout.close()
    try:
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    finally:
        proc.stderr.close()
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert err == ""
    assert code == 1
