"""`PATCH /api/models/{id}`: renaming a user model, kept in its file (a new store on the same
folder, a new app and an export all see the name), with every refusal; and what the model
summaries say about a model's classes."""

import datetime as dt
import errno
import json

import pytest
from fastapi.testclient import TestClient
from tests.model_specs import TWO_CLASSES
from tests.tiny_mnist import make_tiny_mnist
from tests.waiting import wait_for_job

from cnnviz.api.main import create_app
from cnnviz.data.store import ENV_DATA_DIR
from cnnviz.models.store import ModelStore
from cnnviz.nn import serialize as serialize_module
from cnnviz.settings import Settings

QUICK = {"model": "simple", "epochs": 1, "batch_size": 32}
OCTET = {"content-type": "application/octet-stream"}


def create(client: TestClient, **body) -> dict:
    response = client.post("/api/models", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def refusal(response, status: int) -> str:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else json.dumps(detail)


# -- renaming ------------------------------------------------------------------------------------
def test_a_rename_is_answered_listed_and_kept_on_disk(client: TestClient, settings: Settings):
    made = create(client, preset="simple")
    response = client.patch(f"/api/models/{made['id']}", json={"name": "  Ada's 0 vs 1  "})
    assert response.status_code == 200, response.text
    renamed = response.json()
    assert renamed["name"] == "Ada's 0 vs 1"  # stripped
    assert renamed["label"] == made["label"]  # what it is does not change
    assert (renamed["id"], renamed["accuracy_text"]) == (made["id"], "untrained")
    listed = {m["id"]: m for m in client.get("/api/models").json()}
    assert listed[made["id"]]["name"] == "Ada's 0 vs 1"
    assert client.get(f"/api/models/{made['id']}").json()["name"] == "Ada's 0 vs 1"
    # a store opened afresh on the same folder reads the name from the file
    assert ModelStore(settings.models_dir).summary(made["id"])["name"] == "Ada's 0 vs 1"
    with TestClient(create_app(settings)) as restarted:
        again = {m["id"]: m for m in restarted.get("/api/models").json()}
        assert again[made["id"]]["name"] == "Ada's 0 vs 1"


def test_a_renamed_model_still_predicts_as_before(client: TestClient) -> None:
    made = create(client, preset="lenet5", seed=4)
    pixels = {"pixels": [[(r * 28 + c) % 7 / 7 for c in range(28)] for r in range(28)]}
    before = client.post(f"/api/models/{made['id']}/predict", json=pixels).json()
    assert client.patch(f"/api/models/{made['id']}", json={"name": "same"}).status_code == 200
    after = client.post(f"/api/models/{made['id']}/predict", json=pixels).json()
    assert after["probabilities"] == before["probabilities"]


def test_the_name_travels_with_an_export(client: TestClient) -> None:
    made = create(client, preset="simple")
    client.patch(f"/api/models/{made['id']}", json={"name": "travels"})
    exported = client.get(f"/api/models/{made['id']}/export").content
    imported = client.post("/api/models/import", content=exported, headers=OCTET)
    assert imported.status_code == 201, imported.text
    assert imported.json()["name"] == "travels"
    assert imported.json()["id"] != made["id"]


def test_renaming_twice_keeps_the_last(client: TestClient) -> None:
    made = create(client, preset="simple", name="first")
    client.patch(f"/api/models/{made['id']}", json={"name": "second"})
    client.patch(f"/api/models/{made['id']}", json={"name": "third"})
    assert client.get(f"/api/models/{made['id']}").json()["name"] == "third"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": ""}, "at least 1 character"),
        ({"name": "   "}, "at least one visible"),
        ({"name": "x" * 65}, "at most 64 characters"),
        ({"name": "<b>bold</b>"}, "no '<' or '>'"),
        ({"name": "a\u202eb"}, "no control or bidirectional"),
        ({"name": 12}, "valid string"),
        ({}, "Field required"),
        ({"name": "ok", "colour": "red"}, "Extra inputs are not permitted"),
    ],
)
def test_a_bad_name_is_422_saying_what_a_name_may_be(client: TestClient, body, expected) -> None:
    made = create(client, preset="simple", name="kept")
    assert expected in refusal(client.patch(f"/api/models/{made['id']}", json=body), 422)
    assert client.get(f"/api/models/{made['id']}").json()["name"] == "kept"


def test_a_64_character_name_is_the_longest_taken(client: TestClient) -> None:
    made = create(client, preset="simple")
    response = client.patch(f"/api/models/{made['id']}", json={"name": "n" * 64})
    assert response.status_code == 200 and response.json()["name"] == "n" * 64


