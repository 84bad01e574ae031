"""Training jobs: `POST /api/train` starts one, `GET /api/train/{id}` reports it,
`GET /api/train/{id}/events` streams it, `POST /api/train/{id}/pause|resume|step|stop` drive it.

Each job trains in its own worker process (`cnnviz.tasks.jobs.JobManager`), so predictions stay fast
while a class watches. The events stream is Server-Sent Events (`cnnviz.api.sse`): every event is
sent with `event: <type>` (start, step, epoch, filters, done; error or interrupted when the job
failed or the server restarted), `id: <its sequence number>` and `data: <the event as JSON>` (the
dict the trainer emits, see `cnnviz.train.events`, with its `seq`). A subscriber first gets the
kept history (`cnnviz.tasks.events`: every event but steps and filters, a thousand steps spread
over the run, the first and latest filters), then live events; the stream ends after
done/error/interrupted. `Last-Event-ID` (sent by a reconnecting EventSource) resumes after it.
"""

from fastapi import APIRouter, HTTPException

from cnnviz.api.deps import ExistingJob, JobId, JobsDep, SettingsDep, job_or_404
from cnnviz.api.schemas.train import CommandResult, JobCreated, TrainJob, TrainRequest
from cnnviz.api.sse import STREAM_EVENTS, EventStreamResponse, LastEventId, event_stream
from cnnviz.models.limits import check_spec, check_training
from cnnviz.tasks.jobs import (
    DatasetMissingError,
    Job,
    JobError,
    JobLimitError,
    JobManager,
    JobStateError,
)
from cnnviz.train import ConfigError, TrainConfig

router = APIRouter(prefix="/train", tags=["training"])
NOT_FOUND = {404: {"description": "no job with this id"}}


def _out(job: Job) -> TrainJob:
    return TrainJob(**job.record())


@router.post(
    "",
    status_code=202,
    response_model=JobCreated,
    responses={
        409: {"description": "the dataset is not downloaded (the message says how)"},
        422: {"description": "a configuration that cannot run; `problems` lists each"},
        429: {"description": "as many jobs as allowed (max_jobs) are running"},
        503: {"description": "the server is shutting down, or cannot start a process"},
    },
)
def start_training(body: TrainRequest, jobs: JobsDep, settings: SettingsDep) -> JobCreated:
    """Start training in a worker process; follow it at `events_url`. Refused with a 422 before
    any process starts when the model is over the size limits, the dataset has fewer images than
    asked for, or the job would cost more than one job may (the message gives the estimate, the
    limit and what to lower)."""
    try:
        if body.spec is not None:
            check_spec(body.spec)  # its sizes, before TrainConfig builds it
        config = TrainConfig.from_dict(body.model_dump())
        check_training(config, settings.datasets_dir)
    except ConfigError as exc:
        detail = {"message": f"the configuration cannot run: {exc}", "problems": exc.problems}
        raise HTTPException(422, detail) from None
    except ValueError as exc:
        detail = {"message": f"the model cannot be trained: {exc}", "problems": [str(exc)]}
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
        status_url=f"/api/train/{job.id}",
        events_url=f"/api/train/{job.id}/events",
    )


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


def _command(jobs: JobManager, job_id: str, command: str) -> CommandResult:
    job = job_or_404(jobs, job_id)
    try:
        changed = jobs.command(job.id, command)
    except JobStateError as exc:
        raise HTTPException(409, str(exc)) from None
    return CommandResult(id=job.id, state=job.state, changed=changed)


COMMAND_ERRORS = {**NOT_FOUND, 409: {"description": "the job has ended"}}


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


@router.post("/{job_id}/stop", response_model=CommandResult, responses=COMMAND_ERRORS)
def stop(job_id: JobId, jobs: JobsDep) -> CommandResult:
    """Stop after the current batch; the job still evaluates, keeps its model and ends done
    with stopped true."""
    return _command(jobs, job_id, "stop")
