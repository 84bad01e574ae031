"""Bodies and answers of the classroom routes (`/api/classes`). Lengths and counts are stated
here from `cnnviz.classroom.limits`, so a client reads them in /openapi.json; the classroom
service checks what a schema cannot say (blank text, control characters, the state's size)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from cnnviz.api.schemas.inference import EXAMPLE_IMAGE
from cnnviz.classroom.limits import (
    MAX_DRAWING_BYTES,
    MAX_MESSAGE,
    MAX_NAME,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_QUESTION,
)
from cnnviz.ids import ID_PATTERN

#: A state's values are a link's URL values: text, numbers, booleans.
StateValue = StrictStr | StrictInt | StrictFloat | StrictBool | None
#: A state has fewer keys than this (the page's URL keys are under 30).
MAX_STATE_KEYS = 64
#: Ids the server gives: s1, d12, p3.
RECORD_ID = r"^[a-z][0-9]{1,10}$"


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class CreateClass(Strict):
    name: str | None = Field(None, max_length=MAX_NAME, examples=["Year 10 physics"])

    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Year 10 physics"}]})


class ClassCreated(BaseModel):
    code: str = Field(description="6 characters the students type", examples=["K7QX2M"])
    teacher_token: str = Field(description="send it as X-Class-Token; never in a URL")
    join_url: str = Field(examples=["http://10.0.0.5:8000/?class=K7QX2M"])


class JoinClass(Strict):
    name: str = Field(
        min_length=1, max_length=MAX_NAME, description="shown as text, never as markup"
    )

    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Ada"}]})


class Joined(BaseModel):
    student_id: str
    student_token: str = Field(description="send it as X-Class-Token; never in a URL")


class Ticket(BaseModel):
    ticket: str = Field(description="GET /api/classes/{code}/events?ticket=...: once, soon")
    expires_in: float = Field(description="seconds it stays valid", examples=[60])


class StateBody(Strict):
    state: dict[str, StateValue] = Field(
        max_length=MAX_STATE_KEYS,
        description="the teacher's view: the URL keys a link carries (its `input` is the "
        "drawing's code); at most 16 KiB as JSON",
        examples=[{"tab": "draw", "model": "lenet5-mnist"}],
    )

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"state": {"tab": "network", "model": "lenet5-mnist"}}]}
    )


class SettingsBody(Strict):
    pace: Literal["follow", "explore"] | None = Field(
        None, description="follow: students see the teacher's view; explore: they roam"
    )
    paused: bool | None = None
    pause_message: str | None = Field(None, max_length=MAX_MESSAGE)
    anonymize: bool | None = Field(None, description="names become 'Student <n>'")
    model_id: str | None = Field(None, pattern=ID_PATTERN.pattern, examples=["lenet5-mnist"])

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"pace": "explore"},
                {"paused": True, "pause_message": "Eyes on the board"},
                {"anonymize": True},
            ]
        }
    )


class SpotlightBody(Strict):
    drawing_id: str | None = Field(
        max_length=12, pattern=RECORD_ID, description="a drawing's id; null clears the spotlight"
    )

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"drawing_id": "d1"}, {"drawing_id": None}]}
    )


class DrawingBody(Strict):
    image: str = Field(
        min_length=1,
        max_length=MAX_DRAWING_BYTES,
        description="the canvas as a PNG data URL (canvas.toDataURL())",
    )
    label: int = Field(ge=0, le=9, description="the digit the student meant")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"image": EXAMPLE_IMAGE, "label": 7}]}
    )


class DrawingResult(BaseModel):
    id: str
    predicted: int = Field(description="what the class model read")
    probabilities: list[float]


class SpotlightDrawing(BaseModel):
    id: str
    name: str | None = Field(None, description="the student's, left out when anonymized")
    label: int
    predicted: int
    probabilities: list[float]
    image: str


class Spotlight(BaseModel):
    drawing: SpotlightDrawing | None


class DrawingOut(BaseModel):
    id: str
    student_id: str
    name: str = Field(description="the student's, or 'Student <n>' when anonymized")
    label: int = Field(description="the digit meant")
    predicted: int
    probabilities: list[float]
    image: str
    created: float = Field(description="seconds since the epoch")


class DrawingList(BaseModel):
    drawings: list[DrawingOut] = Field(description="oldest first; at most 1,000")


class Summary(BaseModel):
    students: int
    drawings: int
    accuracy: float | None = Field(description="the share read as meant; null: no drawings")
    confusion_matrix: list[list[int]] = Field(
        description="rows: the digit meant; columns: the digit predicted"
    )


class PollBody(Strict):
    kind: Literal["choice", "predict"] = Field(
        "choice", description="predict: what will the network say for the class's drawing?"
    )
    question: str | None = Field(None, max_length=MAX_QUESTION)
    options: list[str] | None = Field(
        None,
        max_length=MAX_OPTIONS,
        description=f"2 to {MAX_OPTIONS} options of at most {MAX_OPTION} characters (choice)",
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": "Which layer finds edges?", "options": ["conv1", "fc1"]},
                {"kind": "predict"},
            ]
        }
    )


class PollOut(BaseModel):
    id: str
    kind: str
    question: str
    options: list[str]
    revealed: bool
    counts: list[int] | None = Field(
        None, description="answers per option: the teacher's always, everyone's once revealed"
    )
    answers: int | None = None
    correct: int | None = Field(None, description="once revealed: the network's answer")
    answer: int | None = Field(None, description="a student's own answer")


class AnswerBody(Strict):
    answer: int = Field(ge=0, le=99, description="the chosen option's index")

    model_config = ConfigDict(json_schema_extra={"examples": [{"answer": 0}]})


class RosterEntry(BaseModel):
    id: str
    name: str


class ClassOut(BaseModel):
    """What a page shows when it (re)connects; the roster only for the teacher."""

    code: str
    name: str
    role: Literal["teacher", "student"]
    pace: str
    paused: bool
    pause_message: str
    anonymize: bool
    model_id: str
    state: dict[str, StateValue]
    spotlight: SpotlightDrawing | None
    poll: PollOut | None
    students: int
    roster: list[RosterEntry] | None = None
    student_id: str | None = None
    student_name: str | None = None
