"""Classes on the broker's Redis, for a server of several API processes.

Each class is one hash of its records (as JSON) and a log of changes: every write is one script
that stores the record and appends its field name to the class's change stream, numbered by a
counter, so a process that last looked at change n reads the fields written since (one XRANGE
and one HMGET) and applies them to its copy. The change stream is capped; a process that has
fallen further behind reads the whole class again. A write to a class that has ended does
nothing: the process that made it finds the class gone at its next look.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from redis import Redis
from redis.exceptions import LockError

from cnnviz.classroom.distributed import keys
from cnnviz.classroom.errors import ClassStateError
from cnnviz.classroom.records import (
    Answer,
    ClassRecord,
    Drawing,
    Poll,
    Record,
    Student,
    from_dict,
    to_dict,
)
from cnnviz.classroom.store import SavedClass
from cnnviz.tasks.distributed.connection import broker_errors

#: What a Redis that is away means for a class.
CLASSES_WAIT = "classes wait until it is back, predictions still work"
#: Changes a class keeps in its log (a process further behind reads the class again).
MAX_CHANGES = 2000
#: A change holds the class's lock at most this long (then the lock frees itself), and a
#: request waits this long for it at most.
LOCK_SECONDS = 10.0
LOCK_WAIT_SECONDS = 5.0

#: The record kinds by the first part of their field name.
KINDS: dict[str, type] = {
    "class": ClassRecord,
    "student": Student,
    "drawing": Drawing,
    "poll": Poll,
    "answer": Answer,
}

#: Store a record and log its field; KEYS: the class set, records, changes, counter; ARGV: code,
#: field, JSON, cap, "new" for a class being created. Returns the change's number, 0 when the
#: class has ended.
SAVE = """
if ARGV[5] == 'new' then
  redis.call('SADD', KEYS[1], ARGV[1])
elseif redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  return 0
end
local n = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '0-' .. n, 'f', ARGV[2])
return n
"""


def field_of(record: Record) -> str:
    if isinstance(record, ClassRecord):
        return "class"
    if isinstance(record, Answer):
        return f"answer:{record.poll_id}-{record.student_id}"
    kind = {Student: "student", Drawing: "drawing", Poll: "poll"}[type(record)]
    return f"{kind}:{record.id}"


def parse(field: str, text: str | None) -> Record | None:
    """The record a field holds (None: a field or text this version cannot read)."""
    kind = KINDS.get(field.split(":", 1)[0])
    if kind is None or text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return from_dict(kind, data) if isinstance(data, dict) else None


class RedisClassStore:
    """The `ClassStore` of broker mode (see the module)."""

    def __init__(self, client: Redis, broker_url: str) -> None:
        self.client = client
        self.broker_url = broker_url
        self._save = client.register_script(SAVE)

    # -- writing ---------------------------------------------------------------------------------
    def create_class(self, record: ClassRecord) -> None:
        self._write(record.code, record, new=True)

    def save_class(self, record: ClassRecord) -> None:
        self._write(record.code, record)

    def save_student(self, code: str, student: Student) -> None:
        self._write(code, student)

    def save_drawing(self, code: str, drawing: Drawing) -> None:
        self._write(code, drawing)

    def save_poll(self, code: str, poll: Poll) -> None:
        self._write(code, poll)

    def save_answer(self, code: str, answer: Answer) -> None:
        self._write(code, answer)

    def delete(self, code: str) -> None:
        with self._errors():
            pipe = self.client.pipeline()
            pipe.srem(keys.CLASSES, code)
            pipe.delete(*keys.record_keys(code))
            pipe.execute()

    # -- reading ---------------------------------------------------------------------------------
    def codes(self) -> set[str]:
        with self._errors():
            return set(self.client.smembers(keys.CLASSES))

    def load_class(self, code: str) -> SavedClass | None:
        with self._errors():
            pipe = self.client.pipeline(transaction=True)
            pipe.sismember(keys.CLASSES, code)
            pipe.get(keys.changed(code))
            pipe.hgetall(keys.records(code))
            member, cursor, fields = pipe.execute()
        record = parse("class", fields.get("class"))
        if not member or not isinstance(record, ClassRecord) or record.code != code:
            return None
        saved = SavedClass(record, cursor=int(cursor or 0))
        lists: dict[type, list[Any]] = {
            Student: saved.students,
            Drawing: saved.drawings,
            Poll: saved.polls,
            Answer: saved.answers,
        }
        for field, text in fields.items():
            item = parse(field, text)
            if item is not None and not isinstance(item, ClassRecord):
                lists[type(item)].append(item)
        return saved

    def changes(self, code: str, cursor: int) -> tuple[list[Record], int] | None:
        with self._errors():
            pipe = self.client.pipeline(transaction=False)
            pipe.sismember(keys.CLASSES, code)
            pipe.get(keys.changed(code))
            pipe.xrange(keys.changes(code), min=f"(0-{cursor}", max="+")
            member, changed, entries = pipe.execute()
            if not member:
                return None
            if int(changed or 0) <= cursor:
                return [], cursor
            if not entries or _number(entries[0][0]) > cursor + 1:
                # the log no longer holds every change since `cursor`: read the class again
                saved = self.load_class(code)
                if saved is None:
                    return None
                return saved.in_order(), saved.cursor
            fields = list(dict.fromkeys(entry[1]["f"] for entry in entries))
            texts = self.client.hmget(keys.records(code), fields)
        records = [parse(field, text) for field, text in zip(fields, texts, strict=True)]
        return [r for r in records if r is not None], _number(entries[-1][0])

    @contextlib.contextmanager
    def lock(self, code: str) -> Iterator[None]:
        lock = self.client.lock(
            keys.lock(code), timeout=LOCK_SECONDS, blocking_timeout=LOCK_WAIT_SECONDS
        )
        with self._errors():
            acquired = lock.acquire()
        if not acquired:
            raise ClassStateError(
                "another change to this class has taken over "
                f"{LOCK_WAIT_SECONDS:g} s: try again in a moment"
            )
        try:
            yield
        finally:
            with self._errors(), contextlib.suppress(LockError):  # expired: nothing to free
                lock.release()

    # -- helpers ---------------------------------------------------------------------------------
    def _write(self, code: str, record: Record, new: bool = False) -> None:
        text = json.dumps(to_dict(record), separators=(",", ":"))
        with self._errors():
            self._save(
                keys=[keys.CLASSES, *keys.record_keys(code)],
                args=[code, field_of(record), text, MAX_CHANGES, "new" if new else ""],
            )

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        return broker_errors(self.broker_url, CLASSES_WAIT)


def _number(entry_id: str) -> int:
    return int(entry_id.split("-", 1)[1])
