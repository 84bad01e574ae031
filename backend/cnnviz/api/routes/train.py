"""Training jobs: `POST /api/train` starts one, `GET /api/train/{id}` reports it,
`GET /api/train/{id}/events` streams it, `POST /api/train/{id}/pause|resume|step|stop` drive it,
`POST /api/train/{id}/lr` changes its learning rate from the next batch, `POST /api/train/plan`
says what a run would be before it starts, and `GET /api/train/recipes` lists the course
notebooks' set-ups as request bodies.

Each job trains in its own worker process, under this server (`cnnviz.tasks.jobs.JobManager`) or
on a Celery worker with a broker (`cnnviz.tasks.distributed`), so predictions stay fast while a
class watches. A job past the running limit waits in a queue (state queued, with its
`queue_position`) and starts by itself; stop cancels it while it waits. The events stream is
Server-Sent Events (`cnnviz.api.sse`): every event is sent with `event: <type>` (queued with the
job's position while it waits, start, step, validation, epoch, filters, done; error, interrupted
or cancelled when the job failed, the server restarted, or it was cancelled while queued),
`id: <its sequence number>` and `data: <the event as JSON>` (the dict the trainer emits, see
`cnnviz.train.events`, with its `seq`). A subscriber first gets the kept history
(`cnnviz.tasks.events`: every event but steps, filters and queued, a thousand steps spread over
the run, the first and latest filters and queued), then live events; the stream ends after
done/error/interrupted/cancelled. `Last-Event-ID` (sent by a reconnecting EventSource) resumes
after it.
"""

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from pydantic import ValidationError

from cnnviz.api.deps import ExistingJob, JobId, JobsDep, SettingsDep, job_or_404
from cnnviz.api.schemas.models import ErrorMessage
from cnnviz.api.schemas.train import (
    CommandResult,
    JobCreated,
    LrRequest,
    LrResult,
    Recipe,
    TrainJob,
    TrainPlan,
    TrainRequest,
)
from cnnviz.api.sse import STREAM_EVENTS, EventStreamResponse, LastEventId, event_stream
from cnnviz.data import get_dataset
from cnnviz.models.limits import check_model, check_spec
from cnnviz.tasks.backend import JobBackend
from cnnviz.tasks.errors import DatasetMissingError, JobError, JobLimitError, JobStateError
from cnnviz.tasks.job import Job
from cnnviz.train import ConfigError, TrainConfig
from cnnviz.train.plan import plan_job
from cnnviz.train.ranges import RANGES, range_words
from cnnviz.train.recipes import RECIPES
from cnnviz.train.split import label_counts

router = APIRouter(prefix="/train", tags=["training"])
NOT_FOUND = {404: {"description": "no job with this id"}}


def _out(job: Job) -> TrainJob:
    return TrainJob(**job.record())


