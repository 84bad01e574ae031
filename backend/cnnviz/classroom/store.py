"""Where classes are kept so that they survive a restart.

`ClassStore` is what the manager writes through; `FileClassStore` is the embedded server's: one
small JSON file per record under `<classes dir>/<code>/` (`class.json`, `students/<id>.json`,
`drawings/<id>.json`, `polls/<id>.json`, `answers/<poll>-<student>.json`), each written whole or
not at all (`cnnviz.tasks.records.write_record`), all read back at start-up.

With a broker, several API processes serve the same classes and the records live in Redis
(`cnnviz.classroom.distributed.store`). Each process keeps its own copy of a class in memory;
two of the store's methods keep the copies true: a lock per class that one change at a time holds,
and the records other processes wrote since a process last looked (`changes`). The file store
serves one process, so both are trivial.
"""

from __future__ import annotations

import contextlib
import shutil
from contextlib import AbstractContextManager
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
    #: Where the store's changes stood when the class was read (`ClassStore.changes`).
    cursor: int = 0

    def in_order(self) -> list[Record]:
        """Every record, in the order a copy of the class takes them in: the class, students,
        drawings and polls by time, then the answers (which need their polls)."""
        drawings = sorted(self.drawings, key=lambda drawing: drawing.created)
        polls = sorted(self.polls, key=lambda poll: poll.created)
        return [self.record, *self.students, *drawings, *polls, *self.answers]


class ClassStore(Protocol):
    """Each `save_*` replaces the record of that id; a write that fails raises
    ClassStorageError and leaves the previous record."""

    def create_class(self, record: ClassRecord) -> None: ...
    def save_class(self, record: ClassRecord) -> None:
        """Replace the class's record (a class that has ended stays ended)."""
        ...

    def save_student(self, code: str, student: Student) -> None: ...
    def save_drawing(self, code: str, drawing: Drawing) -> None: ...
    def save_poll(self, code: str, poll: Poll) -> None: ...
    def save_answer(self, code: str, answer: Answer) -> None: ...
    def delete(self, code: str) -> None: ...
    def codes(self) -> set[str]:
        """The codes of the classes the store holds."""
        ...

    def load_class(self, code: str) -> SavedClass | None:
        """The class and everything written for it (None: there is no such class)."""
        ...

    def lock(self, code: str) -> AbstractContextManager[None]:
        """Held around each change of the class, so changes from several processes follow one
        another (each reads the others' first)."""
        ...

    def changes(self, code: str, cursor: int) -> tuple[list[Record], int] | None:
        """The records of the class written since `cursor` and the cursor after them (every
        record of the class when the changes since `cursor` are no longer kept); None when the
        class is gone."""
        ...


class FileClassStore:
    """One JSON file per record under `root` (see the module)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def create_class(self, record: ClassRecord) -> None:
        self.save_class(record)

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

    def codes(self) -> set[str]:
        if not self.root.is_dir():
            return set()
        return {
            folder.name
            for folder in self.root.iterdir()
            if is_code(folder.name) and (folder / "class.json").is_file()
        }

    def load_class(self, code: str) -> SavedClass | None:
        """The class's folder read back; None when its class.json is missing or unreadable
        (unreadable records of the rest are skipped)."""
        folder = self.root / code
        if not (is_code(code) and folder.is_dir()):
            return None
        record = from_dict(ClassRecord, dict(read_records(folder)).get("class", {}))
        if record is None or record.code != code:
            return None
        return SavedClass(
            record,
            _read(folder / "students", Student),
            _read(folder / "drawings", Drawing),
            _read(folder / "polls", Poll),
            _read(folder / "answers", Answer),
        )

    def lock(self, code: str) -> AbstractContextManager[None]:
        return contextlib.nullcontext()  # one process: the class's own lock is enough

    def changes(self, code: str, cursor: int) -> tuple[list[Record], int]:
        return [], cursor  # no other process writes here

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
