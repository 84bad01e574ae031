"""Weight initializers, seeded through `np.random.Generator`.

Fans follow torch.nn.init: for a weight of shape (out, in, *kernel), fan_in = in * prod(kernel)
and fan_out = out * prod(kernel).
"""

import math

import numpy as np

INITIALIZERS = ("he_normal", "he_uniform", "xavier_normal", "xavier_uniform", "simple")


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) < 2:
        raise ValueError(f"fans need a weight of at least 2 dimensions, got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def initialize(
    name: str,
    shape: tuple[int, ...],
    rng: np.random.Generator,
    dtype: np.typing.DTypeLike = np.float32,
    std: float = 0.01,
) -> np.ndarray:
    """A weight of `shape` drawn by the initializer `name`.

    he_normal / he_uniform: Kaiming (He et al. 2015) for ReLU nets, gain sqrt(2), fan_in mode.
    xavier_normal / xavier_uniform: Glorot & Bengio (2010), gain 1.
    simple: N(0, std^2) with a fixed sigma (0.01 unless given), as the seed notebooks drew
    their weights. The presets' classifier heads use it: a fresh model then gives every class
    about 1/K and starts near loss ln K (He or Xavier heads on [0, 1] images started at 3.6-4.1
    for 10 classes).
    """
    fan_in, fan_out = fans(shape)
    if name == "he_normal":
        w = rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
    elif name == "he_uniform":
        bound = math.sqrt(6.0 / fan_in)
        w = rng.uniform(-bound, bound, shape)
    elif name == "xavier_normal":
        w = rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), shape)
    elif name == "xavier_uniform":
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-bound, bound, shape)
    elif name == "simple":
        w = rng.normal(0.0, std, shape)
    else:
        raise ValueError(f"unknown initializer {name!r}; choose one of {', '.join(INITIALIZERS)}")
    return w.astype(dtype)


def as_generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    """Accept a Generator, a seed, or None (seed 0, so an unseeded model is still reproducible)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)
