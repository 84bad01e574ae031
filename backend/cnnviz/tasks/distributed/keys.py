"""The Redis keys of the job broker, in one place. Every key starts with `cnnviz:`, so one Redis
can serve other applications too."""

PREFIX = "cnnviz"
#: Job ids by creation time (a sorted set): what GET /api/train lists.
JOBS = f"{PREFIX}:jobs"
#: Ids of the jobs waiting for a worker, first to start first (a list).
QUEUE = f"{PREFIX}:queue"
#: Ids of the jobs a worker holds (a set): what the lease sweep looks at.
RUNNING = f"{PREFIX}:running"


def job(job_id: str) -> str:
    """The job's record (a hash: state, config, paths, times, outcome, last_seq)."""
    return f"{PREFIX}:job:{job_id}"


def events(job_id: str) -> str:
    """The job's event log (a Stream; entry ids `0-<seq>`)."""
    return f"{PREFIX}:job:{job_id}:events"


def latest(job_id: str) -> str:
    """The latest event of each type (a hash type -> JSON), kept or thinned away."""
    return f"{PREFIX}:job:{job_id}:latest"


def control(job_id: str) -> str:
    """Commands on their way to the job's worker (a list of JSON)."""
    return f"{PREFIX}:job:{job_id}:control"


def lease(job_id: str) -> str:
    """Present while the job's worker is alive (a string with a time to live it renews)."""
    return f"{PREFIX}:job:{job_id}:lease"


def job_keys(job_id: str) -> list[str]:
    return [job(job_id), events(job_id), latest(job_id), control(job_id), lease(job_id)]


def download(name: str) -> str:
    """A dataset download's record (a hash: state, owner lease)."""
    return f"{PREFIX}:download:{name}"


def download_events(name: str) -> str:
    return f"{PREFIX}:download:{name}:events"
