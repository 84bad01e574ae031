"""What the API needs from a job backend and a download backend: the embedded ones
(`jobs.JobManager`, `downloads.DownloadManager`: worker processes and threads under one server)
and the broker's (`distributed.manager.RedisJobManager`, `distributed.downloads.
RedisDownloadManager`: Celery workers and Redis, shared by any number of servers) both provide
it, raise the same errors (`errors`) and so answer the routes the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from cnnviz.tasks.downloads import Download
from cnnviz.tasks.events import LoggedEvent
from cnnviz.tasks.job import Job
from cnnviz.train import TrainConfig


class JobBackend(Protocol):
    def get(self, job_id: str) -> Job: ...

    def jobs(self) -> list[Job]: ...

    def active_count(self) -> int: ...

    async def events_since(self, job_id: str, seq: int) -> tuple[list[LoggedEvent], bool]: ...

    def start(self, config: TrainConfig, data_dir: Path) -> Job: ...

    def command(self, job_id: str, command: str) -> bool: ...

    def set_lr(self, job_id: str, lr: float) -> None: ...

    def shutdown(self) -> None: ...


class DownloadBackend(Protocol):
    def get(self, name: str) -> Download | None: ...

    async def events_since(self, name: str, seq: int) -> tuple[list[LoggedEvent], bool]: ...

    def start(self, name: str, data_dir: Path) -> Download: ...
