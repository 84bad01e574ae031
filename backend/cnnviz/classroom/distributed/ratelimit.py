"""Wrong class codes per client address, counted in Redis, so a client cannot try more codes by
spreading its guesses over the API processes: a sorted set of the times of the address's wrong
codes in the last minute, which expires with its newest."""

from __future__ import annotations

import time
from collections.abc import Callable

from redis import Redis

from cnnviz.classroom.codes import new_token
from cnnviz.classroom.distributed import keys
from cnnviz.classroom.distributed.store import CLASSES_WAIT
from cnnviz.classroom.ratelimit import WINDOW_SECONDS, too_many_wrong_codes
from cnnviz.tasks.distributed.connection import broker_errors


class RedisWrongCodes:
    def __init__(
        self,
        client: Redis,
        broker_url: str,
        per_minute: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`clock`: seconds since the epoch, the same on every process."""
        self.client = client
        self.broker_url = broker_url
        self.per_minute = per_minute
        self.clock = clock

    def check(self, address: str) -> None:
        key, now = keys.wrong_codes(address), self.clock()
        with broker_errors(self.broker_url, CLASSES_WAIT):
            pipe = self.client.pipeline(transaction=False)
            pipe.zremrangebyscore(key, "-inf", now - WINDOW_SECONDS)
            pipe.zcard(key)
            pipe.zrange(key, 0, 0, withscores=True)
            _, count, oldest = pipe.execute()
        if count >= self.per_minute:
            raise too_many_wrong_codes(self.per_minute, oldest[0][1] + WINDOW_SECONDS - now)

    def record(self, address: str) -> None:
        key, now = keys.wrong_codes(address), self.clock()
        with broker_errors(self.broker_url, CLASSES_WAIT):
            pipe = self.client.pipeline(transaction=False)
            pipe.zadd(key, {new_token(): now})
            pipe.zremrangebyrank(key, 0, -self.per_minute - 1)  # only the newest count
            pipe.expire(key, int(WINDOW_SECONDS) + 1)
            pipe.execute()
