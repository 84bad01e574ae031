"""What a job backend (embedded or on a broker) raises; the API turns each into a status code,
so both backends answer the same way. Every message says what to do."""

from __future__ import annotations


class JobError(Exception):
    """Base class; the message says what to do."""


class JobNotFoundError(JobError, LookupError):
    pass


class JobLimitError(JobError):
    """A limit is reached: the queue is full, or a job has changed its learning rate too often.
    Both backends raise it with the same words (`queue_full`, `too_many_lr_changes`)."""

    @classmethod
    def queue_full(cls, waiting: int, max_queued: int) -> JobLimitError:
        return cls(
            f"{waiting} training jobs are waiting to start, the most this server queues "
            f"(CNNVIZ_MAX_QUEUED={max_queued}); wait for some to start, or cancel one of yours "
            "(POST /api/train/{id}/stop)"
        )

    @classmethod
    def too_many_lr_changes(cls, job_id: str, most: int) -> JobLimitError:
        return cls(
            f"job {job_id} has changed its learning rate {most} times, the most one job may; "
            "start a new run with the rate you want"
        )


class DatasetMissingError(JobError):
    """The job's dataset is not on disk; the message says how to download it."""


class JobStateError(JobError):
    """A command the job cannot take in its state (e.g. pausing a finished job)."""


class BrokerUnavailableError(JobError):
    """The broker (Redis) cannot be reached: job routes answer 503 until it is back."""
