"""A model's layer rows carry a note where a layer's name does not say what it does: Dropout's
p (and that it is off when the network reads an input), Rescale's formula; other layers none."""


def test_dropout_and_rescale_rows_say_what_they_do(client):
    spec = {
        "layers": [
            {"type": "Rescale", "scale": 2, "offset": -1},
            {"type": "Flatten"},
            {"type": "Dense", "in_features": 784, "out_features": 16},
            {"type": "Dropout", "p": 0.25},
            {"type": "Dense", "in_features": 16, "out_features": 10},
        ]
    }
    created = client.post("/api/models", json={"spec": spec})
    assert created.status_code == 201, created.text
    rows = client.get(f"/api/models/{created.json()['id']}").json()["layers"]
    assert [row["note"] for row in rows] == [
        "y = x·2 − 1",
        None,
        None,
        "p 0.25; off when reading",
        None,
    ]
    checked = client.post("/api/models/check", json={"spec": spec}).json()
    assert [row["note"] for row in checked["layers"]] == [row["note"] for row in rows]


def test_the_presets_notes(client):
    created = client.post("/api/models", json={"preset": "cnn32-64-64"}).json()
    rows = client.get(f"/api/models/{created['id']}").json()["layers"]
    assert {row["name"]: row["note"] for row in rows if row["note"]} == {
        "dropout1": "p 0.5; off when reading"
    }
    created = client.post("/api/models", json={"preset": "sigmoid01"}).json()
    rows = client.get(f"/api/models/{created['id']}").json()["layers"]
    assert {row["name"]: row["note"] for row in rows if row["note"]} == {
        "rescale1": "y = x·1 − 0.5"
    }
