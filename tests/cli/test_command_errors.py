"""User errors of `cnnviz train`, `evaluate` and `predict`: each is exit code 2 and one line on
stderr that says what to fix, with nothing on stdout and no model written."""

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from tests.cli.commands import TRAIN, cnnviz
from tests.strokes import drawing, encode

from cnnviz.data.imagefile import MAX_BYTES, MAX_PIXELS
from cnnviz.data.store import ENV_DATA_DIR
from cnnviz.models.bundled import PRETRAINED_DIR

pytestmark = pytest.mark.usefixtures("bars_env")


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
