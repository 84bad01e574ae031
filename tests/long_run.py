"""The events of a long training run, without training it: one short real run of the Trainer
gives an event of each type, which are repeated with the counters of a run of any length, in the
order the Trainer emits them (start, filters before training, then per epoch its steps, the epoch
and its filters, and done at the end)."""

from collections.abc import Iterator
from functools import cache

import numpy as np

from cnnviz.train import TrainConfig, Trainer


@cache
def real_events() -> dict[str, dict]:
    """The first event of each type of a one-epoch run of `simple` on 60 made-up digits."""
    rng = np.random.default_rng(0)
    labels = (np.arange(60) % 10).astype(np.uint8)
    images = (rng.random((60, 28, 28)) * 255).astype(np.uint8)
    config = TrainConfig.from_dict(
        {"model": "simple", "epochs": 1, "batch_size": 32, "emit_filters": True}
    )
    first: dict[str, dict] = {}
    Trainer(config, images, labels).run(lambda event: first.setdefault(event["type"], event))
    return first


def long_run(epochs: int, steps_per_epoch: int) -> Iterator[dict]:
    """A run's events with the shapes of real ones; the loss falls, every number is different."""
    real = real_events()
    total = epochs * steps_per_epoch
    yield {
        **real["start"],
        "epochs": epochs,
        "steps_per_epoch": steps_per_epoch,
        "total_steps": total,
    }
    yield {**real["filters"], "epoch": 0}
    for epoch in range(1, epochs + 1):
        for step in range(1, steps_per_epoch + 1):
            global_step = (epoch - 1) * steps_per_epoch + step
            yield {
                **real["step"],
                "epoch": epoch,
                "step": step,
                "steps_per_epoch": steps_per_epoch,
                "global_step": global_step,
                "total_steps": total,
                "loss": 2.3 / (1 + global_step / 1000),
            }
        yield {**real["epoch"], "epoch": epoch, "epochs": epochs, "global_step": global_step}
        yield {**real["filters"], "epoch": epoch}
    yield {**real["done"], "epochs_completed": epochs, "global_step": total}
