"""`/api/models/{id}/export` and `/api/models/import`: a model leaves as its .npz and comes back
bit for bit, as a new user model that outlives the app."""

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from cnnviz.api.main import create_app
from cnnviz.models.bundled import PRETRAINED_DIR
from cnnviz.models.store import ModelStore
from cnnviz.nn import Sequential
from cnnviz.settings import Settings

OCTET = {"content-type": "application/octet-stream"}


def test_export_is_the_npz_as_an_attachment(client: TestClient) -> None:
    response = client.get("/api/models/lenet5-mnist/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == 'attachment; filename="lenet5-mnist.npz"'
    assert response.content == (PRETRAINED_DIR / "lenet5-mnist.npz").read_bytes()


def test_export_unknown_is_404(client: TestClient) -> None:
    assert client.get("/api/models/never-was/export").status_code == 404


@pytest.mark.parametrize("source", ["lenet5-mnist", "created"])
def test_export_import_round_trip_is_bit_identical(
    client: TestClient, settings: Settings, source: str
) -> None:
    if source == "created":
        made = client.post("/api/models", json={"preset": "tinyvgg", "seed": 5})
        assert made.status_code == 201, made.text
    model_id = made.json()["id"] if source == "created" else source
    exported = client.get(f"/api/models/{model_id}/export").content
    response = client.post("/api/models/import", content=exported, headers=OCTET)
    assert response.status_code == 201, response.text
    imported = response.json()
    assert imported["id"] != model_id
    assert imported["builtin"] is False
    assert response.headers["location"] == f"/api/models/{imported['id']}"
    if source == "lenet5-mnist":
        assert (imported["accuracy"], imported["dataset"]) == (0.9884, "mnist")
        assert "## Evaluation" in client.get(f"/api/models/{imported['id']}").json()["card"]

    store = ModelStore(settings.models_dir)
    x = np.random.default_rng(0).random((4, 1, 28, 28), dtype=np.float32)
    original = store.get(model_id).model.forward(x)
    copied = Sequential.load(settings.models_dir / f"{imported['id']}.npz").forward(x)
    np.testing.assert_array_equal(original, copied)
    assert store.get(imported["id"]).meta["imported"] is True


def test_imported_models_persist_across_apps(client: TestClient, settings: Settings) -> None:
    exported = client.get("/api/models/simple-mnist/export").content
    model_id = client.post("/api/models/import", content=exported, headers=OCTET).json()["id"]
    assert Path(settings.models_dir / f"{model_id}.npz").is_file()
    with TestClient(create_app(settings)) as again:
        assert model_id in [m["id"] for m in again.get("/api/models").json()]
