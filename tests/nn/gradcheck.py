"""Centred finite differences for layers and models of `cnnviz.nn`, in float64.

`gradcheck(model, x, loss)` runs one forward and one backward to get the analytic gradients,
then perturbs one entry at a time (`p[i] ± eps`, two forwards) for every parameter of every layer,
each parameter separately, and for the input. Large arrays are checked on a random subset of
entries. The relative error of one array is the norm ratio (as in CS231n's gradient checks):

    rel_error = ||analytic - numeric||_2 / max(||analytic||_2 + ||numeric||_2, TINY)

over the checked entries of that array, each array on its own. It bounds every single entry too:
|analytic_i - numeric_i| <= rel_error * (||analytic|| + ||numeric||), so one wrong entry fails
however many right ones surround it. A per-entry ratio |a_i - n_i| / (|a_i| + |n_i|) is not used:
an entry whose gradient is ~1e-4 of its neighbours' meets the finite difference's round-off
(~1e-16 * |loss| / eps, about 1e-10 here) at a relative 1e-6 and would fail for no fault of the
code. TINY only keeps 0 / 0 at 0; `assert_gradients_match` also rejects all-zero gradients.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cnnviz.nn.losses import sigmoid_binary_cross_entropy, softmax_cross_entropy

TINY = 1e-300
EPS = 1e-6

#: A loss: the model's output -> (scalar loss, d loss / d output).
Loss = Callable[[np.ndarray], tuple[float, np.ndarray]]


def weighted_sum_loss(out_shape: tuple[int, ...], rng: np.random.Generator) -> Loss:
    """loss = sum(output * w) for fixed random w, so d loss / d output = w exactly."""
    w = rng.standard_normal(out_shape)
    return lambda out: (float(np.sum(out * w)), w.astype(out.dtype))


def cross_entropy_loss(labels: np.ndarray) -> Loss:
    """Softmax cross-entropy, or the binary one for a one-output (sigmoid) head."""

    def loss(out: np.ndarray) -> tuple[float, np.ndarray]:
        fused = sigmoid_binary_cross_entropy if out.shape[1] == 1 else softmax_cross_entropy
        return fused(out, labels)

    return loss


def rel_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Norm-ratio relative error of two gradients of one array (see the module docstring)."""
    analytic, numeric = np.ravel(analytic), np.ravel(numeric)
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(np.linalg.norm(analytic - numeric) / max(scale, TINY))


@dataclass
class Check:
    """One array's check: which entries (flat offsets), both gradients there, their error."""

    name: str
    entries: np.ndarray
    analytic: np.ndarray
    numeric: np.ndarray

    @property
    def error(self) -> float:
        return rel_error(self.analytic, self.numeric)

    def describe(self) -> str:
        worst = int(np.argmax(np.abs(self.analytic - self.numeric)))
        return (
            f"{self.name}: rel error {self.error:.3g}; worst at flat entry {self.entries[worst]} "
            f"(analytic {self.analytic[worst]!r}, numeric {self.numeric[worst]!r})"
        )


def _entries(size: int, max_entries: int | None, rng: np.random.Generator) -> np.ndarray:
    if max_entries is None or size <= max_entries:
        return np.arange(size)
    return np.sort(rng.choice(size, max_entries, replace=False))


def numeric_gradient(
    f: Callable[[], float], a: np.ndarray, entries: np.ndarray, eps: float = EPS
) -> np.ndarray:
    """(f(a[i] + eps) - f(a[i] - eps)) / (2 eps) for each flat entry i, `a` changed in place and
    restored bit for bit."""
    flat = a.reshape(-1)  # a view: `a` must be contiguous
    assert np.shares_memory(flat, a)
    grads = np.empty(len(entries))
    for k, i in enumerate(entries):
        original = flat[i]
        flat[i] = original + eps
        plus = f()
        flat[i] = original - eps
        minus = f()
        flat[i] = original
        grads[k] = (plus - minus) / (2 * eps)
    return grads


def gradcheck(
    model,
    x: np.ndarray,
    loss: Loss,
    max_entries: int | None = None,
    rng: np.random.Generator | None = None,
    eps: float = EPS,
) -> list[Check]:
    """Check every parameter of `model` (a layer, or a Sequential of layers) and the input `x`.

    Everything must be float64. Returns one `Check` per array, parameters first, input last.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    layers = list(model) if hasattr(model, "layers") else [model]
    x = np.ascontiguousarray(x)
    assert x.dtype == np.float64

    out = model.forward(x)
    assert out.dtype == np.float64, f"forward returned {out.dtype}, not float64"
    _, dout = loss(out)
    dx = model.backward(dout)
    analytic = {
        (layer.name, key): np.array(layer.grads[key], copy=True)
        for layer in layers
        for key in layer.params
    }

    def f() -> float:
        return loss(model.forward(x))[0]

    checks = []
    for layer in layers:
        for key, p in layer.params.items():
            name = f"{layer.name or type(layer).__name__}.{key}"
            g = analytic[(layer.name, key)]
            assert p.dtype == np.float64 and p.flags.c_contiguous, name
            assert g.shape == p.shape and g.dtype == np.float64, f"{name}: grad {g.shape} {g.dtype}"
            entries = _entries(p.size, max_entries, rng)
            numeric = numeric_gradient(f, p, entries, eps)
            checks.append(Check(name, entries, g.reshape(-1)[entries], numeric))
    assert dx.shape == x.shape and dx.dtype == np.float64, f"input grad {dx.shape} {dx.dtype}"
    entries = _entries(x.size, max_entries, rng)
    numeric = numeric_gradient(f, x, entries, eps)
    checks.append(Check("input", entries, np.asarray(dx).reshape(-1)[entries], numeric))
    return checks


def assert_gradients_match(checks: list[Check], tol: float = 1e-6) -> None:
    """Every checked entry within `tol` relative error, and no array's check vacuous (all zero)."""
    failures = [c.describe() for c in checks if not c.error < tol]
    assert not failures, "\n".join(failures)
    vacuous = [c.name for c in checks if not np.any(c.analytic)]
    assert not vacuous, f"gradients all zero on the checked entries of: {', '.join(vacuous)}"
