"""Learning-rate schedules: the rate for each optimizer step, as a pure function of the step.

Steps count from 0 (the first update uses `lr_at(0)`), like torch's schedulers stepped once per
batch. An optional linear warmup comes first for every schedule: step s < warmup uses
base · (s + 1) / warmup.

- "constant": base.
- "cosine": after the warmup, base · (1 + cos(π · (s - warmup) / (total - warmup))) / 2, which
  falls from base to 0 at step `total` (the step after the last: the last update's rate is small
  but not 0), as torch's CosineAnnealingLR with T_max = total - warmup and eta_min = 0.
- "step": base · gamma ** (epoch // step_size), epoch = s // steps_per_epoch (torch's StepLR
  stepped once per epoch).
"""

import math
from dataclasses import dataclass

SCHEDULES = ("constant", "cosine", "step")


@dataclass(frozen=True)
class LRSchedule:
    kind: str
    base_lr: float
    total_steps: int
    warmup_steps: int = 0
    steps_per_epoch: int = 1
    step_size: int = 1  # epochs between decays ("step")
    gamma: float = 0.1  # factor per decay ("step")

    def __post_init__(self) -> None:
        if self.kind not in SCHEDULES:
            raise ValueError(f"unknown lr schedule {self.kind!r}; choose one of {SCHEDULES}")
        if self.total_steps < 1 or self.steps_per_epoch < 1 or self.step_size < 1:
            raise ValueError("total_steps, steps_per_epoch and step_size must be at least 1")
        if self.warmup_steps < 0:
            raise ValueError(f"warmup_steps must be >= 0, got {self.warmup_steps}")

    def lr_at(self, step: int) -> float:
        """The learning rate for update number `step` (0-based)."""
        if step < self.warmup_steps:
            return self.base_lr * (step + 1) / self.warmup_steps
        if self.kind == "cosine":
            span = self.total_steps - self.warmup_steps
            if span <= 0:
                return 0.0
            progress = min(step - self.warmup_steps, span) / span
            return self.base_lr * (1 + math.cos(math.pi * progress)) / 2
        if self.kind == "step":
            epoch = step // self.steps_per_epoch
            return self.base_lr * self.gamma ** (epoch // self.step_size)
        return self.base_lr

    __call__ = lr_at
