"""`/api/classes`: classroom mode. A teacher starts a class and leads it; students join with its
code and a name, follow the teacher's view through the class's event stream, submit drawings and
answer polls.

Thin on purpose: who may call a route is its dependency (`cnnviz.api.deps`: the X-Class-Token
header, or a single-use ticket for the event stream), and every action is the classroom
service's (`cnnviz.classroom.manager`), whose refusals `cnnviz.api.classroom` answers as 4xx.
Routes that write records or read a drawing are plain `def`: they run in the thread pool.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from cnnviz.api.deps import (
    AnyClassRole,
    ClassCode,
    ClassesDep,
    StoreDep,
    StreamAccess,
    StudentAccess,
    TeacherAccess,
    client_address,
)
from cnnviz.api.schemas.classes import (
    RECORD_ID,
    AnswerBody,
    ClassCreated,
    ClassOut,
    CreateClass,
    DrawingBody,
    DrawingList,
    DrawingResult,
    JoinClass,
    Joined,
    PollBody,
    PollOut,
    SettingsBody,
    Spotlight,
    SpotlightBody,
    StateBody,
    Summary,
    Ticket,
)
from cnnviz.api.sse import STREAM_EVENTS, EventStreamResponse, LastEventId, event_stream

router = APIRouter(prefix="/classes", tags=["classes"])

#: Where a stream resumes when a page opens a new EventSource: with a new ticket (the old one is
#: spent, so the browser's own reconnect cannot succeed) it cannot send Last-Event-ID, so it
#: gives the last id it saw here.
ResumeAfter = Annotated[
    str | None,
    Query(
        max_length=18,
        pattern=r"^[0-9]+$",
        description="resume after the event with this id, as Last-Event-ID does",
    ),
]

_LIMITED = {429: {"description": "too many wrong class codes from this address; wait a minute"}}
_FOUND = {404: {"description": "no class has this code (or it has ended)"}, **_LIMITED}
_AUTH = {
    **_FOUND,
    401: {"description": "no X-Class-Token header, or a token that is not this class's"},
    403: {"description": "a token of the wrong role (a student's on a teacher's route)"},
}
_INPUT = {422: {"description": "input the class cannot take; the message says what to fix"}}
_DISK = {507: {"description": "the server's disk could not take the record"}}
_WRITES = {**_AUTH, **_INPUT, **_DISK}

PollId = Annotated[
    str,
    Path(
        max_length=12,
        pattern=RECORD_ID,
        description="a poll's id",
        openapi_examples={"a poll": {"value": "p1"}},
    ),
]


@router.post(
    "",
    status_code=201,
    response_model=ClassCreated,
    responses={429: {"description": "the server holds its limit of classes"}, **_INPUT, **_DISK},
)
def create_class(body: CreateClass, classes: ClassesDep, request: Request) -> ClassCreated:
    """Start a class: its code, the teacher's token (send it as X-Class-Token) and the link
    students open (GET /api/qr makes its QR code)."""
    code, token = classes.create(body.name)
    return ClassCreated(code=code, teacher_token=token, join_url=f"{request.base_url}?class={code}")


@router.post(
    "/{code}/join",
    status_code=201,
    response_model=Joined,
    responses={
        **_FOUND,
        **_INPUT,
        **_DISK,
        429: {"description": "the class is full, or too many wrong codes from this address"},
    },
)
def join_class(code: ClassCode, body: JoinClass, classes: ClassesDep, request: Request) -> Joined:
    """Join a class with its code and a name (no account): the student's token."""
    student_id, token = classes.join(code, body.name, client_address(request))
    return Joined(student_id=student_id, student_token=token)


@router.post("/{code}/tickets", response_model=Ticket, responses=_AUTH)
def ticket(access: AnyClassRole, classes: ClassesDep) -> Ticket:
    """A ticket for the event stream's URL (an EventSource cannot send the token header): it
    works once, within a minute."""
    issued = classes.issue_ticket(access.code, access.role)
    return Ticket(ticket=issued, expires_in=classes.limits.ticket_seconds)


@router.get("/{code}", response_model=ClassOut, responses=_AUTH)
def get_class(access: AnyClassRole, classes: ClassesDep) -> dict:
    """The class as a page shows it when it (re)connects: pace, pause, state, spotlight, the
    current poll, the number of students and, for the teacher, the roster."""
    return classes.view(access.code, access.role)


