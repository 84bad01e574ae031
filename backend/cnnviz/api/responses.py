"""Answering a plain `def` route with a model it already built, without a second validation.

FastAPI validates a returned model against `response_model` again, and for a plain `def` route
it does so in the thread pool: one more hop per request. The models here are built by our own
code from typed values, so the hop buys nothing on the hot routes (predict and trace, which the
frontend calls on every stroke); `response_model` stays on the route for the OpenAPI schema.
"""

from fastapi import Response
from pydantic import BaseModel


def json_response(body: BaseModel, status_code: int = 200) -> Response:
    """`body` serialized once by pydantic's core, as FastAPI's own fast path does."""
    return Response(body.model_dump_json(), status_code=status_code, media_type="application/json")
