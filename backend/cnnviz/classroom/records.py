"""What a class is made of, as the store writes it: one record per class, student, drawing, poll
and answer. Plain dataclasses, written as JSON objects of their fields."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TypeVar

from cnnviz.models.bundled import DEFAULT_MODEL

Pace = Literal["follow", "explore"]
PollKind = Literal["choice", "predict"]


class Role(NamedTuple):
    """Who a token or ticket belongs to: ("teacher", None) or ("student", the student's id)."""

    kind: Literal["teacher", "student"]
    student_id: str | None = None


TEACHER = Role("teacher")


@dataclass
class ClassRecord:
    code: str
    name: str
    created: float
    last_active: float
    teacher_hash: str
    model_id: str = DEFAULT_MODEL
    #: The teacher's view state: the URL keys a link carries, the drawing's code included.
    state: dict[str, Any] = field(default_factory=dict)
    pace: Pace = "follow"
    paused: bool = False
    pause_message: str = ""
    #: Names are replaced by "Student <n>" in everything the teacher's screen is sent.
    anonymize: bool = False
    spotlight: str | None = None
    #: The current poll's id.
    poll: str | None = None


@dataclass
class Student:
    id: str
    name: str
    token_hash: str
    joined: float
    #: 1 for the first student to join, 2 for the next: their name when names are hidden.
    number: int = 0


@dataclass
class Drawing:
    id: str
    student_id: str
    label: int
    predicted: int
    probabilities: list[float]
    #: The data URL as the student's page sent it.
    image: str
    created: float


@dataclass
class Poll:
    id: str
    kind: PollKind
    question: str
    options: list[str]
    created: float
    revealed: bool = False
    #: A predict poll: the class model's answer for the state's drawing when it was asked.
    correct: int | None = None


@dataclass
class Answer:
    poll_id: str
    student_id: str
    #: The index of the option chosen.
    answer: int
    created: float


Record = TypeVar("Record", ClassRecord, Student, Drawing, Poll, Answer)


def to_dict(record: ClassRecord | Student | Drawing | Poll | Answer) -> dict[str, Any]:
    return dataclasses.asdict(record)


def from_dict(kind: type[Record], data: dict[str, Any]) -> Record | None:
    """The record `data` holds, or None when it lacks a field (a file from elsewhere)."""
    names = {item.name for item in dataclasses.fields(kind)}
    try:
        return kind(**{key: value for key, value in data.items() if key in names})
    except TypeError:
        return None
