"""Dataset downloads shared by every API process through the broker's Redis: any process can
start one, and every process reports it and streams its events.

The download itself runs in a thread of the process that started it (it waits on the network, and
a queue of training jobs must not delay it), as in the embedded manager, whose fetching and
progress logic this reuses; its events go to a Redis Stream instead of memory. One download per
dataset at a time across every process: the starter takes an owner key (SET NX) and renews it
while it downloads; a process that died mid-download lets the key run out, and the download then
reads as failed, so anyone can start it again."""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path
from typing import Literal

import redis
from anyio import to_thread

from cnnviz.data import get_dataset
from cnnviz.tasks.distributed import keys
from cnnviz.tasks.distributed.connection import broker_errors, connect
from cnnviz.tasks.distributed.control import LEASE_SECONDS, RENEW_SECONDS
from cnnviz.tasks.distributed.stream import StreamWriter, read_after
from cnnviz.tasks.downloads import Download, DownloadManager
from cnnviz.tasks.events import EventLog, LoggedEvent

OWNER_LOST = "the server that was downloading it stopped; start the download again"


def _owner(name: str) -> str:
    return f"{keys.download(name)}:owner"


class RedisDownloadManager(DownloadManager):
    def __init__(self, broker_url: str, download=None) -> None:
        super().__init__(download)
        self.broker_url = broker_url
        self.redis = connect(broker_url)
        self._writers: dict[str, StreamWriter] = {}
        self._renewing: dict[str, threading.Event] = {}

    def get(self, name: str) -> Download | None:
        with broker_errors(self.broker_url):
            state, owned = self._state(name)
        if state is None:
            return None
        return Download(name, state if owned or state != "downloading" else "failed")

    def _state(self, name: str) -> tuple[str | None, bool]:
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hget(keys.download(name), "state")
            pipe.exists(_owner(name))
            state, owned = pipe.execute()
        return state, bool(owned)

    async def events_since(self, name: str, seq: int) -> tuple[list[LoggedEvent], bool]:
        return await to_thread.run_sync(self._events_since, name, seq)

    def _events_since(self, name: str, seq: int) -> tuple[list[LoggedEvent], bool]:
        with broker_errors(self.broker_url):
            state, owned = self._state(name)
            events = read_after(self.redis, keys.download_events(name), seq)
        if state == "downloading" and not owned and not events:
            return [LoggedEvent(seq + 1, "error", _error_text(seq + 1))], True
        return events, state != "downloading"

    def start(self, name: str, data_dir: Path) -> Download:
        """Start downloading `name` here, unless a process is downloading it already."""
        info = get_dataset(name)
        with broker_errors(self.broker_url):
            owner = _owner(info.name)
            if not self.redis.set(owner, "1", nx=True, px=int(LEASE_SECONDS * 1000)):
                return Download(info.name)
            with self.redis.pipeline() as pipe:
                pipe.delete(keys.download_events(info.name))
                pipe.hset(keys.download(info.name), "state", "downloading")
                pipe.execute()
        download = Download(info.name)
        self._writers[info.name] = StreamWriter(
            EventLog(sampled="progress", track_dropped=True), self._writer(info.name)
        )
        stop = self._renewing[info.name] = threading.Event()
        threading.Thread(target=self._renew, args=(owner, stop), daemon=True).start()
        self._spawn(download, Path(data_dir))
        return download

    def _writer(self, name: str):
        def write(seq: int, kind: str, text: str, dropped: list[int]) -> bool:
            stream = keys.download_events(name)
            with self.redis.pipeline() as pipe:
                pipe.xadd(stream, {"t": kind, "e": text}, id=f"0-{seq}")
                if dropped:
                    pipe.xdel(stream, *(f"0-{d}" for d in dropped))
                pipe.execute()
            return True

        return write

    def _renew(self, owner: str, stop: threading.Event) -> None:
        while not stop.wait(RENEW_SECONDS):
            try:
                self.redis.set(owner, "1", px=int(LEASE_SECONDS * 1000))
            except redis.RedisError:  # Redis away: the next renewal tries again
                continue

    def _emit(self, download: Download, event: dict) -> None:
        with contextlib.suppress(redis.RedisError):  # Redis away: this progress point is lost
            self._writers[download.name].emit(event)

    def _end(self, download: Download, state: Literal["done", "failed"]) -> None:
        self._renewing.pop(download.name).set()
        # Redis away: the owner key runs out, and the download reads as failed.
        with contextlib.suppress(redis.RedisError), self.redis.pipeline() as pipe:
            pipe.hset(keys.download(download.name), "state", state)
            pipe.delete(_owner(download.name))
            pipe.execute()
        download.state = state


def _error_text(seq: int) -> str:
    return json.dumps({"type": "error", "message": OWNER_LOST, "seq": seq}, separators=(",", ":"))
