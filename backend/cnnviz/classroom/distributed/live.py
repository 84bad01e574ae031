"""`RedisLive`: the events, tickets and wrong codes of classes served by several API processes,
on the broker's Redis (the `Live` of `cnnviz.classroom.live`)."""

from __future__ import annotations

from redis import Redis

from cnnviz.classroom.distributed.events import MirroredEvents
from cnnviz.classroom.distributed.ratelimit import RedisWrongCodes
from cnnviz.classroom.distributed.tickets import RedisTickets
from cnnviz.classroom.limits import ClassLimits


class RedisLive:
    def __init__(self, client: Redis, broker_url: str, limits: ClassLimits) -> None:
        self.client = client
        self.broker_url = broker_url
        self.limits = limits
        self.limiter = RedisWrongCodes(client, broker_url, limits.wrong_codes_per_minute)

    def events(self, code: str) -> MirroredEvents:
        return MirroredEvents(self.client, self.broker_url, code)

    def tickets(self, code: str) -> RedisTickets:
        return RedisTickets(self.client, self.broker_url, code, self.limits.ticket_seconds)
