"""A model architecture as a request carries it (`POST /api/models`, `POST /api/train`): its
lengths stated in the schema and checked before any code loops over it; the sizes of what it
builds are checked by `cnnviz.models.limits` before any weight is drawn."""

from typing import Annotated, Any, Literal, Required

from pydantic import ConfigDict, Field, StrictInt
from typing_extensions import TypedDict

from cnnviz.models.limits import MAX_LAYER_KEYS, MAX_LAYERS
from cnnviz.nn.serialize import DTYPES, SPEC_FORMAT

#: Nested objects are as strict as the request: no unknown keys, numbers only, finite.
STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class SpecRequest(TypedDict, total=False):
    """A model architecture, as `POST /api/models` takes it: layers in order, each
    {"type": ..., arguments}; the size limits are checked before any weight is drawn."""

    __pydantic_config__ = STRICT  # type: ignore[misc]
    format: Literal[SPEC_FORMAT]  # type: ignore[valid-type]
    input_shape: Annotated[list[StrictInt], Field(min_length=3, max_length=3)]
    dtype: Literal[tuple(DTYPES)]  # type: ignore[valid-type]
    layers: Required[
        Annotated[
            list[Annotated[dict[str, Any], Field(max_length=MAX_LAYER_KEYS)]],
            Field(min_length=1, max_length=MAX_LAYERS),
        ]
    ]
