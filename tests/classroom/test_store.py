"""The file store: one JSON file per record, read back whole; a class's folder removed at its
end; files that are not records are skipped."""

import json
from pathlib import Path

from cnnviz.classroom.records import Answer, ClassRecord, Drawing, Poll, Student
from cnnviz.classroom.store import FileClassStore


def _class(code: str = "ABCDEF") -> ClassRecord:
    return ClassRecord(code, "Physics <b>", 1.0, 2.0, "f" * 64, state={"tab": "draw"}, poll="p1")


def test_every_record_is_a_file_and_comes_back(tmp_path: Path) -> None:
    store = FileClassStore(tmp_path)
    record = _class()
    student = Student("s1", "Ада \u202eevil", "e" * 64, 3.0, 1)
    drawing = Drawing("d1", "s1", 7, 1, [0.1, 0.9], "data:image/png;base64,AAAA", 4.0)
    poll = Poll("p1", "predict", "What?", ["0", "1"], 5.0, revealed=True, correct=1)
    answer = Answer("p1", "s1", 1, 6.0)
    store.save_class(record)
    store.save_student("ABCDEF", student)
    store.save_drawing("ABCDEF", drawing)
    store.save_poll("ABCDEF", poll)
    store.save_answer("ABCDEF", answer)
    folder = tmp_path / "ABCDEF"
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*.json")) == [
        "answers/p1-s1.json",
        "class.json",
        "drawings/d1.json",
        "polls/p1.json",
        "students/s1.json",
    ]
    assert json.loads((folder / "students" / "s1.json").read_text())["name"] == "Ада \u202eevil"
    again = FileClassStore(tmp_path)
    assert again.codes() == {"ABCDEF"}
    saved = again.load_class("ABCDEF")
    assert saved is not None and saved.record == record
    assert (saved.students, saved.drawings, saved.polls, saved.answers) == (
        [student],
        [drawing],
        [poll],
        [answer],
    )


def test_end_removes_the_folder_and_junk_is_skipped(tmp_path: Path) -> None:
    store = FileClassStore(tmp_path)
    store.save_class(_class("ABCDEF"))
    store.save_class(_class("GHJKMN"))
    (tmp_path / "not-a-code").mkdir()
    (tmp_path / "PQRSTU").mkdir()  # a folder without class.json
    (tmp_path / "GHJKMN" / "students").mkdir()
    (tmp_path / "GHJKMN" / "students" / "s9.json").write_text('{"id": "s9"}')  # fields missing
    store.delete("ABCDEF")
    assert not (tmp_path / "ABCDEF").exists()
    assert store.codes() == {"GHJKMN"}
    assert store.load_class("ABCDEF") is None and store.load_class("PQRSTU") is None
    saved = store.load_class("GHJKMN")
    assert saved is not None and saved.record.code == "GHJKMN" and saved.students == []
