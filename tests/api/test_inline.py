"""Small predictions run on the event loop, everything else in the thread pool, with the same
answers either way (`cnnviz.api.inline`)."""

import base64
import threading

import anyio
import numpy as np
import pytest
from PIL import Image
from tests.strokes import canvas, data_url, drawing, encode

from cnnviz.api import inline
from cnnviz.api.inputs import DigitInput
from cnnviz.data.imagefile import ImageError
from cnnviz.models.errors import ModelNotFoundError
from cnnviz.models.store import ModelStore
from cnnviz.nn import Sequential
from cnnviz.nn.layers import Conv2D, Dense, Flatten

MODEL = "lenet5-mnist"


@pytest.fixture
def store(tmp_path) -> ModelStore:
    return ModelStore(tmp_path / "models")


def runs_on_the_loop(store: ModelStore, model_id: str, digit: DigitInput) -> bool:
    """Whether `run_digit_work` ran the work on the event loop's own thread."""

    async def main() -> bool:
        loop_thread = threading.current_thread()

        def work(entry, body):
            assert entry.id == model_id and body is digit
            return threading.current_thread() is loop_thread

        return await inline.run_digit_work(work, store, model_id, digit)

    return anyio.run(main)


def test_a_canvas_through_a_loaded_lenet_runs_inline(store):
    digit = DigitInput(image=canvas("7"))
    assert not runs_on_the_loop(store, MODEL, digit)  # first use: loaded from disk in the pool
    assert runs_on_the_loop(store, MODEL, digit)
    assert runs_on_the_loop(store, MODEL, DigitInput(pixels=np.zeros((28, 28)).tolist()))


def test_large_drawings_and_models_go_to_the_thread_pool(store):
    store.get(MODEL)
    side = int(inline.INLINE_PIXELS**0.5) + 1
    large = DigitInput(image=data_url(drawing("7", style="RGBA", size=(side, side))))
    assert not runs_on_the_loop(store, MODEL, large)
    noise = np.random.default_rng(0).integers(0, 256, (280, 280, 4), dtype=np.uint8)
    long_text = DigitInput(image=data_url(encode(Image.fromarray(noise, "RGBA"))))
    assert len(long_text.image) > inline.INLINE_PAYLOAD
    assert not runs_on_the_loop(store, MODEL, long_text)

    wide = Sequential(
        Conv2D(1, 96, 5, padding=2), Flatten(), Dense(96 * 28 * 28, 10), input_shape=(1, 28, 28)
    )
    entry = store.add(wide, {})
    assert entry.multiply_adds > inline.INLINE_MULTIPLY_ADDS
    assert not runs_on_the_loop(store, entry.id, DigitInput(image=canvas("7")))


def test_unknown_ids_and_unreadable_drawings_raise_before_any_work(store):
    store.get(MODEL)
    with pytest.raises(ModelNotFoundError):
        runs_on_the_loop(store, "no-such-model", DigitInput(image=canvas("7")))
    with pytest.raises(ImageError, match="not valid base64"):
        runs_on_the_loop(store, MODEL, DigitInput(image="data:image/png;base64,@@@"))
    not_png = base64.b64encode(b"hello, world").decode()
    with pytest.raises(ImageError, match="cannot be read"):
        runs_on_the_loop(store, MODEL, DigitInput(image=not_png))


def test_inline_and_thread_pool_answers_are_identical(client, monkeypatch):
    path = f"/api/models/{MODEL}/predict"
    body = {"image": canvas("4")}
    client.post(path, json=body)  # loads the model
    inline_answer = client.post(path, json=body)
    monkeypatch.setattr(inline, "INLINE_PIXELS", 0)
    pooled_answer = client.post(path, json=body)
    assert inline_answer.status_code == pooled_answer.status_code == 200
    assert inline_answer.content == pooled_answer.content
    assert inline_answer.json()["label"] == "4"


def test_inline_errors_are_the_same_clear_4xx(client):
    path = f"/api/models/{MODEL}/predict"
    client.post(path, json={"image": canvas("4")})  # loaded, so the next requests run inline
    empty = data_url(encode(Image.new("RGBA", (280, 280))))
    response = client.post(path, json={"image": empty})
    assert response.status_code == 422
    assert "the drawing is empty" in response.text
    response = client.post("/api/models/nope-123/predict", json={"image": canvas("4")})
    assert response.status_code == 404
    assert "GET /api/models lists them" in response.text
