"""`GET /api/health`: a cheap liveness probe that also tells clients which version answers and
where the training jobs run.

The frontend shows the version from here, and the Docker HEALTHCHECK and docker-compose poll it.
With a broker, it asks the jobs backend one cheap question to say whether Redis answers; the
server stays healthy either way (predictions do not need Redis), the field says what is missing.
"""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from cnnviz import __version__
from cnnviz.api.deps import JobsDep, SettingsDep
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
def health(settings: SettingsDep, jobs: JobsDep) -> Health:
    if not settings.broker_url:
        return Health(status="ok", version=__version__, jobs="embedded")
    try:
        jobs.active_count()
    except BrokerUnavailableError:
        return Health(status="ok", version=__version__, jobs="broker", broker="unreachable")
    return Health(status="ok", version=__version__, jobs="broker", broker="ok")
