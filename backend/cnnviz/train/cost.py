"""What a model costs per sample, and what a training job may cost: known from shapes alone,
before anything runs.

`layer_costs(model)` walks the layers once: each one's output shape, the numbers it outputs per
sample, its multiply-adds per sample (each weight is used once per output position; a dense
layer has one position) and, for a conv or pool layer, its window reads (the size of its im2col
matrix). `cnnviz.models.limits` bounds these for every model; `check_job` bounds a training job,
and the trainer calls it, so the API, the CLI and a script all obey the same budget.

A training step counts as three forward passes: the forward pass itself and a backward pass that
computes two products of the same size per layer (the gradients of the layer's input and of its
weights). Elementwise layers (activations, pooling) are small beside the weighted ones and are
not counted.
"""

import math
from dataclasses import dataclass

from ..nn import Layer, Sequential
from ..nn.presets import MNIST_SHAPE
from .config import ConfigError

#: Forward passes one training step costs (forward, then input and weight gradients).
PASSES_PER_STEP = 3
#: Multiply-adds one training job may take: samples × epochs × PASSES_PER_STEP × the model's
#: multiply-adds per sample. LeNet-5 for 30 epochs of all 60,000 MNIST training digits needs
#: 2.2e12, the bundled models' own runs (10,000 digits) 3.7e11 and 1.1e11.
MAX_JOB_MULTIPLY_ADDS = 10**13
#: Bytes of layer outputs one batch may keep for the backward pass (LeNet-5 at the largest
#: batch, 512, keeps 30 MB).
MAX_BATCH_ACTIVATION_BYTES = 256 * 2**20


@dataclass(frozen=True)
class LayerCost:
    """One layer's share of a forward pass of one sample."""

    layer: Layer
    output_shape: tuple[int, ...]
    outputs: int
    multiply_adds: int
    window_reads: int


def layer_costs(model: Sequential) -> list[LayerCost]:
    """Each layer's cost per sample, in order. The engine's shape errors ("Conv2D 'conv2'
    expects 6 input channels, got 16") come out as ValueError."""
    shape, costs = tuple(model.input_shape or MNIST_SHAPE), []
    for layer in model:
        out = tuple(layer.output_shape(shape))
        positions = math.prod(out[1:])
        weight = layer.params.get("weight")
        geometry = getattr(layer, "geometry", None)
        window = 0 if geometry is None else shape[0] * math.prod(geometry.kernel)
        macs = 0 if weight is None else weight.size * positions
        costs.append(LayerCost(layer, out, math.prod(out), macs, window * positions))
        shape = out
    return costs


def multiply_adds(model: Sequential) -> int:
    """Multiply-adds of one forward pass per sample, the measure of what running a model costs."""
    return sum(cost.multiply_adds for cost in layer_costs(model))


def _itemsize(model: Sequential) -> int:
    sizes = [p.itemsize for layer in model for p in layer.params.values()]
    return max(sizes, default=4)


def job_multiply_adds(
    model: Sequential, train_samples: int, epochs: int, evaluations: int = 0, evaluated: int = 0
) -> int:
    """Multiply-adds of a whole job: every training step (PASSES_PER_STEP forward passes of each
    sample, each epoch) and `evaluations` forward passes over the `evaluated` validation
    samples."""
    per_sample = multiply_adds(model)
    return per_sample * (PASSES_PER_STEP * train_samples * epochs + evaluations * evaluated)


def check_job(
    model: Sequential,
    train_samples: int,
    epochs: int,
    batch_size: int,
    evaluations: int = 0,
    evaluated: int = 0,
) -> None:
    """Raise ConfigError naming each limit the job would pass, with its estimate and what to
    lower (and, in `fields`, the same in a form's words); return when it fits. `evaluations`
    passes over `evaluated` validation samples count towards the budget too."""
    costs = layer_costs(model)
    per_sample = sum(cost.multiply_adds for cost in costs)
    per_epoch = PASSES_PER_STEP * per_sample * train_samples
    validation = per_sample * evaluations * evaluated
    total = per_epoch * epochs + validation
    problems, by_field = [], {}
    if total > MAX_JOB_MULTIPLY_ADDS:
        fit = max(MAX_JOB_MULTIPLY_ADDS - validation, 0) // per_epoch
        hint = f"at most {fit:,} epochs of these samples fit" if fit else "not one epoch fits"
        checks = f" + {validation:.2e} for validation" if validation else ""
        problems.append(
            f"training needs about {total:.2e} multiply-adds ({per_sample:,} per "
            f"sample × {PASSES_PER_STEP} for a training step × {train_samples:,} samples × "
            f"{epochs:,} epochs{checks}); the limit per job is {MAX_JOB_MULTIPLY_ADDS:.0e}: "
            f"lower epochs ({hint}) or train_size, or use a smaller model"
        )
        budget = f"within the compute budget of {MAX_JOB_MULTIPLY_ADDS:.0e} multiply-adds a run"
        if fit:
            by_field["epochs"] = f"at most {fit:,} for {train_samples:,} training images {budget}"
        else:
            by_field["train_size"] = f"too many for one epoch {budget}; lower it"
    per_batch = sum(cost.outputs for cost in costs) * _itemsize(model)
    if per_batch * batch_size > MAX_BATCH_ACTIVATION_BYTES:
        fit = MAX_BATCH_ACTIVATION_BYTES // per_batch
        hint = f"lower batch_size to at most {fit:,}" if fit else "not even one sample fits"
        problems.append(
            f"a batch of {batch_size} keeps {per_batch * batch_size / 2**20:,.0f} MiB of layer "
            f"outputs for the backward pass ({per_batch:,} bytes per sample); the limit is "
            f"{MAX_BATCH_ACTIVATION_BYTES // 2**20} MiB: {hint}, or use fewer channels"
        )
        by_field["batch_size"] = (
            f"at most {fit:,} for this network (a batch keeps every layer's outputs for the "
            f"backward pass, at most {MAX_BATCH_ACTIVATION_BYTES // 2**20} MiB)"
        )
    if problems:
        raise ConfigError(problems, by_field)
