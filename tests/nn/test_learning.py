"""Learning sanity: a fresh model knows nothing (loss ln K for K classes), and every preset can
memorise a small batch. Plus a few full training steps of each preset, step for step against torch.
The one-output preset (sigmoid01) is a two-class sigmoid head, trained with the binary
cross-entropy; the others with the softmax cross-entropy.
"""

import math

import numpy as np
import pytest
import torch
from tests.nn.torch_models import TorchRescale

from cnnviz.nn import PRESETS, Sequential, build_model
from cnnviz.nn.losses import class_count, output_probabilities
from cnnviz.nn.optim import SGD, Adam
from cnnviz.train.loss import training_loss

pytestmark = pytest.mark.parity

LN10 = math.log(10)


def classes_of(model: Sequential) -> int:
    return class_count(model.output_shapes()[-1][0])


def noise_images(n: int, rng: np.random.Generator, dtype=np.float32) -> np.ndarray:
    """n random 1×28×28 images with pixels in [0, 1), the range of the app's drawn digits."""
    return rng.random((n, 1, 28, 28)).astype(dtype)


def accuracy(outputs: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(output_probabilities(outputs).argmax(axis=1) == labels))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("preset", list(PRESETS))
def test_a_fresh_model_starts_at_chance(preset, seed):
    """K classes, no knowledge: each class ~1/K, so the mean cross-entropy ~ ln K (2.303 for
    ten classes, 0.693 for a sigmoid head's two).

    A loss well above it means the untrained model is confidently wrong: its logits start large.
    """
    rng = np.random.default_rng(100 + seed)
    model = build_model(preset, seed=seed)
    k = classes_of(model)
    x, labels = noise_images(64, rng), rng.integers(0, k, 64)
    logits = model.forward(x)
    loss, _ = training_loss(logits, labels)
    assert abs(loss - math.log(k)) < 0.3 * math.log(k) / LN10, (
        f"{preset} (seed {seed}) starts at loss {loss:.3f}, not ~ln {k} = {math.log(k):.3f}; "
        f"logits have std {logits.std():.2f}"
    )


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_overfits_32_images(preset):
    """32 distinct noise images with random labels (0..9, or 0/1 for a sigmoid head), full
    batch, Adam: the model must learn them all by heart within 300 steps."""
    rng = np.random.default_rng(1)
    model = build_model(preset, seed=0)
    k = classes_of(model)
    x, labels = noise_images(32, rng), rng.integers(0, k, 32)
    assert len(np.unique(x.reshape(32, -1), axis=0)) == 32
    # a real task: a constant guess is far from 100%
    assert np.bincount(labels).max() <= 32 * (0.65 if k == 2 else 0.25)
    optimizer = Adam(model, lr=3e-3)
    first_loss = None
    for _ in range(300):
        logits = model.forward(x)
        loss, dlogits = training_loss(logits, labels)
        first_loss = loss if first_loss is None else first_loss
        if accuracy(logits, labels) == 1.0 and loss < 0.05:
            break
        model.backward(dlogits, input_grad=False)
        optimizer.step()
    logits = model.forward(x)
    loss, _ = training_loss(logits, labels)
    assert accuracy(logits, labels) == 1.0, f"{preset}: accuracy {accuracy(logits, labels):.3f}"
    assert loss < 0.05 and loss < first_loss / 10, (preset, first_loss, loss)


# -- training, step for step against torch ----------------------------------------------------


def torch_copy(model: Sequential) -> torch.nn.Sequential:
    """The preset as torch code writes it, holding the model's current weights."""
    nn = torch.nn
    modules = []
    for layer in model:
        kind, cfg = type(layer).__name__, layer.config()
        if kind == "Conv2D":
            module = nn.Conv2d(
                cfg["in_channels"], cfg["out_channels"], cfg["kernel_size"],
                stride=cfg["stride"], padding=cfg["padding"],
            )  # fmt: skip
        elif kind == "Dense":
            module = nn.Linear(cfg["in_features"], cfg["out_features"])
        elif kind == "MaxPool2D":
            module = nn.MaxPool2d(cfg["kernel_size"], cfg["stride"], cfg["padding"])
        elif kind == "Dropout":
            module = nn.Dropout(cfg["p"])
        elif kind == "Rescale":
            module = TorchRescale(cfg["scale"], cfg["offset"])
        else:
            module = {"ReLU": nn.ReLU, "Flatten": nn.Flatten}[kind]()
        for key, value in layer.params.items():
            setattr(module, key, nn.Parameter(torch.from_numpy(value.copy())))
        modules.append(module)
    return nn.Sequential(*modules).train(model.training)


def torch_classification_loss(outputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """torch's loss for the head: binary cross-entropy with logits for one output, else the
    softmax cross-entropy."""
    if outputs.shape[1] == 1:
        return torch.nn.functional.binary_cross_entropy_with_logits(
            outputs[:, 0], labels.to(outputs.dtype)
        )
    return torch.nn.functional.cross_entropy(outputs, labels)


OPTIMIZERS = {
    "sgd-momentum": (
        lambda m: SGD(m, lr=0.05, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    ),
    "adam": (lambda m: Adam(m, lr=1e-2), lambda p: torch.optim.Adam(p, lr=1e-2)),
}


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("preset", list(PRESETS))
def test_training_steps_match_torch(preset, optimizer):
    """Eight full-batch steps in float64: the same losses and the same weights as torch (in eval
    mode: dropout's masks are compared in test_dropout.py)."""
    rng = np.random.default_rng(2)
    model = build_model(preset, seed=5, dtype=np.float64)
    x, labels = noise_images(8, rng, np.float64), rng.integers(0, classes_of(model), 8)
    reference = torch_copy(model)
    make, make_torch = OPTIMIZERS[optimizer]
    opt, torch_opt = make(model), make_torch(reference.parameters())
    tx, tlabels = torch.from_numpy(x), torch.from_numpy(labels)
    for step in range(8):
        loss, dlogits = training_loss(model.forward(x), labels)
        model.backward(dlogits, input_grad=False)
        opt.step()
        torch_opt.zero_grad()
        torch_loss = torch_classification_loss(reference(tx), tlabels)
        torch_loss.backward()
        torch_opt.step()
        assert loss == pytest.approx(torch_loss.item(), rel=1e-9, abs=1e-12), step
    for layer, module in zip(model, reference, strict=True):
        for key, value in layer.params.items():
            expected = getattr(module, key).detach().numpy()
            np.testing.assert_allclose(value, expected, rtol=1e-8, atol=1e-10, err_msg=layer.name)
