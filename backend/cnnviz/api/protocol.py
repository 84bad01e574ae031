"""uvicorn's httptools protocol with limits a classroom server needs against slow or hostile
clients: header bytes, time to send the headers and the body, and open connections.

uvicorn's own options do not cover these with httptools (kept because it is the faster parser):
its header-size limit exists only for h11, and `limit_concurrency` counts only requests whose
headers are complete, so idle half-sent requests hold descriptors until none are left. Here:

- more than `max_header_bytes` before the headers are complete: 431;
- headers not complete `header_timeout` seconds after the request's first byte (or after the
  connection opened), or the body not complete `body_timeout` seconds after the headers: 408;
- a connection that would be open beside `max_connections` others: 503, before it is read.

Each refusal is a short JSON answer with `Connection: close`. The connection then stops being
processed: what the client still sends is read and dropped until it closes, at most
`LINGER_SECONDS` (closing with unread data would reset the connection, and the client could lose
the answer). `cnnviz serve` passes this class to uvicorn by its import path.
"""

from __future__ import annotations

import asyncio
import json

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from cnnviz.api.security import PAGE_POLICY, SECURITY_HEADERS
from cnnviz.settings import get_settings

LINGER_SECONDS = 2.0
#: Where a connection is: between requests, in a request's head (request line and headers), in
#: its body. A head is timed from its first byte, or from the connection's opening for the first
#: request; a body from the end of the head. Between requests uvicorn's keep-alive timeout holds.
IDLE, HEAD, BODY = "idle", "head", "body"


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` that enforces the settings' connection, header and time limits."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limits = get_settings()
        self.phase = HEAD  # the first request's head is awaited from the start
        self.header_bytes = 0  # of the current request's head, so far
        self.deadline: asyncio.TimerHandle | None = None
        self.deadline_phase: str | None = None  # the phase `deadline` times
        self.refused = False

    # -- connections --------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # joins the server's set of open connections
        limit = self.limits.max_connections
        if len(self.connections) > limit:
            self.refuse(
                503,
                f"the server has {limit} connections open, its limit; try again in a moment",
                retry_after=1,
            )
            return
        self.time_phase()

    def connection_lost(self, exc: Exception | None) -> None:
        self.cancel_deadline()
        super().connection_lost(exc)

    def shutdown(self) -> None:
        """The server is stopping. An event stream (every stream route's path ends in /events)
        never ends by itself: its connection is closed now, which the stream sees as its client
        leaving, instead of the server waiting out its grace and cancelling it."""
        super().shutdown()
        cycle = self.cycle
        streaming = cycle is not None and not cycle.response_complete
        if streaming and cycle.scope["method"] == "GET" and cycle.scope["path"].endswith("/events"):
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self.phase == IDLE:  # bytes after a request: the next request's head
            self.phase = HEAD
        # A head is fed in pieces no larger than the room left under the limit, so one header
        # never grows past it in the parser's buffer.
        while data and not self.refused and not self.transport.is_closing():
            if self.phase == BODY:
                super().data_received(data)
                break
            room = self.limits.max_header_bytes - self.header_bytes
            if room <= 0:
                self.refuse(
                    431,
                    f"the request line and headers are over the "
                    f"{self.limits.max_header_bytes:,}-byte limit; send fewer or shorter headers",
                )
                return
            head, data = data[:room], data[room:]
            self.header_bytes += len(head)
            super().data_received(head)
        if not self.refused:
            self.time_phase()

    # -- parser callbacks ---------------------------------------------------------------------

    def on_headers_complete(self) -> None:
        self.phase = BODY
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.phase = IDLE
        self.header_bytes = 0
        super().on_message_complete()

    # -- deadlines ----------------------------------------------------------------------------

    def time_phase(self) -> None:
        """Run the deadline of the phase the connection is in, once per phase: a request that
        arrives whole in one read (the usual case) starts and stops no timer."""
        phase = None if self.phase == IDLE else self.phase
        if phase == self.deadline_phase:
            return
        self.cancel_deadline()
        if phase == HEAD:
            self.deadline = self.loop.call_later(self.limits.header_timeout, self.headers_late)
        elif phase == BODY:
            self.deadline = self.loop.call_later(self.limits.body_timeout, self.body_late)
        self.deadline_phase = phase

    def cancel_deadline(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None
        self.deadline_phase = None

    # -- refusals -----------------------------------------------------------------------------

    def headers_late(self) -> None:
        seconds = f"{self.limits.header_timeout:g}"
        self.refuse(408, f"the request's headers did not arrive within {seconds} s")

    def body_late(self) -> None:
        seconds = f"{self.limits.body_timeout:g}"
        self.refuse(408, f"the request's body did not arrive within {seconds} s")

    def refuse(self, status: int, message: str, retry_after: int | None = None) -> None:
        """Answer `status` with `{"detail": message}` (unless the app has begun an answer),
        then drop the rest of the connection."""
        self.cancel_deadline()
        self.refused = True
        cycle = self.cycle
        # The app has begun answering the request at hand (or, for a pipelined one, the one
        # before it): a second answer would corrupt the stream, so the connection just closes.
        answered = (
            cycle is not None
            and cycle.response_started
            and (self.phase == BODY or not cycle.response_complete)
        )
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True  # the app's receive() sees a disconnect, its send() no-ops
            cycle.message_event.set()
        if answered or self.transport.is_closing():
            self.transport.close()
            return
        headers = list(self.server_state.default_headers)
        if retry_after is not None:
            headers.append((b"retry-after", str(retry_after).encode()))
        self.transport.write(_response(status, message, headers))
        self.flow.resume_reading()  # keep reading, to drop what the client still sends
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.deadline = self.loop.call_later(LINGER_SECONDS, self.transport.close)


def _response(status: int, message: str, headers: list[tuple[bytes, bytes]]) -> bytes:
    """A complete HTTP/1.1 answer: `headers`, the security headers, and the JSON body."""
    body = json.dumps({"detail": message}).encode()
    headers = [
        *headers,
        *SECURITY_HEADERS,
        (b"content-security-policy", PAGE_POLICY.encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    lines = [STATUS_LINE[status], *(name + b": " + value + b"\r\n" for name, value in headers)]
    return b"".join([*lines, b"\r\n", body])
