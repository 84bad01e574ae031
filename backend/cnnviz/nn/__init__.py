"""cnnviz.nn: a small CNN engine in NumPy, faithful to torch to the last digit.

Arrays are NCHW. Layers have `forward`, `backward` (gradients only, never an update),
`params`/`grads` dicts keyed like torch (`weight`, `bias`) and `output_shape`.
"""

from .layers import (
    AvgPool2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Layer,
    LeakyReLU,
    MaxPool2D,
    ReLU,
    Rescale,
    Sigmoid,
    Tanh,
)
from .losses import (
    log_softmax,
    mean_squared_error,
    sigmoid_binary_cross_entropy,
    softmax,
    softmax_cross_entropy,
)
from .optim import OPTIMIZERS, SGD, AdaGrad, Adam, Optimizer, RMSProp, make_optimizer
from .presets import PRESETS, build_model
from .sequential import LayerTrace, Sequential
from .serialize import read_metadata

__all__ = [
    "OPTIMIZERS",
    "PRESETS",
    "SGD",
    "AdaGrad",
    "Adam",
    "AvgPool2D",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "Layer",
    "LayerTrace",
    "LeakyReLU",
    "MaxPool2D",
    "Optimizer",
    "RMSProp",
    "ReLU",
    "Rescale",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "build_model",
    "log_softmax",
    "make_optimizer",
    "mean_squared_error",
    "read_metadata",
    "sigmoid_binary_cross_entropy",
    "softmax",
    "softmax_cross_entropy",
]
