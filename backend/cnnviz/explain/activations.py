"""Activation functions sampled with the engine's own layers: f(x) from the layer's forward pass
and f'(x) from its backward pass of ones, so the curves a student reads are the engine's maths and
not a second copy of it.

The notes say where the derivative is largest and where it vanishes (below VANISHING), found in
the samples themselves: sigmoid's derivative peaks at 0.25 at x = 0 and falls under 0.01 beyond
|x| ≈ 4.6, which is why deep sigmoid networks learn slowly.
"""

from dataclasses import dataclass

import numpy as np

from cnnviz.nn.layers import LeakyReLU, ReLU, Sigmoid, Tanh

#: The interval every curve is sampled on.
X_RANGE = (-6.0, 6.0)
#: Samples per curve: 241 puts one every 0.05, x = 0 among them.
DEFAULT_POINTS = 241
MIN_POINTS, MAX_POINTS = 3, 1201
#: A derivative under this passes almost nothing back: the gradient "vanishes" there.
VANISHING = 0.01
#: LeakyReLU's slope for x < 0 when none is chosen (torch's default), and the range one may take.
DEFAULT_SLOPE = 0.01
MIN_SLOPE, MAX_SLOPE = 0.0, 1.0


@dataclass(frozen=True)
class ActivationInfo:
    """One activation function: the layer that computes it and its formulas, in words."""

    name: str
    title: str
    layer: type
    formula: str
    derivative: str


ACTIVATIONS = {
    info.name: info
    for info in (
        ActivationInfo("relu", "ReLU", ReLU, "max(0, x)", "1 for x > 0, 0 for x ≤ 0"),
        ActivationInfo(
            "leakyrelu",
            "LeakyReLU",
            LeakyReLU,
            "x for x > 0, slope·x for x ≤ 0",
            "1 for x > 0, slope for x ≤ 0",
        ),
        ActivationInfo(
            "sigmoid", "Sigmoid", Sigmoid, "σ(x) = 1 / (1 + exp(−x))", "σ(x)·(1 − σ(x))"
        ),
        ActivationInfo("tanh", "Tanh", Tanh, "tanh(x)", "1 − tanh(x)²"),
    )
}


@dataclass(frozen=True)
class Curve:
    """f and f' at each x, with what they show: the derivative's largest value and where it is
    reached (`peak_from` to `peak_to`: one x, or the stretch where f' stays at its maximum),
    and the stretches of x where f' is under VANISHING."""

    info: ActivationInfo
    slope: float | None
    x: np.ndarray
    y: np.ndarray
    dy: np.ndarray
    peak: float
    peak_from: float
    peak_to: float
    vanishing: list[tuple[float, float]]


def sample(name: str, points: int = DEFAULT_POINTS, slope: float | None = None) -> Curve:
    """Sample activation `name` at `points` evenly spaced x in X_RANGE through its engine layer
    (float64): forward for f, backward of ones for f'. `slope` is LeakyReLU's (default 0.01).

    Raises KeyError for an unknown name, ValueError for a slope or a count out of range.
    """
    info = ACTIVATIONS[name]
    if not MIN_POINTS <= points <= MAX_POINTS:
        raise ValueError(f"points must be {MIN_POINTS} to {MAX_POINTS}, got {points}")
    if slope is not None and info.layer is not LeakyReLU:
        raise ValueError(f"slope applies to leakyrelu only: leave it out for {name}")
    if info.layer is LeakyReLU:
        slope = DEFAULT_SLOPE if slope is None else slope
        if not MIN_SLOPE <= slope <= MAX_SLOPE:
            raise ValueError(f"slope must be {MIN_SLOPE:g} to {MAX_SLOPE:g}, got {slope:g}")
        layer = LeakyReLU(negative_slope=slope)
    else:
        layer = info.layer()
    x = np.linspace(*X_RANGE, points)
    y = layer.forward(x)
    dy = layer.backward(np.ones_like(x))
    top = float(dy.max())
    at_top = np.flatnonzero(dy >= top)
    return Curve(
        info=info,
        slope=slope,
        x=x,
        y=y,
        dy=dy,
        peak=top,
        peak_from=float(x[at_top[0]]),
        peak_to=float(x[at_top[-1]]),
        vanishing=_stretches(x, dy < VANISHING),
    )


def _stretches(x: np.ndarray, where: np.ndarray) -> list[tuple[float, float]]:
    """The runs of consecutive samples where `where` holds, as (first x, last x)."""
    edges = np.diff(np.concatenate(([0], where.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(float(x[a]), float(x[b])) for a, b in zip(starts, ends, strict=True)]


def notes(curve: Curve) -> list[str]:
    """What the curve shows about the gradient, in sentences, from its samples."""
    step = float(curve.x[1] - curve.x[0])
    if curve.peak_to - curve.peak_from < step / 2:
        peak = f"f' is largest at x = {_x(curve.peak_from)}: {curve.peak:.4g}"
    else:
        peak = (
            f"f' is largest, {curve.peak:.4g}, all along x = {_x(curve.peak_from)} to "
            f"{_x(curve.peak_to)}"
        )
    lines = [peak]
    low, high = X_RANGE
    if not curve.vanishing:
        least = float(curve.dy.min())
        lines.append(
            f"f' never falls under {VANISHING:g} here (its least is {least:.4g}): the gradient "
            "always flows back"
        )
    for start, end in curve.vanishing:
        if start <= low and end >= high:
            span = "everywhere on the plot"
        elif start <= low:
            span = f"for x ≤ {_x(end)}"
        elif end >= high:
            span = f"for x ≥ {_x(start)}"
        else:
            span = f"for x from {_x(start)} to {_x(end)}"
        zero = not curve.dy[(curve.x >= start) & (curve.x <= end)].any()
        size = "is 0" if zero else f"is under {VANISHING:g}"
        lines.append(f"f' {size} {span}: the gradient vanishes there")
    return lines


def _x(value: float) -> str:
    """An x of the grid as a sentence shows it: "−4.6", "0", "0.05"."""
    return f"{round(value, 2) + 0.0:g}".replace("-", "\u2212")
