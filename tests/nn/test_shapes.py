"""Sequential's shapes, summary and per-layer geometry against torch, and the errors a shape
that does not fit gives."""

import numpy as np
import pytest
import torch
from tests.nn.torch_models import F32, custom_model, to_torch

from cnnviz.nn import (
    PRESETS,
    AvgPool2D,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Sequential,
    build_model,
)
from cnnviz.nn.geometry import ConvGeometry

pytestmark = pytest.mark.parity


def torch_lenet5() -> torch.nn.Sequential:
    """LeNet-5 as torch code writes it, independently of the engine."""
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip


def torch_shapes(reference: torch.nn.Sequential, input_shape) -> list[tuple[int, ...]]:
    t, shapes = torch.zeros((1, *input_shape)), []
    for module in reference:
        t = module(t)
        shapes.append(tuple(t.shape[1:]))
    return shapes


def test_lenet5_summary():
    model = build_model("lenet5")
    reference = torch_lenet5()
    total = sum(p.numel() for p in reference.parameters())
    assert total == 61_706 == model.parameter_count
    shapes = torch_shapes(reference, (1, 28, 28))
    summary = model.summary()
    lines = summary.splitlines()
    for layer, shape, module in zip(model, shapes, reference, strict=True):
        count = sum(p.numel() for p in module.parameters())
        assert layer.parameter_count == count
        row = [line for line in lines if line.startswith(f"{layer.name} ")]
        assert len(row) == 1, f"{layer.name}: {row}"
        assert f"({type(layer).__name__})" in row[0]
        assert str(shape) in row[0] and row[0].rstrip().endswith(f"{count:,}")
    assert "Total params: 61,706" in summary
    assert model.output_shapes() == shapes


@pytest.mark.parametrize("preset", list(PRESETS))
def test_output_shapes_match_torch(preset):
    model = build_model(preset)
    assert model.input_shape == (1, 28, 28)
    assert model.output_shapes() == torch_shapes(to_torch(model), (1, 28, 28))
    assert model.parameter_count == sum(p.numel() for p in to_torch(model).parameters())


def test_custom_model_shapes_and_summary():
    model = custom_model()
    assert model.output_shapes() == torch_shapes(to_torch(model), (2, 10, 10))
    summary = model.summary()
    assert f"Total params: {sum(p.numel() for p in to_torch(model).parameters()):,}" in summary
    assert all(name in summary for name in model.names)


def test_output_shapes_need_an_input_shape():
    model = Sequential(Conv2D(1, 2, 3), Flatten())
    with pytest.raises(ValueError, match="input_shape"):
        model.output_shapes()
    assert model.output_shapes((1, 5, 6)) == [(2, 3, 4), (24,)]


# The first layer a wrong input breaks, and the message it gives.
BAD_INPUTS = [
    ("lenet5", (2, 3, 28, 28), "Conv2D 'conv1' expects 1 input channel, got 3"),
    ("lenet5", (2, 1, 32, 32), "Dense 'fc1' expects 400 input features, got 576"),
    ("lenet5", (2, 1, 4, 4), "Conv2D 'conv2' input 2×2 is too small for a 5×5 kernel"),
    (
        "lenet5",
        (1, 28, 28),
        "Conv2D 'conv1' expects a 4-D batch (N, C, H, W), got shape (1, 28, 28)",
    ),
    ("tinyvgg", (2, 1, 8, 8), "Conv2D 'conv3' input 2×2 is too small for a 3×3 kernel"),
    ("tinyvgg", (2, 2, 28, 28), "Conv2D 'conv1' expects 1 input channel, got 2"),
    ("simple", (2, 1, 30, 30), "Dense 'fc1' expects 1352 input features, got 1568"),
    ("simple", (2, 1, 3, 3), "MaxPool2D 'pool1' input 1×1 is smaller than its 2×2 window"),
]


@pytest.mark.parametrize(("preset", "shape", "message"), BAD_INPUTS)
def test_a_wrong_input_shape_names_the_first_bad_layer(preset, shape, message):
    model = build_model(preset)
    with pytest.raises(ValueError) as info:
        model.forward(np.zeros(shape, F32))
    assert message in str(info.value)
    with pytest.raises(ValueError) as info:
        model.trace(np.zeros(shape, F32))
    assert message in str(info.value)
    if len(shape) == 4:
        with pytest.raises(ValueError) as info:
            model.output_shapes(shape[1:])
        assert message in str(info.value)
        with pytest.raises(RuntimeError):  # torch agrees that the shape is wrong
            to_torch(model)(torch.zeros(shape))


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        (
            lambda: [Conv2D(1, 4, 3), ReLU(), Conv2D(3, 8, 3)],
            "Conv2D 'conv2' expects 3 input channels, got 4",
        ),
        (
            lambda: [Conv2D(1, 4, 3), Flatten(), Dense(100, 2)],
            "Dense 'fc1' expects 100 input features, got 144",
        ),
        (lambda: [MaxPool2D(2), Conv2D(1, 2, 5)], "Conv2D 'conv1' input 4×4 is too small"),
        (lambda: [Dense(64, 2)], "Dense 'fc1'"),
    ],
)
def test_an_inconsistent_architecture_fails_at_construction(layers, message):
    with pytest.raises(ValueError) as info:
        Sequential(*layers(), input_shape=(1, 8, 8))
    assert message in str(info.value)
    Sequential(*layers())  # without input_shape nothing is checked yet


# -- layer geometry ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*PRESETS, "custom"])
def test_layer_geometry_chains_torchs_shapes_and_counts(name):
    model = custom_model() if name == "custom" else build_model(name)
    reference = to_torch(model)
    rows = model.layer_geometry()
    outputs = torch_shapes(reference, model.input_shape)
    assert [row.name for row in rows] == model.names
    assert [row.input_shape for row in rows] == [model.input_shape, *outputs[:-1]]
    assert [row.output_shape for row in rows] == outputs
    assert [row.parameters for row in rows] == [
        sum(p.numel() for p in module.parameters()) for module in reference
    ]
    windowed = [row.geometry is not None for row in rows]
    assert windowed == [isinstance(layer, Conv2D | MaxPool2D | AvgPool2D) for layer in model]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_layer_windows_resolve_torchs_arguments():
    """A pooling window is a convolution's (stride defaulting to the kernel, dilation 1), and
    torch's padding="same" puts the odd pixel after."""
    assert MaxPool2D(3, stride=2, padding=1).window == ConvGeometry((3, 3), (2, 2), (1, 1, 1, 1))
    assert AvgPool2D((2, 4)).window == ConvGeometry((2, 4), (2, 4), (0, 0, 0, 0))
    same = Conv2D(1, 1, (4, 5), padding="same", dilation=(1, 2))
    assert same.window == ConvGeometry((4, 5), (1, 1), (1, 2, 4, 4), (1, 2))
    x = torch.zeros((1, 1, 9, 11))
    weight = torch.zeros((1, 1, 4, 5))
    expected = torch.nn.functional.conv2d(x, weight, padding="same", dilation=(1, 2)).shape
    assert same.output_shape((1, 9, 11)) == tuple(expected[1:])
    assert [ReLU().window, Flatten().window, Dense(2, 2).window] == [None, None, None]
