"""`POST /api/sandbox`: a signal or a small matrix typed by hand through a convolution or a
pooling window, forward and backward, every number spelled out. No model involved.
`GET /api/sandbox/examples`: the course's examples, as bodies for it."""

from fastapi import APIRouter

from cnnviz.api.routes.steps import jsonable
from cnnviz.api.schemas.sandbox import SandboxExample, SandboxRequest, SandboxResponse
from cnnviz.explain import sandbox
from cnnviz.explain.sandbox_examples import EXAMPLES

router = APIRouter(prefix="/sandbox", tags=["sandbox"])

ERRORS = {
    422: {
        "description": "an input over 32×32 or not rectangular; a kernel over 7×7, missing for "
        "conv or given for a pool; a window larger than the padded input; 'same' or 'full' "
        "padding for a pool, or more than half its size; an upstream gradient whose shape is "
        "not the output's (the message names it); more than 75,000 products"
    }
}


@router.post("", response_model=SandboxResponse, responses=ERRORS, summary="Sandbox")
def run(body: SandboxRequest) -> dict:
    """Slide a kernel (`op` conv) or a pooling window (maxpool, avgpool) over a small input
    typed by hand, one row for a 1-D signal: returns the padded input, the output, the
    output-size formula per axis with the numbers filled in, every window, each conv window's
    products, each max-pool window's winner (a flat index into the input, as torch's
    `return_indices`, and how many cells tie; the first in reading order wins), and the backward
    pass of the upstream gradient `grad` (all ones when omitted) to the input and the kernel."""
    answer = sandbox.run(
        body.op,
        body.input,
        kernel=body.kernel,
        pool=body.pool,
        stride=body.stride,
        padding=body.padding,
        dilation=body.dilation,
        flip=body.flip,
        grad=body.grad,
    )
    return jsonable(answer)


@router.get(
    "/examples",
    response_model=list[SandboxExample],
    response_model_exclude_none=True,
    summary="Sandbox examples",
)
def examples() -> tuple:
    """The course's examples (a 1-D and a flipped 2-D convolution, a 6×6 max pool, a 6×6 average
    pool with an upstream gradient): each a name, a title, what to look at, and the
    `POST /api/sandbox` body that shows it. The page opens on the first."""
    return EXAMPLES
