"""What a class watches change while a model learns: the first convolution's weights and one
layer's output for a fixed probe digit, as `filters` events (see `events.py`).

A snapshot is a few thousand numbers, so a run takes at most MAX_SNAPSHOTS of them (with every
`stride`-th validation point, the last always), and a probe layer's output is cut to its first
MAX_PROBE_CHANNELS channels (MAX_PROBE_VALUES numbers for a flat layer): what the snapshots of a
run cost is bounded whatever the model and the run. They are taken at steps, never on a clock,
so two runs of one configuration emit the same events.
"""

import math

import numpy as np

from ..nn import Conv2D, Sequential
from .events import FiltersEvent, Probe

#: Snapshots a run takes at validation points at most (beside the first, before training, and
#: those after single steps and a stop, which a person asks for one at a time).
MAX_SNAPSHOTS = 60
#: Channels of the probe layer's output one event carries at most.
MAX_PROBE_CHANNELS = 16
#: Numbers of a flat (dense) probe layer's output one event carries at most.
MAX_PROBE_VALUES = 1024
#: Decimals the probe's values keep (the page draws them as colours).
PROBE_DECIMALS = 4


def snapshot_stride(validation_points: int) -> int:
    """Take a snapshot at every this-many-th validation point: at most MAX_SNAPSHOTS a run."""
    return max(1, math.ceil(validation_points / MAX_SNAPSHOTS))


class Snapshots:
    """Filters events of `model`, the probe digit `probe_x` ((1, 1, H, W) floats in [0, 1])
    followed through layer `probe_layer` (None: no probe). `probe` holds the probe digit's
    split, index, label and class_name."""

    def __init__(
        self, model: Sequential, probe_layer: str | None, probe_x: np.ndarray, probe: dict
    ) -> None:
        self.model = model
        self.conv = next((layer for layer in model if isinstance(layer, Conv2D)), None)
        self.probe_layer = probe_layer
        self.probe_x = probe_x
        self.probe = probe
        self.image = np.rint(probe_x[0, 0] * 255).astype(int).tolist()

    def event(self, epoch: int, global_step: int) -> FiltersEvent | None:
        """The snapshot now (None when the model has neither a conv layer nor a probe)."""
        if self.conv is None and self.probe_layer is None:
            return None
        weight = None if self.conv is None else self.conv.params["weight"]
        return FiltersEvent(
            type="filters",
            epoch=epoch,
            global_step=global_step,
            layer=None if self.conv is None else self.conv.name,
            shape=None if weight is None else list(weight.shape),
            weights=None if weight is None else weight.tolist(),
            probe=self._probe(),
        )

    def _probe(self) -> Probe | None:
        if self.probe_layer is None:
            return None
        x = self.probe_x
        for layer in self.model:
            x = layer.forward(x)
            if layer.name == self.probe_layer:
                break
        output = x[0]
        shown = output[:MAX_PROBE_CHANNELS] if output.ndim == 3 else output[:MAX_PROBE_VALUES]
        return Probe(
            **self.probe,
            image=self.image,
            layer=self.probe_layer,
            shape=list(output.shape),
            values=np.round(shown.astype(np.float64), PROBE_DECIMALS).tolist(),
        )
