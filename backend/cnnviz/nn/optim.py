"""Optimizers: update every layer's `params` in place from its `grads`, as torch.optim does.

The base class walks the layers and their parameters; each subclass writes one update rule,
`update(p, g, state)`, line for line after torch's single-tensor implementation, so that the
same gradients give the same weights as torch. Arrays are looked up by key at every step (a
loaded weight replaces the array) and per-parameter state is keyed by (layer position, key);
it restarts when that parameter's shape or dtype changes (e.g. after `Layer.astype`).
All arithmetic stays in the parameter's dtype.

`ParamGroups` is torch's parameter groups: several optimizers, each over its own layers with its
own rule, rate and arguments, stepped as one (a course notebook trains its convolution with SGD
and its dense layers with AdaGrad).
"""

import inspect
from collections.abc import Iterable
from typing import Any

import numpy as np


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _learning_rate(value: float) -> float:
    """A rate as an optimizer or a set of parameter groups keeps it, refused when negative."""
    _require(value >= 0, f"learning rate lr must be >= 0, got {value}")
    return float(value)


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """`start += weight * (end - start)` in place, in the two-branch form torch's lerp uses."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


class Optimizer:
    """Base: iterates over `layers` (objects with `params` and `grads` dicts with the same keys).

    Parameters
    ----------
    layers : iterable of layers (a `Sequential` model is one)
    lr : float, >= 0; a public attribute a training loop may change between steps.
    """

    def __init__(self, layers: Iterable[Any], lr: float) -> None:
        self.layers = list(layers)
        for i, layer in enumerate(self.layers):
            _require(
                isinstance(getattr(layer, "params", None), dict)
                and isinstance(getattr(layer, "grads", None), dict),
                f"layer {i} ({type(layer).__name__}) has no `params` and `grads` dicts",
            )
        self.lr = lr
        self.state: dict[tuple[int, str], dict[str, Any]] = {}

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _learning_rate(value)

    def step(self) -> None:
        """Apply one update to every parameter of every layer, in place."""
        for i, layer in enumerate(self.layers):
            for key, p in layer.params.items():
                g = layer.grads.get(key)
                name = getattr(layer, "label", None) or type(layer).__name__
                _require(
                    g is not None,
                    f"layer {i} ({name}) has no gradient for {key!r}; run backward() before step()",
                )
                _require(
                    np.shape(g) == p.shape,
                    f"layer {i} ({name}) gradient for {key!r} has shape {np.shape(g)}, "
                    f"the parameter {p.shape}",
                )
                state = self.state.get((i, key))
                if state is None or state["like"] != (p.shape, p.dtype):
                    state = self.state[(i, key)] = {"like": (p.shape, p.dtype), "step": 0}
                state["step"] += 1
                self.update(p, np.asarray(g, dtype=p.dtype), state)

    def update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> None:
        """Update `p` in place from its gradient `g`; `state` persists between steps."""
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def hyperparameters(self) -> dict[str, Any]:
        """The constructor's keyword arguments and their current values (JSON-able)."""
        names = list(inspect.signature(type(self)).parameters)[1:]
        return {name: getattr(self, name) for name in names}


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay."""

    def __init__(
        self,
        layers: Iterable[Any],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(layers, lr)
        _require(momentum >= 0, f"momentum must be >= 0, got {momentum}")
        _require(weight_decay >= 0, f"weight_decay must be >= 0, got {weight_decay}")
        _require(
            not nesterov or (momentum > 0 and dampening == 0),
            f"nesterov=True needs momentum > 0 and dampening = 0 "
            f"(got momentum={momentum}, dampening={dampening})",
        )
        self.momentum, self.dampening = float(momentum), float(dampening)
        self.nesterov, self.weight_decay = bool(nesterov), float(weight_decay)

    def update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        if self.momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= self.momentum
                buf += (1 - self.dampening) * g
            g = g + self.momentum * buf if self.nesterov else buf
        p -= self.lr * g


class AdaGrad(Optimizer):
    """AdaGrad: divides by the root of the running sum of squared gradients."""

    def __init__(
        self,
        layers: Iterable[Any],
        lr: float = 0.01,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        super().__init__(layers, lr)
        _require(lr_decay >= 0, f"lr_decay must be >= 0, got {lr_decay}")
        _require(weight_decay >= 0, f"weight_decay must be >= 0, got {weight_decay}")
        _require(
            initial_accumulator_value >= 0,
            f"initial_accumulator_value must be >= 0, got {initial_accumulator_value}",
        )
        _require(eps >= 0, f"eps must be >= 0, got {eps}")
        self.lr_decay, self.weight_decay, self.eps = (
            float(lr_decay),
            float(weight_decay),
            float(eps),
        )
        self.initial_accumulator_value = float(initial_accumulator_value)

    def update(self, p, g, state):
        if "sum" not in state:
            state["sum"] = np.full_like(p, self.initial_accumulator_value)
        if self.weight_decay:
            g = g + self.weight_decay * p
        clr = self.lr / (1 + (state["step"] - 1) * self.lr_decay)
        state["sum"] += g * g
        p -= clr * g / (np.sqrt(state["sum"]) + self.eps)


class RMSProp(Optimizer):
    """RMSProp: divides by the root of a moving average of squared gradients."""

    def __init__(
        self,
        layers: Iterable[Any],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(layers, lr)
        _require(alpha >= 0, f"alpha must be >= 0, got {alpha}")
        _require(eps >= 0, f"eps must be >= 0, got {eps}")
        _require(weight_decay >= 0, f"weight_decay must be >= 0, got {weight_decay}")
        _require(momentum >= 0, f"momentum must be >= 0, got {momentum}")
        self.alpha, self.eps, self.weight_decay = float(alpha), float(eps), float(weight_decay)
        self.momentum, self.centered = float(momentum), bool(centered)

    def update(self, p, g, state):
        if "square_avg" not in state:
            state["square_avg"] = np.zeros_like(p)
            state["grad_avg"] = np.zeros_like(p) if self.centered else None
            state["momentum_buffer"] = np.zeros_like(p) if self.momentum > 0 else None
        if self.weight_decay:
            g = g + self.weight_decay * p
        square_avg = state["square_avg"]
        square_avg *= self.alpha
        square_avg += (1 - self.alpha) * g * g
        if self.centered:
            _lerp_(state["grad_avg"], g, 1 - self.alpha)
            avg = np.sqrt(square_avg - state["grad_avg"] * state["grad_avg"])
        else:
            avg = np.sqrt(square_avg)
        avg += self.eps
        if self.momentum > 0:
            buf = state["momentum_buffer"]
            buf *= self.momentum
            buf += g / avg
            p -= self.lr * buf
        else:
            p -= self.lr * g / avg


class Adam(Optimizer):
    """Adam: bias-corrected moving averages of the gradient and its square (AMSGrad optional)."""

    def __init__(
        self,
        layers: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(layers, lr)
        _require(len(betas) == 2, f"betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            _require(0 <= beta < 1, f"betas[{i}] must be in [0, 1), got {beta}")
        _require(eps >= 0, f"eps must be >= 0, got {eps}")
        _require(weight_decay >= 0, f"weight_decay must be >= 0, got {weight_decay}")
        self.betas, self.eps = (float(betas[0]), float(betas[1])), float(eps)
        self.weight_decay, self.amsgrad = float(weight_decay), bool(amsgrad)

    def update(self, p, g, state):
        if "exp_avg" not in state:
            state["exp_avg"], state["exp_avg_sq"] = np.zeros_like(p), np.zeros_like(p)
            state["max_exp_avg_sq"] = np.zeros_like(p) if self.amsgrad else None
        beta1, beta2 = self.betas
        step, exp_avg, exp_avg_sq = state["step"], state["exp_avg"], state["exp_avg_sq"]
        if self.weight_decay:
            g = g + self.weight_decay * p
        _lerp_(exp_avg, g, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * g * g
        if self.amsgrad:
            np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
            exp_avg_sq = state["max_exp_avg_sq"]
        denom = np.sqrt(exp_avg_sq) / (1 - beta2**step) ** 0.5 + self.eps
        p -= self.lr / (1 - beta1**step) * exp_avg / denom


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def make_optimizer(name: str, layers: Iterable[Any], **kwargs: Any) -> Optimizer:
    """Build the optimizer called `name` (a key of OPTIMIZERS, any case) over `layers`."""
    cls = OPTIMIZERS.get(name.lower()) if isinstance(name, str) else None
    _require(cls is not None, f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    accepted = list(inspect.signature(cls).parameters)[1:]
    unknown = sorted(set(kwargs) - set(accepted))
    _require(
        not unknown, f"{name} does not take {', '.join(unknown)}; it takes {', '.join(accepted)}"
    )
    return cls(layers, **kwargs)


class ParamGroups:
    """Several optimizers over disjoint groups of layers, used as one: `step()` steps each, and
    setting `lr` scales every group's rate by the same factor, as a torch scheduler scales each
    parameter group's own rate. The first optimizer's rate is the reference: setting `lr` to
    half of it halves every group's rate.

    Parameters
    ----------
    optimizers : the optimizers, each built over its own layers (no layer in two of them).
    """

    def __init__(self, optimizers: Iterable[Optimizer]) -> None:
        self.optimizers = list(optimizers)
        _require(len(self.optimizers) > 0, "ParamGroups needs at least one optimizer")
        seen: set[int] = set()
        for optimizer in self.optimizers:
            for layer in optimizer.layers:
                _require(id(layer) not in seen, "a layer is in two parameter groups")
                seen.add(id(layer))
        self.base_lrs = [optimizer.lr for optimizer in self.optimizers]
        _require(self.base_lrs[0] > 0, "the first group's lr (the reference) must be above 0")
        self._lr = self.base_lrs[0]

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _learning_rate(value)
        scale = self._lr / self.base_lrs[0]
        for optimizer, base in zip(self.optimizers, self.base_lrs, strict=True):
            optimizer.lr = base * scale

    def step(self) -> None:
        """One update of every group, each by its own rule."""
        for optimizer in self.optimizers:
            optimizer.step()

    def __repr__(self) -> str:
        return f"ParamGroups({', '.join(map(repr, self.optimizers))})"


def make_param_groups(
    model: Any,
    main: tuple[str, float, dict[str, Any]],
    groups: Iterable[tuple[Iterable[str], str, float, dict[str, Any]]],
) -> ParamGroups:
    """`ParamGroups` over the named layers of `model` (a `Sequential`): each group is
    (layer names, optimizer name, lr, keyword arguments), and the layers no group names are
    stepped by `main` = (optimizer name, lr, keyword arguments), the reference rate."""
    layers = dict(zip(model.names, model, strict=True))
    claimed: dict[str, int] = {}
    built = []
    for g, (names, name, lr, kwargs) in enumerate(groups, start=1):
        chosen = []
        for layer_name in names:
            _require(
                layer_name in layers,
                f"group {g}: {layer_name!r} is not a layer; layers are {', '.join(layers)}",
            )
            _require(
                layer_name not in claimed,
                f"group {g}: {layer_name!r} is already in group {claimed.get(layer_name)}",
            )
            claimed[layer_name] = g
            chosen.append(layers[layer_name])
        built.append(make_optimizer(name, chosen, lr=lr, **kwargs))
    rest = [layer for layer_name, layer in layers.items() if layer_name not in claimed]
    name, lr, kwargs = main
    return ParamGroups([make_optimizer(name, rest, lr=lr, **kwargs), *built])
