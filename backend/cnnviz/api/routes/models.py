"""`/api/models`: list, inspect, create, rename, delete, export and import models.

Routes translate HTTP into `ModelStore` calls; what clients send is checked by
`cnnviz.models.limits` before the engine allocates anything.
"""

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import BinaryIO

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from cnnviz.api.deps import ModelId, RawBody, StoreDep, UserModelId
from cnnviz.api.layerrows import layer_rows
from cnnviz.api.schemas.models import (
    CheckSpec,
    CreateModel,
    ErrorMessage,
    ModelDetail,
    ModelSummary,
    RenameModel,
    SpecCheck,
)
from cnnviz.models.bundled import model_card, pretrained_ids
from cnnviz.models.card import render_model_card
from cnnviz.models.errors import ModelNotFoundError
from cnnviz.models.limits import INPUT_SHAPE, SpecError, build_from_spec, complete_spec
from cnnviz.models.names import NAME_RULE
from cnnviz.models.store import ModelEntry
from cnnviz.nn import build_model
from cnnviz.nn.losses import class_count

router = APIRouter(prefix="/models", tags=["models"])


def _refusal(description: str) -> dict:
    return {"model": ErrorMessage, "description": description}


NOT_FOUND = {
    404: _refusal("no model with this id"),
    422: _refusal("not a model id (lowercase letters, digits and dashes)"),
}
NO_SPACE = {507: _refusal("the server could not save the model file (its disk is full)")}
#: What an export reads from the file at a time, and sends before reading more.
EXPORT_CHUNK = 256 * 1024


# -- routes ------------------------------------------------------------------------------------
@router.get("", response_model=list[ModelSummary], summary="List the models")
def list_models(store: StoreDep) -> list[dict]:
    """Bundled models first, then user models (created, trained, imported), by id."""
    summaries = []
    for model_id in store.ids():
        try:
            summaries.append(store.summary(model_id))
        except (ModelNotFoundError, ValueError):
            continue  # deleted meanwhile, or a file that cannot be read: not listable
    return summaries


@router.get(
    "/{model_id}", response_model=ModelDetail, responses=NOT_FOUND, summary="Describe a model"
)
def get_model(model_id: ModelId, store: StoreDep) -> dict:
    """The spec; each layer's input and output shape, parameter count and, for Conv2D and
    pooling layers, the window it slides (padding resolved to four sides); the model card."""
    entry = store.get(model_id)
    model = entry.model
    input_shape = model.input_shape or INPUT_SHAPE
    return {
        **entry.summary(),
        "spec": model.to_spec(),
        "layers": layer_rows(model, input_shape),
        "parameters": model.parameter_count,
        "input_shape": list(input_shape),
        "metadata": entry.meta,
        "card": _card(entry),
    }


@router.post(
    "",
    response_model=ModelSummary,
    status_code=status.HTTP_201_CREATED,
    responses={
        422: _refusal(
            f"an unknown preset, a spec that does not fit together, or a name that is not "
            f"{NAME_RULE}"
        ),
        **NO_SPACE,
    },
    summary="Create an untrained model",
)
def create_model(body: CreateModel, store: StoreDep, response: Response) -> dict:
    """From a preset (`{"preset": "lenet5"}`) or a layer spec (`{"spec": {...}}`), with weights
    drawn from `seed`. A spec that does not fit together is refused with a 422 that names the
    layer that breaks and why."""
    if body.preset is not None:
        model = build_model(body.preset, seed=body.seed)
    else:
        model = build_from_spec(body.spec, seed=body.seed)
    meta = {
        **({"name": body.name} if body.name else {}),  # else its label names it
        "preset": body.preset,
        "seed": body.seed,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    entry = store.add(model, meta, prefix=body.name or body.preset or "custom")
    response.headers["Location"] = f"/api/models/{entry.id}"
    return entry.summary()


@router.post(
    "/check",
    response_model=SpecCheck,
    responses={422: _refusal("a body that is not a spec (the schema names the field)")},
    summary="Check a layer spec (nothing is saved)",
)
def check_model_spec(body: CheckSpec) -> dict:
    """Each layer's shapes and parameters, as `GET /api/models/{id}` gives them, for a spec
    being built; nothing is saved. A spec that does not fit is a verdict, not a refusal: 200 with
    `fits: false` and `fault`, the engine's or the limits' message and the layer at fault."""
    try:
        spec = complete_spec(body.spec)
        model = build_from_spec(spec)
    except SpecError as exc:
        return _unfit(str(exc), exc.position, exc.shapes)
    except ValueError as exc:  # the limits on the whole model (`check_model`)
        return _unfit(str(exc), None, [])
    rows = layer_rows(model, INPUT_SHAPE)
    ends = rows[-1]["output_shape"]
    if body.classes is not None and not (len(ends) == 1 and class_count(ends[0]) == body.classes):
        one = " (or 1, a sigmoid head)" if body.classes == 2 else ""
        message = (
            f"the network ends with {'×'.join(map(str, ends))} outputs, but {body.classes} "
            f"classes need {body.classes}: end with Flatten then Dense with {body.classes} "
            f"outputs{one}"
        )
        return _unfit(message, len(rows), [row["output_shape"] for row in rows])
    return {
        "fits": True,
        "spec": spec,
        "layers": rows,
        "parameters": model.parameter_count,
        "fault": None,
    }


def _unfit(message: str, layer: int | None, shapes: list) -> dict:
    fault = {"message": message, "layer": layer, "shapes": [list(s) for s in shapes]}
    return {"fits": False, "spec": None, "layers": [], "parameters": None, "fault": fault}


@router.delete(
    "/{model_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**NOT_FOUND, 403: _refusal("a bundled model, which cannot be deleted")},
    summary="Delete a user model",
)
def delete_model(model_id: ModelId, store: StoreDep) -> Response:
    """User models only. Bundled models answer 403: they are part of the installation, so the
    request is refused whatever state the server is in (409 would suggest that it could succeed
    later)."""
    if model_id in pretrained_ids():
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"{model_id} is a bundled model and cannot be deleted; only models you created, "
            "trained or imported can",
        )
    store.delete(model_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch(
    "/{model_id}",
    response_model=ModelSummary,
    responses={
        **NOT_FOUND,
        403: _refusal("a bundled model, which cannot be renamed"),
        422: _refusal(f"a name that is not {NAME_RULE}"),
        **NO_SPACE,
    },
    summary="Rename a user model",
)
def rename_model(model_id: UserModelId, body: RenameModel, store: StoreDep) -> dict:
    """Give a user model the name the page and every listing show instead of its label (spaces
    around it are dropped). The name is kept in the model's file, so it survives a restart and
    travels with an export. Bundled models answer 403: their files are part of the installation
    and are never rewritten; export one and import the copy to name it."""
    if model_id in pretrained_ids():
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"{model_id} is a bundled model and cannot be renamed; export it and import the "
            "copy to give it a name of your own",
        )
    return store.rename(model_id, body.name).summary()


