"""Reading a digit with a model, and tracing everything a visualizer shows: an HTTP-free service.

`predict(model, image)` runs one forward pass and returns the logits, the class probabilities
(float64, `output_probabilities`: a softmax, or [1 - σ(z), σ(z)] for a one-output sigmoid head)
and the winning index. `trace(model, image, target)` keeps every layer's record
(`Sequential.trace`) and adds one backward pass from the target class's score
(`class_score_gradient`: a one-hot at its logit; ±z for a sigmoid head) that keeps each layer's
output gradient d score_target / d output (`Sequential.backward_per_layer`), down to the input
(the saliency map).

Layers keep forward state, so callers hold the model's lock (`ModelEntry.lock`) around these
calls; every array returned is a copy or freshly computed (gradients), safe to use after the
lock is released.
"""

from dataclasses import dataclass

import numpy as np

from cnnviz.nn import Conv2D, Dense, Sequential
from cnnviz.nn.losses import class_score_gradient, output_probabilities
from cnnviz.nn.presets import MNIST_SHAPE

#: A Dense layer's weight and bias are included in a trace only up to this many weights (LeNet-5's
#: fc3, 10×84, is; fc1, 120×400, would add 260 KB of base64). Conv2D weights are always included.
DENSE_WEIGHT_LIMIT = 1024


@dataclass
class Prediction:
    """One forward pass. `logits` in the model's dtype, `probabilities` float64 summing to 1."""

    logits: np.ndarray  # (K,), the last layer's outputs
    probabilities: np.ndarray  # (classes,): K, or 2 for a one-output sigmoid head
    index: int


@dataclass
class LayerRecord:
    """One layer's part of a trace. Arrays keep the batch axis (N = 1), as the layer saw them."""

    name: str
    type: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    output: np.ndarray
    gradient: np.ndarray  # d logit_target / d output, shape output_shape
    pre_activation: np.ndarray | None = None  # activation layers: their input
    indices: np.ndarray | None = None  # max-pool layers: flat winner offsets per H×W plane
    weight: np.ndarray | None = None  # Conv2D, and Dense up to DENSE_WEIGHT_LIMIT weights
    bias: np.ndarray | None = None


@dataclass
class Trace:
    input: np.ndarray  # (1, C, H, W), the network's input
    layers: list[LayerRecord]
    logits: np.ndarray  # (K,), the last layer's outputs
    probabilities: np.ndarray  # (classes,) float64: K, or 2 for a one-output sigmoid head
    index: int  # the predicted class
    target: int  # the class whose logit was differentiated
    saliency: np.ndarray  # d logit_target / d input, shape of `input`


def as_batch(model: Sequential, image: np.ndarray) -> np.ndarray:
    """A (28, 28) image as the (1, C, H, W) batch `model` takes, in the model's dtype.

    Raises ValueError when the model does not take 28×28 single-channel digits.
    """
    shape = tuple(model.input_shape or MNIST_SHAPE)
    image = np.asarray(image)
    if int(np.prod(shape)) != image.size:
        raise ValueError(
            f"this model takes inputs of shape {shape}, not a {image.shape[0]}×{image.shape[-1]} "
            "digit: choose a model made for 28×28 digits (GET /api/models)"
        )
    return image.astype(model.dtype).reshape(1, *shape)


def _finite_logits(output: np.ndarray) -> np.ndarray:
    logits = np.asarray(output).reshape(-1)
    if not np.all(np.isfinite(logits)):
        raise ValueError(
            "the model's outputs are not finite numbers (its weights overflow): "
            "retrain or re-import the model"
        )
    return logits


def predict(model: Sequential, image: np.ndarray) -> Prediction:
    """Classify one (28, 28) image."""
    logits = _finite_logits(model.forward(as_batch(model, image))).copy()
    probabilities = _probabilities(logits)
    return Prediction(logits, probabilities, int(np.argmax(probabilities)))


def _probabilities(logits: np.ndarray) -> np.ndarray:
    return output_probabilities(logits.astype(np.float64).reshape(1, -1))[0]


def _weights(layer, limit: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    weight = layer.params.get("weight")
    if weight is None or not isinstance(layer, Conv2D | Dense):
        return None, None
    if isinstance(layer, Dense) and weight.size > limit:
        return None, None
    bias = layer.params.get("bias")
    return weight.copy(), None if bias is None else bias.copy()


def trace(
    model: Sequential,
    image: np.ndarray,
    target: int | None = None,
    dense_weight_limit: int = DENSE_WEIGHT_LIMIT,
) -> Trace:
    """Every layer's record for one (28, 28) image and the gradients of one logit.

    `target` is the class whose score is differentiated (default: the predicted one); one out of
    range raises ValueError.
    """
    x = as_batch(model, image)
    records = model.trace(x)
    logits = _finite_logits(records[-1].output).copy()
    probabilities = _probabilities(logits)
    index = int(np.argmax(probabilities))
    if target is None:
        target = index
    seed = class_score_gradient(records[-1].output, target)
    gradients, saliency = model.backward_per_layer(seed)

    layers = []
    for layer, record, gradient in zip(model, records, gradients, strict=True):
        weight, bias = _weights(layer, dense_weight_limit)
        layers.append(
            LayerRecord(
                name=record.name,
                type=record.type,
                input_shape=tuple(record.input_shape),
                output_shape=tuple(record.output_shape),
                output=np.array(record.output, copy=True),
                gradient=gradient,
                pre_activation=None
                if record.pre_activation is None
                else np.array(record.pre_activation, copy=True),
                indices=None if record.indices is None else np.array(record.indices, copy=True),
                weight=weight,
                bias=bias,
            )
        )
    return Trace(x, layers, logits, probabilities, index, int(target), saliency)
