"""What one class and one server may hold: every cost a classroom request can cause is bounded
by one of these numbers."""

from __future__ import annotations

from dataclasses import dataclass

from cnnviz.settings import Settings

#: A student's name, a poll's question and its options, in characters.
MAX_NAME = 40
MAX_QUESTION = 200
MAX_OPTIONS = 10
MAX_OPTION = 60
#: The PNG data URL of a drawing, as sent (a 280×280 canvas is 5 to 30 KB).
MAX_DRAWING_BYTES = 64 * 1024
#: The teacher's view state as compact JSON (a link with a drawing is about 1.2 KB).
MAX_STATE_BYTES = 16 * 1024
#: A pause message, in characters.
MAX_MESSAGE = 200


@dataclass(frozen=True)
class ClassLimits:
    max_classes: int = 50
    max_students: int = 200
    #: Seconds a student waits between two drawings.
    drawing_interval: float = 1.0
    max_drawing_bytes: int = MAX_DRAWING_BYTES
    #: Drawings a class keeps: with images of at most 64 KB, at most 64 MB per class (a drawing
    #: a second from every student of a full class would otherwise grow without end).
    max_drawings: int = 1000
    #: Polls a class may ask.
    max_polls: int = 100
    #: A class without activity for this long ends (its records are deleted).
    idle_seconds: float = 24 * 3600
    #: Wrong codes one client address may try per minute; a whole class behind one NAT address
    #: mistyping the code stays well under it.
    wrong_codes_per_minute: int = 40
    max_name: int = MAX_NAME
    max_question: int = MAX_QUESTION
    max_options: int = MAX_OPTIONS
    max_option: int = MAX_OPTION
    max_message: int = MAX_MESSAGE
    max_state_bytes: int = MAX_STATE_BYTES
    #: Seconds an event-stream ticket stays valid.
    ticket_seconds: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ClassLimits:
        return cls(max_classes=settings.max_classes, max_students=settings.max_students)
