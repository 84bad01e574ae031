"""Training jobs: `POST /api/train` starts one, `GET /api/train/{id}` reports it,
`GET /api/train/{id}/events` streams it, `POST /api/train/{id}/pause|resume|step|stop` drive it.

Each job trains in its own worker process (`cnnviz.tasks.jobs.JobManager`), so predictions stay fast
while a class watches. The events stream is Server-Sent Events: every event is sent with
`event: <type>` (start, step, epoch, filters, done; error or interrupted when the job failed or
the server restarted), `id: <its position>` and `data: <the event as JSON>` (the same dict the
trainer emits, see `cnnviz.train.events`). A subscriber first gets the whole history, then live
events; the stream ends after done/error/interrupted. `Last-Event-ID` (sent by a reconnecting
EventSource) resumes after that event.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException
from fastapi.sse import EventSourceResponse, ServerSentEvent

from cnnviz.api.deps import ExistingJob, JobId, JobsDep, SettingsDep, job_or_404
from cnnviz.api.schemas.train import CommandResult, JobCreated, TrainJob, TrainRequest
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

#: How often a stream looks for new events, and how long it stays quiet before a keep-alive.
POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0


def _out(job: Job) -> TrainJob:
    return TrainJob(**job.record())


async def event_stream(
    since: Callable[[int], tuple[list[dict], bool]], start: int = 0
) -> AsyncIterator[ServerSentEvent]:
    """History from `start`, then live events until the source ends; polled, never blocking
    a thread, so a whole class can watch at once."""
    index, quiet = start, 0.0
    while True:
        events, final = since(index)
        for event in events:
            yield ServerSentEvent(data=event, event=event.get("type"), id=str(index))
            index += 1
        if final and not events:
            return
        if events:
            quiet = 0.0
            continue
        await asyncio.sleep(POLL_SECONDS)
        quiet += POLL_SECONDS
        if quiet >= KEEPALIVE_SECONDS:
            quiet = 0.0
            yield ServerSentEvent(comment="keep-alive")


def _resume_index(last_event_id: str | None) -> int:
    if last_event_id and last_event_id.isdigit():
        return int(last_event_id) + 1
    return 0


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
    """Start training in a worker process; follow it at `events_url`."""
    try:
        config = TrainConfig.from_dict(body.model_dump())
    except ConfigError as exc:
        detail = {"message": f"the configuration cannot run: {exc}", "problems": exc.problems}
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
    response_class=EventSourceResponse,
    responses={**NOT_FOUND, 200: {"description": "text/event-stream of the job's events"}},
)
async def job_events(
    job: ExistingJob,
    jobs: JobsDep,
    last_event_id: Annotated[str | None, Header()] = None,
) -> AsyncIterator[ServerSentEvent]:
    """Server-Sent Events: the job's history, then its live events, until it ends."""
    start = _resume_index(last_event_id)
    async for event in event_stream(lambda index: jobs.events_since(job.id, index), start):
        yield event


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
