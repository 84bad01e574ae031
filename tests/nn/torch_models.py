"""Engine models and the torch modules computing the same thing, for the tests that compare a
whole `Sequential` with torch: `to_torch` rebuilds a model from its layers' public config and
weights, independently of the engine's own code paths."""

import numpy as np
import torch

from cnnviz.nn import (
    AvgPool2D,
    Conv2D,
    Dense,
    Flatten,
    LeakyReLU,
    MaxPool2D,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)

F32, F64 = np.float32, np.float64


class TorchRescale(torch.nn.Module):
    """x · scale + offset: torch has no module for it, so it is written out here."""

    def __init__(self, scale: float, offset: float) -> None:
        super().__init__()
        self.scale, self.offset = scale, offset

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale + self.offset


def torch_module(layer) -> torch.nn.Module:
    """The torch module computing what `layer` computes, from its public config and params."""
    kind, cfg = type(layer).__name__, layer.config()
    if kind == "Conv2D":
        padding = cfg["padding"]
        if padding == "full":
            k, d = np.broadcast_to(cfg["kernel_size"], 2), np.broadcast_to(cfg["dilation"], 2)
            padding = tuple(int(x) for x in d * (k - 1))
        module = torch.nn.Conv2d(
            cfg["in_channels"],
            cfg["out_channels"],
            cfg["kernel_size"],
            stride=cfg["stride"],
            padding=padding,
            dilation=cfg["dilation"],
            bias=cfg["bias"],
        )
    elif kind == "Dense":
        module = torch.nn.Linear(cfg["in_features"], cfg["out_features"], bias=cfg["bias"])
    elif kind in ("MaxPool2D", "AvgPool2D"):
        cls = torch.nn.MaxPool2d if kind == "MaxPool2D" else torch.nn.AvgPool2d
        module = cls(cfg["kernel_size"], cfg["stride"], cfg["padding"])
    elif kind == "LeakyReLU":
        module = torch.nn.LeakyReLU(cfg["negative_slope"])
    elif kind == "Dropout":
        module = torch.nn.Dropout(cfg["p"])
    elif kind == "Rescale":
        module = TorchRescale(cfg["scale"], cfg["offset"])
    else:
        module = {"Flatten": torch.nn.Flatten, "ReLU": torch.nn.ReLU}.get(kind) or getattr(
            torch.nn, kind
        )
        module = module()
    with torch.no_grad():
        for key, value in layer.params.items():
            setattr(module, key, torch.nn.Parameter(torch.from_numpy(np.array(value))))
    return module


def to_torch(model: Sequential) -> torch.nn.Sequential:
    """The model as torch modules, in the model's mode (a fresh one is in eval mode; torch's
    modules start in training mode, where their Dropout would drop)."""
    return torch.nn.Sequential(*(torch_module(layer) for layer in model)).train(model.training)


def digits(n, rng, dtype=F32, channels=1, size=28) -> np.ndarray:
    return rng.random((n, channels, size, size)).astype(dtype)


def custom_model(dtype=F32) -> Sequential:
    """Every layer type, a name given by hand, named padding and dilation."""
    rng = np.random.default_rng(5)
    return Sequential(
        Conv2D(2, 4, 3, padding="same", rng=rng, dtype=dtype, name="stem"),
        LeakyReLU(0.1),
        AvgPool2D(2),
        Conv2D(4, 3, (3, 2), padding="full", dilation=(1, 2), rng=rng, dtype=dtype),
        Tanh(),
        MaxPool2D(3, stride=2, padding=1),
        Flatten(),
        Dense(48, 8, rng=rng, dtype=dtype),
        Sigmoid(),
        Dense(8, 5, bias=False, rng=rng, dtype=dtype),
        ReLU(),
        input_shape=(2, 10, 10),
    )
