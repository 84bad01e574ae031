"""Event-stream tickets on the broker: issued by one API process, redeemed on any.

A ticket is a key holding its holder that expires with the ticket; redeeming reads and deletes it
in one command (GETDEL), so a ticket works once even when two processes race for it. As in
memory (`cnnviz.classroom.tickets`), a holder keeps at most PER_HOLDER live tickets.
"""

from __future__ import annotations

from redis import Redis

from cnnviz.classroom.codes import new_token, token_hash
from cnnviz.classroom.distributed import keys
from cnnviz.classroom.distributed.store import CLASSES_WAIT
from cnnviz.classroom.records import TEACHER, Role
from cnnviz.classroom.tickets import PER_HOLDER, spent_ticket
from cnnviz.tasks.distributed.connection import broker_errors

#: KEYS: the ticket, the holder's list; ARGV: the holder, lifetime in ms, the ticket's hash,
#: PER_HOLDER, the key of a ticket without its hash. The holder's oldest tickets beyond
#: PER_HOLDER are deleted.
ISSUE = """
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('LPUSH', KEYS[2], ARGV[3])
for _, old in ipairs(redis.call('LRANGE', KEYS[2], tonumber(ARGV[4]), -1)) do
  redis.call('DEL', ARGV[5] .. old)
end
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
"""


def holder(role: Role) -> str:
    return "teacher" if role.kind == "teacher" else f"student:{role.student_id}"


def role_of(text: str) -> Role:
    kind, _, student_id = text.partition(":")
    return TEACHER if kind == "teacher" else Role("student", student_id)


class RedisTickets:
    def __init__(self, client: Redis, broker_url: str, code: str, lifetime: float) -> None:
        self.client = client
        self.broker_url = broker_url
        self.code = code
        self.lifetime = lifetime
        self._issue = client.register_script(ISSUE)

    def issue(self, role: Role) -> str:
        ticket = new_token()
        digest = token_hash(ticket)
        with broker_errors(self.broker_url, CLASSES_WAIT):
            self._issue(
                keys=[keys.ticket(self.code, digest), keys.holder_tickets(self.code, holder(role))],
                args=[
                    holder(role),
                    int(self.lifetime * 1000),
                    digest,
                    PER_HOLDER,
                    keys.ticket(self.code, ""),
                ],
            )
        return ticket

    def redeem(self, ticket: str) -> Role:
        with broker_errors(self.broker_url, CLASSES_WAIT):
            held = self.client.getdel(keys.ticket(self.code, token_hash(ticket)))
        if held is None:
            raise spent_ticket(self.lifetime)
        return role_of(held)
