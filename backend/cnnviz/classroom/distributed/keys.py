"""The Redis keys of classroom mode, beside the job broker's (`cnnviz:` first)."""

from cnnviz.tasks.distributed.keys import PREFIX

#: Codes of the classes that exist (a set).
CLASSES = f"{PREFIX}:classes"


def records(code: str) -> str:
    """The class's records (a hash: "class", "student:<id>", "drawing:<id>", "poll:<id>",
    "answer:<poll>-<student>" -> the record as JSON)."""
    return f"{PREFIX}:class:{code}"


def changes(code: str) -> str:
    """Which record each change wrote (a Stream; entry ids `0-<n>`, n counted by `changed`)."""
    return f"{PREFIX}:class:{code}:changes"


def changed(code: str) -> str:
    """How many changes the class has had (a counter)."""
    return f"{PREFIX}:class:{code}:changed"


def lock(code: str) -> str:
    """Held by the process changing the class."""
    return f"{PREFIX}:class:{code}:lock"


def events(code: str) -> str:
    """The class's events (a Stream; entry ids `0-<seq>`)."""
    return f"{PREFIX}:class:{code}:events"


def event_seq(code: str) -> str:
    """The number of the class's latest event (a counter)."""
    return f"{PREFIX}:class:{code}:seq"


def ticket(code: str, ticket_hash: str) -> str:
    """A live ticket's holder (a string that expires with the ticket)."""
    return f"{PREFIX}:class:{code}:ticket:{ticket_hash}"


def holder_tickets(code: str, holder: str) -> str:
    """The hashes of one holder's tickets, newest first (a list)."""
    return f"{PREFIX}:class:{code}:tickets:{holder}"


def record_keys(code: str) -> list[str]:
    return [records(code), changes(code), changed(code)]


def wrong_codes(address: str) -> str:
    """When a client address gave wrong codes in the last minute (a sorted set by time)."""
    return f"{PREFIX}:wrongcodes:{address}"
