"""Reading a Server-Sent Events stream that ends, through a TestClient (or any httpx client, such
as one on a live server): every event's name, id and data (parsed JSON), as the browser's
EventSource would hand them over; `iter_sse` hands them over one at a time, so that a test can
leave the stream midway (a subscriber that disconnects)."""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient


@dataclass(frozen=True)
class ServerEvent:
    name: str | None
    id: str | None
    data: Any


def read_sse(
    client: TestClient, url: str, headers: dict | None = None, timeout: float = 60.0
) -> list[ServerEvent]:
    """Every event of the stream at `url` (status 200 and text/event-stream asserted); fails if
    the stream is still going after `timeout` seconds (checked at each line it sends)."""
    return list(iter_sse(client, url, headers, timeout))


def iter_sse(
    client: TestClient, url: str, headers: dict | None = None, timeout: float = 60.0
) -> Iterator[ServerEvent]:
    """The events of the stream at `url` as they arrive, as `read_sse` checks them; leaving the
    loop closes the connection."""
    fields = {}
    deadline = time.monotonic() + timeout
    with client.stream("GET", url, headers=headers or {}) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            assert time.monotonic() < deadline, f"{url} still streaming after {timeout} s"
            if not line:
                if "data" in fields:
                    data = json.loads(fields["data"])
                    yield ServerEvent(fields.get("event"), fields.get("id"), data)
                fields = {}
            elif not line.startswith(":"):
                key, _, value = line.partition(": ")
                fields[key] = value
