"""What answers when no route matches a request in full: the frontend, or a 405.

The frontend is the router's default app: it sees only requests that no route matched, neither
in full nor by path alone. A path that exists with other methods (`DELETE /api/health`) is the
router's 405 instead, and `method_not_allowed` names every method the path takes (the router's
own `Allow` lists only the first matching route's: GET, not POST, for `PUT /api/models`).
Unmatched `/api/...` paths stay JSON 404s whatever the method (a client parsing JSON would choke
on a page), also once the frontend ships a `404.html`.
"""

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

#: The methods a 405 may list as allowed instead.
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class FrontendFiles(StaticFiles):
    """`StaticFiles(html=True)` that never serves anything under `api/`."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        # The request's own path, not `path`: that one is normalised, and `/api/models/../../x`
        # would reach the files as `x` (a 405 for DELETE instead of the API's 404).
        requested = scope["path"]
        if requested == "/api" or requested.startswith("/api/"):
            raise HTTPException(status_code=404)
        return await super().get_response(path, scope)


async def method_not_allowed(request: Request, exc: HTTPException) -> JSONResponse:
    """The 405 handler: `Allow` and the message list every method a route takes on this path
    (for a static file, the `Allow` the files app gave: GET, HEAD)."""
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    methods = [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]
    headers = dict(exc.headers or {})
    if methods:
        headers["Allow"] = ", ".join(methods)
    takes = f"; it takes {headers['Allow']}" if "Allow" in headers else ""
    message = f"{request.method} is not allowed on {request.url.path}{takes}"
    return JSONResponse({"detail": message}, status_code=405, headers=headers)
