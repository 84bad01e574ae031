"""What a job backend (embedded or on a broker) raises; the API turns each into a status code,
so both backends answer the same way. Every message says what to do."""


class JobError(Exception):
    """Base class; the message says what to do."""


class JobNotFoundError(JobError, LookupError):
    pass


class JobLimitError(JobError):
    """As many jobs as allowed are running already."""


class DatasetMissingError(JobError):
    """The job's dataset is not on disk; the message says how to download it."""


class JobStateError(JobError):
    """A command the job cannot take in its state (e.g. pausing a finished job)."""


class BrokerUnavailableError(JobError):
    """The broker (Redis) cannot be reached: job routes answer 503 until it is back."""
