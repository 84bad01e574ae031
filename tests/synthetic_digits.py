"""Small synthetic data sets for the training tests: generated, never downloaded.

Ten classes of 28×28 "bars": classes 0-4 are horizontal bars, 5-9 vertical bars, at five
positions across the image, each sample jittered by up to a pixel, with random stroke strength
and faint noise. Easy enough to learn to > 90% in two epochs, varied enough that the numbers move.
"""

import numpy as np

POSITIONS = (4, 9, 14, 19, 24)


def bars(n: int, seed: int = 0, classes=range(10)) -> tuple[np.ndarray, np.ndarray]:
    """n uint8 images (N, 28, 28) and their int64 labels, balanced over `classes`."""
    rng = np.random.default_rng(seed)
    classes = np.asarray(list(classes))
    labels = classes[np.arange(n) % len(classes)]
    rng.shuffle(labels)
    images = rng.random((n, 28, 28)) * 0.15
    jitter = rng.integers(-1, 2, n)
    strength = rng.uniform(0.6, 1.0, n)
    start = rng.integers(3, 8, n)
    length = rng.integers(14, 20, n)
    for i, (label, j, s, a, b) in enumerate(
        zip(labels, jitter, strength, start, length, strict=True)
    ):
        p = POSITIONS[label % 5] + j
        if label < 5:
            images[i, p - 1 : p + 1, a : a + b] = s
        else:
            images[i, a : a + b, p - 1 : p + 1] = s
    return (images * 255).round().astype(np.uint8), labels.astype(np.int64)
