"""The model presets the app and the CLI offer by name."""

from collections.abc import Callable

import numpy as np

from .init import as_generator
from .layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU, Rescale
from .sequential import Sequential

MNIST_SHAPE = (1, 28, 28)


def _eight_filters(rng: np.random.Generator, outputs: int, *before: object) -> Sequential:
    """The course's one-convolution network: `before` (layers that take no weights), 8 filters
    of 3×3, a 2×2 max-pool and one dense layer to `outputs`."""
    return Sequential(
        *before,
        Conv2D(1, 8, 3, rng=rng),
        MaxPool2D(2),
        Flatten(),
        Dense(8 * 13 * 13, outputs, init="simple", rng=rng),
        input_shape=MNIST_SHAPE,
    )


def simple(rng: np.random.Generator) -> Sequential:
    """The seed notebooks' network: 8 filters of 3×3, a 2×2 max-pool, one dense layer to 10
    classes. Few enough maps to explain every one of them in class."""
    return _eight_filters(rng, 10)


def lenet5(rng: np.random.Generator) -> Sequential:
    """LeCun et al. (1998) with ReLU and max-pooling, the modern reading of LeNet-5."""
    return Sequential(
        Conv2D(1, 6, 5, padding=2, rng=rng),
        ReLU(),
        MaxPool2D(2),
        Conv2D(6, 16, 5, rng=rng),
        ReLU(),
        MaxPool2D(2),
        Flatten(),
        Dense(16 * 5 * 5, 120, rng=rng),
        ReLU(),
        Dense(120, 84, rng=rng),
        ReLU(),
        Dense(84, 10, init="simple", rng=rng),
        input_shape=MNIST_SHAPE,
    )


def tinyvgg(rng: np.random.Generator) -> Sequential:
    """CNN Explainer's Tiny VGG (two conv-conv-pool blocks of 10 filters), on 1×28×28 digits."""
    return Sequential(
        Conv2D(1, 10, 3, rng=rng),
        ReLU(),
        Conv2D(10, 10, 3, rng=rng),
        ReLU(),
        MaxPool2D(2),
        Conv2D(10, 10, 3, rng=rng),
        ReLU(),
        Conv2D(10, 10, 3, rng=rng),
        ReLU(),
        MaxPool2D(2),
        Flatten(),
        Dense(10 * 4 * 4, 10, init="simple", rng=rng),
        input_shape=MNIST_SHAPE,
    )


def sigmoid01(rng: np.random.Generator) -> Sequential:
    """The two-class course network: pixels moved to [-0.5, 0.5], 8 filters of 3×3, a 2×2
    max-pool and one output, the logit of class 1 read through a sigmoid (1,433 parameters).
    It trains on exactly two classes, the second one positive (0 vs 1 in the course)."""
    return _eight_filters(rng, 1, Rescale(offset=-0.5))


def cnn32_64_64(rng: np.random.Generator) -> Sequential:
    """The course's deeper network: three 3×3 convolutions of 32, 64 and 64 filters, two max-pools,
    a dense layer of 64 with dropout, 10 classes (93,322 parameters)."""
    return Sequential(
        Conv2D(1, 32, 3, rng=rng),
        ReLU(),
        MaxPool2D(2),
        Conv2D(32, 64, 3, rng=rng),
        ReLU(),
        MaxPool2D(2),
        Conv2D(64, 64, 3, rng=rng),
        ReLU(),
        Flatten(),
        Dense(64 * 3 * 3, 64, rng=rng),
        ReLU(),
        Dropout(0.5, rng=rng),
        Dense(64, 10, init="simple", rng=rng),
        input_shape=MNIST_SHAPE,
    )


PRESETS: dict[str, Callable[[np.random.Generator], Sequential]] = {
    "simple": simple,
    "lenet5": lenet5,
    "tinyvgg": tinyvgg,
    "sigmoid01": sigmoid01,
    "cnn32-64-64": cnn32_64_64,
}


def build_model(name: str, seed: int = 0, dtype: np.typing.DTypeLike = np.float32) -> Sequential:
    """A fresh preset model, its weights drawn from `seed`."""
    if name not in PRESETS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[name](as_generator(seed)).astype(dtype)
