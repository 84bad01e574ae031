"""Students' drawings in a class: read by the class model exactly as POST .../predict reads
them, counted into the confusion matrix, one a second, bounded; the spotlight and the settings."""

from collections import Counter

import pytest
from fastapi.testclient import TestClient
from tests.class_clients import FakeClock, join, start_class
from tests.strokes import canvas

from cnnviz.classroom.limits import MAX_DRAWING_BYTES


def predict_route(client: TestClient, image: str, model: str = "lenet5-mnist") -> dict:
    response = client.post(f"/api/models/{model}/predict", json={"image": image})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("model", ["lenet5-mnist", "simple-mnist"])
def test_a_drawing_is_read_as_the_predict_route_reads_it(
    class_client: TestClient, model: str
) -> None:
    klass = start_class(class_client)
    if model != "lenet5-mnist":
        settings = class_client.put(
            f"{klass.url}/settings", json={"model_id": model}, headers=klass.teacher
        )
        assert settings.json()["model_id"] == model
    _, student = join(class_client, klass, "Sam")
    image = canvas("4")
    sent = class_client.post(
        f"{klass.url}/drawings", json={"image": image, "label": 4}, headers=student
    )
    assert sent.status_code == 201, sent.text
    expected = predict_route(class_client, image, model)
    assert sent.json()["predicted"] == expected["index"]
    assert sent.json()["probabilities"] == expected["probabilities"]


def test_the_confusion_matrix_is_a_hand_count(
    class_client: TestClient, class_clock: FakeClock
) -> None:
    klass = start_class(class_client)
    students = [join(class_client, klass, f"pupil {n}")[1] for n in range(3)]
    # digits drawn, each sent with the digit meant, some on purpose with another
    sent = [("7", 7), ("1", 1), ("4", 4), ("0", 0), ("7", 1), ("0", 6), ("4", 9)]
    pairs = []
    for index, (digit, label) in enumerate(sent):
        image = canvas(digit)
        response = class_client.post(
            f"{klass.url}/drawings",
            json={"image": image, "label": label},
            headers=students[index % 3],
        )
        assert response.status_code == 201, response.text
        pairs.append((label, predict_route(class_client, image)["index"]))
        class_clock.advance(1.0)
    summary = class_client.get(f"{klass.url}/summary", headers=klass.teacher).json()
    counts = Counter(pairs)
    assert summary["confusion_matrix"] == [[counts[(m, p)] for p in range(10)] for m in range(10)]
    assert summary["accuracy"] == pytest.approx(sum(m == p for m, p in pairs) / len(pairs))
    assert (summary["students"], summary["drawings"]) == (3, 7)
    gallery = class_client.get(f"{klass.url}/drawings", headers=klass.teacher).json()["drawings"]
    assert [(d["label"], d["predicted"]) for d in gallery] == pairs
    assert [d["name"] for d in gallery[:3]] == ["pupil 0", "pupil 1", "pupil 2"]


def test_a_second_drawing_within_a_second_is_429(
    class_client: TestClient, class_clock: FakeClock
) -> None:
    klass = start_class(class_client)
    _, student = join(class_client, klass, "Sam")
    body = {"image": canvas("7"), "label": 7}
    assert class_client.post(f"{klass.url}/drawings", json=body, headers=student).status_code == 201
    class_clock.advance(0.5)
    again = class_client.post(f"{klass.url}/drawings", json=body, headers=student)
    assert again.status_code == 429 and again.headers["Retry-After"] == "1"
    assert "one drawing every 1 s" in again.json()["detail"]
    class_clock.advance(0.5)
    assert class_client.post(f"{klass.url}/drawings", json=body, headers=student).status_code == 201


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"image": "data:image/png;base64," + "A" * MAX_DRAWING_BYTES, "label": 1}, "at most"),
        ({"image": "data:image/png;base64,AAAA", "label": 1}, "could not be read"),
        ({"image": canvas("1"), "label": 10}, "less than or equal to 9"),
        ({"image": canvas("1"), "label": "1"}, "valid integer"),
    ],
)
def test_a_drawing_the_class_cannot_take_is_422(
    class_client: TestClient, body: dict, message: str
) -> None:
    klass = start_class(class_client)
    _, student = join(class_client, klass, "Sam")
    response = class_client.post(f"{klass.url}/drawings", json=body, headers=student)
    assert response.status_code == 422 and message in response.text, response.text


def test_the_spotlight_reaches_every_screen_and_names_follow_anonymize(
    class_client: TestClient,
) -> None:
    klass = start_class(class_client)
    _, student = join(class_client, klass, "Zoë")
    image = canvas("0")
    drawing = class_client.post(
        f"{klass.url}/drawings", json={"image": image, "label": 0}, headers=student
    ).json()
    missing = class_client.post(
        f"{klass.url}/spotlight", json={"drawing_id": "d9"}, headers=klass.teacher
    )
    assert missing.status_code == 422 and "no drawing" in missing.json()["detail"]
    shown = class_client.post(
        f"{klass.url}/spotlight", json={"drawing_id": drawing["id"]}, headers=klass.teacher
    ).json()["drawing"]
    assert shown["image"] == image and shown["name"] == "Zoë" and shown["label"] == 0
    assert class_client.get(klass.url, headers=student).json()["spotlight"] == shown
    class_client.put(f"{klass.url}/settings", json={"anonymize": True}, headers=klass.teacher)
    teacher_view = class_client.get(klass.url, headers=klass.teacher)
    assert "Zoë" not in teacher_view.text
    assert "Zoë" not in class_client.get(f"{klass.url}/drawings", headers=klass.teacher).text
    cleared = class_client.post(
        f"{klass.url}/spotlight", json={"drawing_id": None}, headers=klass.teacher
    )
    assert cleared.json() == {"drawing": None}


def test_settings_refuse_what_they_cannot_hold(class_client: TestClient) -> None:
    klass = start_class(class_client)
    url, teacher = f"{klass.url}/settings", klass.teacher
    unknown = class_client.put(url, json={"model_id": "no-such-model"}, headers=teacher)
    assert unknown.status_code == 404
    assert class_client.put(url, json={"pace": "run"}, headers=teacher).status_code == 422
    long = class_client.put(url, json={"pause_message": "x" * 201}, headers=teacher)
    assert long.status_code == 422
    paused = class_client.put(
        url,
        json={"pace": "explore", "paused": True, "pause_message": "Eyes up here"},
        headers=teacher,
    ).json()
    assert (paused["pace"], paused["paused"], paused["pause_message"]) == (
        "explore",
        True,
        "Eyes up here",
    )
    big = {"state": {f"k{n}": "x" * 400 for n in range(50)}}
    response = class_client.put(f"{klass.url}/state", json=big, headers=teacher)
    assert response.status_code == 422 and "16,384-byte limit" in response.json()["detail"]
