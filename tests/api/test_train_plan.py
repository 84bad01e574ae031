"""`POST /api/train/plan` (what a run would be, or why it cannot run: a verdict, always 200) and
the refusals of `POST /api/train` that share its words: the watch pace, the validation points and
the probe layer among the fields. The data is made here: 300 images of each digit to train on."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.tiny_mnist import make_tiny_mnist

from cnnviz.data.store import ENV_DATA_DIR

#: The Train view's default run: two digits, 500 images, 5 epochs, 2 steps a second.
WATCH = {
    "model": "simple",
    "classes": [0, 1],
    "train_size": 500,
    "batch_size": 32,
    "epochs": 5,
    "steps_per_second": 2,
}


@pytest.fixture(autouse=True)
def tiny_data(tmp_path: Path, monkeypatch) -> Path:
    root = make_tiny_mnist(tmp_path / "data", train=3000, test=40)
    monkeypatch.setenv(ENV_DATA_DIR, str(root))
    return root


def plan(client: TestClient, body: dict) -> dict:
    response = client.post("/api/train/plan", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_watch_run_is_planned_from_the_images_on_the_server(client):
    got = plan(client, WATCH)
    assert got["fits"] is True and got["problems"] == [] and got["fields"] == {}
    # 300 of each digit: 600 zeros and ones, a tenth held out, 540 left, 500 trained on.
    assert got["class_counts"] == [300, 300] and got["available"] == 600
    assert (got["validation_size"], got["max_train_size"], got["train_size"]) == (60, 540, 500)
    # 16 batches an epoch (15 of 32, one of 20), 80 steps, a point every 3 and after the last.
    assert (got["steps_per_epoch"], got["total_steps"]) == (16, 80)
    assert (got["validate_every"], got["validation_points"]) == (3, 27)
    assert got["seconds"] == 40.0 and got["steps_per_second"] == 2
    assert got["budget"] == 10**13 and 0 < got["multiply_adds"] < got["budget"]
    assert got["probe_layer"] == "conv1"
    assert [layer["name"] for layer in got["layers"]] == ["conv1", "pool1", "flatten1", "fc1"]
    assert client.get("/api/train").json() == []  # nothing started


def test_what_the_server_cannot_serve_is_said_by_field_and_refused_up_front(client):
    body = {**WATCH, "train_size": 2000, "probe_layer": "conv7"}
    got = plan(client, body)
    assert got["fits"] is False and len(got["problems"]) == 2
    expected = {
        "train_size": "at most 540 for classes 0 and 1 (600 on the server, 60 of them held out "
        "for validation)",
        "probe_layer": "choose one of conv1, pool1, flatten1, fc1",
    }
    assert got["fields"] == expected
    refused = client.post("/api/train", json=body)
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert detail["fields"] == expected and detail["problems"] == got["problems"]
    assert detail["message"].startswith("the run cannot start: ")
    assert client.get("/api/train").json() == []


def test_numbers_out_of_their_range_are_a_verdict_in_a_forms_words(client):
    got = plan(client, {**WATCH, "epochs": 0, "steps_per_second": 51, "lr": "fast"})
    assert got["fits"] is False and got["total_steps"] is None
    assert got["fields"] == {
        "epochs": "a whole number from 1 to 1,000",
        "steps_per_second": "a number above 0 and at most 50",
        "lr": "a number above 0 and at most 10",
    }
    assert any(problem.startswith("steps_per_second: ") for problem in got["problems"])


def test_a_dataset_not_on_the_server_is_a_problem_of_the_plan(client, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "empty"))
    got = plan(client, WATCH)
    assert got["fits"] is False and got["available"] is None
    assert got["fields"] == {"dataset": "not on the server: download it first"}
    assert "/api/datasets/mnist/download" in got["problems"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("steps_per_second", 0),
        ("steps_per_second", -2),
        ("steps_per_second", 50.5),
        ("steps_per_second", "slow"),
        ("validate_every", 0),
        ("validate_every", 2.5),
        ("probe_layer", ""),
        ("probe_layer", "x" * 65),
    ],
)
def test_bad_watch_values_are_refused_with_422(client, field, value):
    response = client.post("/api/train", json={**WATCH, field: value})
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", field]


def test_a_job_keeps_its_pace_in_its_record(client):
    response = client.post("/api/train", json={**WATCH, "epochs": 1, "steps_per_second": 50})
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    record = client.get(f"/api/train/{job_id}").json()
    assert record["config"]["steps_per_second"] == 50
    assert record["config"]["validate_every"] is None
    client.post(f"/api/train/{job_id}/stop")
