"""Classroom security (issue 14, acceptance 4): every route checks the token and the role, a
ticket works once and briefly, codes cannot be enumerated, names stay text, an ended class is
gone."""

import pytest
from fastapi.testclient import TestClient
from tests.class_clients import Class, FakeClock, join, start_class
from tests.sse_client import iter_sse

from cnnviz.api.schemas.inference import EXAMPLE_IMAGE
from cnnviz.classroom.codes import new_code

#: (method, path after the class's URL, body) of every route only the teacher may call.
TEACHER_ROUTES = [
    ("GET", "/drawings", None),
    ("GET", "/summary", None),
    ("PUT", "/state", {"state": {"tab": "draw"}}),
    ("PUT", "/settings", {"paused": True}),
    ("POST", "/spotlight", {"drawing_id": None}),
    ("POST", "/polls", {"question": "Which?", "options": ["a", "b"]}),
    ("POST", "/polls/p1/reveal", None),
    ("DELETE", "", None),
]
STUDENT_ROUTES = [
    ("POST", "/drawings", {"image": EXAMPLE_IMAGE, "label": 7}),
    ("POST", "/polls/p1/answers", {"answer": 0}),
]
EITHER_ROUTES = [("GET", "", None), ("POST", "/tickets", None), ("GET", "/events", None)]
EVERY_ROUTE = TEACHER_ROUTES + STUDENT_ROUTES + EITHER_ROUTES
NAMES = ["<script>alert(1)</script>", "\u202eevil.exe\u202c", "\u2067مرحبا\u2069 & <b>Ann</b>"]


def call(client: TestClient, klass: Class, route: tuple, headers: dict | None = None):
    method, path, body = route
    return client.request(method, klass.url + path, json=body, headers=headers or {})


def with_poll(client: TestClient) -> Class:
    klass = start_class(client)
    response = client.post(
        f"{klass.url}/polls", json={"question": "Q?", "options": ["a", "b"]}, headers=klass.teacher
    )
    assert response.status_code == 201, response.text
    return klass


