"""Runtime settings of the server, read once from environment variables.

A frozen dataclass instead of pydantic-settings: a handful of values do not need a runtime
dependency. `get_settings()` is cached so every caller sees the same
object; tests build their own `Settings` and pass it to `create_app`, or clear the cache after
changing the environment.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cnnviz.data import data_dir as default_data_dir
from cnnviz.data.store import ENV_DATA_DIR

FRONTEND_DIR_ENV = "CNNVIZ_FRONTEND_DIR"
MODELS_DIR_ENV = "CNNVIZ_MODELS_DIR"
DATA_DIR_ENV = ENV_DATA_DIR
MAX_BODY_ENV = "CNNVIZ_MAX_BODY_BYTES"
MAX_JOBS_ENV = "CNNVIZ_MAX_JOBS"
MAX_QUEUED_ENV = "CNNVIZ_MAX_QUEUED"
BROKER_URL_ENV = "CNNVIZ_BROKER_URL"
WORKER_THREADS_ENV = "CNNVIZ_WORKER_THREADS"
HOST_ENV = "CNNVIZ_HOST"
ALLOWED_HOSTS_ENV = "CNNVIZ_ALLOWED_HOSTS"
CORS_ORIGINS_ENV = "CNNVIZ_CORS_ORIGINS"
MAX_CONNECTIONS_ENV = "CNNVIZ_MAX_CONNECTIONS"
MAX_HEADER_ENV = "CNNVIZ_MAX_HEADER_BYTES"
HEADER_TIMEOUT_ENV = "CNNVIZ_HEADER_TIMEOUT"
BODY_TIMEOUT_ENV = "CNNVIZ_BODY_TIMEOUT"
CLASSES_DIR_ENV = "CNNVIZ_CLASSES_DIR"
MAX_CLASSES_ENV = "CNNVIZ_MAX_CLASSES"
MAX_STUDENTS_ENV = "CNNVIZ_MAX_STUDENTS"

DEFAULT_HOST = "127.0.0.1"
#: A class's 200 event streams (one per open Train view) and as many ordinary connections
#: (browsers keep up to six per server); well under the 1,024 descriptors many systems allow.
DEFAULT_MAX_CONNECTIONS = 400
#: The URL schemes of a Redis server that Celery and redis-py both read: TCP, TLS, a local socket.
BROKER_SCHEMES = ("redis", "rediss", "unix")


def default_worker_threads() -> int:
    return max(2, os.cpu_count() or 2)


_PACKAGE_DIR = Path(__file__).resolve().parent


class SettingsError(RuntimeError):
    """A setting that cannot be honoured; the message is one line written for the user."""


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    frontend_dir: Path
    #: Where user models (created, trained, imported) are kept as <id>.npz.
    models_dir: Path
    #: Larger request bodies are refused with 413 before they are read.
    max_body_bytes: int = 5 * 1024 * 1024
    #: A photo sent as its own bytes to the predict route may be this large (a 12 MP phone
    #: JPEG is 3 to 8 MB); every other body keeps `max_body_bytes`.
    max_photo_bytes: int = 12 * 1024 * 1024
    #: Training jobs that may run at once; one more waits in the queue.
    max_jobs: int = 2
    #: Training jobs that may wait for a running slot; one more is refused with 429.
    max_queued: int = 100
    #: Threads that run the plain `def` routes (anyio's default is 40). Their work is CPU-bound
    #: and mostly holds the GIL, so threads beyond the cores only queue inside Python, where the
    #: event loop waits for the GIL too.
    worker_threads: int = field(default_factory=default_worker_threads)
    #: Where datasets are read and downloaded, one folder each. None: $CNNVIZ_DATA_DIR, else the
    #: per-user cache, looked up when used (`datasets_dir`).
    data_dir: Path | None = None
    #: The address the server listens on (`cnnviz serve --host`). Bound to a loopback address,
    #: the server answers only to local names; bound to any other, also to the machine's own.
    listen_host: str = DEFAULT_HOST
    #: More names or addresses the Host header may carry (the DNS-rebinding defence).
    allowed_hosts: tuple[str, ...] = ()
    #: Origins whose pages may call the API from the browser (CORS); empty: none.
    cors_origins: tuple[str, ...] = ()
    #: Open connections at once; one more is answered 503 and closed.
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    #: Bytes of a request line and headers; more is answered 431.
    max_header_bytes: int = 16 * 1024
    #: Seconds a request's headers may take to arrive, from its first byte (or from the
    #: connection's opening); later is answered 408.
    header_timeout: float = 10.0
    #: Seconds a request's body may take to arrive once its headers are in (5 MB at ~85 KB/s).
    body_timeout: float = 60.0
    #: The Redis server that holds the training jobs, their queue and their events (Celery's
    #: broker; `cnnviz worker`s train them). None: jobs run in processes under this server.
    broker_url: str | None = None
    #: Where classes are kept, one folder each (classroom mode). None: `classes` beside the
    #: models directory (`classes_path`).
    classes_dir: Path | None = None
    #: Classes a server holds at once; one more is refused with 429.
    max_classes: int = 50
    #: Students one class admits; one more is refused with 429.
    max_students: int = 200

    @property
    def datasets_dir(self) -> Path:
        return self.data_dir or default_data_dir()

    @property
    def classes_path(self) -> Path:
        return self.classes_dir or self.models_dir.parent / "classes"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            frontend_dir=find_frontend_dir(env.get(FRONTEND_DIR_ENV)),
            models_dir=Path(env.get(MODELS_DIR_ENV) or default_models_dir()).expanduser(),
            max_body_bytes=_positive_int(env, MAX_BODY_ENV, 5 * 1024 * 1024),
            max_jobs=_positive_int(env, MAX_JOBS_ENV, 2),
            max_queued=_positive_int(env, MAX_QUEUED_ENV, 100),
            worker_threads=_positive_int(env, WORKER_THREADS_ENV, default_worker_threads()),
            data_dir=Path(env[DATA_DIR_ENV]).expanduser() if env.get(DATA_DIR_ENV) else None,
            listen_host=env.get(HOST_ENV) or DEFAULT_HOST,
            allowed_hosts=_host_list(env, ALLOWED_HOSTS_ENV),
            cors_origins=_origin_list(env, CORS_ORIGINS_ENV),
            max_connections=_positive_int(env, MAX_CONNECTIONS_ENV, DEFAULT_MAX_CONNECTIONS),
            max_header_bytes=_positive_int(env, MAX_HEADER_ENV, 16 * 1024),
            header_timeout=_seconds(env, HEADER_TIMEOUT_ENV, 10.0),
            body_timeout=_seconds(env, BODY_TIMEOUT_ENV, 60.0),
            broker_url=check_broker_url(env.get(BROKER_URL_ENV)),
            classes_dir=Path(env[CLASSES_DIR_ENV]).expanduser()
            if env.get(CLASSES_DIR_ENV)
            else None,
            max_classes=_positive_int(env, MAX_CLASSES_ENV, 50),
            max_students=_positive_int(env, MAX_STUDENTS_ENV, 200),
        )


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name)
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"{name}={text} must be a whole number of at least 1")
    return int(text)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise SettingsError(f"{name}={text} must be a number of seconds above 0")
    return seconds


def check_broker_url(text: str | None, name: str = BROKER_URL_ENV) -> str | None:
    """`text` checked as a Redis URL (None or empty: no broker); `name` is where it was given,
    for the message. Checked here, so a mistyped URL stops the server at start with one line,
    not every job request later with a 503."""
    if not text:
        return None
    scheme, _, rest = text.partition("://")
    if scheme not in BROKER_SCHEMES or not rest:
        raise SettingsError(
            f"{name}={text} is not a Redis URL (give redis://HOST:6379/0, "
            "rediss://HOST:6380/0 for TLS or unix:///path/to/redis.sock)"
        )
    return text


def _items(env: Mapping[str, str], name: str) -> list[str]:
    return [item.strip() for item in env.get(name, "").split(",") if item.strip()]


def _host_list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Host names or addresses, without a port: `lab-pc, 10.0.0.5, ::1`."""
    hosts = []
    for item in _items(env, name):
        if any(char in item for char in "/ *@") or item.count(":") == 1:
            raise SettingsError(
                f"{name}: {item!r} is not a host name or address (give names like lab-pc or "
                "10.0.0.5, comma-separated, without scheme or port)"
            )
        hosts.append(item)
    return tuple(hosts)


