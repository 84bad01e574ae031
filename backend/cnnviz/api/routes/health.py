"""`GET /api/health`: a cheap liveness probe that also tells clients which version answers.

The frontend shows the version from here and the Docker HEALTHCHECK polls it.
"""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from cnnviz import __version__

router = APIRouter(prefix="/health", tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]
    version: str


@router.get("", response_model=Health)
def health() -> Health:
    return Health(status="ok", version=__version__)
