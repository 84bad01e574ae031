"""Dataset downloads started from the web app: one background thread per dataset, its progress
kept in an event log (`cnnviz.tasks.events`: numbered, "progress" thinned to a fixed number) that
any number of clients can follow."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cnnviz.data import DataError, get_dataset, without_folder
from cnnviz.tasks.events import EventLog, LoggedEvent


@dataclass
class Download:
    """One background download of a dataset; its events: progress, then done or error."""

    name: str
    state: Literal["downloading", "done", "failed"] = "downloading"
    log: EventLog = field(default_factory=lambda: EventLog(sampled="progress"), repr=False)

    @property
    def final(self) -> bool:
        return self.state != "downloading"


class DownloadManager:
    """At most one download per dataset at a time, each in a thread (it waits on the network)."""

    def __init__(self, download=None) -> None:
        self._download = download  # for tests; default: cnnviz.data.download_dataset
        self._downloads: dict[str, Download] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Download | None:
        with self._lock:
            return self._downloads.get(name)

    async def events_since(self, name: str, seq: int) -> tuple[list[LoggedEvent], bool]:
        """The kept events numbered after `seq`, and whether the download has ended (its final
        state is set after its last event is logged)."""
        download = self.get(name)
        if download is None:
            return [], True
        with self._lock:
            return download.log.since(seq), download.final

    def start(self, name: str, data_dir: Path) -> Download:
        """Start downloading dataset `name` into `data_dir` (or return the one under way)."""
        info = get_dataset(name)
        with self._lock:
            current = self._downloads.get(info.name)
            if current is not None and not current.final:
                return current
            download = self._downloads[info.name] = Download(info.name)
        self._spawn(download, Path(data_dir))
        return download

    def _spawn(self, download: Download, data_dir: Path) -> None:
        threading.Thread(
            target=self._run, args=(download, data_dir), daemon=True, name=f"dl-{download.name}"
        ).start()

    def _emit(self, download: Download, event: dict) -> None:
        with self._lock:
            download.log.append(event)

    def _run(self, download: Download, data_dir: Path) -> None:
        from cnnviz.data import download_dataset

        fetch = self._download or download_dataset
        shown: dict[str, int] = {}

        def progress(file: str, done: int, total: int | None) -> None:
            percent = int(100 * done / total) if total else done >> 20  # else per MiB
            if shown.get(file) == percent and done != total:
                return
            shown[file] = percent
            self._emit(download, {"type": "progress", "file": file, "done": done, "total": total})

        try:
            result = fetch(download.name, root=data_dir, progress=progress)
        except Exception as exc:  # DataError says what was tried; anything else is reported too
            message = str(exc) if isinstance(exc, DataError) else f"download failed: {exc}"
            message = without_folder(message, data_dir)
            self._emit(download, {"type": "error", "message": message})
            self._end(download, "failed")
            return
        event = {
            "type": "done",
            "downloaded": [p.name for p in result.downloaded],
            "skipped": [p.name for p in result.skipped],
            "bytes": result.bytes_downloaded,
        }
        self._emit(download, event)
        self._end(download, "done")

    def _end(self, download: Download, state: Literal["done", "failed"]) -> None:
        """Set the final state, after the last event is logged."""
        with self._lock:
            download.state = state
