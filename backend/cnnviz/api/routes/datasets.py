"""Datasets: `GET /api/datasets` (what is known and what is on disk, with the images of each
class),
`POST /api/datasets/{name}/download` (fetch the missing files in the background) with its
progress as Server-Sent Events at `GET /api/datasets/{name}/download/events`, and
`GET /api/datasets/{name}/samples` (digits for the gallery).

Download events (`cnnviz.api.sse`, each with its `seq` as its id): `progress` {file, done, total}
(at most one per file per percent), then `done` {downloaded, skipped, bytes} or `error` {message};
the stream replays what happened so far first and ends after done/error; `Last-Event-ID`
resumes. Files come only from the dataset's own mirrors, never from a URL given by the client.
"""

from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter, HTTPException, Query

from cnnviz.api.deps import (
    DatasetName,
    DownloadsDep,
    SettingsDep,
    StartedDownload,
    dataset_or_404,
)
from cnnviz.api.encoding import encode_array
from cnnviz.api.schemas.datasets import DatasetInfoOut, DownloadStarted, Samples, SplitInfo
from cnnviz.api.sse import STREAM_EVENTS, EventStreamResponse, LastEventId, event_stream
from cnnviz.data import DATASETS, DataError, dataset_status, load_split, without_folder
from cnnviz.data.registry import DatasetInfo
from cnnviz.settings import Settings
from cnnviz.tasks.backend import DownloadBackend
from cnnviz.train.config import MAX_CLASSES
from cnnviz.train.split import label_counts

router = APIRouter(prefix="/datasets", tags=["datasets"])

NOT_FOUND = {404: {"description": "no dataset with this name"}}


def _describe(info: DatasetInfo, settings: Settings, downloads: DownloadBackend) -> DatasetInfoOut:
    status = dataset_status(info, root=settings.datasets_dir, check_md5=False)
    download = downloads.get(info.name)
    return DatasetInfoOut(
        name=info.name,
        title=info.title,
        classes=list(info.classes),
        homepage=info.homepage,
        complete=status.complete and not any(s.error for s in status.splits.values()),
        downloading=download is not None and not download.final,
        splits={
            split: SplitInfo(
                present=s.present,
                count=s.count,
                expected=info.split(split).count,
                missing=s.missing,
                error=s.error and without_folder(s.error, settings.datasets_dir),
                class_counts=_class_counts(info, split, settings),
            )
            for split, s in status.splits.items()
        },
    )


def _class_counts(info: DatasetInfo, split: str, settings: Settings) -> list[int] | None:
    """Images per class of a split on disk, one count for each of the dataset's classes."""
    counts = label_counts(info.name, split, settings.datasets_dir)
    if counts is None:
        return None
    return [counts[label] if label < len(counts) else 0 for label in range(len(info.classes))]


@router.get("", response_model=list[DatasetInfoOut])
def list_datasets(settings: SettingsDep, downloads: DownloadsDep) -> list[DatasetInfoOut]:
    """Every dataset cnnviz knows, with what is on disk of each split."""
    return [_describe(info, settings, downloads) for info in DATASETS.values()]


@router.post(
    "/{name}/download",
    status_code=202,
    response_model=DownloadStarted,
    responses=NOT_FOUND,
)
def download(name: DatasetName, settings: SettingsDep, downloads: DownloadsDep) -> DownloadStarted:
    """Download the missing files in the background (files present are kept); follow the
    progress at `events_url`. While one download of a dataset runs, this returns that one."""
    info = dataset_or_404(name)
    job = downloads.start(info.name, settings.datasets_dir)
    return DownloadStarted(
        name=info.name, state=job.state, events_url=f"/api/datasets/{info.name}/download/events"
    )


@router.get(
    "/{name}/download/events",
    response_class=EventStreamResponse,
    responses={
        **NOT_FOUND,
        200: {"description": "the download's events, history first", "content": STREAM_EVENTS},
        409: {"description": "no download of this dataset was started"},
    },
)
async def download_events(
    name: StartedDownload,
    downloads: DownloadsDep,
    last_event_id: LastEventId = None,
) -> EventStreamResponse:
    """Server-Sent Events: progress, then done or error."""
    return event_stream(lambda seq: downloads.events_since(name, seq), last_event_id)


@router.get(
    "/{name}/samples",
    response_model=Samples,
    responses={
        **NOT_FOUND,
        409: {"description": "the split is not downloaded (the message says how)"},
        422: {"description": "a label the dataset does not have, or n outside 1-100"},
    },
)
def samples(
    name: DatasetName,
    settings: SettingsDep,
    split: Literal["train", "test"] = "test",
    label: Annotated[
        int | None, Query(ge=0, le=MAX_CLASSES - 1, description="only digits of this label")
    ] = None,
    n: Annotated[int, Query(ge=1, le=100, description="how many (1-100)")] = 16,
    offset: Annotated[int, Query(ge=0, description="skip this many first")] = 0,
) -> Samples:
    """The first `n` images of a split (after `offset`), optionally of one label, in file
    order."""
    info = dataset_or_404(name)
    if label is not None and not 0 <= label < len(info.classes):
        raise HTTPException(
            422, f"{info.title} has labels 0 to {len(info.classes) - 1}; got label={label}"
        )
    try:
        images, labels = load_split(info, split, root=settings.datasets_dir)
    except DataError as exc:
        message = without_folder(str(exc), settings.datasets_dir)
        raise HTTPException(
            409, f"{message} (or POST /api/datasets/{info.name}/download)"
        ) from None
    positions = np.flatnonzero(labels == label) if label is not None else np.arange(len(labels))
    chosen = positions[offset : offset + n]
    return Samples(
        dataset=info.name,
        split=split,
        label=label,
        total=len(positions),
        indices=[int(i) for i in chosen],
        labels=[int(labels[i]) for i in chosen],
        images=encode_array(images[chosen].astype(np.int32)),
    )