@router.get(
    "/{model_id}/export",
    response_class=Response,
    responses={
        200: {
            "description": "the model file: spec, weights and metadata",
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        },
        **NOT_FOUND,
    },
    summary="Download a model as .npz",
)
def export_model(model_id: ModelId, store: StoreDep) -> StreamingResponse:
    """The .npz file `POST /api/models/import` takes back (and `Sequential.load` reads),
    streamed: the file is opened first, then sent a chunk at a time as the client reads it, so
    eight downloads of a large model hold eight chunks, not eight files, and deleting the model
    meanwhile does not cut them short."""
    file = store.open_export(model_id)
    return StreamingResponse(
        _chunks(file),
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{model_id}.npz"',
            "Content-Length": str(os.fstat(file.fileno()).st_size),
        },
    )


async def _chunks(file: BinaryIO) -> AsyncIterator[bytes]:
    """The file's bytes, read off the event loop; the file is closed when the response ends or
    the client goes away."""
    try:
        while chunk := await run_in_threadpool(file.read, EXPORT_CHUNK):
            yield chunk
    finally:
        file.close()


@router.post(
    "/import",
    response_model=ModelSummary,
    status_code=status.HTTP_201_CREATED,
    responses={
        413: _refusal("the file is over the body limit"),
        415: _refusal("the body is not sent as application/octet-stream"),
        422: _refusal("not a cnnviz model file, or one over the limits of a created model"),
        **NO_SPACE,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "an .npz model file (as exported), sent as the raw request body",
            "content": {
                "application/octet-stream": {
                    "schema": {"type": "string"},
                    # A file cannot be written inline: the example is the bundled LeNet-5 as
                    # GET /api/models/lenet5-mnist/export serves it (in /docs, pick that file).
                    "examples": {
                        "the bundled LeNet-5": {
                            "summary": "an exported model file",
                            "externalValue": "/api/models/lenet5-mnist/export",
                        }
                    },
                }
            },
        }
    },
    summary="Upload a model (.npz)",
)
def import_model(request: Request, body: RawBody, store: StoreDep, response: Response) -> dict:
    """Send the file as the raw body, e.g. `curl --data-binary @model.npz -H 'Content-Type:
    application/octet-stream'`. The file is validated and never unpickled. Only that content
    type is taken: a page on another site can send text or a form without asking first (no CORS
    preflight), never `application/octet-stream`."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/octet-stream":
        form = " (not as a form upload)" if content_type.startswith("multipart/") else ""
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            "send the .npz file as the raw request body with Content-Type: "
            f"application/octet-stream{form}; got {content_type[:80] or 'no Content-Type'!r}",
        )
    entry = store.import_file(body)
    response.headers["Location"] = f"/api/models/{entry.id}"
    return entry.summary()


# -- model cards ------------------------------------------------------------------------------
def _card(entry: ModelEntry) -> str:
    if entry.builtin:
        return model_card(entry.id)
    meta = entry.meta
    if isinstance(meta.get("evaluation"), dict) and isinstance(meta.get("config"), dict):
        try:
            return render_model_card(entry.model, {**meta, "id": entry.id})
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # an imported file's metadata that does not hold a full training record
    name = meta.get("name") or entry.id
    origin = "imported from a file" if meta.get("imported") else "created"
    built = f"the `{meta['preset']}` preset" if meta.get("preset") else "a layer spec"
    return (
        f"# {name}\n\nA user model ({origin}), built from {built}, with "
        f"{entry.model.parameter_count:,} parameters. It has no training record yet: train it "
        "to get a full model card.\n\n```\n"
        f"{entry.model.summary(entry.model.input_shape or INPUT_SHAPE)}\n```\n"
    )
