"""The step-by-step views' maths, one output position at a time, knowing nothing of HTTP.

Every window here comes from `windows` (one window function behind the patch's values, its
coordinates in the layer's input, pooling windows and every window of a layer), so play, step
and hover can never disagree about a window.

Per-position functions (`conv_position`, `pool_position`) take arrays; `conv_step` and `pool_step`
run a model's trace for one image and pick the layer, at the position asked or, when none is, at
the map's most active one (a view opening on position (0, 0) shows a corner of background). Each
answer also carries every window of the layer (`layer_windows`), so a page can draw and hit-test
windows without computing one. Results are plain dicts of NumPy arrays and floats, computed in
float64 from the model's values.
"""

from dataclasses import asdict, dataclass

import numpy as np

from cnnviz.nn import AvgPool2D, Conv2D, MaxPool2D, Sequential
from cnnviz.nn.geometry import ConvGeometry
from cnnviz.nn.losses import class_count, class_score_gradient, output_probabilities
from cnnviz.nn.reference import avg_pool2d_forward_naive, conv_window

from .inference import as_batch
from .windows import layer_windows, most_active, pad_chw, receptive_field, window_coords

#: Upstream gradient choice for a backward conv step: the gradient of one class's logit.
LOGIT = "logit"


# -- one position ------------------------------------------------------------------------------


def conv_position(x, weight, bias, geometry: ConvGeometry, f: int, row: int, col: int) -> dict:
    """Output (f, row, col) of a convolution of x (C, H, W) with weight (F, C, KH, KW), bias
    (F,) or None, spelled out: patch, kernel, products, sum, bias, pre-activation."""
    xp = pad_chw(np.asarray(x, np.float64), geometry.padding)
    patch = conv_window(xp, row, col, geometry).copy()
    kernel = np.asarray(weight[f], np.float64)
    products = patch * kernel
    total = float(products.sum())
    b = 0.0 if bias is None else float(bias[f])
    rows, cols, mask = window_coords(row, col, geometry, x.shape[1:])
    return {
        "patch": patch,
        "kernel": kernel,
        "products": products,
        "sum": total,
        "bias": b,
        "pre_activation": total + b,
        "rows": rows,
        "cols": cols,
        "padding_mask": mask,
    }


def conv_position_backward(position: dict, upstream: float) -> dict:
    """This position's share of the layer's gradients for an upstream gradient g at it:
    dW += g · patch, db += g, dX += g · kernel at the patch's input coordinates (`rows`, `cols`;
    0 where the window lies in the padding, which reaches no input pixel)."""
    return {
        "upstream": float(upstream),
        "dweight": upstream * position["patch"],
        "dbias": float(upstream),
        "dinput": np.where(position["padding_mask"], 0.0, upstream * position["kernel"]),
    }


def pool_position(x, kind: str, geometry: ConvGeometry, c: int, row: int, col: int, winner=None):
    """Window (row, col) of channel c of a pooling over x (C, H, W). `kind` is "max" or "avg";
    a max pool's `winner` is the flat offset h·W + w its trace recorded (torch's indices)."""
    xp = pad_chw(np.asarray(x[c : c + 1], np.float64), geometry.padding)
    window = conv_window(xp, row, col, geometry)[0].copy()
    rows, cols, mask = window_coords(row, col, geometry, x.shape[1:])
    out = {"window": window, "rows": rows, "cols": cols, "padding_mask": mask}
    if kind == "max":
        wr, wc = divmod(int(winner), x.shape[2])
        out["winner"] = {
            "index": int(winner),
            "row": wr,
            "col": wc,
            "window_row": int(np.flatnonzero(rows == wr)[0]),
            "window_col": int(np.flatnonzero(cols == wc)[0]),
        }
        out["output"] = float(x[c, wr, wc])
    else:
        out["winner"] = None
        out["output"] = float(window.mean())  # padded zeros count, as in torch
    return out


def pool_routing(position: dict, kind: str, upstream: float) -> np.ndarray:
    """(KH, KW): how an upstream gradient g at this output reaches its window. Max: all of g to
    the winner; avg: g / window size to every cell (what lands in padding is lost)."""
    window = position["window"]
    routed = np.zeros(window.shape)
    if kind == "max":
        routed[position["winner"]["window_row"], position["winner"]["window_col"]] = upstream
    else:
        routed[...] = upstream / window.size
        routed[position["padding_mask"]] = 0.0
    return routed


# -- a model's layer ---------------------------------------------------------------------------


@dataclass
class _Located:
    index: int
    layer: object
    x: np.ndarray  # the layer's input, one sample (C, H, W)
    out: np.ndarray  # its output (F, OH, OW)


