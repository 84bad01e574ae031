"""Schemas of the dataset routes."""

from typing import Literal

from pydantic import BaseModel, Field

from cnnviz.api.encoding import EncodedArray


class SplitInfo(BaseModel):
    present: bool
    count: int | None = Field(description="images in the file (None when missing)")
    expected: int = Field(description="images in the official split")
    missing: list[str] = Field(description="files not on disk")
    error: str | None = Field(description="what is wrong with the files, if anything")
    class_counts: list[int] | None = Field(
        None,
        description="images of each class (label 0 first) in the label file on disk; None when "
        "it is missing or cannot be read",
    )


class DatasetInfoOut(BaseModel):
    name: str = Field(examples=["mnist"])
    title: str = Field(examples=["MNIST"])
    classes: list[str]
    homepage: str
    complete: bool = Field(description="both splits are on disk")
    downloading: bool
    splits: dict[str, SplitInfo]


class DownloadStarted(BaseModel):
    name: str
    state: Literal["downloading", "done", "failed"]
    events_url: str


class Samples(BaseModel):
    dataset: str
    split: Literal["train", "test"]
    label: int | None
    total: int = Field(description="images in the split (with `label`: of that label)")
    indices: list[int] = Field(description="positions of the samples in the split")
    labels: list[int]
    images: EncodedArray = Field(
        description="shape (n, 28, 28), int32 grey levels 0-255 (0 is the background)"
    )