def test_bundled_models_refuse_a_rename_and_say_why(client: TestClient) -> None:
    detail = refusal(client.patch("/api/models/lenet5-mnist", json={"name": "mine"}), 403)
    assert "bundled" in detail and "export it and import the copy" in detail
    listed = {m["id"]: m for m in client.get("/api/models").json()}
    assert listed["lenet5-mnist"]["name"] == listed["lenet5-mnist"]["label"]


def test_unknown_and_malformed_ids(client: TestClient) -> None:
    assert "no model" in refusal(client.patch("/api/models/no-such", json={"name": "x"}), 404)
    assert client.patch("/api/models/Bad_Id", json={"name": "x"}).status_code == 422


def test_a_deleted_model_cannot_be_renamed(client: TestClient, settings: Settings) -> None:
    made = create(client, preset="simple")
    assert client.delete(f"/api/models/{made['id']}").status_code == 204
    assert client.patch(f"/api/models/{made['id']}", json={"name": "x"}).status_code == 404
    assert not (settings.models_dir / f"{made['id']}.npz").exists()  # not brought back


def test_a_rename_on_a_full_disk_is_507_and_keeps_the_old_file(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = create(client, preset="simple", name="before")
    path = settings.models_dir / f"{made['id']}.npz"
    saved = path.read_bytes()

    def no_space(file, **arrays) -> None:  # np.savez_compressed on a disk that fills up
        file.write(b"PK\x03\x04" + b"\0" * 4096)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(serialize_module.np, "savez_compressed", no_space)
    response = client.patch(f"/api/models/{made['id']}", json={"name": "after"})
    assert response.status_code == 507, response.text
    assert "No space left on device" in response.json()["detail"]
    assert path.read_bytes() == saved
    assert sorted(p.name for p in settings.models_dir.iterdir()) == [path.name]  # no .part
    assert client.get(f"/api/models/{made['id']}").json()["name"] == "before"


# -- what the summaries say ----------------------------------------------------------------------
def test_a_two_class_model_lists_its_classes_and_warns(client: TestClient) -> None:
    before = dt.datetime.now().astimezone()
    made = create(client, spec=TWO_CLASSES)
    after = dt.datetime.now().astimezone()
    assert made["classes"] == ["0", "1"]
    assert made["classes_warning"] == (
        "This model knows only 0 and 1: any other digit you draw will be read as one of them."
    )
    made_at = {f"{t.day} {t:%b} {t:%H:%M}" for t in (before, after)}  # a minute may turn
    assert made["label"] in {f"Custom network · digits 0-1 · {t}" for t in made_at}
    assert made["name"] == made["label"]  # no name given: its label names it
    predicted = client.post(
        f"/api/models/{made['id']}/predict", json={"pixels": [[0.0] * 28] * 28}
    ).json()
    assert predicted["classes"] == made["classes"]


def test_the_bundled_summaries_name_their_classes(client: TestClient) -> None:
    listed = {m["id"]: m for m in client.get("/api/models").json()}
    lenet = listed["lenet5-mnist"]
    assert lenet["classes"] == [str(d) for d in range(10)]
    assert lenet["label"] == "LeNet-5 · digits 0-9 · MNIST · 23 Nov 2026"
    assert lenet["accuracy_text"] == f"{100 * lenet['accuracy']:.2f}% on 0-9" == "98.84% on 0-9"
    assert lenet["classes_warning"] is None
    assert listed["simple-mnist"]["label"] == "Simple CNN · digits 0-9 · MNIST · 23 Nov 2026"


def test_a_trained_0_vs_1_model_is_named_by_what_it_is(
    tmp_path, monkeypatch: pytest.MonkeyPatch, client: TestClient
) -> None:
    monkeypatch.setenv(ENV_DATA_DIR, str(make_tiny_mnist(tmp_path / "data")))
    before = dt.datetime.now().astimezone()
    started = client.post("/api/train", json={**QUICK, "classes": [0, 1]})
    assert started.status_code == 202, started.text
    job = wait_for_job(client, started.json()["id"])
    after = dt.datetime.now().astimezone()
    assert job["state"] == "done", job
    model = {m["id"]: m for m in client.get("/api/models").json()}[job["model_id"]]
    done_at = {f"{t.day} {t:%b} {t:%H:%M}" for t in (before, after)}
    assert model["label"] in {f"Simple CNN · digits 0-1 · MNIST · {t}" for t in done_at}
    assert model["classes"] == ["0", "1"]
    accuracy = job["metrics"]["test_accuracy"]
    assert model["accuracy_text"] == f"{100 * accuracy:.2f}% on 0-1"
    assert model["classes_warning"].startswith("This model knows only 0 and 1:")
