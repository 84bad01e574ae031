"""`POST /api/conv/apply` and `GET /api/conv/kernels`: the convolution playground, any kernel
on any small image, with the output-size formula filled in. No model involved."""

import numpy as np
from fastapi import APIRouter

from cnnviz.api.inputs import DigitInput
from cnnviz.api.routes.steps import jsonable
from cnnviz.api.schemas.steps import ConvApplyRequest, ConvApplyResponse, NamedKernel
from cnnviz.explain import playground
from cnnviz.explain.kernels import named_kernel, named_kernels

router = APIRouter(prefix="/conv", tags=["convolution"])

ERRORS = {
    422: {
        "description": "not exactly one of pixels/image; pixels over 64×64, a kernel over "
        "7×7, either not rectangular or holding NaN/Inf or numbers over 10^6; a size outside "
        "3 to 64; an unknown kernel name; a stride, padding or dilation out of range"
    }
}


@router.get("/kernels", response_model=list[NamedKernel], summary="Named kernels")
def kernels() -> list[dict]:
    """The named kernels `POST /api/conv/apply` accepts, with what each one does."""
    return named_kernels()


@router.post("/apply", response_model=ConvApplyResponse, responses=ERRORS, summary="Apply a kernel")
def apply(body: ConvApplyRequest) -> dict:
    """Slide one kernel (named or your own numbers, 1×1 to 7×7) over an image, resized to
    `size`×`size` if asked, with stride, padding and dilation, as a conv layer does
    (cross-correlation), or flipped (`flip`: true convolution). Returns the image slid over, the
    output, its size, per axis the formula ⌊(size + padding − dilation·(k − 1) − 1) / stride⌋ +
    1 with its terms and your numbers in it, and every window the kernel took.

    A geometry that cannot be slid (the dilated kernel larger than the padded image, padding
    "same" with a stride) is a verdict, not an error: `fits` false, `message` says what to
    change, `formula` shows why when it can be written, and there is no output."""
    if body.pixels is not None:
        image = np.asarray(body.pixels, np.float64)
    else:
        image = DigitInput(image=body.image).digit()[0].astype(np.float64)
    if body.size is not None:
        image = playground.resized(image, body.size)
    kernel = named_kernel(body.kernel) if isinstance(body.kernel, str) else np.asarray(body.kernel)
    answer = playground.slide(image, kernel, body.stride, body.padding, body.dilation, body.flip)
    return jsonable(answer)
