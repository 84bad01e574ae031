"""`/docs`: Swagger UI served by the app itself, so the page works without internet (FastAPI's
own `/docs` loads it from a CDN).

Swagger UI's script and stylesheet come from the `fastapi-offline` package, which ships them;
they are served under `/docs/assets/`. The page has its own Content-Security-Policy: it allows
its one inline script by hash, the inline styles and `data:` images Swagger UI uses, and requests
to this server only.
"""

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"
#: Where Swagger UI's files live inside the package that ships them.
ASSETS_PACKAGE = ("fastapi_offline", "static")


def install_docs(app: FastAPI) -> dict[str, str]:
    """Add `/docs` and its assets to `app`; return `{path: Content-Security-Policy}` for it."""
    html = get_swagger_ui_html(
        openapi_url=app.openapi_url,
        title=f"{app.title}: HTTP API",
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
        # No badge that sends the schema to an online validator.
        swagger_ui_parameters={"validatorUrl": None},
    ).body
    app.mount(ASSETS_PATH, StaticFiles(packages=[ASSETS_PACKAGE]), name="docs-assets")

    @app.get(DOCS_PATH, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(html)

    return {DOCS_PATH: docs_policy(html.decode())}


def docs_policy(html: str) -> str:
    """The CSP of the Swagger UI page `html`: its inline scripts by their SHA-256."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
