"""`cnnviz predict` on drawings of digits saved as PNG files, with each bundled model: the top
three classes as text and as JSON."""

import json
import re
from pathlib import Path

import pytest
from tests.cli.commands import ok
from tests.strokes import drawing


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
