"""Dropout: while training, zero each unit with probability p and scale the kept ones by
1 / (1 - p) ("inverted" dropout, as torch.nn.Dropout), so a unit's expected value is the same in
training and in evaluation, where the layer passes its input through unchanged."""

import numpy as np

from ..init import as_generator
from .base import Layer


class Dropout(Layer):
    """Randomly silences units while the model trains; the identity in eval mode.

    The masks come from the layer's own generator, split off `rng` without drawing from it, so
    adding a Dropout to a model does not change the initial weights of the layers after it, and a
    seeded model drops the same units in every run. `generator` is that generator: copy it to
    replay the same masks (as the finite-difference checks do). After a training-mode `forward`,
    `mask` holds which units were kept.
    """

    default_name = "dropout"

    def __init__(
        self,
        p: float = 0.5,
        rng: np.random.Generator | int | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name)
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p < 1:
            raise self.error(
                f"needs a drop probability p with 0 <= p < 1 (p = 1 would drop every unit), "
                f"got {p!r}"
            )
        self.p = float(p)
        self._config = {"p": self.p}
        (self.generator,) = as_generator(rng).spawn(1)
        self.mask: np.ndarray | None = None  # bool, the input's shape: True where kept
        self._scaled_mask: np.ndarray | None = None  # mask / (1 - p) in the input's dtype

    def forward(self, x):
        if not self.training or self.p == 0:
            self.mask = self._scaled_mask = None
            return x
        self.mask = self.generator.random(x.shape) >= self.p
        self._scaled_mask = self.mask.astype(x.dtype) / x.dtype.type(1 - self.p)
        return x * self._scaled_mask

    def backward(self, dout, input_grad=True):
        """The gradient flows through the kept units, scaled as they were; all of it in eval
        mode (the identity's gradient)."""
        return dout if self._scaled_mask is None else dout * self._scaled_mask
