"""Serving the frontend without letting it answer for the API.

The frontend is mounted at `/`, after the API routes, so it sees every path no route claimed,
`/api/...` typos included. Those must stay JSON 404s (a client parsing JSON would choke on a
page), also once the frontend ships a `404.html`, so the `api` prefix is refused here outright.
"""

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope


class FrontendFiles(StaticFiles):
    """`StaticFiles(html=True)` that never serves anything under `api/`."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        is_api = path == "api" or path.startswith("api/")
        if is_api and scope["method"] in ("GET", "HEAD"):
            raise HTTPException(status_code=404)
        return await super().get_response(path, scope)
