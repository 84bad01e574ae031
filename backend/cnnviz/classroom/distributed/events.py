"""A class's events on the broker: one Redis Stream per class that every process serving it
mirrors into its own `ClassEvents`, from which that process's event streams read.

The process making a change numbers and adds its event with one script (the class's lock is
held, so numbers follow the changes' order); a thread per class and process blocks on XREAD and
keeps each event as it comes, its own included. So a page's stream is fed from memory whichever
process serves it, Redis is read once per class and process, not once per page, and an event id
means the same event on every process (a page resumes with Last-Event-ID on any of them).

The stream is capped (MAX_EVENTS); a process that starts serving a class late mirrors what it
still holds. A page that reconnects reads the class first (GET /api/classes/{code}), so an event
older than that is never needed. `ended` is the last event: the stream expires a minute later.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import redis
from redis import Redis

from cnnviz.classroom.distributed import keys
from cnnviz.classroom.distributed.store import CLASSES_WAIT
from cnnviz.classroom.events import TEACHER_EVENTS, Audience, ClassEvents, first_number
from cnnviz.tasks.distributed.connection import broker_errors
from cnnviz.tasks.events import LoggedEvent

#: Events the stream keeps: a class's full-size drawings (64 KB at most) make it at most ~13 MB.
MAX_EVENTS = 200
#: How long one read waits for a new event, and how long to wait before reading again after
#: Redis did not answer.
BLOCK_MS = 1000
RETRY_SECONDS = 1.0
#: How often a quiet mirror checks that its class still exists.
CHECK_SECONDS = 10.0
#: How long an ended class's events stay for the processes still mirroring them.
ENDED_TTL_SECONDS = 60

#: KEYS: the events stream, the counter; ARGV: type, JSON, cap, the first number.
EMIT = """
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], ARGV[4])
end
local seq = redis.call('INCR', KEYS[2])
local id = string.format('0-%d', seq)
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], id, 't', ARGV[1], 'e', ARGV[2])
if ARGV[1] == 'ended' then
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  redis.call('EXPIRE', KEYS[2], ARGV[5])
end
return seq
"""


class MirroredEvents:
    """The `Events` of one class in one process (see the module); `close` stops the mirror."""

    def __init__(self, client: Redis, broker_url: str, code: str) -> None:
        self.client = client
        self.broker_url = broker_url
        self.code = code
        self.local = ClassEvents(0.0)
        self._emit = client.register_script(EMIT)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._follow, name=f"class {code} events", daemon=True
        )
        self._thread.start()

    @property
    def ended(self) -> bool:
        return self.local.ended

    def emit(self, kind: str, data: dict[str, Any]) -> int:
        if kind not in TEACHER_EVENTS:
            raise ValueError(f"unknown class event {kind!r}")
        if self.local.ended:
            return 0
        text = json.dumps(data, separators=(",", ":"))
        with broker_errors(self.broker_url, CLASSES_WAIT):
            return self._emit(
                keys=[keys.events(self.code), keys.event_seq(self.code)],
                args=[kind, text, MAX_EVENTS, first_number(time.time()), ENDED_TTL_SECONDS],
            )

    def since(self, seq: int, audience: Audience) -> tuple[list[LoggedEvent], bool]:
        return self.local.since(seq, audience)

    async def wait(self, seq: int, audience: Audience, timeout: float) -> None:
        await self.local.wait(seq, audience, timeout)

    def close(self) -> None:
        self._stop.set()

    def _follow(self) -> None:
        """Keep every event of the stream until the class ends or the mirror is closed."""
        last, checked = "0-0", time.monotonic()
        while not (self._stop.is_set() or self.local.ended):
            try:
                reply = self.client.xread({keys.events(self.code): last}, count=500, block=BLOCK_MS)
                if not reply and time.monotonic() - checked > CHECK_SECONDS:
                    checked = time.monotonic()
                    if not self._class_exists():  # ended while its events were out of reach
                        self.local.mirror(int(last.split("-")[1]) + 1, "ended", {})
            except (redis.ConnectionError, redis.TimeoutError):
                self._stop.wait(RETRY_SECONDS)  # Redis away: the pages' streams wait with it
                continue
            for _, entries in reply or []:
                for entry_id, fields in entries:
                    seq = int(entry_id.split("-")[1])
                    self.local.mirror(seq, fields["t"], json.loads(fields["e"]))
                    last = entry_id

    def _class_exists(self) -> bool:
        pipe = self.client.pipeline(transaction=False)
        pipe.sismember(keys.CLASSES, self.code)
        pipe.exists(keys.events(self.code))
        member, stream = pipe.execute()
        return bool(member or stream)
