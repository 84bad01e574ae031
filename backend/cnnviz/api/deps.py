"""Typed dependencies the routes declare: `def route(store: StoreDep)`."""

from typing import Annotated

from fastapi import Depends, Request

from cnnviz.api.settings import Settings
from cnnviz.modelstore import ModelStore


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> ModelStore:
    return request.app.state.store


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
StoreDep = Annotated[ModelStore, Depends(get_store)]
