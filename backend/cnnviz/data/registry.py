"""The datasets cnnviz knows: their files, official checksums and where to download them.

The md5 values and mirrors are those torchvision's `torchvision/datasets/mnist.py` uses (the
MNIST test files' md5s are also in this project's shared data README); the sizes are those the
original sites list. Mirrors are tried in order; the original MNIST site comes last, as it often
refuses scripted downloads nowadays.
"""

from __future__ import annotations

from dataclasses import dataclass

from .idx import DataError

__all__ = ["DATASETS", "SPLITS", "DataFile", "DatasetInfo", "SplitFiles", "get_dataset"]

SPLITS = ("train", "test")


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset as distributed: its name, the official md5 and size in bytes."""

    name: str
    md5: str
    size: int | None = None


@dataclass(frozen=True)
class SplitFiles:
    """The image file and label file of one split, and how many examples the official one has."""

    images: DataFile
    labels: DataFile
    count: int


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset: `name` is its key in DATASETS and the name of its folder under the data dir."""

    name: str
    title: str
    classes: tuple[str, ...]
    train: SplitFiles
    test: SplitFiles
    mirrors: tuple[str, ...]
    homepage: str = ""
    image_shape: tuple[int, int] = (28, 28)

    def split(self, split: str) -> SplitFiles:
        if split not in SPLITS:
            raise DataError(f"unknown split {split!r} of {self.title}; known: {', '.join(SPLITS)}")
        return self.train if split == "train" else self.test

    @property
    def files(self) -> tuple[DataFile, ...]:
        """The four files, in download order."""
        return (self.train.images, self.train.labels, self.test.images, self.test.labels)


def _splits(md5s: tuple[str, str, str, str], sizes: tuple[int, int, int, int]):
    names = (
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    )
    files = [DataFile(n, m, s) for n, m, s in zip(names, md5s, sizes, strict=True)]
    return {
        "train": SplitFiles(files[0], files[1], 60_000),
        "test": SplitFiles(files[2], files[3], 10_000),
    }


DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo(
        name="mnist",
        title="MNIST",
        classes=tuple(str(digit) for digit in range(10)),
        **_splits(
            (
                "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                "d53e105ee54ea40749a09fcbcd1e9432",
                "9fb629c4189551a2d022fa330f9573f3",
                "ec29112dd5afa0611ce80d1b7f02629c",
            ),
            (9_912_422, 28_881, 1_648_877, 4_542),
        ),
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ),
        homepage="http://yann.lecun.com/exdb/mnist/",
    ),
    "fashion-mnist": DatasetInfo(
        name="fashion-mnist",
        title="Fashion-MNIST",
        classes=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        **_splits(
            (
                "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                "25c81989df183df01b3e8a0aad5dffbe",
                "bef4ecab320f06d8554ea6380940ec79",
                "bb300cfdad3c16e7a12a480ee83cd310",
            ),
            (26_421_880, 29_515, 4_422_102, 5_148),
        ),
        mirrors=(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        ),
        homepage="https://github.com/zalandoresearch/fashion-mnist",
    ),
}


def get_dataset(name: str | DatasetInfo) -> DatasetInfo:
    """The dataset called `name` (case and "_" or "-" do not matter); DatasetInfo passes through."""
    if isinstance(name, DatasetInfo):
        return name
    key = name.strip().lower().replace("_", "-")
    try:
        return DATASETS[key]
    except KeyError:
        raise DataError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}") from None
