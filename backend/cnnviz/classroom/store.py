"""Where classes are kept so that they survive a restart.

`ClassStore` is what the manager writes through; `FileClassStore` is the embedded server's: one
small JSON file per record under `<classes dir>/<code>/` (`class.json`, `students/<id>.json`,
`drawings/<id>.json`, `polls/<id>.json`, `answers/<poll>-<student>.json`), each written whole or
not at all (`cnnviz.tasks.records.write_record`), all read back at start-up. A Redis store with
the same methods is the later step for a server of several processes on a broker.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cnnviz.classroom.codes import is_code
from cnnviz.classroom.errors import ClassStorageError
from cnnviz.classroom.records import (
    Answer,
    ClassRecord,
    Drawing,
    Poll,
    Record,
    Student,
    from_dict,
    to_dict,
)
from cnnviz.tasks.records import read_records, write_record


@dataclass
class SavedClass:
    """A class as read back: its record and everything written for it."""

    record: ClassRecord
    students: list[Student] = field(default_factory=list)
    drawings: list[Drawing] = field(default_factory=list)
    polls: list[Poll] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)


class ClassStore(Protocol):
    """Each `save_*` replaces the record of that id; a write that fails raises
    ClassStorageError and leaves the previous record."""

    def save_class(self, record: ClassRecord) -> None: ...
    def save_student(self, code: str, student: Student) -> None: ...
    def save_drawing(self, code: str, drawing: Drawing) -> None: ...
    def save_poll(self, code: str, poll: Poll) -> None: ...
    def save_answer(self, code: str, answer: Answer) -> None: ...
    def delete(self, code: str) -> None: ...
    def load(self) -> Iterator[SavedClass]: ...


class FileClassStore:
    """One JSON file per record under `root` (see the module)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save_class(self, record: ClassRecord) -> None:
        self._write(self.root / record.code, "class", record)

    def save_student(self, code: str, student: Student) -> None:
        self._write(self.root / code / "students", student.id, student)

    def save_drawing(self, code: str, drawing: Drawing) -> None:
        self._write(self.root / code / "drawings", drawing.id, drawing)

    def save_poll(self, code: str, poll: Poll) -> None:
        self._write(self.root / code / "polls", poll.id, poll)

    def save_answer(self, code: str, answer: Answer) -> None:
        name = f"{answer.poll_id}-{answer.student_id}"
        self._write(self.root / code / "answers", name, answer)

    def delete(self, code: str) -> None:
        shutil.rmtree(self.root / code, ignore_errors=True)

    def load(self) -> Iterator[SavedClass]:
        """Every class folder with a readable class.json; unreadable records are skipped."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not (folder.is_dir() and is_code(folder.name)):
                continue
            records = dict(read_records(folder))
            record = from_dict(ClassRecord, records.get("class", {}))
            if record is None or record.code != folder.name:
                continue
            yield SavedClass(
                record,
                _read(folder / "students", Student),
                _read(folder / "drawings", Drawing),
                _read(folder / "polls", Poll),
                _read(folder / "answers", Answer),
            )

    def _write(self, folder: Path, name: str, record: Record) -> None:
        try:
            write_record(folder, name, to_dict(record))
        except OSError as exc:
            raise ClassStorageError(
                f"the class's record could not be saved ({exc.strerror or exc}); free some disk "
                "space on the server and try again"
            ) from None


def _read(folder: Path, kind: type[Record]) -> list[Record]:
    records = (from_dict(kind, data) for _, data in read_records(folder))
    return [record for record in records if record is not None]
