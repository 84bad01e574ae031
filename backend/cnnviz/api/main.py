"""Builds the FastAPI app: the API routers and `/docs`, the frontend for every other path, and
the middleware around them (security headers, Host check, CORS, body limit).

The frontend is the router's default, not a mount at `/`: a mount would match every path and
method, and swallow the router's 405 for a wrong method on an existing path. Unknown paths end in
Starlette's `HTTPException`, which FastAPI turns into `{"detail": ...}` JSON.
"""

import asyncio
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

from cnnviz import __version__
from cnnviz.api.classroom import install_classes
from cnnviz.api.docs import install_docs
from cnnviz.api.errors import BodyLimit, install_error_handlers
from cnnviz.api.router import api_router
from cnnviz.api.routes.inference import IMAGE_MEDIA_TYPES, PREDICT_PATH
from cnnviz.api.security import install_security
from cnnviz.api.static import FrontendFiles, method_not_allowed
from cnnviz.blas import limit_blas_threads
from cnnviz.models.store import ModelStore
from cnnviz.settings import Settings, get_settings
from cnnviz.tasks.downloads import DownloadManager
from cnnviz.tasks.jobs import JobManager


@asynccontextmanager
async def _lifespan(app: FastAPI):
    to_thread.current_default_thread_limiter().total_tokens = app.state.settings.worker_threads
    sweeper = asyncio.create_task(app.state.classes.sweep_forever())  # idle classes end
    yield
    sweeper.cancel()
    app.state.classes.close()  # stop following the classes' events
    app.state.jobs.shutdown()  # stop the training workers with the server


def _job_backends(settings: Settings, store: ModelStore):
    """The jobs and downloads managers: on the broker's Redis when one is set (Celery and redis
    are imported only then), else in worker processes under this server, where records of jobs
    a restart cut short say so."""
    if settings.broker_url:
        from cnnviz.tasks.distributed.downloads import RedisDownloadManager
        from cnnviz.tasks.distributed.manager import RedisJobManager

        return (
            RedisJobManager(store, settings.broker_url, max_queued=settings.max_queued),
            RedisDownloadManager(settings.broker_url),
        )
    jobs = JobManager(store, max_jobs=settings.max_jobs, max_queued=settings.max_queued)
    return jobs, DownloadManager()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Return a new app; `settings` defaults to `get_settings()` (tests pass their own)."""
    settings = settings or get_settings()
    limit_blas_threads(1)  # requests are the parallelism; see cnnviz.blas
    app = FastAPI(
        title="cnnviz",
        version=__version__,
        docs_url=None,  # served offline with its own policy by install_docs
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.store = ModelStore(settings.models_dir)
    app.state.jobs, app.state.downloads = _job_backends(settings, app.state.store)
    install_error_handlers(app)
    install_classes(app, settings, app.state.store)
    app.add_exception_handler(405, method_not_allowed)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        photo_max_bytes=settings.max_photo_bytes,
        photo_paths=PREDICT_PATH,
        photo_types=IMAGE_MEDIA_TYPES,
    )
    app.include_router(api_router)
    policies = install_docs(app)
    app.router.default = FrontendFiles(directory=settings.frontend_dir, html=True)
    install_security(app, settings, policies)
    return app