def _plan(data: dict[str, Any], datasets_dir: Path) -> tuple[TrainConfig | None, TrainPlan]:
    """The plan of the request body `data` (the run it would start, or every reason it cannot),
    and its configuration when it has one. Checks the schema, then the spec's sizes before the
    model is built, then the configuration, the model's limits, the data and the compute."""
    try:
        request = TrainRequest.model_validate(data)
    except ValidationError as exc:
        problems, fields = [], {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "body"
            problems.append(f"{'.'.join(map(str, error['loc'])) or 'body'}: {error['msg']}")
            fields.setdefault(name, range_words(name) if name in RANGES else error["msg"])
        return None, TrainPlan(fits=False, problems=problems, fields=fields)
    try:
        fields = request.model_dump()
        if request.spec is not None:  # its sizes, before TrainConfig builds it; and its defaults
            fields["spec"] = check_spec(request.spec)  # (input_shape), which saving needs
        config = TrainConfig.from_dict(fields)
        model = config.build_model()
        check_model(model)
    except ConfigError as exc:
        return None, TrainPlan(fits=False, problems=exc.problems, fields=exc.fields)
    except ValueError as exc:
        network = "spec" if request.spec is not None else "model"
        return None, TrainPlan(fits=False, problems=[str(exc)], fields={network: str(exc)})
    counts = label_counts(config.dataset, "train", datasets_dir)
    test_counts = label_counts(config.dataset, "test", datasets_dir)
    plan = plan_job(
        config,
        model,
        None if counts is None else list(counts),
        None if test_counts is None else list(test_counts),
    )
    return config, TrainPlan(fits=plan.fits, **asdict(plan))


PLAN_EXAMPLE = {"model": "simple", "classes": [0, 1], "train_size": 500, "epochs": 5}


@router.post(
    "/plan",
    response_model=TrainPlan,
    responses={
        422: {"model": ErrorMessage, "description": "a body that is not a JSON object"},
    },
    summary="What a run would be (nothing starts)",
)
def plan_training(
    body: Annotated[
        dict[str, Any],
        Body(
            description="the body POST /api/train would get",
            openapi_examples={
                "two digits at a watch pace": {
                    "value": {**PLAN_EXAMPLE, "batch_size": 32, "steps_per_second": 2}
                }
            },
        ),
    ],
    settings: SettingsDep,
) -> TrainPlan:
    """The run `POST /api/train` would start with this body: the training images the server has
    for its classes, how many it trains on, its steps, validation points, compute against the
    budget, its expected duration at its pace, the layers its probe may watch. A body that
    cannot run is a verdict, not a refusal: 200 with `fits` false, `problems` and, by field,
    `fields` (a form asks while it is filled in; a 4xx would be an error in the browser's
    console at every keystroke)."""
    config, plan = _plan(body, settings.datasets_dir)
    if config is not None and plan.available is None:
        info = get_dataset(config.dataset)
        plan.problems.append(
            f"{info.title} is not downloaded; POST /api/datasets/{info.name}/download fetches it"
        )
        plan.fields.setdefault("dataset", "not on the server: download it first")
        plan.fits = False
    return plan


@router.post(
    "",
    status_code=202,
    response_model=JobCreated,
    responses={
        409: {"description": "the dataset is not downloaded (the message says how)"},
        422: {
            "description": "a configuration that cannot run: `problems` lists each, `fields` "
            "says them by field (as POST /api/train/plan)"
        },
        429: {
            "description": "as many jobs as the server queues (CNNVIZ_MAX_QUEUED) are waiting "
            "already; a job past the running limit (CNNVIZ_MAX_JOBS) is queued, not refused"
        },
        503: {"description": "the server is shutting down, or cannot start a process"},
    },
)
def start_training(body: TrainRequest, jobs: JobsDep, settings: SettingsDep) -> JobCreated:
    """Start training in a worker process, or queue it (state queued, `queue_position`) while as
    many jobs as allowed run; follow it at `events_url`. Refused with a 422 before
    any process starts when the model is over the size limits, the dataset has fewer images than
    asked for, or the job would cost more than one job may (the message gives the estimate, the
    limit and what to lower): whatever `POST /api/train/plan` finds."""
    config, plan = _plan(body.model_dump(), settings.datasets_dir)
    if config is None or not plan.fits:
        detail = {
            "message": f"the run cannot start: {'; '.join(plan.problems)}",
            "problems": plan.problems,
            "fields": plan.fields,
        }
        raise HTTPException(422, detail) from None
    try:
        job = jobs.start(config, settings.datasets_dir)
    except JobLimitError as exc:
        raise HTTPException(429, str(exc)) from None
    except DatasetMissingError as exc:
        raise HTTPException(409, str(exc)) from None
    except JobError as exc:
        raise HTTPException(503, str(exc)) from None
    return JobCreated(
        id=job.id,
        state=job.state,
        queue_position=job.queue_position,
        status_url=f"/api/train/{job.id}",
        events_url=f"/api/train/{job.id}/events",
    )


@router.get("/recipes", response_model=list[Recipe])
def recipes() -> list[Recipe]:
    """The course notebooks' training set-ups, each a body for POST /api/train (and /plan), with
    the notebook it comes from and a note on what differs from it here."""
    return [Recipe(**recipe.to_dict()) for recipe in RECIPES.values()]


@router.get("", response_model=list[TrainJob])
def list_jobs(jobs: JobsDep) -> list[TrainJob]:
    """Every job this server knows, oldest first (finished ones too)."""
    return [_out(job) for job in jobs.jobs()]


@router.get("/{job_id}", response_model=TrainJob, responses=NOT_FOUND)
def get_job(job_id: JobId, jobs: JobsDep) -> TrainJob:
    """State, configuration, progress, latest metrics, and the model id once done."""
    return _out(job_or_404(jobs, job_id))


@router.get(
    "/{job_id}/events",
    response_class=EventStreamResponse,
    responses={
        **NOT_FOUND,
        200: {"description": "the job's events, history first", "content": STREAM_EVENTS},
    },
)
async def job_events(
    job: ExistingJob,
    jobs: JobsDep,
    last_event_id: LastEventId = None,
) -> EventStreamResponse:
    """Server-Sent Events: the job's history, then its live events, until it ends."""
    return event_stream(lambda seq: jobs.events_since(job.id, seq), last_event_id)


def _command(jobs: JobBackend, job_id: str, command: str) -> CommandResult:
    job = job_or_404(jobs, job_id)
    try:
        changed = jobs.command(job.id, command)
    except JobStateError as exc:
        raise HTTPException(409, str(exc)) from None
    # Read again: with a broker, `job` is a snapshot from before the command.
    return CommandResult(id=job.id, state=jobs.get(job.id).state, changed=changed)


COMMAND_ERRORS = {**NOT_FOUND, 409: {"description": "the job has ended, or is still queued"}}


@router.post("/{job_id}/pause", response_model=CommandResult, responses=COMMAND_ERRORS)
def pause(job_id: JobId, jobs: JobsDep) -> CommandResult:
    """Pause after the current batch."""
    return _command(jobs, job_id, "pause")


@router.post("/{job_id}/resume", response_model=CommandResult, responses=COMMAND_ERRORS)
def resume(job_id: JobId, jobs: JobsDep) -> CommandResult:
    """Run on after a pause."""
    return _command(jobs, job_id, "resume")


@router.post("/{job_id}/step", response_model=CommandResult, responses=COMMAND_ERRORS)
def step(job_id: JobId, jobs: JobsDep) -> CommandResult:
    """While paused: train exactly one more batch (a step event with single_step true)."""
    return _command(jobs, job_id, "step")


@router.post(
    "/{job_id}/lr",
    response_model=LrResult,
    responses={
        **COMMAND_ERRORS,
        422: {"description": "lr missing or outside (0, 10]"},
        429: {"description": "the job has changed its learning rate as often as one job may"},
    },
)
def set_lr(job_id: JobId, body: LrRequest, jobs: JobsDep) -> LrResult:
    """A new base learning rate for a running (or paused) job, from its next batch on: an `lr`
    event records it, and the schedule (warmup, cosine, step) goes on scaling from it."""
    job = job_or_404(jobs, job_id)
    try:
        jobs.set_lr(job.id, body.lr)
    except JobStateError as exc:
        raise HTTPException(409, str(exc)) from None
    except JobLimitError as exc:
        raise HTTPException(429, str(exc)) from None
    return LrResult(id=job.id, state=job.state, lr=body.lr)


@router.post("/{job_id}/stop", response_model=CommandResult, responses=COMMAND_ERRORS)
def stop(job_id: JobId, jobs: JobsDep) -> CommandResult:
    """Stop after the current batch; the job still evaluates, keeps its model and ends done
    with stopped true. A queued job is cancelled: it ends cancelled (a `cancelled` event), and
    the jobs behind it move up."""
    return _command(jobs, job_id, "stop")
