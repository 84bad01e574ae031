"""The refusals of classroom mode, each with the HTTP status the API answers with and a message
that says what to fix. Plain exceptions: the classroom package knows nothing of HTTP."""


class ClassError(Exception):
    """A classroom request refused; `status` is the HTTP answer's code."""

    status = 400


class ClassNotFound(ClassError):  # noqa: N818 (the name the design gives)
    """No class with this code: never created, ended, or ended after a day without activity."""

    status = 404


class ClassAuthError(ClassError):
    """No token, a wrong token, or a ticket that was used already or has expired."""

    status = 401


class ClassForbidden(ClassError):  # noqa: N818 (the name the design gives)
    """A valid token of the wrong role: a student's on a teacher's route, or the reverse."""

    status = 403


class ClassStateError(ClassError):
    """A request the class's present state refuses (a poll already revealed, a model gone)."""

    status = 409


class ClassInputError(ClassError):
    """Input the class cannot take: a blank name, an oversized state, an unknown option."""

    status = 422


class ClassLimitError(ClassError):
    """Too many classes, students, drawings or polls, drawings too fast, or too many wrong codes
    from one address; `retry_after` is in seconds when waiting helps."""

    status = 429

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ClassStorageError(ClassError):
    """A record the disk could not take (full, read-only); nothing changed."""

    status = 507