def _check_index(what: str, value: int, size: int, where: str) -> None:
    if not 0 <= value < size:
        raise ValueError(f"{what} must be between 0 and {size - 1} {where}, got {value}")


def _locate(model: Sequential, records, name: str, types: tuple, what: str) -> _Located:
    wanted = [layer.name for layer in model if isinstance(layer, types)]
    if name not in model.names:
        raise ValueError(
            f"no layer named {name!r}; {what} layers of this model: {', '.join(wanted) or 'none'}"
        )
    index = model.names.index(name)
    layer = model[index]
    if not isinstance(layer, types):
        raise ValueError(
            f"layer {name!r} is a {type(layer).__name__}, not a {what} layer; "
            f"choose one of: {', '.join(wanted) or 'none'}"
        )
    x = records[index - 1].output[0] if index else None
    return _Located(index, layer, x, records[index].output[0])


def _windows(model: Sequential, upto: int) -> list[ConvGeometry]:
    """The windows of layers 0 to `upto`, from the input on (the others keep positions)."""
    return [layer.window for layer in model.layers[: upto + 1] if layer.window is not None]


def _position(loc: _Located, channel: int, row: int | None, col: int | None):
    """(row, col, most active cell) of `channel` in the layer's output: the position asked, or
    the most active one when row and col are both None; an index out of range is a ValueError."""
    f, oh, ow = loc.out.shape
    where = f"for {loc.layer.name}'s {f}×{oh}×{ow} output"
    _check_index("channel", channel, f, where)
    most = most_active(loc.out[channel])
    if (row is None) != (col is None):
        raise ValueError("give both row and col, or neither to start at the most active position")
    if row is None:
        row, col = most["row"], most["col"]
    _check_index("row", row, oh, where)
    _check_index("col", col, ow, where)
    return row, col, most


def _trace(model: Sequential, image: np.ndarray):
    x = as_batch(model, image)
    return x, model.trace(x)


def _box(box) -> dict:
    top, left, bottom, right = (int(v) for v in box)
    return {
        "top": top,
        "left": left,
        "bottom": bottom,
        "right": right,
        "height": bottom - top + 1,
        "width": right - left + 1,
    }


def _finite(values: dict, where: str) -> dict:
    for key, value in values.items():
        if isinstance(value, np.ndarray | float) and not np.all(np.isfinite(value)):
            raise ValueError(
                f"{where}: {key} is not finite (NaN or Inf); this model cannot be stepped"
            )
    return values


def _outputs(records) -> np.ndarray:
    """The model's output for the one sample, as a (1, K) row."""
    return records[-1].output.reshape(1, -1)


def _predicted_class(records) -> int:
    """The class the model reads (a one-output sigmoid head reads as two classes)."""
    return int(np.argmax(output_probabilities(_outputs(records).astype(np.float64))[0]))


def _logit_gradient(model, records, loc: _Located, at: tuple[int, int, int], target_class):
    """(g, class): ∂(logit of `target_class`, default the predicted class; ±z for a one-output
    sigmoid head)/∂(output `at` = (channel, row, col) of the layer), from the model's own
    backward pass."""
    n_classes = class_count(_outputs(records).shape[1])
    target = _predicted_class(records) if target_class is None else target_class
    _check_index("target_class", target, n_classes, f"for {n_classes} classes")
    seed = class_score_gradient(_outputs(records), target).reshape(records[-1].output.shape)
    reached, _ = model.backward_per_layer(seed)
    return float(reached[loc.index][0, at[0], at[1], at[2]]) + 0.0, target  # no -0.0 on screen


def _located_step(model, image, layer: str, types: tuple, what: str, channel, row, col):
    """Trace `image`, find `layer` and the position; returns (records, loc, row, col, the part
    of the answer every step shares: the layer, its shapes, the position, the most active
    cell, every window, the receptive field)."""
    x, records = _trace(model, image)
    loc = _locate(model, records, layer, types, what)
    if loc.x is None:
        loc.x = x[0]
    row, col, most = _position(loc, channel, row, col)
    window = loc.layer.window
    clipped, unclipped = receptive_field(_windows(model, loc.index), row, col, tuple(x.shape[-2:]))
    common = {
        "layer": loc.layer.name,
        "type": type(loc.layer).__name__,
        "index": loc.index,
        "geometry": asdict(window),
        "input_shape": list(loc.x.shape),
        "output_shape": list(loc.out.shape),
        "channel": channel,
        "row": row,
        "col": col,
        "most_active": most,
        "windows": layer_windows(window, loc.x.shape[1:], loc.out.shape[1:]),
        "traced_output": float(loc.out[channel, row, col]),
        "receptive_field": _box(clipped),
        "receptive_field_unclipped": _box(unclipped),
    }
    return records, loc, row, col, common


