"""`GET /api/qr`: a QR code of a link, as SVG, for the page's Share dialog.

A link with the input in it is about 1,150 characters; a class scans it from the projector. The
code is made here with segno (pure Python) so the page needs no QR library of its own. The SVG
has a viewBox and no size, so the page scales it to any width without blurring, and a white
background with the standard 4-module quiet zone, so it scans on a dark page too.
"""

import io
from typing import Annotated

import segno
from fastapi import APIRouter, HTTPException, Query, Response

router = APIRouter(tags=["share"])

#: Longer text is refused: twice a link with an input, and well inside what a QR code holds
#: (2,953 bytes at the lowest error correction).
MAX_TEXT = 2048
#: The same text always gives the same SVG: browsers may keep it for a day.
CACHE = "public, max-age=86400"

ERRORS = {
    422: {
        "description": f"no text, text over {MAX_TEXT:,} characters, or text whose UTF-8 bytes "
        "do not fit in a QR code"
    }
}


@router.get(
    "/qr",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "the QR code"}, **ERRORS},
)
def qr_code(
    text: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_TEXT,
            description="what the code holds, usually the page's link",
            openapi_examples={"a link": {"value": "http://127.0.0.1:8000/#tab=draw"}},
        ),
    ],
) -> Response:
    """The QR code of `text` as an SVG image (error correction L, raised when it fits the same
    size; black modules on white)."""
    try:
        code = segno.make_qr(text, error="l")
    except segno.DataOverflowError:
        size = len(text.encode("utf-8"))
        raise HTTPException(
            422, f"the text is {size:,} bytes in UTF-8, more than a QR code holds: send less"
        ) from None
    out = io.BytesIO()
    code.save(
        out, kind="svg", border=4, omitsize=True, xmldecl=False, light="#fff", title="QR code"
    )
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": CACHE})
