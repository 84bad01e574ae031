"""`GET /api/health`: a cheap liveness probe that also tells clients which version answers and
where the training jobs run.

The frontend shows the version from here, and the Docker HEALTHCHECK and docker-compose poll it.
With a broker, it pings Redis (one round trip, whatever the number of jobs) to say whether it
answers; the server stays healthy either way (predictions do not need Redis), and the field says
what is missing.
"""

from functools import lru_cache
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from cnnviz import __version__
from cnnviz.api.deps import SettingsDep
from cnnviz.tasks.errors import BrokerUnavailableError

router = APIRouter(prefix="/health", tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    jobs: Literal["embedded", "broker"] = Field(
        description="where training jobs run: processes under this server, or the workers of a "
        "Redis broker (cnnviz serve --broker)"
    )
    broker: Literal["ok", "unreachable"] | None = Field(
        None, description="with a broker: whether its Redis answers (absent without one)"
    )


@router.get("", response_model=Health, response_model_exclude_none=True)
def health(settings: SettingsDep) -> Health:
    if not settings.broker_url:
        return Health(status="ok", version=__version__, jobs="embedded")
    broker = "ok" if broker_answers(settings.broker_url) else "unreachable"
    return Health(status="ok", version=__version__, jobs="broker", broker=broker)


def broker_answers(url: str) -> bool:
    """Whether the broker's Redis answers a PING (within the connection's short timeouts)."""
    from cnnviz.tasks.distributed.connection import broker_errors

    try:
        with broker_errors(url):
            _client(url).ping()
    except BrokerUnavailableError:
        return False
    return True


@lru_cache(maxsize=1)
def _client(url: str):
    """One client (a pool of connections) per process for the app's broker URL."""
    from cnnviz.tasks.distributed.connection import connect

    return connect(url)
