"""Classroom mode: a teacher leads a class, students follow on their own devices, draw digits for
a class-wide experiment and answer polls.

`ClassManager` (manager.py) is the service the API calls; it keeps each class in memory
(`ClassRoom`, room.py), writes every record through a `ClassStore` (store.py: one JSON file per
record; a Redis store for broker mode comes later) and announces changes on the class's event log
(events.py). It knows nothing of HTTP: refusals are the exceptions of errors.py, which the API
turns into 4xx answers.
"""
