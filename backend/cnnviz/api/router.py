"""The `/api` router: it only gathers the per-resource routers, so adding one is one line."""

from fastapi import APIRouter

from cnnviz.api.routes import health

api_router = APIRouter(prefix="/api")
api_router.include_router(health.router)
