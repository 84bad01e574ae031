"""The classroom service on its own: a stand-in model (it reads the digit written in the image
text), a clock the test moves, the file store in a temporary folder."""

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest
from tests.class_clients import FakeClock

from cnnviz.classroom.errors import (
    ClassInputError,
    ClassLimitError,
    ClassNotFound,
    ClassStateError,
)
from cnnviz.classroom.limits import ClassLimits
from cnnviz.classroom.manager import ClassManager
from cnnviz.classroom.records import TEACHER, Role
from cnnviz.classroom.store import FileClassStore

ADDRESS = "10.0.0.1"


def read_digit(model_id: str, digit: Mapping[str, str]) -> tuple[int, list[float]]:
    """A stand-in model: 'image:7' is read as 7, a code 'code:3' as 3, with certainty."""
    predicted = int((digit.get("image") or digit["code"]).split(":")[1])
    return predicted, [1.0 if k == predicted else 0.0 for k in range(10)]


def manager(root: Path, clock: FakeClock, **limits) -> ClassManager:
    return ClassManager(FileClassStore(root), ClassLimits(**limits), read_digit, clock)


def test_the_summary_is_a_hand_count_of_the_drawings(tmp_path: Path) -> None:
    clock = FakeClock()
    classes = manager(tmp_path, clock)
    code, _ = classes.create("Maths")
    students = [classes.join(code, f"pupil {n}", ADDRESS)[0] for n in range(3)]
    sent = [(7, 7), (7, 1), (3, 3), (3, 8), (3, 8), (1, 1), (0, 6)]  # (meant, read)
    for index, (label, read) in enumerate(sent):
        classes.submit_drawing(code, students[index % 3], f"image:{read}", label)
        clock.advance(1.0)
    summary = classes.summary(code)
    counts = Counter(sent)
    assert summary["confusion_matrix"] == [
        [counts[(meant, read)] for read in range(10)] for meant in range(10)
    ]
    assert summary["accuracy"] == pytest.approx(3 / 7)
    assert (summary["students"], summary["drawings"]) == (3, 7)


def test_one_drawing_a_second_per_student(tmp_path: Path) -> None:
    clock = FakeClock()
    classes = manager(tmp_path, clock)
    code, _ = classes.create(None)
    first, _ = classes.join(code, "A", ADDRESS)
    second, _ = classes.join(code, "B", ADDRESS)
    classes.submit_drawing(code, first, "image:1", 1)
    clock.advance(0.9)
    with pytest.raises(ClassLimitError, match="one drawing every 1 s"):
        classes.submit_drawing(code, first, "image:1", 1)
    classes.submit_drawing(code, second, "image:2", 2)  # another student is not held back
    clock.advance(0.1)
    classes.submit_drawing(code, first, "image:1", 1)


def test_class_student_and_poll_limits(tmp_path: Path) -> None:
    classes = manager(tmp_path, FakeClock(), max_classes=2, max_students=2, max_polls=1)
    code, _ = classes.create("one")
    classes.create("two")
    with pytest.raises(ClassLimitError, match="CNNVIZ_MAX_CLASSES"):
        classes.create("three")
    classes.join(code, "A", ADDRESS)
    classes.join(code, "B", ADDRESS)
    with pytest.raises(ClassLimitError, match="full"):
        classes.join(code, "C", ADDRESS)
    classes.create_poll(code, "choice", "Which?", ["x", "y"])
    with pytest.raises(ClassLimitError, match="polls"):
        classes.create_poll(code, "choice", "Again?", ["x", "y"])


@pytest.mark.parametrize(
    ("question", "options", "message"),
    [
        ("", ["a", "b"], "question is empty"),
        ("Q", ["a"], "2 to 10 options"),
        ("Q", ["a", " "], "option 2 is empty"),
        ("Q", ["a", "x" * 61], "option 2 has 61 characters"),
        ("line\nbreak", ["a", "b"], "control character"),
    ],
)
def test_a_poll_that_cannot_be_asked_says_why(
    tmp_path: Path, question: str, options: list[str], message: str
) -> None:
    classes = manager(tmp_path, FakeClock())
    code, _ = classes.create(None)
    with pytest.raises(ClassInputError, match=message):
        classes.create_poll(code, "choice", question, options)


def test_a_predict_poll_needs_a_drawing_and_keeps_the_models_answer_until_the_reveal(
    tmp_path: Path,
) -> None:
    classes = manager(tmp_path, FakeClock())
    code, _ = classes.create(None)
    student, _ = classes.join(code, "A", ADDRESS)
    with pytest.raises(ClassStateError, match="no drawing"):
        classes.create_poll(code, "predict")
    classes.set_state(code, {"tab": "draw", "input": "code:4"})
    poll = classes.create_poll(code, "predict")
    assert poll["options"] == [str(k) for k in range(10)] and "correct" not in poll
    answered = classes.answer(code, student, poll["id"], 4)
    assert answered["answer"] == 4 and "counts" not in answered
    revealed = classes.reveal(code, poll["id"])
    assert revealed["correct"] == 4 and revealed["counts"][4] == 1
    with pytest.raises(ClassStateError, match="revealed"):
        classes.answer(code, student, poll["id"], 3)


def test_anonymize_replaces_every_name_the_teacher_is_sent(tmp_path: Path) -> None:
    clock = FakeClock()
    classes = manager(tmp_path, clock)
    code, _ = classes.create(None)
    student, _ = classes.join(code, "Zoë", ADDRESS)
    drawing = classes.submit_drawing(code, student, "image:5", 5)
    classes.spotlight(code, drawing.id)
    classes.set_settings(code, anonymize=True)
    view = classes.view(code, TEACHER)
    assert view["roster"] == [{"id": student, "name": "Student 1"}]
    assert "name" not in view["spotlight"]
    assert classes.drawings(code)[0]["name"] == "Student 1"
    assert "Zoë" not in repr(view) + repr(classes.drawings(code))
    assert classes.view(code, Role("student", student))["student_name"] == "Zoë"


def test_a_class_idle_for_a_day_ends_and_its_folder_goes(tmp_path: Path) -> None:
    clock = FakeClock()
    classes = manager(tmp_path, clock)
    idle, _ = classes.create("idle")
    busy, _ = classes.create("busy")
    clock.advance(23 * 3600)
    classes.set_state(busy, {"tab": "network"})
    clock.advance(3601)
    assert classes.sweep_idle() == [idle]
    assert not (tmp_path / idle).exists() and (tmp_path / busy).is_dir()
    with pytest.raises(ClassNotFound):
        classes.view(idle, TEACHER)
    # read back after a restart a day later, the other one ends too
    clock.advance(24 * 3600)
    again = manager(tmp_path, clock)
    with pytest.raises(ClassNotFound):
        again.view(busy, TEACHER)
    assert list(tmp_path.iterdir()) == []
