"""A whole training run against the same loop written in torch: same initial weights, same batch
order, the learning rate set by hand from the cosine formula, float64 throughout."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.synthetic_digits import bars

from cnnviz.nn import build_model
from cnnviz.train import TrainConfig, Trainer

pytestmark = pytest.mark.parity


def torch_copy(model) -> torch.nn.Sequential:
    """The model as torch code writes it, holding the model's current weights."""
    modules = []
    for layer in model:
        kind, cfg = type(layer).__name__, layer.config()
        if kind == "Conv2D":
            module = torch.nn.Conv2d(
                cfg["in_channels"], cfg["out_channels"], cfg["kernel_size"],
                stride=cfg["stride"], padding=cfg["padding"],
            )  # fmt: skip
        elif kind == "Dense":
            module = torch.nn.Linear(cfg["in_features"], cfg["out_features"])
        elif kind == "MaxPool2D":
            module = torch.nn.MaxPool2d(cfg["kernel_size"], cfg["stride"], cfg["padding"])
        else:
            module = {"ReLU": torch.nn.ReLU, "Flatten": torch.nn.Flatten}[kind]()
        for key, value in layer.params.items():
            setattr(module, key, torch.nn.Parameter(torch.from_numpy(value.copy())))
        modules.append(module)
    return torch.nn.Sequential(*modules).double()


@pytest.mark.parametrize("preset, classes", [("lenet5", None), ("simple", [3, 5, 8])])
def test_a_training_run_matches_torch(preset, classes):
    images, labels = bars(400, seed=3)
    config = TrainConfig(
        model=preset,
        classes=classes,
        train_size=100,  # 3 batches of 32 and one of 4 per epoch
        validation_size=20,
        optimizer="sgd",
        lr=0.05,
        optimizer_kwargs={"momentum": 0.9},
        batch_size=32,
        epochs=2,
        seed=11,
        lr_schedule="cosine",
        warmup_steps=2,
        label_smoothing=0.05,
    )
    k = 10 if classes is None else len(classes)
    model = build_model(preset, seed=11, dtype=np.float64)
    if classes is not None:
        model = TrainConfig(model=preset, classes=classes, seed=11).build_model().astype(np.float64)
    reference = torch_copy(model)
    events = []
    trainer = Trainer(config, images, labels, model=model)
    trainer.run(events.append)

    # The torch side reads the raw digits and renumbers the labels itself.
    chosen = list(range(10)) if classes is None else classes
    raw = torch.from_numpy(images[trainer.train_indices])
    x = (raw.float() / 255).double()[:, None]
    y = torch.tensor([chosen.index(int(v)) for v in labels[trainer.train_indices]])
    opt = torch.optim.SGD(reference.parameters(), lr=0.05, momentum=0.9)
    total, warmup, losses = 2 * math.ceil(100 / 32), 2, []
    step = 0
    for epoch in (1, 2):
        order = torch.from_numpy(trainer.epoch_order(epoch))
        for batch in order.split(32):
            if step < warmup:
                lr = 0.05 * (step + 1) / warmup
            else:
                lr = 0.05 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup))) / 2
            opt.param_groups[0]["lr"] = lr
            opt.zero_grad()
            loss = F.cross_entropy(reference(x[batch]), y[batch], label_smoothing=0.05)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            step += 1
    assert step == trainer.total_steps == 8

    steps = [e for e in events if e["type"] == "step"]
    np.testing.assert_allclose([s["loss"] for s in steps], losses, rtol=1e-10)
    assert steps[-1]["lr"] == pytest.approx(lr, rel=1e-12)
    assert model[-1].out_features == k
    for layer, module in zip(model, reference, strict=True):
        for key, value in layer.params.items():
            expected = getattr(module, key).detach().numpy()
            np.testing.assert_allclose(value, expected, rtol=1e-8, atol=1e-10, err_msg=layer.name)
    # the run moved the weights well beyond that tolerance
    fresh = build_model(preset, seed=11, dtype=np.float64)
    assert np.abs(model[0].params["weight"] - fresh[0].params["weight"]).max() > 1e-3
