"""Helpers of the classroom tests (tests/classroom, tests/api/test_classes*.py): an app whose
classes run on a clock the test moves, and the few requests every test starts with."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient

from cnnviz.api.classroom import drawing_predictor
from cnnviz.api.main import create_app
from cnnviz.classroom.limits import ClassLimits
from cnnviz.classroom.manager import ClassManager
from cnnviz.classroom.store import FileClassStore
from cnnviz.settings import Settings

#: A time well after any record a test reads back.
START = 1_800_000_000.0


class FakeClock:
    """Seconds since the epoch that move only when the test says so."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def class_app(settings: Settings, clock: FakeClock | None = None) -> FastAPI:
    """The app, its classes on `clock` when one is given (tickets, drawing intervals, idle
    classes and the wrong-code window all read it)."""
    app = create_app(settings)
    if clock is not None:
        app.state.classes = ClassManager(
            FileClassStore(settings.classes_path),
            ClassLimits.from_settings(settings),
            drawing_predictor(app.state.store),
            clock=clock,
        )
    return app


@dataclass
class Class:
    """A class a test started: its code and the teacher's header."""

    code: str
    teacher: dict[str, str]

    @property
    def url(self) -> str:
        return f"/api/classes/{self.code}"


def start_class(client: TestClient, name: str = "Test class") -> Class:
    response = client.post("/api/classes", json={"name": name})
    assert response.status_code == 201, response.text
    answer = response.json()
    return Class(answer["code"], {"X-Class-Token": answer["teacher_token"]})


def join(client: TestClient, klass: Class, name: str) -> tuple[str, dict[str, str]]:
    """A new student: (their id, their header)."""
    response = client.post(f"{klass.url}/join", json={"name": name})
    assert response.status_code == 201, response.text
    answer = response.json()
    return answer["student_id"], {"X-Class-Token": answer["student_token"]}
