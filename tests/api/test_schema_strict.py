"""The schema and the server agree: a number is a number (no "3" or true where an int is
declared), and every range the server enforces is stated in /openapi.json, so a client (or a
schema-driven test) knows it before sending."""

import pytest
from fastapi.testclient import TestClient

PIXELS = [[0.0] * 28 for _ in range(28)]
MODEL = "/api/models/lenet5-mnist"


def _refused_field(response) -> list:
    """The location of the first refused field of a 422, e.g. ["body", "target"]."""
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list), detail
    return detail[0]["loc"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"{MODEL}/trace", {"pixels": PIXELS, "target": "3"}, "target"),
        (f"{MODEL}/trace", {"pixels": PIXELS, "target": True}, "target"),
        (f"{MODEL}/trace", {"pixels": PIXELS, "target": 3.5}, "target"),
        (f"{MODEL}/predict", {"pixels": [["0.5"] * 28] * 28}, "pixels"),
        ("/api/conv/apply", {"pixels": PIXELS, "kernel": "edge", "flip": "true"}, "flip"),
        ("/api/conv/apply", {"pixels": PIXELS, "kernel": "edge", "flip": 1}, "flip"),
        ("/api/conv/apply", {"pixels": PIXELS, "kernel": "edge", "stride": "1"}, "stride"),
        ("/api/conv/apply", {"pixels": PIXELS, "kernel": "edge", "dilation": "2"}, "dilation"),
        ("/api/models", {"preset": "simple", "seed": "1"}, "seed"),
        (
            f"{MODEL}/conv-step",
            {"pixels": PIXELS, "layer": "conv1", "channel": 0, "row": 0, "col": 0, "upstream": "1"},
            "upstream",
        ),
        (
            f"{MODEL}/pool-step",
            {"pixels": PIXELS, "layer": "pool1", "channel": "0", "row": 0, "col": 0},
            "channel",
        ),
    ],
)
def test_a_string_or_a_boolean_is_not_a_number(
    client: TestClient, path: str, body: dict, field: str
) -> None:
    assert _refused_field(client.post(path, json=body))[:2] == ["body", field]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/conv/apply", {"pixels": PIXELS, "kernel": "edge", "dilation": 0}, "dilation"),
        ("/api/conv/apply", {"pixels": PIXELS, "kernel": "edge", "stride": [1, 0]}, "stride"),
        ("/api/conv/apply", {"pixels": PIXELS, "kernel": [[1e7]]}, "kernel"),
        (f"{MODEL}/trace", {"pixels": PIXELS, "target": 10}, "target"),
        (
            f"{MODEL}/conv-step",
            {"pixels": PIXELS, "layer": "conv1", "channel": -1, "row": 0, "col": 0},
            "channel",
        ),
    ],
)
def test_a_number_out_of_its_stated_range_is_refused(
    client: TestClient, path: str, body: dict, field: str
) -> None:
    assert _refused_field(client.post(path, json=body))[:2] == ["body", field]


def test_a_label_out_of_range_is_refused_by_the_query_schema(client: TestClient) -> None:
    response = client.get("/api/datasets/mnist/samples", params={"label": 15060})
    assert _refused_field(response) == ["query", "label"]


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _bounds(schema: dict, node: dict) -> list[tuple]:
    """Every (minimum, maximum) stated in a property's schema, through anyOf and arrays."""
    node = _resolve(schema, node)
    found = []
    if "minimum" in node or "maximum" in node:
        found.append((node.get("minimum"), node.get("maximum")))
    for option in node.get("anyOf", []):
        found += _bounds(schema, option)
    if "items" in node:
        found += _bounds(schema, node["items"])
    return found


@pytest.mark.parametrize(
    ("model", "field", "expected"),
    [
        ("ConvApplyRequest", "dilation", (1, 8)),
        ("ConvApplyRequest", "stride", (1, 64)),
        ("ConvApplyRequest", "padding", (0, 32)),
        ("TraceRequest", "target", (0, 9)),
        ("ConvStepRequest", "channel", (0, None)),
        ("ConvStepRequest", "target_class", (0, 9)),
    ],
)
def test_the_schema_states_the_ranges_the_server_enforces(
    client: TestClient, model: str, field: str, expected: tuple
) -> None:
    schema = client.get("/openapi.json").json()
    properties = schema["components"]["schemas"][model]["properties"]
    assert expected in _bounds(schema, properties[field])


def test_the_samples_label_range_is_in_the_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    parameters = schema["paths"]["/api/datasets/{name}/samples"]["get"]["parameters"]
    label = next(p for p in parameters if p["name"] == "label")
    assert (0, 9) in _bounds(schema, label["schema"])
