"""Issue 12's training options through the API: the notebooks' recipes (each one a body the plan
accepts), a new learning rate for a running job, a one-output network for two classes, first-N
subsets and keep_best reported in the job's record. Jobs run on made-up MNIST files in
`CNNVIZ_DATA_DIR`, large enough for every recipe's sizes, on both job backends (`jobs_client`:
embedded, and a broker whose worker hears the new learning rate through Redis)."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.sse_client import read_sse
from tests.tiny_mnist import make_tiny_mnist
from tests.waiting import wait_for_job

from cnnviz.data.store import ENV_DATA_DIR

pytestmark = pytest.mark.timeout(120)  # a backstop: every wait below has its own deadline

RECIPE_NAMES = [
    "sigmoid-0-vs-1",
    "conv-pool-softmax-first-1000",
    "scratch-classifier",
    "lenet",
    "cnn32-64-64",
]
PACED = {"model": "simple", "epochs": 500, "batch_size": 16, "emit_filters": False}


@pytest.fixture(autouse=True)
def data(tmp_path: Path, monkeypatch) -> Path:
    # 6,000 training digits hold 1,200 zeros and ones (the sigmoid recipe takes 1,100);
    # 1,000 test digits hold 200 (it tests on the first 200).
    root = make_tiny_mnist(tmp_path / "data", train=6000, test=1000)
    monkeypatch.setenv(ENV_DATA_DIR, str(root))
    return root


def start(client: TestClient, body: dict) -> str:
    response = client.post("/api/train", json=body)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def test_the_recipes_are_the_contract_names_and_each_plan_fits(client):
    recipes = client.get("/api/train/recipes").json()
    assert [r["name"] for r in recipes] == RECIPE_NAMES
    for recipe in recipes:
        assert (
            recipe["title"]
            and recipe["note"]
            and recipe["notebook"] in {"000", "001", "002", "003", "004"}
        )
        plan = client.post("/api/train/plan", json=recipe["config"]).json()
        assert plan["fits"], (recipe["name"], plan["problems"])
    by_name = {r["name"]: r for r in recipes}
    sigmoid = client.post("/api/train/plan", json=by_name["sigmoid-0-vs-1"]["config"]).json()
    assert (sigmoid["train_size"], sigmoid["validation_size"], sigmoid["test_size"]) == (
        1000,
        100,
        200,
    )
    assert sigmoid["layers"][-1]["shape"] == [1]  # one sigmoid output
    groups = by_name["scratch-classifier"]["config"]["param_groups"]
    assert groups == [
        {
            "layers": ["fc1", "fc2", "fc3"],
            "optimizer": "adagrad",
            "lr": 0.01,
            "optimizer_kwargs": {},
        }
    ]


def test_a_test_size_over_the_test_images_is_a_problem_of_the_plan(client):
    plan = client.post("/api/train/plan", json={"classes": [0, 1], "test_size": 201}).json()
    assert not plan["fits"] and plan["test_available"] == 200
    assert "test_size 201 is larger than the 200 test images" in " ".join(plan["problems"])
    assert plan["fields"]["test_size"] == "at most 200 for these classes"


def test_a_new_learning_rate_reaches_a_running_job_at_its_next_batch(jobs_client):
    client = jobs_client
    job_id = start(client, {**PACED, "steps_per_second": 20, "lr": 0.001})
    wait_for_job(client, job_id, lambda j: j["progress"]["global_step"] >= 2)
    answer = client.post(f"/api/train/{job_id}/lr", json={"lr": 0.0004})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": job_id, "state": "running", "lr": 0.0004}
    wait_for_job(client, job_id, lambda j: j["metrics"].get("lr") == 0.0004)
    client.post(f"/api/train/{job_id}/stop")
    wait_for_job(client, job_id)
    events = [event.data for event in read_sse(client, f"/api/train/{job_id}/events")]
    (change,) = [e for e in events if e["type"] == "lr"]
    assert change["lr"] == 0.0004 and change["previous"] == 0.001
    steps = [e for e in events if e["type"] == "step"]
    assert {s["lr"] for s in steps if s["global_step"] <= change["global_step"]} == {0.001}
    assert {s["lr"] for s in steps if s["global_step"] > change["global_step"]} == {0.0004}

    ended = client.post(f"/api/train/{job_id}/lr", json={"lr": 0.01})
    assert ended.status_code == 409
    assert ended.json()["detail"] == f"job {job_id} is done; it takes no more commands"


@pytest.mark.parametrize("body", [{"lr": 0}, {"lr": 11}, {"lr": "fast"}, {}, {"lr": 0.1, "x": 1}])
def test_a_learning_rate_out_of_range_is_a_422(client, body):
    response = client.post("/api/train/some-job-1234/lr", json=body)
    assert response.status_code == 422


def test_the_learning_rate_of_an_unknown_job_is_a_404(client):
    response = client.post("/api/train/nope-1234/lr", json={"lr": 0.1})
    assert response.status_code == 404 and response.json()["detail"]


def test_a_one_output_run_on_the_first_digits_keeps_its_best_epoch(jobs_client):
    client = jobs_client
    body = {
        "model": "sigmoid01",
        "classes": [0, 1],
        "optimizer": "sgd",
        "lr": 0.01,
        "batch_size": 10,
        "epochs": 3,
        "train_subset": "first",
        "train_size": 100,
        "validation_size": 50,
        "test_subset": "first",
        "test_size": 30,
        "keep_best": True,
    }
    job = wait_for_job(client, start(client, body))
    assert job["state"] == "done", job
    assert job["evaluated"] == "the first 30 test digits"
    assert job["best_epoch"] in (1, 2, 3)
    model = next(m for m in client.get("/api/models").json() if m["id"] == job["model_id"])
    assert model is not None
    detail = client.get(f"/api/models/{job['model_id']}").json()
    assert detail["metadata"]["best_epoch"] == job["best_epoch"]


def test_a_one_output_network_for_three_classes_is_refused_with_the_reason(client):
    response = client.post("/api/train", json={"model": "sigmoid01", "classes": [0, 1, 2]})
    assert response.status_code == 422
    assert "learns exactly two classes, not 3" in response.json()["detail"]["message"]
