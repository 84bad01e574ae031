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
from collections.abc import Callable

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from cnnviz.api.security import PAGE_POLICY, SECURITY_HEADERS
from cnnviz.settings import get_settings

LINGER_SECONDS = 2.0


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` that enforces the settings' connection, header and time limits."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limits = get_settings()
        self.awaiting_headers = True  # the bytes received now belong to a request's head
        self.header_bytes = 0
        self.deadline: asyncio.TimerHandle | None = None
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
        self.start_deadline(self.limits.header_timeout, self.headers_late)

    def connection_lost(self, exc: Exception | None) -> None:
        self.cancel_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # While a request's head arrives, it is fed in pieces no larger than the room left under
        # the limit, so one header never grows past it in the parser's buffer.
        while data and not self.refused and not self.transport.is_closing():
            if not self.awaiting_headers:
                super().data_received(data)
                return
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

    # -- parser callbacks ---------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.deadline is None:  # a later request on a kept-alive connection
            self.start_deadline(self.limits.header_timeout, self.headers_late)

    def on_headers_complete(self) -> None:
        self.awaiting_headers = False
        self.start_deadline(self.limits.body_timeout, self.body_late)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.cancel_deadline()
        self.awaiting_headers = True
        self.header_bytes = 0
        super().on_message_complete()

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
        answered = cycle is not None and cycle.response_started and not cycle.response_complete
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

    # -- the one deadline at a time -------------------------------------------------------------

    def start_deadline(self, seconds: float, on_expiry: Callable[[], None]) -> None:
        self.cancel_deadline()
        self.deadline = self.loop.call_later(seconds, on_expiry)

    def cancel_deadline(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None


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
