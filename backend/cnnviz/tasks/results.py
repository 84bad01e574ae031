"""What becomes of a finished job's weights, whichever backend trained them: a user model in the
store, with the metadata of its training and the job it came from."""

from __future__ import annotations

from typing import Any

from cnnviz.models.metadata import trained_model_metadata
from cnnviz.models.store import ModelStore
from cnnviz.nn import Sequential
from cnnviz.train import TrainConfig


def keep_trained_model(
    store: ModelStore,
    job_id: str,
    config: TrainConfig,
    latest: dict[str, dict[str, Any]],
    data_dir: str | None,
    model: Sequential,
) -> str:
    """Add `model`, trained by job `job_id` (`latest`: its latest event of each type, start and
    done among them), to `store`; returns the new model's id (`<the job's prefix>-<random>`)."""
    done, start = latest["done"], latest["start"]
    meta = trained_model_metadata(
        config,
        start,
        done,
        seconds=done["seconds"],
        data_dir=data_dir,
        trained_with="the cnnviz web API",
    )
    meta["training_job"] = job_id
    return store.add(model, meta, prefix=job_id.rsplit("-", 1)[0]).id