@router.get(
    "/{code}/events",
    response_class=EventStreamResponse,
    responses={**_AUTH, 200: {"description": "the class's events", "content": STREAM_EVENTS}},
)
async def class_events(
    access: StreamAccess,
    classes: ClassesDep,
    last_event_id: LastEventId = None,
    after: ResumeAfter = None,
) -> EventStreamResponse:
    """Server-Sent Events: students get state, poll, reveal, spotlight, pace, pause; the teacher
    also drawing, answer and roster; the stream ends with `ended`. Authenticated by the
    X-Class-Token header or a `?ticket=`; Last-Event-ID (or `?after=`) resumes."""
    feed = classes.subscribe(access.code, access.role.kind)
    resume = last_event_id if last_event_id is not None else after
    return event_stream(feed.since, resume, feed.wait)


@router.put("/{code}/state", response_model=StateBody, responses=_WRITES)
def put_state(access: TeacherAccess, body: StateBody, classes: ClassesDep) -> StateBody:
    """The teacher's view state (a link's URL keys, the drawing's code in `input`), sent to
    every student as a `state` event."""
    return StateBody(state=classes.set_state(access.code, body.state))


@router.put("/{code}/settings", response_model=ClassOut, responses=_WRITES)
def put_settings(
    access: TeacherAccess, body: SettingsBody, classes: ClassesDep, store: StoreDep
) -> dict:
    """Pace (follow me / explore), pause with a message, anonymized names, the class model."""
    if body.model_id is not None:
        store.get(body.model_id)  # 404 for a model that does not exist
    return classes.set_settings(access.code, **body.model_dump(exclude_none=True))


@router.post("/{code}/spotlight", response_model=Spotlight, responses=_WRITES)
def post_spotlight(access: TeacherAccess, body: SpotlightBody, classes: ClassesDep) -> Spotlight:
    """Show one drawing on every screen (`drawing_id` null clears it)."""
    return Spotlight(drawing=classes.spotlight(access.code, body.drawing_id))


@router.post(
    "/{code}/drawings",
    status_code=201,
    response_model=DrawingResult,
    responses={**_WRITES, 409: {"description": "the class model no longer exists"}},
)
def submit_drawing(access: StudentAccess, body: DrawingBody, classes: ClassesDep) -> DrawingResult:
    """A student's drawing and the digit meant, read by the class model (at most one a second
    per student, 64 KB each)."""
    drawing = classes.submit_drawing(access.code, access.role.student_id, body.image, body.label)
    return DrawingResult(
        id=drawing.id, predicted=drawing.predicted, probabilities=drawing.probabilities
    )


@router.get("/{code}/drawings", response_model=DrawingList, responses=_AUTH)
def list_drawings(access: TeacherAccess, classes: ClassesDep) -> DrawingList:
    """Every drawing of the class, oldest first, with its student's name (or 'Student <n>')."""
    return DrawingList.model_validate({"drawings": classes.drawings(access.code)})


@router.get("/{code}/summary", response_model=Summary, responses=_AUTH)
def summary(access: TeacherAccess, classes: ClassesDep) -> dict:
    """Students, drawings, the share the model read as meant, and the confusion matrix (rows:
    the digit meant; columns: the digit predicted)."""
    return classes.summary(access.code)


@router.post(
    "/{code}/polls",
    status_code=201,
    response_model=PollOut,
    responses={**_WRITES, 409: {"description": "a predict poll without a drawing in the state"}},
)
def create_poll(access: TeacherAccess, body: PollBody, classes: ClassesDep) -> dict:
    """Ask the class: a question and options, or `{"kind": "predict"}` (what will the network
    say for the class's drawing? its answer is worked out now and revealed later)."""
    return classes.create_poll(access.code, body.kind, body.question, body.options)


@router.post(
    "/{code}/polls/{poll_id}/answers",
    response_model=PollOut,
    responses={**_WRITES, 409: {"description": "the poll was revealed or is no longer current"}},
)
def answer_poll(
    access: StudentAccess, poll_id: PollId, body: AnswerBody, classes: ClassesDep
) -> dict:
    """A student's answer (an option's index); answering again replaces it until the reveal."""
    return classes.answer(access.code, access.role.student_id, poll_id, body.answer)


@router.post("/{code}/polls/{poll_id}/reveal", response_model=PollOut, responses=_WRITES)
def reveal_poll(access: TeacherAccess, poll_id: PollId, classes: ClassesDep) -> dict:
    """Close the poll: every screen gets the histogram and the network's answer."""
    return classes.reveal(access.code, poll_id)


@router.delete("/{code}", status_code=204, response_class=Response, responses=_AUTH)
def end_class(access: TeacherAccess, classes: ClassesDep) -> Response:
    """End the class: its streams get `ended`, and its drawings and every record are deleted."""
    classes.end(access.code)
    return Response(status_code=204)