@pytest.mark.parametrize("route", TEACHER_ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_a_student_token_on_a_teacher_route_is_403(class_client: TestClient, route) -> None:
    klass = with_poll(class_client)
    _, student = join(class_client, klass, "Sam")
    response = call(class_client, klass, route, student)
    assert response.status_code == 403, response.text
    assert "teacher" in response.json()["detail"]
    # nothing changed: the class is there, not paused, its poll not revealed
    view = class_client.get(klass.url, headers=klass.teacher).json()
    assert not view["paused"] and not view["poll"]["revealed"] and view["state"] == {}


@pytest.mark.parametrize("route", STUDENT_ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_the_teachers_token_on_a_student_route_is_403(class_client: TestClient, route) -> None:
    klass = with_poll(class_client)
    response = call(class_client, klass, route, klass.teacher)
    assert response.status_code == 403 and "student" in response.json()["detail"]


@pytest.mark.parametrize("route", EVERY_ROUTE, ids=lambda r: f"{r[0]} {r[1]}")
def test_no_token_or_a_wrong_one_is_401(class_client: TestClient, route) -> None:
    klass = with_poll(class_client)
    other = start_class(class_client)  # a real token, of another class
    for headers in ({}, {"X-Class-Token": "not-a-token"}, other.teacher):
        response = call(class_client, klass, route, headers)
        assert response.status_code == 401, (headers, response.text)
        assert "X-Class-Token" in response.json()["detail"] or "join" in response.json()["detail"]


def test_a_ticket_opens_the_stream_once_and_only_for_a_minute(
    class_client: TestClient, class_clock: FakeClock
) -> None:
    klass = start_class(class_client)
    _, student = join(class_client, klass, "Sam")
    class_client.put(f"{klass.url}/state", json={"state": {"tab": "draw"}}, headers=klass.teacher)
    ticket = class_client.post(f"{klass.url}/tickets", headers=student).json()
    assert ticket["expires_in"] == 60
    url = f"{klass.url}/events?ticket={ticket['ticket']}"
    first = next(iter_sse(class_client, url, timeout=10))
    assert first.name == "state" and first.data["state"] == {"tab": "draw"}
    reused = class_client.get(url)
    assert reused.status_code == 401 and "used already" in reused.json()["detail"]
    late = class_client.post(f"{klass.url}/tickets", headers=student).json()["ticket"]
    class_clock.advance(60.0)
    expired = class_client.get(f"{klass.url}/events?ticket={late}")
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    elsewhere = class_client.post(f"{klass.url}/tickets", headers=student).json()["ticket"]
    other = start_class(class_client)
    assert class_client.get(f"{other.url}/events?ticket={elsewhere}").status_code == 401


def test_wrong_codes_from_one_address_are_refused_while_another_still_joins(
    class_client: TestClient,
) -> None:
    klass = start_class(class_client)
    guesser = TestClient(class_client.app, client=("10.0.0.66", 40000))
    pupil = TestClient(class_client.app, client=("10.0.0.77", 40000))
    wrong = [code for code in (new_code() for _ in range(60)) if code != klass.code][:40]
    for code in wrong:
        assert guesser.post(f"/api/classes/{code}/join", json={"name": "x"}).status_code == 404
    refused = guesser.post(f"{klass.url}/join", json={"name": "x"})  # even the right code
    assert refused.status_code == 429, refused.text
    assert "too many wrong class codes" in refused.json()["detail"]
    assert int(refused.headers["Retry-After"]) > 0
    assert guesser.get(klass.url, headers=klass.teacher).status_code == 429
    assert pupil.post(f"{klass.url}/join", json={"name": "Kim"}).status_code == 201


def test_names_come_back_exactly_as_sent(class_client: TestClient) -> None:
    klass = start_class(class_client, name=NAMES[0])
    ids = {join(class_client, klass, name)[0]: name for name in NAMES}
    view = class_client.get(klass.url, headers=klass.teacher)
    assert view.json()["name"] == NAMES[0]
    assert {entry["id"]: entry["name"] for entry in view.json()["roster"]} == ids
    assert view.headers["content-type"] == "application/json"


@pytest.mark.parametrize("name", ["", "   ", "x" * 41, "two\nlines", "nul\x00"])
def test_a_name_that_cannot_be_shown_is_422(class_client: TestClient, name: str) -> None:
    klass = start_class(class_client)
    response = class_client.post(f"{klass.url}/join", json={"name": name})
    assert response.status_code == 422, response.text


def test_an_ended_class_answers_404_everywhere_and_its_folder_is_gone(
    class_client: TestClient, settings
) -> None:
    klass = with_poll(class_client)
    _, student = join(class_client, klass, "Sam")
    class_client.put(f"{klass.url}/state", json={"state": {"tab": "draw"}}, headers=klass.teacher)
    assert (
        class_client.post(
            f"{klass.url}/drawings", json={"image": EXAMPLE_IMAGE, "label": 7}, headers=student
        ).status_code
        == 201
    )
    folder = settings.classes_path / klass.code
    assert (folder / "drawings" / "d1.json").is_file()
    stream = iter_sse(class_client, f"{klass.url}/events", headers=student, timeout=10)
    assert next(stream).name == "poll"  # the stream is open: the history comes first
    assert class_client.delete(klass.url, headers=klass.teacher).status_code == 204
    assert [event.name for event in stream] == ["state", "ended"]  # it ends with `ended`
    assert not folder.exists()
    for route in EVERY_ROUTE:
        for headers in (klass.teacher, student):
            response = call(class_client, klass, route, headers)
            assert response.status_code == 404, (route, response.text)
    assert class_client.post(f"{klass.url}/join", json={"name": "Late"}).status_code == 404


def test_a_class_idle_for_a_day_is_gone(
    class_client: TestClient, class_clock: FakeClock, settings
) -> None:
    klass = start_class(class_client)
    _, student = join(class_client, klass, "Sam")
    class_clock.advance(24 * 3600 - 1)
    assert class_client.get(klass.url, headers=student).status_code == 200  # activity
    class_clock.advance(24 * 3600 + 1)
    assert class_client.get(klass.url, headers=klass.teacher).status_code == 404
    assert not (settings.classes_path / klass.code).exists()
