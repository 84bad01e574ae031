"""Optimizers step for step against torch.optim on the same gradients."""

import types

import numpy as np
import pytest
import torch

from cnnviz.nn.optim import OPTIMIZERS, SGD, AdaGrad, Adam, RMSProp, make_optimizer

pytestmark = pytest.mark.parity

TORCH = {SGD: torch.optim.SGD, AdaGrad: torch.optim.Adagrad, RMSProp: torch.optim.RMSprop}
TORCH[Adam] = torch.optim.Adam

CONFIGS = [
    (SGD, {"lr": 0.1}),
    (SGD, {"lr": 0.05, "momentum": 0.9}),
    (SGD, {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    (SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    (SGD, {"lr": 0.1, "weight_decay": 0.01}),
    (SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    (AdaGrad, {}),
    (AdaGrad, {"lr": 0.1, "lr_decay": 0.1}),
    (AdaGrad, {"lr": 0.1, "initial_accumulator_value": 0.5}),
    (AdaGrad, {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.1, "eps": 0.1}),
    (AdaGrad, {"lr": 0.1, "weight_decay": 0.1}),
    (RMSProp, {}),
    (RMSProp, {"lr": 0.01, "centered": True}),
    (RMSProp, {"lr": 0.01, "momentum": 0.9}),
    (RMSProp, {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    (RMSProp, {"lr": 0.01, "alpha": 0.3, "centered": True, "eps": 1e-4}),
    (Adam, {}),
    (Adam, {"lr": 0.01, "amsgrad": True}),
    (Adam, {"lr": 0.01, "weight_decay": 0.1}),
    (Adam, {"lr": 0.02, "betas": (0.8, 0.9), "amsgrad": True, "weight_decay": 0.05}),
    (Adam, {"lr": 0.01, "betas": (0.3, 0.5), "eps": 0.1}),
]
SHAPES = {"weight": (4, 3, 2, 2), "bias": (4,)}


def config_id(config):
    cls, kwargs = config
    return cls.__name__ + "".join(f"-{k}={v}" for k, v in kwargs.items())


def fake_layers(dtype, seed=0):
    """Two layers with parameters around a layer without any (which the optimizer skips)."""
    rng = np.random.default_rng(seed)
    layers = []
    for _ in range(2):
        params = {k: rng.normal(0, 1, s).astype(dtype) for k, s in SHAPES.items()}
        layers.append(types.SimpleNamespace(params=params, grads={}))
    return [layers[0], types.SimpleNamespace(params={}, grads={}), layers[1]]


def gradient(param, step, index):
    """Gradient of 0.5 * 1.5 * |p - 0.3|^2 plus seeded noise that changes every step.

    Works on NumPy arrays and torch tensors alike, each side computing from its own weights.
    """
    noise = np.random.default_rng(1000 * step + index).normal(0, 0.5, tuple(param.shape))
    if isinstance(param, torch.Tensor):
        return 1.5 * (param.detach() - 0.3) + torch.tensor(noise, dtype=param.dtype)
    return 1.5 * (param - 0.3) + noise.astype(param.dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_matches_torch_for_ten_steps(config, dtype):
    cls, kwargs = config
    layers = fake_layers(dtype)
    ours = [layer.params[k] for layer in layers for k in layer.params]
    theirs = [torch.tensor(p.copy(), requires_grad=True) for p in ours]
    opt = cls(layers, **kwargs)
    ref = TORCH[cls](theirs, **kwargs)
    # The weights are O(1), so atol 1e-5 is 1e-5 relative to their scale. Most configurations
    # agree to 1-3 float32 ulps (torch fuses multiply-adds in lerp and addcdiv); centred RMSProp
    # with alpha=0.3 estimates a variance from about two gradients, which amplifies that to ~6e-6.
    tol = {"rtol": 1e-10, "atol": 1e-10} if dtype == np.float64 else {"rtol": 1e-5, "atol": 1e-5}

    for step in range(10):
        index = 0
        for layer in layers:
            for key, p in layer.params.items():
                layer.grads[key] = gradient(p, step, index)
                theirs[index].grad = gradient(theirs[index], step, index)
                index += 1
        opt.step()
        ref.step()
        for p, t in zip(ours, theirs, strict=True):
            assert p.dtype == dtype
            np.testing.assert_allclose(p, t.detach().numpy(), **tol, err_msg=f"step {step}")
    assert not np.allclose(ours[0], fake_layers(dtype)[0].params["weight"])  # they moved


@pytest.mark.parametrize("cls", [SGD, Adam])
def test_changing_lr_between_steps_matches_torch(cls):
    layers = fake_layers(np.float64)
    ours = [layer.params[k] for layer in layers for k in layer.params]
    theirs = [torch.tensor(p.copy(), requires_grad=True) for p in ours]
    opt, ref = cls(layers, lr=0.1), TORCH[cls](theirs, lr=0.1)
    for step in range(6):
        opt.lr = ref.param_groups[0]["lr"] = 0.1 * 0.5**step
        for index, (p, t) in enumerate(zip(ours, theirs, strict=True)):
            layers[0 if index < 2 else 2].grads[["weight", "bias"][index % 2]] = gradient(
                p, step, index
            )
            t.grad = gradient(t, step, index)
        opt.step()
        ref.step()
    for p, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p, t.detach().numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_updates_in_place_and_keeps_float32(config):
    cls, kwargs = config
    layers = fake_layers(np.float32)
    arrays = {(i, k): p for i, layer in enumerate(layers) for k, p in layer.params.items()}
    before = {slot: p.copy() for slot, p in arrays.items()}
    opt = cls(layers, **kwargs)
    for _ in range(3):
        for layer in layers:
            # float64 gradients must not turn float32 weights into float64 ones
            layer.grads = {k: np.ones(p.shape) for k, p in layer.params.items()}
        opt.step()
    for (i, key), p in arrays.items():
        assert layers[i].params[key] is p
        assert p.dtype == np.float32
        assert not np.array_equal(p, before[(i, key)])
    for state in opt.state.values():
        for value in state.values():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32


def test_replaced_parameter_is_picked_up():
    layer = types.SimpleNamespace(params={"weight": np.zeros(3)}, grads={"weight": np.ones(3)})
    opt = SGD([layer], lr=0.5)
    opt.step()
    old = layer.params["weight"]
    np.testing.assert_array_equal(old, [-0.5, -0.5, -0.5])
    layer.params["weight"] = np.full(3, 2.0)  # as loading weights does
    opt.step()
    np.testing.assert_array_equal(layer.params["weight"], [1.5, 1.5, 1.5])
    np.testing.assert_array_equal(old, [-0.5, -0.5, -0.5])


def test_momentum_state_survives_a_same_shape_replacement_like_torch_load():
    # keyed by (layer position, key): a replaced array of the same shape keeps its momentum
    layer = types.SimpleNamespace(params={"w": np.zeros(2)}, grads={"w": np.ones(2)})
    opt = SGD([layer], lr=1.0, momentum=0.5)
    opt.step()  # buffer = 1, w = -1
    layer.params["w"] = np.zeros(2)
    opt.step()  # buffer = 0.5 * 1 + 1 = 1.5
    np.testing.assert_array_equal(layer.params["w"], [-1.5, -1.5])


def test_state_restarts_when_a_parameter_changes_dtype():
    # Layer.astype(np.float64) replaces every array; the moments restart in the new dtype
    layer = types.SimpleNamespace(params={"w": np.zeros(2, np.float32)}, grads={"w": np.ones(2)})
    opt = SGD([layer], lr=1.0, momentum=0.5)
    opt.step()
    layer.params["w"] = np.zeros(2)
    opt.step()  # a fresh buffer: 1, not 0.5 * 1 + 1
    np.testing.assert_array_equal(layer.params["w"], [-1.0, -1.0])
    assert opt.state[(0, "w")]["momentum_buffer"].dtype == np.float64


class Model:
    """Iterable over its layers, as Sequential is."""

    def __init__(self, layers):
        self._layers = layers

    def __iter__(self):
        return iter(self._layers)


def test_model_iterable_over_its_layers_is_accepted():
    layers = fake_layers(np.float64)
    opt = SGD(Model(layers), lr=0.5)
    for layer in layers:
        layer.grads = {k: np.ones_like(p) for k, p in layer.params.items()}
    expected = layers[2].params["bias"] - 0.5
    opt.step()
    np.testing.assert_array_equal(layers[2].params["bias"], expected)


def test_missing_gradient_is_a_clear_error():
    layer = types.SimpleNamespace(params={"weight": np.zeros(2), "bias": np.zeros(1)}, grads={})
    layer.grads["weight"] = np.ones(2)
    with pytest.raises(ValueError, match=r"layer 0 .*no gradient for 'bias'.*backward"):
        SGD([layer], lr=0.1).step()


def test_gradient_of_wrong_shape_is_a_clear_error():
    layer = types.SimpleNamespace(params={"weight": np.zeros(2)}, grads={"weight": np.ones(3)})
    with pytest.raises(ValueError, match=r"'weight' has shape \(3,\).*\(2,\)"):
        SGD([layer], lr=0.1).step()


def test_object_without_params_is_rejected():
    with pytest.raises(ValueError, match=r"layer 1 \(int\) has no `params` and `grads`"):
        SGD([types.SimpleNamespace(params={}, grads={}), 3], lr=0.1)


@pytest.mark.parametrize(
    ("cls", "kwargs", "match"),
    [
        (SGD, {"lr": -0.1}, "lr must be >= 0"),
        (SGD, {"lr": 0.1, "momentum": -0.5}, "momentum must be >= 0"),
        (SGD, {"lr": 0.1, "weight_decay": -1}, "weight_decay must be >= 0"),
        (SGD, {"lr": 0.1, "nesterov": True}, "nesterov=True needs momentum > 0"),
        (SGD, {"lr": 0.1, "nesterov": True, "momentum": 0.9, "dampening": 0.1}, "dampening = 0"),
        (AdaGrad, {"lr": -1}, "lr must be >= 0"),
        (AdaGrad, {"lr_decay": -0.1}, "lr_decay must be >= 0"),
        (AdaGrad, {"initial_accumulator_value": -1}, "initial_accumulator_value must be >= 0"),
        (AdaGrad, {"eps": -1e-10}, "eps must be >= 0"),
        (RMSProp, {"alpha": -0.1}, "alpha must be >= 0"),
        (RMSProp, {"momentum": -0.1}, "momentum must be >= 0"),
        (RMSProp, {"eps": -1}, "eps must be >= 0"),
        (Adam, {"betas": (1.0, 0.999)}, r"betas\[0\] must be in \[0, 1\), got 1.0"),
        (Adam, {"betas": (0.9, -0.1)}, r"betas\[1\] must be in \[0, 1\)"),
        (Adam, {"betas": (0.9,)}, "pair"),
        (Adam, {"weight_decay": -0.1}, "weight_decay must be >= 0"),
    ],
)
def test_invalid_hyperparameters(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls([], **kwargs)
    # torch rejects the same settings (the pair check is ours: torch would raise IndexError)
    if "pair" not in match:
        with pytest.raises(ValueError):
            TORCH[cls]([torch.zeros(1, requires_grad=True)], **kwargs)


def test_negative_lr_cannot_be_scheduled():
    opt = SGD([], lr=0.1)
    opt.lr = 0.01
    assert opt.lr == 0.01
    with pytest.raises(ValueError, match="lr must be >= 0"):
        opt.lr = -0.01


@pytest.mark.parametrize("name", ["sgd", "adagrad", "rmsprop", "adam", "Adam", "SGD"])
def test_make_optimizer(name):
    opt = make_optimizer(name, fake_layers(np.float64), lr=0.25)
    assert type(opt) is OPTIMIZERS[name.lower()]
    assert opt.lr == 0.25 and len(opt.layers) == 3


def test_make_optimizer_passes_hyperparameters():
    opt = make_optimizer("sgd", [], lr=0.1, momentum=0.9, nesterov=True)
    assert (opt.momentum, opt.nesterov) == (0.9, True)
    assert opt.hyperparameters() == {
        "lr": 0.1,
        "momentum": 0.9,
        "dampening": 0.0,
        "nesterov": True,
        "weight_decay": 0.0,
    }


def test_make_optimizer_unknown_name_lists_choices():
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'") as info:
        make_optimizer("lbfgs", [], lr=0.1)
    for name in ("sgd", "adagrad", "rmsprop", "adam"):
        assert name in str(info.value)


def test_make_optimizer_unknown_argument():
    with pytest.raises(ValueError, match="adam does not take momentum; it takes lr, betas"):
        make_optimizer("adam", [], momentum=0.9)
