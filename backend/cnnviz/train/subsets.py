"""Which samples a run trains, validates and is tested on, out of the arrays it is given.

1. classes: keep the samples of the chosen dataset labels, in file order, and number them
   0..K-1 in the order the labels are given ([3, 8]: digit 3 is class 0, digit 8 class 1).
2. training and validation, by `train_subset`:
   - "stratified": a seeded order interleaved by class (`stratified_order`), so that any prefix
     holds the classes in about their overall proportions; validation is its first
     `validation_size` samples, training the next `train_size`.
   - "first": file order, as the course notebooks' `x_train[:1000]`; training is the first
     `train_size` samples of the chosen classes, validation the `validation_size` after them.
3. test, by `test_subset`: every test sample of the chosen classes (test_size None), or
   `test_size` of them, the first in file order or the start of a stratified order.
"""

import numpy as np

__all__ = [
    "SUBSETS",
    "check_arrays",
    "select_classes",
    "stratified_order",
    "subset_words",
    "test_positions",
    "training_positions",
]

SUBSETS = ("stratified", "first")
#: Independent random streams of one seed (the trainer's shuffle and augmentation are 1 and 2).
SPLIT_STREAM, TEST_STREAM = 0, 3


def stratified_order(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of range(len(labels)) whose every prefix keeps the class proportions.

    Shuffle, then sort by each sample's rank within its class divided by the class size: the
    classes interleave evenly, in random order within each class.
    """
    labels = np.asarray(labels)
    n = len(labels)
    perm = rng.permutation(n)
    if n == 0:
        return perm
    shuffled = labels[perm]
    counts = np.bincount(shuffled)
    by_class = np.argsort(shuffled, kind="stable")
    rank = np.empty(n, np.int64)
    rank[by_class] = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    key = (rank + 0.5) / counts[shuffled]
    return perm[np.argsort(key, kind="stable")]


def check_arrays(what: str, images, labels) -> tuple[np.ndarray, np.ndarray]:
    """`images` as (N, 1, H, W) uint8 or float and `labels` as N integers, else a ValueError
    naming `what` ("training", "test") and what is wrong."""
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim == 3:
        images = images[:, None]
    if images.ndim != 4 or images.shape[1] != 1:
        raise ValueError(
            f"{what} images must be (N, H, W) or (N, 1, H, W), got shape {images.shape}"
        )
    if images.dtype != np.uint8 and not np.issubdtype(images.dtype, np.floating):
        raise ValueError(f"{what} images must be uint8 or float, got dtype {images.dtype}")
    if labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"{what} labels must be {len(images)} integers, got {labels.dtype} {labels.shape}"
        )
    return images, labels


def select_classes(labels: np.ndarray, classes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in file order) of the samples of the dataset labels `classes`, and their
    class ids 0..K-1."""
    if labels.size and labels.min() < 0:
        raise ValueError(f"labels must be >= 0, got {labels.min()}")
    lookup = np.full(max(int(labels.max(initial=0)), max(classes)) + 1, -1, np.int64)
    lookup[classes] = np.arange(len(classes))
    mapped = lookup[labels]
    keep = np.flatnonzero(mapped >= 0)
    return keep, mapped[keep]


def training_positions(
    class_ids: np.ndarray, subset: str, n_train: int, n_val: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """(training, validation) positions in the chosen classes' samples (see the module)."""
    if subset == "first":
        order = np.arange(len(class_ids))
        return order[:n_train], order[n_train : n_train + n_val]
    order = stratified_order(class_ids, np.random.default_rng([seed, SPLIT_STREAM]))
    return order[n_val : n_val + n_train], order[:n_val]


def test_positions(class_ids: np.ndarray, subset: str, size: int | None, seed: int) -> np.ndarray:
    """Positions in the chosen classes' test samples the final evaluation uses: all of them in
    file order (size None), or `size` of them, the first or a stratified draw. A ValueError
    when there are fewer than `size`."""
    if size is None:
        return np.arange(len(class_ids))
    if size > len(class_ids):
        raise ValueError(
            f"test_size {size:,} is larger than the {len(class_ids):,} test samples of the "
            "chosen classes; lower it"
        )
    if subset == "first":
        return np.arange(size)
    return stratified_order(class_ids, np.random.default_rng([seed, TEST_STREAM]))[:size]


def subset_words(split: str, count: int, size: int | None, subset: str, noun: str) -> str:
    """Which samples of `split` an evaluation used, as a sentence says it: "the first 100 test
    digits", "200 test digits drawn at random (stratified)", "all 2,115 test digits"."""
    if split == "validation":
        return f"the {count:,} {noun} held out for validation"
    if size is None:
        return f"all {count:,} {split} {noun}"
    if subset == "first":
        return f"the first {count:,} {split} {noun}"
    return f"{count:,} {split} {noun} drawn at random (stratified by class)"
