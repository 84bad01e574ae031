"""The `/api` router: it only gathers the per-resource routers, so adding one is one line."""

from fastapi import APIRouter

from cnnviz.api.routes import (
    activations,
    arithmetic,
    catalogue,
    classes,
    conv,
    datasets,
    health,
    inference,
    models,
    photo,
    sandbox,
    share,
    steps,
    train,
)

api_router = APIRouter(prefix="/api")
api_router.include_router(health.router)
api_router.include_router(catalogue.router)
api_router.include_router(models.router)
api_router.include_router(inference.router)
api_router.include_router(steps.router)
api_router.include_router(conv.router)
api_router.include_router(datasets.router)
api_router.include_router(train.router)
api_router.include_router(share.router)
api_router.include_router(sandbox.router)
api_router.include_router(arithmetic.router)
api_router.include_router(activations.router)
api_router.include_router(photo.router)
api_router.include_router(classes.router)
