"""`POST /api/models/{id}/conv-step` and `POST /api/models/{id}/pool-step`: one output position
of one layer, number by number.

Thin on purpose: the digit is decoded, the model runs under its entry's lock, and
`cnnviz.explain.stepper` (no HTTP in it) does the maths; here the arrays become JSON lists. A layer,
channel, row or column the model does not have is a ValueError there, a 422 here.
"""

import numpy as np
from fastapi import APIRouter

from cnnviz.api.deps import ModelId, StoreDep
from cnnviz.api.schemas.steps import (
    ConvStepRequest,
    ConvStepResponse,
    PoolStepRequest,
    PoolStepResponse,
)
from cnnviz.explain import stepper

router = APIRouter(prefix="/models", tags=["steps"])

ERRORS = {
    404: {"description": "no model with this id"},
    422: {
        "description": "not exactly one of image/pixels/code, pixels not 28×28 in [0, 1], or a "
        "code that is not one an answer gave; a layer the model does not have or of the wrong "
        "type; channel, row, col or target_class out of range (the message gives the range); "
        "row without col or col without row; a non-finite upstream gradient"
    },
}


def jsonable(values: dict) -> dict:
    """NumPy arrays to nested lists, recursively."""
    out = {}
    for key, value in values.items():
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, dict):
            value = jsonable(value)
        out[key] = value
    return out


@router.post(
    "/{model_id}/conv-step", response_model=ConvStepResponse, responses=ERRORS, summary="Conv step"
)
def conv_step(model_id: ModelId, body: ConvStepRequest, store: StoreDep) -> dict:
    """One output of a Conv2D layer spelled out (at `row`, `col`; without them at the filter's
    most active position, largest |output|): the padded input patch under the kernel
    (padding shown as 0 and flagged in `padding_mask`), the kernel, their element-wise products,
    the sum, the bias, the pre-activation (sum + bias, the traced output), the next activation's
    value, and the receptive field in the 28×28 input image.

    With `"direction": "backward"`, this position's contributions to dW (g · patch), db (g) and
    dX (g · kernel at the patch's input coordinates), where the upstream gradient g is by
    default ∂(predicted class's logit)/∂(this output), or a number you give as `upstream`.
    """
    entry = store.get(model_id)
    image, _ = body.digit()
    with entry.lock:
        result = stepper.conv_step(
            entry.model,
            image,
            body.layer,
            body.channel,
            body.row,
            body.col,
            backward=body.direction == "backward",
            upstream=body.upstream,
            target_class=body.target_class,
        )
    return jsonable(result)


@router.post(
    "/{model_id}/pool-step", response_model=PoolStepResponse, responses=ERRORS, summary="Pool step"
)
def pool_step(model_id: ModelId, body: PoolStepRequest, store: StoreDep) -> dict:
    """One output of a MaxPool2D or AvgPool2D layer: the window's values and their coordinates
    in the layer's input, the winner (max pooling, from the trace's pooling indices: flat index
    and row, col), the output, and how an upstream gradient g (default 1; "logit": the
    gradient of a class's logit) is routed back: max pooling sends all of g to the winner,
    average pooling g / window size to each cell. Without `row` and `col`: the window with the
    largest |output|. For the whole channel: every window, the average pooling over the same
    windows and, for max pooling, the ties of each window's maximum."""
    entry = store.get(model_id)
    image, _ = body.digit()
    with entry.lock:
        result = stepper.pool_step(
            entry.model,
            image,
            body.layer,
            body.channel,
            body.row,
            body.col,
            upstream=body.upstream,
            target_class=body.target_class,
        )
    return jsonable(result)
