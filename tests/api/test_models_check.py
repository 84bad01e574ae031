"""`POST /api/models/check`: a layer spec's shapes and parameters, computed by the engine,
without saving anything; a layer that does not fit is named (a verdict, 200: the page asks
while the user builds, and a refusal would be an error in the browser's console)."""

SMALL = [
    {"type": "Conv2D", "out_channels": 4, "kernel_size": 5, "padding": "same"},
    {"type": "ReLU"},
    {"type": "MaxPool2D", "kernel_size": 2},
    {"type": "Conv2D", "out_channels": 6, "kernel_size": 3, "stride": 2},
    {"type": "Flatten"},
    {"type": "Dense", "out_features": 3},
]


def test_a_spec_gets_its_shapes_parameters_and_in_sizes_filled_in(client):
    response = client.post("/api/models/check", json={"spec": {"layers": SMALL}, "classes": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fits"] is True and body["fault"] is None, body
    # By hand: 28 same-padded stays 28; pooled 14; (14 - 3) // 2 + 1 = 6; 6·6·6 = 216.
    assert [row["output_shape"] for row in body["layers"]] == [
        [4, 28, 28],
        [4, 28, 28],
        [4, 14, 14],
        [6, 6, 6],
        [216],
        [3],
    ]
    assert body["layers"][0]["input_shape"] == [1, 28, 28]
    # 4·1·5·5 + 4 = 104; 6·4·3·3 + 6 = 222; 3·216 + 3 = 651
    assert [row["parameters"] for row in body["layers"]] == [104, 0, 0, 222, 0, 651]
    assert body["parameters"] == 104 + 222 + 651
    assert body["layers"][3]["geometry"]["stride"] == [2, 2]
    layers = body["spec"]["layers"]
    assert (layers[0]["in_channels"], layers[3]["in_channels"], layers[5]["in_features"]) == (
        1,
        4,
        216,
    )
    created = client.post("/api/models", json={"spec": body["spec"]})
    assert created.status_code == 201, created.text


def fault(client, spec: dict, **extra) -> dict:
    response = client.post("/api/models/check", json={"spec": spec, **extra})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fits"] is False and body["layers"] == [] and body["spec"] is None, body
    return body["fault"]


def test_a_layer_that_does_not_fit_is_named_and_nothing_is_saved(client):
    before = client.get("/api/models").json()
    pools = [{"type": "MaxPool2D", "kernel_size": 4}] * 3
    detail = fault(
        client, {"layers": [*pools, {"type": "Flatten"}, {"type": "Dense", "out_features": 2}]}
    )
    # 28 // 4 = 7, 7 // 4 = 1: the third window does not fit
    assert detail["layer"] == 3, detail
    assert detail["shapes"] == [[1, 7, 7], [1, 1, 1]], detail
    assert detail["message"] == "MaxPool2D input 1×1 is smaller than its 4×4 window", detail

    flat = {
        "layers": [{"type": "Flatten"}, {"type": "Conv2D", "out_channels": 2, "kernel_size": 3}]
    }
    detail = fault(client, flat)
    assert detail["layer"] == 2 and "move it before Flatten" in detail["message"], detail
    assert detail["shapes"] == [[784]], detail

    detail = fault(client, {"layers": [{"type": "Dense", "out_features": 2}]})
    assert detail["layer"] == 1 and "add a Flatten before it" in detail["message"], detail

    wide = {"layers": [{"type": "Flatten"}, {"type": "Dense", "out_features": 10_000}]}
    detail = fault(client, wide)
    assert detail["layer"] == 2 and "5,000,000" in detail["message"], detail

    detail = fault(
        client,
        {"layers": [{"type": "Conv2D", "out_channels": 4, "kernel_size": 3, "padding": "wide"}]},
    )
    assert detail["layer"] == 1 and "padding" in detail["message"], detail

    detail = fault(client, {"layers": SMALL}, classes=2)
    assert detail["layer"] == 6 and "2 classes need 2" in detail["message"], detail
    assert len(detail["shapes"]) == 6, detail

    detail = fault(client, {"layers": [{"type": "Flatten"}, {"type": "ReLU"}]})
    assert detail["layer"] is None and "2 to 10 numbers" in detail["message"], detail
    assert client.get("/api/models").json() == before


def test_a_body_that_is_not_a_spec_is_refused(client):
    response = client.post("/api/models/check", json={"spec": {"layers": []}})
    assert response.status_code == 422, response.text
    response = client.post("/api/models/check", json={"spec": {"layers": SMALL}, "classes": 1})
    assert response.status_code == 422, response.text
