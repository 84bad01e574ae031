"""Arrays in JSON: base64 of little-endian float32 (or int32) bytes with their shape.

A LeNet-5 trace holds ~30,000 numbers; as JSON text that is ~300 KB, as base64 float32 ~160 KB,
and the browser decodes it with one `new Float32Array(...)`.
"""

import base64

import numpy as np
from pydantic import BaseModel, Field


class EncodedArray(BaseModel):
    shape: list[int]
    dtype: str = Field(description="'float32' or 'int32', little-endian")
    data: str = Field(description="base64 of the raw bytes, C order")


def encode_array(array: np.ndarray) -> EncodedArray:
    kind = "<i4" if np.issubdtype(array.dtype, np.integer) else "<f4"
    raw = np.ascontiguousarray(array, dtype=kind).tobytes()
    return EncodedArray(
        shape=list(array.shape),
        dtype="int32" if kind == "<i4" else "float32",
        data=base64.b64encode(raw).decode("ascii"),
    )


def decode_array(encoded: EncodedArray | dict) -> np.ndarray:
    """The inverse of `encode_array` (for tests and Python clients)."""
    if isinstance(encoded, dict):
        encoded = EncodedArray(**encoded)
    dtype = "<i4" if encoded.dtype == "int32" else "<f4"
    return np.frombuffer(base64.b64decode(encoded.data), dtype).reshape(encoded.shape)
