"""Classroom mode on the broker's Redis: a class served by several API processes at once.

`RedisClassStore` (store.py) keeps the records and the log of their changes each process reads
to keep its copy of a class true; `RedisLive` (live.py) keeps the event logs every process
mirrors (events.py), the tickets (tickets.py) and the wrong codes per address (ratelimit.py).
"""
