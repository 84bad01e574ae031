"""Per-layer optimizers (`ParamGroups`) against torch: a notebook-style network whose convolution
learns with SGD and whose dense layers learn with AdaGrad, trained by two torch optimizers over
the two parameter subsets; the weights agree after every step in float64."""

import numpy as np
import pytest
import torch
from tests.nn.torch_models import to_torch

from cnnviz.nn import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential
from cnnviz.nn.losses import softmax_cross_entropy
from cnnviz.nn.optim import SGD, AdaGrad, ParamGroups, make_param_groups

F64 = np.float64


def notebook_net() -> Sequential:
    """Conv 3×3 (padding 1) → ReLU → max-pool 2 → dense → ReLU → dense, on 1×8×8 inputs."""
    rng = np.random.default_rng(3)
    return Sequential(
        Conv2D(1, 4, 3, padding=1, rng=rng, dtype=F64),
        ReLU(),
        MaxPool2D(2),
        Flatten(),
        Dense(64, 16, rng=rng, dtype=F64),
        ReLU(),
        Dense(16, 10, rng=rng, dtype=F64),
        input_shape=(1, 8, 8),
    )


def torch_step(net, optimizers, x, y) -> None:
    for optimizer in optimizers:
        optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(torch.from_numpy(x)), torch.from_numpy(y))
    loss.backward()
    for optimizer in optimizers:
        optimizer.step()


def engine_step(model, optimizer, x, y) -> None:
    _, dlogits = softmax_cross_entropy(model.forward(x), y)
    model.backward(dlogits, input_grad=False)
    optimizer.step()


def assert_same_weights(model, net, step) -> None:
    for layer, module in zip(model, net, strict=True):
        for key, value in layer.params.items():
            expected = getattr(module, key).detach().numpy()
            np.testing.assert_allclose(
                value, expected, rtol=1e-12, atol=1e-14, err_msg=f"{layer.name}.{key}, step {step}"
            )


def test_sgd_conv_and_adagrad_dense_match_two_torch_optimizers():
    model = notebook_net()
    net = to_torch(model)
    conv, dense = list(net[0].parameters()), [*net[4].parameters(), *net[6].parameters()]
    torch_optimizers = [torch.optim.SGD(conv, lr=0.05), torch.optim.Adagrad(dense, lr=0.01)]
    optimizer = make_param_groups(model, ("sgd", 0.05, {}), [(["fc1", "fc2"], "adagrad", 0.01, {})])
    rng = np.random.default_rng(0)
    for step in range(1, 7):
        x, y = rng.random((5, 1, 8, 8)), rng.integers(0, 10, 5)
        torch_step(net, torch_optimizers, x, y)
        engine_step(model, optimizer, x, y)
        assert_same_weights(model, net, step)
    assert [type(o) for o in optimizer.optimizers] == [SGD, AdaGrad]


def test_setting_lr_scales_every_group_like_a_torch_scheduler():
    """Halving the reference rate halves each group's own rate (torch: each group's lr × 0.5)."""
    model = notebook_net()
    net = to_torch(model)
    conv, dense = list(net[0].parameters()), [*net[4].parameters(), *net[6].parameters()]
    torch_optimizers = [
        torch.optim.SGD(conv, lr=0.04, momentum=0.9),
        torch.optim.Adam(dense, lr=0.002),
    ]
    optimizer = make_param_groups(
        model, ("sgd", 0.04, {"momentum": 0.9}), [(["fc1", "fc2"], "adam", 0.002, {})]
    )
    rng = np.random.default_rng(1)
    for step in range(1, 6):
        scale = 1.0 if step < 3 else 0.5
        optimizer.lr = 0.04 * scale
        torch_optimizers[0].param_groups[0]["lr"] = 0.04 * scale
        torch_optimizers[1].param_groups[0]["lr"] = 0.002 * scale
        x, y = rng.random((4, 1, 8, 8)), rng.integers(0, 10, 4)
        torch_step(net, torch_optimizers, x, y)
        engine_step(model, optimizer, x, y)
        assert_same_weights(model, net, step)
    assert optimizer.optimizers[1].lr == pytest.approx(0.001)


def test_a_layer_in_two_groups_or_an_unknown_layer_is_refused():
    model = notebook_net()
    with pytest.raises(ValueError, match="'fc1' is already in group 1"):
        make_param_groups(
            model, ("sgd", 0.1, {}), [(["fc1"], "adam", 0.01, {}), (["fc1"], "sgd", 1, {})]
        )
    with pytest.raises(ValueError, match="'conv9' is not a layer; layers are conv1, relu1"):
        make_param_groups(model, ("sgd", 0.1, {}), [(["conv9"], "adam", 0.01, {})])
    layers = list(model)
    with pytest.raises(ValueError, match="a layer is in two parameter groups"):
        ParamGroups([SGD(layers[:2], lr=0.1), SGD(layers[1:], lr=0.1)])
