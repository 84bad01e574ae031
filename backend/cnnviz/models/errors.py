"""The refusals of the models package, raised by the store, the bundled models and the checks."""


class ModelNotFoundError(LookupError):
    """No model with this id (or, for the command line, no such file); the API answers 404."""


class ModelStoreError(ValueError):
    """A request the store refuses, with a message that says what to fix; the API answers 422."""


class ModelStorageError(Exception):
    """A model file the server could not write (a full disk, a quota, a read-only folder); the
    API answers 507 with the reason, never the path."""
