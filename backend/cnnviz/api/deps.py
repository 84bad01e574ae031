"""Typed dependencies the routes declare: `def route(store: StoreDep)`.

They are `async def` because they only read app state: FastAPI runs a plain `def` dependency in
the thread pool, and that hop cost every request ~0.1-0.3 ms under load.
"""

from typing import Annotated

from fastapi import Depends, Path, Request

from cnnviz.api.settings import Settings
from cnnviz.modelstore import ID_PATTERN, ModelStore


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> ModelStore:
    return request.app.state.store


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
StoreDep = Annotated[ModelStore, Depends(get_store)]

#: A model id in a path: checked against the id pattern before any route sees it.
ModelId = Annotated[
    str,
    Path(
        pattern=ID_PATTERN.pattern,
        description="a model id from GET /api/models: lowercase letters, digits and dashes",
        openapi_examples={"default model": {"value": "lenet5-mnist"}},
    ),
]
