"""App-wide behaviour: body limit, error mapping, the digit input and the array encoding."""

import json
import math
import os
from dataclasses import replace

import numpy as np
import pytest
from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import ValidationError

from cnnviz.api.encoding import decode_array, encode_array
from cnnviz.api.errors import BodyLimit
from cnnviz.api.inputs import DigitInput
from cnnviz.api.main import create_app
from cnnviz.settings import Settings, SettingsError, find_frontend_dir


@pytest.fixture
def small_limit(tmp_path):
    settings = Settings(
        find_frontend_dir(), tmp_path / "models", max_body_bytes=1000, allowed_hosts=("testserver",)
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_bodies_over_the_limit_get_413_by_their_length(small_limit):
    declared = small_limit.post("/api/health", content=b"x" * 2000)
    assert declared.status_code == 413 and "1,000-byte limit" in declared.json()["detail"]
    assert small_limit.get("/api/health").status_code == 200


def test_bodies_without_a_length_are_counted_as_they_arrive():
    app = FastAPI()
    app.add_middleware(BodyLimit, max_bytes=1000)

    @app.post("/echo")
    async def echo(request: Request) -> int:
        return len(await request.body())

    def chunks(n):  # a generator body is sent chunked, without Content-Length
        yield from (b"x" * 600 for _ in range(n))

    with TestClient(app) as client:
        assert client.post("/echo", content=chunks(1)).json() == 600
        refused = client.post("/echo", content=chunks(2))
        assert refused.status_code == 413 and "limit" in refused.json()["detail"]


def test_settings_from_the_environment(tmp_path):
    env = {"CNNVIZ_MODELS_DIR": str(tmp_path), "CNNVIZ_MAX_JOBS": "3"}
    settings = Settings.from_env(env)
    assert settings.models_dir == tmp_path and settings.max_jobs == 3
    assert settings.worker_threads == max(2, os.cpu_count() or 2)
    assert Settings.from_env({**env, "CNNVIZ_WORKER_THREADS": "5"}).worker_threads == 5
    assert settings.max_queued == 100
    assert Settings.from_env({**env, "CNNVIZ_MAX_QUEUED": "7"}).max_queued == 7
    with pytest.raises(SettingsError, match="CNNVIZ_MAX_JOBS=0"):
        Settings.from_env({"CNNVIZ_MAX_JOBS": "0"})
    with pytest.raises(SettingsError, match="CNNVIZ_WORKER_THREADS=many"):
        Settings.from_env({"CNNVIZ_WORKER_THREADS": "many"})


def test_the_app_runs_plain_routes_on_worker_threads(settings):
    def tokens() -> float:
        return to_thread.current_default_thread_limiter().total_tokens

    app = create_app(replace(settings, worker_threads=3))
    with TestClient(app) as client:
        assert client.portal.call(tokens) == 3
        assert client.get("/api/health").status_code == 200


def test_pixels_in_are_their_8_bit_levels_out():
    pixels = np.random.default_rng(0).random((28, 28)).round(3)
    image, steps = DigitInput(pixels=pixels.tolist()).digit()
    assert image.dtype == np.float32 and steps is None
    levels = np.rint(pixels * 255)  # the nearest of the 256 levels, as MNIST's bytes
    np.testing.assert_array_equal(image, levels.astype(np.float32) / np.float32(255))
    assert np.abs(image - pixels).max() <= 0.5 / 255 + 1e-7


@pytest.mark.parametrize(
    "payload, message",
    [
        ({}, "exactly one"),
        ({"image": "x", "pixels": [[0] * 28] * 28}, "exactly one"),
        ({"pixels": [[0] * 28] * 27}, "at least 28 items"),
        ({"pixels": [[0] * 27] * 28}, "at least 28 items"),
        ({"pixels": [[2.0] * 28] * 28}, "less than or equal to 1"),
        ({"pixels": [[math.nan] * 28] * 28}, "finite number"),
        ({"pixels": [[-math.inf] * 28] * 28}, "finite number"),
    ],
)
def test_bad_digits_are_refused_with_a_message(payload, message):
    with pytest.raises(ValidationError, match=message):
        DigitInput(**payload)


@pytest.mark.parametrize(
    "array", [np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7, np.arange(6)]
)
def test_arrays_round_trip_through_json(array):
    encoded = json.loads(encode_array(array).model_dump_json())
    decoded = decode_array(encoded)
    assert decoded.shape == array.shape
    np.testing.assert_array_equal(decoded, array.astype(decoded.dtype))
    assert encoded["dtype"] == ("int32" if array.dtype.kind == "i" else "float32")


def test_a_non_finite_value_gets_a_422_that_says_what_to_fix(client):
    row = "[" + ",".join(["1e309", *["0"] * 27]) + "]"  # 1e309 parses as infinity
    body = '{"pixels": [' + ",".join([row] * 28) + "]}"
    response = client.post(
        "/api/models/lenet5-mnist/predict",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert "finite" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b'{"pixels": "\xff\xfe\x9f"}', "not UTF-8 text"), (b"[" * 100_000, "nests too deep")],
)
def test_a_body_that_is_not_json_text_gets_a_422_that_says_what_to_send(client, body, reason):
    # Found by schemathesis: FastAPI answered these with a 400 no route declares.
    for url in ("/api/models/lenet5-mnist/predict", "/api/conv/apply", "/api/models"):
        response = client.post(url, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, (url, response.text)
        assert reason in response.json()["detail"] and "UTF-8 JSON" in response.json()["detail"]


def test_other_http_errors_keep_their_status_and_headers(client):
    response = client.delete("/api/health")
    assert response.status_code == 405 and "GET" in response.headers["allow"]
    assert client.get("/api/nope").json() == {"detail": "Not Found"}
