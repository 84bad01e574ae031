"""`cnnviz evaluate` on the bars dataset (tests/cli/commands.py), of the model the tests trained
and of a bundled one: JSON and text reports checked against a count by hand, in-process and as
real subprocesses (the console path, and a reader that goes away)."""

import json
import os
import subprocess

import numpy as np
import pytest
from tests.cli.commands import N_TEST, BarsData, accuracy_by_hand, ok
from tests.live_server import CLI, stop

from cnnviz.data.store import ENV_DATA_DIR
from cnnviz.models.bundled import load_model

pytestmark = pytest.mark.usefixtures("bars_env")


@pytest.fixture(params=["trained", "simple-mnist"])
def model_arg(request: pytest.FixtureRequest) -> str:
    """The model the tests trained (a path; it scores 100% on bars), or a bundled one (an id;
    bars are not digits, so its confusion matrix is far from diagonal)."""
    if request.param == "trained":
        return str(request.getfixturevalue("trained")[0])
    return request.param


def test_evaluate_json(model_arg: str, bars_data: BarsData) -> None:
    run = ok("evaluate", "--model", model_arg, "--json")
    lines = run.out.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    accuracy = report["accuracy"]
    assert 0.0 <= accuracy <= 1.0
    matrix = np.array(report["confusion_matrix"])
    assert matrix.shape == (10, 10)
    assert matrix.sum(axis=1).tolist() == bars_data.class_counts()
    assert accuracy == np.trace(matrix) / matrix.sum()
    model, _ = load_model(model_arg)
    assert accuracy == accuracy_by_hand(model, bars_data.test_images, bars_data.test_labels)
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


def test_console_evaluate_json(bars_data: BarsData) -> None:
    env = {**os.environ, ENV_DATA_DIR: str(bars_data.root)}
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
    assert matrix.sum(axis=1).tolist() == bars_data.class_counts()
    assert report["accuracy"] == np.trace(matrix) / N_TEST


@pytest.mark.parametrize("json_flag", [["--json"], []], ids=["json", "text"])
def test_reader_going_away_is_no_traceback(bars_data: BarsData, json_flag: list[str]) -> None:
    """`cnnviz evaluate ... | head -c 10`, with a reader that leaves before anything is written
    (as soon as the process starts), so the broken pipe happens every time."""
    env = {**os.environ, ENV_DATA_DIR: str(bars_data.root)}
    proc = subprocess.Popen(
        [*CLI, "evaluate", "--model", "simple-mnist", *json_flag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdout.close()
    try:
        _, err_bytes = proc.communicate(timeout=60)
    finally:
        stop(proc)
    err, code = err_bytes.decode(), proc.returncode
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert err == ""
    assert code == 1