def _origin_list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Origins as a browser sends them: `http://lab-pc:8080, https://example.org`."""
    origins = []
    for item in _items(env, name):
        scheme, _, rest = item.partition("://")
        if scheme not in ("http", "https") or not rest or any(c in rest for c in "/ *?#"):
            raise SettingsError(
                f"{name}: {item!r} is not an origin (give scheme://host[:port] without a path, "
                "like http://lab-pc:8080, comma-separated)"
            )
        origins.append(item)
    return tuple(origins)


def default_models_dir() -> Path:
    """$XDG_DATA_HOME/cnnviz/models, else ~/.local/share/cnnviz/models."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "cnnviz" / "models"


def find_frontend_dir(override: str | None = None) -> Path:
    """Return the directory holding the frontend's `index.html`.

    Order: the explicit override (`CNNVIZ_FRONTEND_DIR`), then the copy a wheel carries inside the
    package (`cnnviz/frontend`, put there by hatch's force-include), then the repository's
    `frontend/` next to `backend/`, which is what an editable install sees.
    """
    if override:
        path = Path(override).expanduser().resolve()
        if not (path / "index.html").is_file():
            raise SettingsError(f"{FRONTEND_DIR_ENV}={override} has no index.html")
        return path
    candidates = (_PACKAGE_DIR / "frontend", _PACKAGE_DIR.parents[1] / "frontend")
    for candidate in candidates:
        if (candidate / "index.html").is_file():
            return candidate
    raise SettingsError(
        f"frontend not found (looked in {', '.join(map(str, candidates))}); "
        f"set {FRONTEND_DIR_ENV} to a directory with index.html"
    )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from `os.environ` on first use."""
    return Settings.from_env()
