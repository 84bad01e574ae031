"""Turning refusals into HTTP answers: every 4xx says what to fix, and bad input never reaches
the client as a 500.

Engine and store errors are plain Python exceptions (the engine knows nothing of HTTP); here they
become 404 (unknown ids), 422 (input the engine rejects, with the engine's message, which names
the layer and the shape), 413 (bodies over the limit, refused before they are read), 507 (a
model file the disk could not take) or 503 (the job broker's Redis cannot be reached: any route
that needs it says so, and answers again once it is back).
"""

import re
from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from cnnviz.models.errors import ModelNotFoundError, ModelStorageError, ModelStoreError
from cnnviz.tasks.errors import BrokerUnavailableError

#: FastAPI's detail for a JSON body it could not decode at all (fastapi/routing.py).
BODY_PARSE_ERROR = "There was an error parsing the body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # The rejected input is left out: it may hold NaN or Infinity, which JSON cannot carry
        # (FastAPI's own handler then fails), and the message already says what is wrong.
        detail = [
            {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
            for error in exc.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # FastAPI answers 400 "There was an error parsing the body" when a JSON body is not even
        # text (bytes that are not UTF-8) or nests too deep; malformed JSON is already a 422
        # (`json_invalid`), and so is this now, with a message that says what to send instead.
        if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR and exc.__cause__:
            cause = exc.__cause__
            if isinstance(cause, UnicodeDecodeError):
                why = "it is not UTF-8 text"
            elif isinstance(cause, RecursionError):
                why = "it nests too deep"
            else:
                why = type(cause).__name__
            message = f"the request body could not be read as JSON: {why}; send UTF-8 JSON"
            return JSONResponse({"detail": message}, status_code=422)
        return await http_exception_handler(request, exc)

    @app.exception_handler(ModelNotFoundError)
    async def not_found(request: Request, exc: ModelNotFoundError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(ModelStorageError)
    async def insufficient_storage(request: Request, exc: ModelStorageError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=507)

    @app.exception_handler(BrokerUnavailableError)
    async def broker_unavailable(request: Request, exc: BrokerUnavailableError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(ModelStoreError)
    @app.exception_handler(ValueError)
    async def unprocessable(request: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)


class BodyLimit:
    """ASGI middleware: 413 for a body over `max_bytes`, by Content-Length or by counting; a
    photo sent as its own bytes (`photo_types`) to a path `photo_paths` matches may have up to
    `photo_max_bytes`."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        photo_max_bytes: int | None = None,
        photo_paths: re.Pattern[str] = re.compile(r"(?!)"),  # none
        photo_types: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.photo_max_bytes = max(max_bytes, photo_max_bytes or 0)
        self.photo_paths = photo_paths
        self.photo_types = frozenset(photo_types)

    def _limit(self, scope: Scope) -> int:
        if not self.photo_paths.fullmatch(scope["path"]):
            return self.max_bytes
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
        media_type = content_type.decode("latin-1").split(";")[0].strip().lower()
        return self.photo_max_bytes if media_type in self.photo_types else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0

        async def counting_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLargeError
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLargeError:
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        # a data URL over the limit: the same photo fits as its own bytes
        photo = (
            f"; send a photo as the body's own bytes (Content-Type image/jpeg, image/png or "
            f"image/webp) to have up to {self.photo_max_bytes:,} bytes"
            if limit < self.photo_max_bytes and self.photo_paths.fullmatch(scope["path"])
            else ""
        )
        response = JSONResponse(
            {"detail": f"the request body is over the {limit:,}-byte limit{photo}"},
            status_code=413,
        )
        await response(scope, receive, send)


class _BodyTooLargeError(Exception):
    pass
