"""Classroom mode wired into the app: the `ClassManager` on `app.state.classes`, its predictions
made the way POST /api/models/{id}/predict makes them, and its refusals as HTTP answers."""

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from cnnviz.api.schemas.inference import PredictRequest
from cnnviz.classroom.errors import ClassError, ClassLimitError
from cnnviz.classroom.limits import ClassLimits
from cnnviz.classroom.live import Live, LocalLive
from cnnviz.classroom.manager import ClassManager, Predict
from cnnviz.classroom.store import ClassStore, FileClassStore
from cnnviz.explain import inference
from cnnviz.models.store import ModelStore
from cnnviz.settings import Settings


def drawing_predictor(store: ModelStore) -> Predict:
    """`predict(model_id, digit)` for the class: the digit ({"image": ...} or {"code": ...}) is
    read by the predict route's own body model (`PredictRequest.digit`: the same preprocessing),
    then run through the model under its lock."""

    def predict(model_id: str, digit: Mapping[str, str]) -> tuple[int, list[float]]:
        try:
            image, _ = PredictRequest.model_validate(dict(digit)).digit()
        except ValidationError as exc:
            raise ValueError(exc.errors()[0]["msg"]) from None
        entry = store.get(model_id)
        with entry.lock:
            result = inference.predict(entry.model, image)
        return result.index, result.probabilities.tolist()

    return predict


def install_classes(app: FastAPI, settings: Settings, store: ModelStore) -> None:
    """Read the classes back and answer their refusals. Classes are kept on the broker's Redis
    when one is set (every API process serves every class; redis is imported only then), else
    as files under `settings.classes_path`."""
    limits = ClassLimits.from_settings(settings)
    if settings.broker_url:
        from cnnviz.classroom.distributed.live import RedisLive
        from cnnviz.classroom.distributed.store import RedisClassStore
        from cnnviz.tasks.distributed.connection import connect

        client = connect(settings.broker_url)
        classes: ClassStore = RedisClassStore(client, settings.broker_url)
        live: Live = RedisLive(client, settings.broker_url, limits)
    else:
        classes, live = FileClassStore(settings.classes_path), LocalLive(limits)
    app.state.classes = ClassManager(classes, limits, drawing_predictor(store), live=live)
    app.add_exception_handler(ClassError, class_error)


async def class_error(request: Request, exc: ClassError) -> JSONResponse:
    retry = exc.retry_after if isinstance(exc, ClassLimitError) else None
    headers = {"Retry-After": str(retry)} if retry else None
    return JSONResponse({"detail": str(exc)}, status_code=exc.status, headers=headers)
