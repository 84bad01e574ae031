"""Connections to the broker's Redis, with short timeouts: a Redis that is down or hung costs a
request a few seconds at most, and becomes a BrokerUnavailableError (503) with a message, never a
500. redis-py opens a new connection on the next command, so service comes back by itself."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import urlsplit

import redis

from cnnviz.tasks.errors import BrokerUnavailableError

CONNECT_TIMEOUT = 2.0
#: Every reply must come within this; blocking reads ask for less (`control`).
SOCKET_TIMEOUT = 5.0


def connect(url: str) -> redis.Redis:
    """A client (a pool of connections) for `url`; strings in and out."""
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=SOCKET_TIMEOUT,
        health_check_interval=30,
    )


def where(url: str) -> str:
    """`host:port` of a broker URL, for messages (never its password)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


#: What a Redis that is away means for a training job or a download.
JOBS_WAIT = "training jobs and downloads wait until it is back, predictions still work"


@contextlib.contextmanager
def broker_errors(url: str, consequence: str = JOBS_WAIT) -> Iterator[None]:
    """Turn a Redis that cannot be reached into BrokerUnavailableError, whose message ends with
    what that means for the request (`consequence`)."""
    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise BrokerUnavailableError(
            f"the job broker (Redis at {where(url)}) cannot be reached ({type(exc).__name__}); "
            f"{consequence}"
        ) from None
