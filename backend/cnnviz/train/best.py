"""Keep the best epoch: a copy of the weights of the epoch whose validation accuracy was the
highest so far (the first of equals), put back into the model when the run ends, as a Keras
checkpoint callback with save_best_only keeps the best file."""

import numpy as np

from ..nn import Sequential

__all__ = ["BestEpoch"]


class BestEpoch:
    """The best epoch seen so far: `epoch` and `accuracy` (None before any), its weights kept."""

    def __init__(self) -> None:
        self.epoch: int | None = None
        self.accuracy: float | None = None
        self._weights: list[dict[str, np.ndarray]] | None = None

    def consider(self, epoch: int, accuracy: float | None, model: Sequential) -> bool:
        """Keep a copy of `model`'s weights if `accuracy` beats every earlier epoch's; returns
        whether it did."""
        if accuracy is None or (self.accuracy is not None and accuracy <= self.accuracy):
            return False
        self.epoch, self.accuracy = epoch, float(accuracy)
        self._weights = [{k: v.copy() for k, v in layer.params.items()} for layer in model]
        return True

    def restore(self, model: Sequential) -> None:
        """Write the kept weights back into `model` (in place); nothing when none were kept."""
        if self._weights is None:
            return
        for layer, weights in zip(model, self._weights, strict=True):
            for key, value in weights.items():
                layer.params[key][...] = value
