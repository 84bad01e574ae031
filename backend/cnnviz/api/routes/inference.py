"""`POST /api/models/{id}/predict` and `POST /api/models/{id}/trace`: a digit through a model.

Thin on purpose: the digit is decoded (`DigitInput.digit`), the model is run under its lock by
`cnnviz.explain.inference`, and the result is shaped for JSON here. The trace is a plain `def`
route, so its NumPy work runs in the thread pool, off the event loop; a prediction, which the Draw
view asks for on every stroke, runs inline when it is small (see `cnnviz.api.inline`).
"""

import json
import re
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from cnnviz.api.deps import ModelId, StoreDep
from cnnviz.api.encoding import encode_array
from cnnviz.api.errors import BODY_PARSE_ERROR
from cnnviz.api.inline import run_digit_work
from cnnviz.api.responses import json_response
from cnnviz.api.schemas.inference import (
    LayerTraceOut,
    PredictRequest,
    PredictResponse,
    TraceRequest,
    TraceResponse,
)
from cnnviz.data import digitcode
from cnnviz.explain import inference
from cnnviz.models.metadata import class_names
from cnnviz.models.store import ModelEntry

router = APIRouter(prefix="/models", tags=["inference"])

#: The predict route's path (the body limit allows it larger photos, `Settings.max_photo_bytes`).
PREDICT_PATH = re.compile(r"/api/models/[^/]+/predict")
#: What a photo sent as the body's own bytes may be labelled.
IMAGE_MEDIA_TYPES = ("image/png", "image/jpeg", "image/webp", "application/octet-stream")

ERRORS = {
    404: {"description": "no model with this id"},
    413: {
        "description": "the request body is over the size limit (5 MB by default; 12 MB for a "
        "photo sent as its own bytes to predict)"
    },
    415: {"description": "a body that is neither JSON nor a PNG, JPEG or WebP photo's bytes"},
    422: {
        "description": "not exactly one of image/pixels/code; pixels not 28×28 finite values "
        "in [0, 1]; an image that cannot be read, is empty, or has over 4096×4096 pixels; a "
        "code of the wrong length, alphabet or version; a target out of range"
    },
}


def _rounded(array: np.ndarray, decimals: int = 4) -> list:
    return np.round(np.asarray(array, np.float64), decimals).tolist()


def _encoded(array: np.ndarray | None):
    return None if array is None else encode_array(array)


async def predict_body(request: Request) -> PredictRequest:
    """The digit to predict: JSON (`PredictRequest`), or an image's own bytes when the body is
    labelled as one (IMAGE_MEDIA_TYPES), so a phone photo needs no base64 and gets the larger
    body limit."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if media_type in IMAGE_MEDIA_TYPES:
        return PredictRequest.from_image_bytes(raw)
    if media_type not in ("", "application/json") and not media_type.endswith("+json"):
        raise HTTPException(
            415,
            f"a body of type {media_type[:40]!r} cannot be read: send JSON (application/json) "
            "or a PNG, JPEG or WebP photo's own bytes (image/png, image/jpeg, image/webp)",
        )
    # as FastAPI reads a JSON body, so its refusals are the same as every other route's
    try:
        parsed = json.loads(raw)
    except (UnicodeDecodeError, RecursionError) as exc:
        raise HTTPException(400, BODY_PARSE_ERROR) from exc  # a 422 saying what to send
    except json.JSONDecodeError as exc:
        error = {"type": "json_invalid", "loc": ("body", exc.pos), "msg": f"JSON: {exc.msg}"}
        raise RequestValidationError([error]) from None
    try:
        return PredictRequest.model_validate(parsed)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False)
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in errors]
        ) from None


PREDICT_BODY = {
    "requestBody": {
        "required": True,
        "description": "a drawing or photo, 28×28 pixels or an input code as JSON; or a photo's "
        "own bytes with its Content-Type (up to 12 MB, `curl --data-binary @digit.jpg -H "
        "'Content-Type: image/jpeg'`)",
        "content": {
            "application/json": {"schema": PredictRequest.model_json_schema()},
            **{
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in IMAGE_MEDIA_TYPES
            },
        },
    }
}


@router.post(
    "/{model_id}/predict",
    response_model=PredictResponse,
    responses=ERRORS,
    openapi_extra=PREDICT_BODY,
)
async def predict(
    model_id: ModelId, body: Annotated[PredictRequest, Depends(predict_body)], store: StoreDep
) -> Response:
    """Read a digit: the predicted class, every class's probability, the 28×28 image the network
    saw and the preprocessing steps that made it from the drawing or photo."""
    return await run_digit_work(_predict, store, model_id, body)


def _predict(entry: ModelEntry, body: PredictRequest) -> Response:
    image, steps = body.digit()
    with entry.lock:
        result = inference.predict(entry.model, image)
    classes = class_names(entry.meta, result.probabilities.size)
    answer = PredictResponse(
        label=classes[result.index],
        index=result.index,
        probabilities=result.probabilities.tolist(),
        classes=classes,
        # the steps' last image is this same array, already rounded: not done twice per stroke
        input=steps["image"] if steps else _rounded(image),
        code=digitcode.encode(image),
        preprocessing=steps,
    )
    return json_response(answer)


@router.post("/{model_id}/trace", response_model=TraceResponse, responses=ERRORS)
def trace(model_id: ModelId, body: TraceRequest, store: StoreDep) -> Response:
    """Every layer's output, pre-activation, pooling indices and weights for one digit, and the
    gradient of one class's logit (`target`, default: the predicted class) at every layer and at
    the input (the saliency map). Arrays are base64 float32/int32 with their shape."""
    entry = store.get(model_id)
    image, _ = body.digit()
    with entry.lock:
        result = inference.trace(entry.model, image, body.target)
    classes = class_names(entry.meta, result.probabilities.size)
    answer = TraceResponse(
        model=entry.id,
        classes=classes,
        label=classes[result.index],
        index=result.index,
        target=result.target,
        target_label=classes[result.target],
        logits=np.asarray(result.logits, np.float64).tolist(),
        probabilities=result.probabilities.tolist(),
        input=encode_array(result.input),
        code=digitcode.encode(image),
        saliency=encode_array(result.saliency),
        layers=[
            LayerTraceOut(
                name=layer.name,
                type=layer.type,
                input_shape=list(layer.input_shape),
                output_shape=list(layer.output_shape),
                output=encode_array(layer.output),
                gradient=encode_array(layer.gradient),
                pre_activation=_encoded(layer.pre_activation),
                indices=_encoded(layer.indices),
                weight=_encoded(layer.weight),
                bias=_encoded(layer.bias),
            )
            for layer in result.layers
        ],
    )
    return json_response(answer)
