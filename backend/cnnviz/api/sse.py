"""Server-Sent Events of an event log (`cnnviz.tasks.events`): a training job's, a download's.

Every event is sent as `event: <its type>`, `id: <its sequence number>` and `data: <the event as
JSON>`. A subscriber first gets the kept history, then live events, and the stream ends after
the source's last event. `Last-Event-ID` (sent by a reconnecting EventSource) resumes after that
sequence number. The stream never blocks a thread, so a whole class can watch: it waits on the
source when the source can wake it (a class's events: `Wait`), else looks every POLL_SECONDS.

The stream is a plain streaming response (`EventStreamResponse`), not FastAPI's generator
endpoint for SSE (`response_class=EventSourceResponse` on a generator): that one forwards events
through a task that raises `anyio.BrokenResourceError` (a long traceback in the log) whenever a
client leaves while events flow. Here a client that leaves is normal: the server notices the
disconnect, cancels the generator, and logs nothing.
"""

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Header
from starlette.responses import StreamingResponse

from cnnviz.tasks.errors import BrokerUnavailableError
from cnnviz.tasks.events import LoggedEvent

#: How often a stream looks for new events, and how long it stays quiet before a keep-alive.
POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0
KEEPALIVE = ": keep-alive\n\n"

#: The events after a sequence number, and whether the source has ended. A coroutine: with a
#: broker the events are read from Redis, which the event loop must not wait on.
Since = Callable[[int], Awaitable[tuple[list[LoggedEvent], bool]]]

#: Returns once there may be events after a sequence number, or after a timeout in seconds.
Wait = Callable[[int, float], Awaitable[None]]

_SEQUENCE_NUMBER = re.compile(r"[0-9]{1,18}")

#: The header a reconnecting EventSource sends: the id of the last event it received.
LastEventId = Annotated[
    str | None,
    Header(description="resume after the event with this id (anything else: from the start)"),
]


#: How /docs describes an event stream's answer: its events, each an event name, an id (the
#: sequence number) and data (the event as JSON, with its "type" and "seq").
STREAM_EVENTS = {
    "text/event-stream": {
        "itemSchema": {
            "type": "object",
            "required": ["event", "id", "data"],
            "properties": {
                "event": {"type": "string"},
                "id": {"type": "string", "pattern": "^[0-9]+$"},
                "data": {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": {
                        "type": "object",
                        "required": ["type", "seq"],
                        "properties": {
                            "type": {"type": "string"},
                            "seq": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        }
    }
}


class EventStreamResponse(StreamingResponse):
    """A stream of events, as a route's `response_class`. Its media type, text/event-stream, is
    set on each response, not on the class: with one on the class, /docs would describe the
    stream as a single string beside its events (`STREAM_EVENTS`)."""


def resume_after(last_event_id: str | None) -> int:
    """The sequence number a stream starts after: the client's `Last-Event-ID` when it is one,
    else 0 (the whole history)."""
    if last_event_id is not None and _SEQUENCE_NUMBER.fullmatch(last_event_id):
        return int(last_event_id)
    return 0


def frame(event: LoggedEvent) -> str:
    return f"event: {event.type}\nid: {event.seq}\ndata: {event.text}\n\n"


async def frames(since: Since, after: int, wait: Wait | None = None) -> AsyncIterator[str]:
    """The events after `after`, then live ones until the source ends; a batch of events that
    are there at once goes out as one chunk (a late subscriber's history in one write)."""
    seq, quiet = after, 0.0
    loop = asyncio.get_running_loop()
    while True:
        try:
            events, final = await since(seq)
        except BrokerUnavailableError:
            # Redis is away: the stream stays open (kept alive) and goes on when it is back; a
            # closed one would make the browser's EventSource give up at its reconnect's 503.
            events, final = [], False
        if events:
            seq, quiet = events[-1].seq, 0.0
            yield "".join(map(frame, events))
        elif final:
            return
        else:
            started = loop.time()
            if wait is None:
                await asyncio.sleep(POLL_SECONDS)
            else:
                await wait(seq, KEEPALIVE_SECONDS - quiet)
            quiet += loop.time() - started
            if quiet >= KEEPALIVE_SECONDS:
                quiet = 0.0
                yield KEEPALIVE


def event_stream(
    since: Since, last_event_id: str | None, wait: Wait | None = None
) -> EventStreamResponse:
    """The response streaming `since`'s events, resumed after `last_event_id`, woken by `wait`
    when the source has one."""
    return EventStreamResponse(
        frames(since, resume_after(last_event_id), wait),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
