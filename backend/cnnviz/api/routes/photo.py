"""`POST /api/kernels/photo`: a named or typed kernel over a whole photo, grey or per colour
channel, answered as a PNG with the numbers the clipping to 0…255 hides.

The photo is the raw request body (its bytes as they are in the file, no base64, no form): the
body limit bounds it (5 MB by default), the image reader refuses more than 4096×4096 pixels before
decoding, and the photo is shrunk to at most 1024 pixels a side before filtering, so one request
costs a few tenths of a second at most. The maths is `cnnviz.explain.photo`.
"""

import base64
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status

from cnnviz.api.deps import RawBody
from cnnviz.api.schemas.photo import PhotoKernelResponse
from cnnviz.api.schemas.steps import KernelName
from cnnviz.explain import photo

router = APIRouter(prefix="/kernels", tags=["convolution"])

#: What a photo may be sent as: its own type, or bytes without one.
MEDIA_TYPES = ("image/png", "image/jpeg", "image/webp", "application/octet-stream")
#: A 7×7 kernel written with long decimals is well under this.
MAX_VALUES_TEXT = 1000

ERRORS = {
    413: {"description": "the photo is over the body limit (5 MB by default)"},
    415: {"description": "the body is not sent as the image's bytes"},
    422: {
        "description": "not an image (PNG, JPEG or WebP), damaged, or over 4096×4096 pixels; "
        "neither or both of kernel and values; an unknown kernel name; values over 7×7, not "
        "rectangular, not numbers or beyond ±10^6"
    },
}

BODY = {
    "requestBody": {
        "required": True,
        "description": "the photo's bytes (PNG, JPEG or WebP) as the raw request body",
        "content": {
            media_type: {
                "schema": {"type": "string", "format": "binary"},
                # A photo cannot be written inline: /docs fetches the page's example photo.
                "examples": {
                    "a digit on paper": {
                        "summary": "the page's example photo",
                        "externalValue": "/img/example-photo.png",
                    }
                },
            }
            for media_type in MEDIA_TYPES
        },
    }
}


@router.post(
    "/photo",
    response_model=PhotoKernelResponse,
    responses=ERRORS,
    openapi_extra=BODY,
    summary="A kernel over a photo",
)
def kernel_on_photo(
    request: Request,
    body: RawBody,
    kernel: Annotated[
        KernelName | None,
        Query(
            description="a named kernel (GET /api/conv/kernels); or give `values`",
            openapi_examples={"Sobel, left to right": {"value": "sobel_x"}},
        ),
    ] = None,
    values: Annotated[
        str | None,
        Query(
            max_length=MAX_VALUES_TEXT,
            description="your own kernel, up to 7×7: rows by ';', values by ',' "
            "(e.g. 1,0,-1;2,0,-2;1,0,-1)",
        ),
    ] = None,
    mode: Annotated[
        Literal["grey", "rgb"],
        Query(description="grey: one luma channel; rgb: the kernel on each colour channel"),
    ] = "grey",
) -> PhotoKernelResponse:
    """Send the photo as the request body, e.g. `curl --data-binary @desk.jpg -H 'Content-Type:
    image/jpeg' '/api/kernels/photo?kernel=sobel_x'`. The photo is turned upright (EXIF), laid
    on white where transparent, shrunk to at most 1024 pixels a side (`resized`), made grey or
    kept in colour, then the kernel is slid over each channel as a conv layer does
    (cross-correlation, not flipped), the border repeated so the output keeps the photo's
    size. The PNG is the output rounded and clipped to 0…255; `value_range` and `clipped` say
    what the clipping cut."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in MEDIA_TYPES:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            "send the photo's bytes as the request body with its own Content-Type (image/png, "
            f"image/jpeg, image/webp) or application/octet-stream; got {content_type[:80]!r}",
        )
    chosen = photo.choose_kernel(kernel, values)
    result = photo.filter_photo(body, chosen, mode)
    (width, height), (source_width, source_height) = result.size, result.source_size
    resized = result.size != result.source_size
    channels = "its grey (luma) channel" if mode == "grey" else "each colour channel (R, G, B)"
    shrunk = (
        f"shrunk from {source_width}×{source_height} to {width}×{height} (at most "
        f"{photo.MAX_SIDE} a side), then "
        if resized
        else ""
    )
    stats = result.stats()
    return PhotoKernelResponse(
        source_size=[source_width, source_height],
        size=[width, height],
        resized=resized,
        max_side=photo.MAX_SIDE,
        mode=result.mode,
        kernel=chosen.tolist(),
        padding="replicate",
        note=f"Your {source_width}×{source_height} photo, {shrunk}the "
        f"{chosen.shape[0]}×{chosen.shape[1]} kernel slid over {channels} at every pixel.",
        png=base64.b64encode(result.png()).decode("ascii"),
        **stats,
    )
