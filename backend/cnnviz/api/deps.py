"""Every dependency the routes declare, as typed aliases: `def route(store: StoreDep)`.

Most are `async def` because they only read app state or check a name: FastAPI runs a plain `def`
dependency in the thread pool, a hop that costs every request a little under load. The two that
read a job or a download are plain `def`: with a broker they wait on Redis.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Path, Query, Request

from cnnviz.classroom.codes import CODE_LENGTH
from cnnviz.classroom.errors import ClassForbidden
from cnnviz.classroom.manager import ClassManager
from cnnviz.classroom.records import Role
from cnnviz.data import DATASETS, get_dataset
from cnnviz.data.registry import DatasetInfo
from cnnviz.ids import ID_PATTERN
from cnnviz.models.store import ModelStore
from cnnviz.settings import Settings
from cnnviz.tasks.backend import DownloadBackend, JobBackend
from cnnviz.tasks.errors import JobNotFoundError
from cnnviz.tasks.job import Job


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> ModelStore:
    return request.app.state.store


async def get_jobs(request: Request) -> JobBackend:
    return request.app.state.jobs


async def get_downloads(request: Request) -> DownloadBackend:
    return request.app.state.downloads


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
StoreDep = Annotated[ModelStore, Depends(get_store)]
JobsDep = Annotated[JobBackend, Depends(get_jobs)]
DownloadsDep = Annotated[DownloadBackend, Depends(get_downloads)]

#: A model id in a path: checked against the id pattern before any route sees it.
ModelId = Annotated[
    str,
    Path(
        pattern=ID_PATTERN.pattern,
        description="a model id from GET /api/models: lowercase letters, digits and dashes",
        openapi_examples={"default model": {"value": "lenet5-mnist"}},
    ),
]

#: A user model's id in a path: as ModelId, with an example that is no bundled model (those
#: refuse a rename).
UserModelId = Annotated[
    str,
    Path(
        pattern=ID_PATTERN.pattern,
        description="a user model's id from GET /api/models (lowercase letters, digits and dashes)",
        openapi_examples={"a model you created": {"value": "my-lenet-5-1a2b3c"}},
    ),
]

JobId = Annotated[
    str,
    Path(
        description="a job id from POST /api/train (lowercase letters, digits and dashes)",
        openapi_examples={"a job": {"value": "simple-mnist-1a2b3c4d"}},
    ),
]
DatasetName = Annotated[
    str,
    Path(description="a dataset name", openapi_examples={"MNIST": {"value": "mnist"}}),
]


def job_or_404(jobs: JobBackend, job_id: str) -> Job:
    try:
        return jobs.get(job_id)
    except JobNotFoundError as exc:
        raise HTTPException(404, str(exc)) from None


def existing_job(job_id: JobId, jobs: JobsDep) -> Job:
    """The job `job_id`, so that a 404 comes before any event stream starts. A plain `def`, run
    in a thread: with a broker, reading a job waits on Redis, never on the event loop."""
    return job_or_404(jobs, job_id)


def dataset_or_404(name: str) -> DatasetInfo:
    if name not in DATASETS:
        raise HTTPException(404, f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    return get_dataset(name)


async def known_dataset(name: DatasetName) -> DatasetInfo:
    return dataset_or_404(name)


def started_download(
    info: Annotated[DatasetInfo, Depends(known_dataset)], downloads: DownloadsDep
) -> str:
    """The dataset's name, if a download of it was started (errors come before the stream); in
    a thread, as `existing_job`."""
    if downloads.get(info.name) is None:
        raise HTTPException(
            409, f"no download of {info.name} was started; POST /api/datasets/{info.name}/download"
        )
    return info.name


async def raw_body(request: Request) -> bytes:
    """The request body as bytes (the size limit is enforced by the BodyLimit middleware)."""
    return await request.body()


ExistingJob = Annotated[Job, Depends(existing_job)]
KnownDataset = Annotated[DatasetInfo, Depends(known_dataset)]
StartedDownload = Annotated[str, Depends(started_download)]
RawBody = Annotated[bytes, Depends(raw_body)]


# -- classroom mode --------------------------------------------------------------------------------
async def get_classes(request: Request) -> ClassManager:
    return request.app.state.classes


ClassesDep = Annotated[ClassManager, Depends(get_classes)]

#: A class code in a path, as the teacher reads it out (lowercase is read as uppercase).
ClassCode = Annotated[
    str,
    Path(
        min_length=CODE_LENGTH,
        max_length=CODE_LENGTH,
        pattern=r"^[2-9A-HJKMNP-Za-hjkmnp-z]+$",
        description="the class's 6-character code",
        openapi_examples={"a class": {"value": "K7QX2M"}},
    ),
]
#: The token a class gave (the teacher's or a student's); never in a URL.
ClassToken = Annotated[
    str | None,
    Header(max_length=64, description="the token POST /api/classes or .../join gave"),
]


@dataclass(frozen=True)
class ClassAccess:
    """A request's class (its code, uppercase) and who is asking."""

    code: str
    role: Role


def client_address(request: Request) -> str:
    """The address wrong class codes are counted against."""
    return request.client.host if request.client else "unknown"


def class_access(
    code: ClassCode, request: Request, classes: ClassesDep, x_class_token: ClassToken = None
) -> ClassAccess:
    """The class and role the X-Class-Token header names: 404 for no such class, 401 for no or
    a wrong token, 429 after too many wrong codes. A plain `def`: noting activity may write the
    class's record."""
    role = classes.authenticate(code, x_class_token, client_address(request))
    return ClassAccess(code.upper(), role)


def teacher_access(access: Annotated[ClassAccess, Depends(class_access)]) -> ClassAccess:
    if access.role.kind != "teacher":
        raise ClassForbidden("only the class's teacher may do this: a student's token cannot")
    return access


def student_access(access: Annotated[ClassAccess, Depends(class_access)]) -> ClassAccess:
    if access.role.kind != "student":
        raise ClassForbidden("only a student may do this: join the class for a student token")
    return access


def stream_access(
    code: ClassCode,
    request: Request,
    classes: ClassesDep,
    ticket: Annotated[
        str | None,
        Query(max_length=64, description="from POST /api/classes/{code}/tickets: once, soon"),
    ] = None,
    x_class_token: ClassToken = None,
) -> ClassAccess:
    """As `class_access`, from a `?ticket=` when there is one (a browser's EventSource cannot
    send headers): a ticket used before or expired is a 401."""
    if ticket is None:
        return class_access(code, request, classes, x_class_token)
    return ClassAccess(code.upper(), classes.redeem_ticket(code, ticket, client_address(request)))


AnyClassRole = Annotated[ClassAccess, Depends(class_access)]
TeacherAccess = Annotated[ClassAccess, Depends(teacher_access)]
StudentAccess = Annotated[ClassAccess, Depends(student_access)]
StreamAccess = Annotated[ClassAccess, Depends(stream_access)]
