"""Layer classes: thin, stateful wrappers over the functional core."""

from .activations import LeakyReLU, ReLU, Sigmoid, Tanh
from .base import Layer
from .conv import Conv2D
from .dense import Dense, Flatten
from .dropout import Dropout
from .pool import AvgPool2D, MaxPool2D
from .rescale import Rescale

LAYER_TYPES: dict[str, type[Layer]] = {
    cls.__name__: cls
    for cls in (
        Conv2D,
        MaxPool2D,
        AvgPool2D,
        Flatten,
        Dense,
        ReLU,
        LeakyReLU,
        Sigmoid,
        Tanh,
        Dropout,
        Rescale,
    )
}

__all__ = [
    "LAYER_TYPES",
    "AvgPool2D",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "Layer",
    "LeakyReLU",
    "MaxPool2D",
    "ReLU",
    "Rescale",
    "Sigmoid",
    "Tanh",
]