def conv_step(
    model: Sequential,
    image: np.ndarray,
    layer: str,
    channel: int,
    row: int | None = None,
    col: int | None = None,
    backward: bool = False,
    upstream: float | str = LOGIT,
    target_class: int | None = None,
) -> dict:
    """Output (channel, row, col) of Conv2D `layer` for one (28, 28) image, spelled out, with the
    receptive field in the image and, if `backward`, this position's share of dW, db and dX.
    Without row and col: the channel's most active position (largest |output|).

    `upstream` is a number g, or "logit": g = ∂(logit of `target_class`, default the predicted
    class)/∂(this output), from the model's own backward pass.
    """
    records, loc, row, col, common = _located_step(
        model, image, layer, (Conv2D,), "Conv2D", channel, row, col
    )
    conv = loc.layer
    position = conv_position(
        loc.x, conv.params["weight"], conv.params.get("bias"), conv.geometry, channel, row, col
    )
    following = model.layers[loc.index + 1] if loc.index + 1 < len(model) else None
    activation = None
    if following is not None and following.is_activation:
        activation = {
            "layer": following.name,
            "type": type(following).__name__,
            "value": float(records[loc.index + 1].output[0, channel, row, col]),
        }
    result = {
        **common,
        **position,
        "activation": activation,
        "predicted_class": _predicted_class(records),
        "backward": None,
    }
    if backward:
        source = "given"
        if upstream == LOGIT:
            source = LOGIT
            g, target = _logit_gradient(model, records, loc, (channel, row, col), target_class)
        else:
            target, g = None, float(upstream)
        grads = conv_position_backward(position, g)
        result["backward"] = {**grads, "upstream_source": source, "target_class": target}
        _finite(grads, f"{conv.name} ({channel}, {row}, {col}) backward")
    return _finite(result, f"{conv.name} ({channel}, {row}, {col})")


def _winner_ties(plane: np.ndarray, windows: dict, out: np.ndarray) -> np.ndarray:
    """(OH, OW): how many input cells of each window equal its maximum (1: a clear winner; more:
    a tie, e.g. a window of zeros, which the first cell in row-major order wins). Every window's
    cells are gathered at once from the plane padded with NaN (padding never ties)."""
    h, w = plane.shape
    rows, cols = windows["rows"], windows["cols"]
    top, left = max(0, -int(rows.min())), max(0, -int(cols.min()))
    bottom, right = max(0, int(rows.max()) - h + 1), max(0, int(cols.max()) - w + 1)
    padded = np.pad(plane, ((top, bottom), (left, right)), constant_values=np.nan)
    cells = padded[(rows + top)[:, None, :, None], (cols + left)[None, :, None, :]]
    return np.count_nonzero(cells == out[:, :, None, None], axis=(2, 3))


def pool_step(
    model: Sequential,
    image: np.ndarray,
    layer: str,
    channel: int,
    row: int | None = None,
    col: int | None = None,
    upstream: float | str = 1.0,
    target_class: int | None = None,
) -> dict:
    """Window (channel, row, col) of pooling `layer` for one image: values, their coordinates in
    the layer's input, the winner (max: from the trace's indices), the output, and how an
    upstream gradient g is routed back. Without row and col: the window with the largest
    |output| (for a max pool after a ReLU, the window with the largest max).

    `upstream` is a number g or "logit" (as in `conv_step`). For the whole channel it adds the
    average pooling of the same input over the same windows (what a max pool is compared with)
    and, for a max pool, how many cells tie for each window's maximum.
    """
    records, loc, row, col, common = _located_step(
        model, image, layer, (MaxPool2D, AvgPool2D), "MaxPool2D or AvgPool2D", channel, row, col
    )
    pool = loc.layer
    kind = "max" if isinstance(pool, MaxPool2D) else "avg"
    winner = None
    if kind == "max":
        winner = int(records[loc.index].indices[0, channel, row, col])
    position = pool_position(loc.x, kind, pool.window, channel, row, col, winner)
    target = None
    if upstream == LOGIT:
        upstream, target = _logit_gradient(model, records, loc, (channel, row, col), target_class)
    plane = np.asarray(loc.x[channel], np.float64)
    average = avg_pool2d_forward_naive(plane[None, None], pool.geometry)[0, 0]
    ties = None
    if kind == "max":
        ties = _winner_ties(plane, common["windows"], np.asarray(loc.out[channel], np.float64))
    result = {
        **common,
        **position,
        "upstream": float(upstream),
        "target_class": target,
        "routed": pool_routing(position, kind, upstream),
        "average": average,
        "winner_ties": ties,
    }
    return _finite(result, f"{pool.name} ({channel}, {row}, {col})")
