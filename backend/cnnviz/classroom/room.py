"""One class in memory: its records, its event log and tickets, and what each role is shown of
it. The manager changes a room under `room.lock`; the views here only read, and `apply` takes in
a record read from the store (at start-up, or written by another process)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from cnnviz.classroom.live import Events, Tickets
from cnnviz.classroom.records import Answer, ClassRecord, Drawing, Poll, Role, Student

#: Intended labels are digits; a model with more classes widens the confusion matrix.
DIGITS = 10


@dataclass
class ClassRoom:
    record: ClassRecord
    events: Events
    tickets: Tickets
    students: dict[str, Student] = field(default_factory=dict)
    drawings: dict[str, Drawing] = field(default_factory=dict)
    polls: dict[str, Poll] = field(default_factory=dict)
    #: (poll id, student id) -> the student's answer
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    #: student id -> when their last drawing was accepted (here, or read from the store)
    last_drawing: dict[str, float] = field(default_factory=dict)
    #: when `record.last_active` was last written down
    saved_active: float = 0.0
    #: how far the store's changes have been applied (`ClassStore.changes`)
    cursor: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def code(self) -> str:
        return self.record.code

    @staticmethod
    def next_id(prefix: str, taken: dict[str, Any]) -> str:
        """`prefix` and one more than the highest number taken: s1, s2, ... (ids read back after
        a restart included)."""
        numbers = (int(key[len(prefix) :]) for key in taken if key[len(prefix) :].isdigit())
        return f"{prefix}{max(numbers, default=0) + 1}"

    def apply(self, record: ClassRecord | Student | Drawing | Poll | Answer) -> None:
        """Take in a record as the store holds it (an answer to an unknown poll or option is
        left out: a record from elsewhere)."""
        if isinstance(record, ClassRecord):
            self.record = record
        elif isinstance(record, Student):
            self.students[record.id] = record
        elif isinstance(record, Drawing):
            self.drawings[record.id] = record
            last = self.last_drawing.get(record.student_id, record.created)
            self.last_drawing[record.student_id] = max(last, record.created)
        elif isinstance(record, Poll):
            self.polls[record.id] = record
        else:
            poll = self.polls.get(record.poll_id)
            if poll is not None and 0 <= record.answer < len(poll.options):
                self.answers[(record.poll_id, record.student_id)] = record

    # -- what each role is shown -----------------------------------------------------------------
    def display_name(self, student_id: str) -> str:
        """The student's name, or "Student <n>" while the class is anonymized."""
        student = self.students.get(student_id)
        if student is None:
            return "a student who left"
        return f"Student {student.number}" if self.record.anonymize else student.name

    def roster(self) -> list[dict[str, str]]:
        return [{"id": id, "name": self.display_name(id)} for id in self.students]

    def drawing_view(self, drawing: Drawing) -> dict[str, Any]:
        return {
            "id": drawing.id,
            "student_id": drawing.student_id,
            "name": self.display_name(drawing.student_id),
            "label": drawing.label,
            "predicted": drawing.predicted,
            "probabilities": drawing.probabilities,
            "image": drawing.image,
            "created": drawing.created,
        }

    def spotlight_view(self) -> dict[str, Any] | None:
        """The drawing in the spotlight as every screen gets it: the student's name only when
        names are shown."""
        drawing = self.drawings.get(self.record.spotlight or "")
        if drawing is None:
            return None
        view = self.drawing_view(drawing)
        del view["student_id"], view["created"]
        if self.record.anonymize:
            del view["name"]
        return view

    def counts(self, poll: Poll) -> list[int]:
        """How many students chose each option (a hand count of the answers)."""
        counts = [0] * len(poll.options)
        for (poll_id, _), answer in self.answers.items():
            if poll_id == poll.id:
                counts[answer.answer] += 1
        return counts

    def poll_view(self, poll: Poll, role: Role) -> dict[str, Any]:
        """A poll as `role` sees it: the histogram for the teacher always, for a student once
        revealed; a student's own answer; the right answer once revealed."""
        view: dict[str, Any] = {
            "id": poll.id,
            "kind": poll.kind,
            "question": poll.question,
            "options": poll.options,
            "revealed": poll.revealed,
        }
        if role.kind == "teacher" or poll.revealed:
            view["counts"] = self.counts(poll)
            view["answers"] = sum(view["counts"])
        if poll.revealed:
            view["correct"] = poll.correct
        if role.kind == "student":
            mine = self.answers.get((poll.id, role.student_id or ""))
            view["answer"] = None if mine is None else mine.answer
        return view

    def view(self, role: Role) -> dict[str, Any]:
        """What a page shows when it (re)connects."""
        record = self.record
        poll = self.polls.get(record.poll or "")
        view: dict[str, Any] = {
            "code": record.code,
            "name": record.name,
            "role": role.kind,
            "pace": record.pace,
            "paused": record.paused,
            "pause_message": record.pause_message,
            "anonymize": record.anonymize,
            "model_id": record.model_id,
            "state": record.state,
            "spotlight": self.spotlight_view(),
            "poll": None if poll is None else self.poll_view(poll, role),
            "students": len(self.students),
        }
        if role.kind == "teacher":
            view["roster"] = self.roster()
        else:
            view["student_id"] = role.student_id
            view["student_name"] = self.students[role.student_id or ""].name
        return view

    def summary(self) -> dict[str, Any]:
        """Students, drawings, the share the model read as meant, and the confusion matrix:
        rows are the intended digits, columns what the model predicted."""
        size = max([DIGITS, *(len(d.probabilities) for d in self.drawings.values())])
        matrix = [[0] * size for _ in range(size)]
        for drawing in self.drawings.values():
            matrix[drawing.label][drawing.predicted] += 1
        right = sum(matrix[i][i] for i in range(size))
        return {
            "students": len(self.students),
            "drawings": len(self.drawings),
            "accuracy": right / len(self.drawings) if self.drawings else None,
            "confusion_matrix": matrix,
        }
