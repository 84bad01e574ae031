"""The step-by-step views' maths, one output position at a time, knowing nothing of HTTP.

Everything here is built on one pure function, `reference.conv_window(xp, row, col, geometry)`:
the slice of padded input that output (row, col) reads. The patch's values, its coordinates in the
layer's input (`window_coords`, the same slice taken from a grid of coordinates) and pooling
windows (a pool's geometry seen as a convolution's, `Layer.window`) all come from it, so play,
step and hover can never disagree about a window.

Per-position functions (`conv_position`, `pool_position`) take arrays; `conv_step` and `pool_step`
run a model's trace for one image and pick the layer. Results are plain dicts of NumPy arrays and
floats, computed in float64 from the model's values.
"""

from dataclasses import asdict, dataclass

import numpy as np

from cnnviz.nn import AvgPool2D, Conv2D, MaxPool2D, Sequential
from cnnviz.nn.geometry import ConvGeometry, output_size
from cnnviz.nn.reference import conv2d_forward_naive, conv_window, true_convolution

from .inference import as_batch

#: Upstream gradient choice for a backward conv step: the gradient of one class's logit.
LOGIT = "logit"


# -- windows -----------------------------------------------------------------------------------


def pad_chw(x: np.ndarray, padding: tuple[int, int, int, int], fill: float = 0.0) -> np.ndarray:
    """(C, H, W) -> (C, top + H + bottom, left + W + right), the border filled with `fill`."""
    top, bottom, left, right = padding
    return np.pad(x, ((0, 0), (top, bottom), (left, right)), constant_values=fill)


def window_coords(row: int, col: int, geometry: ConvGeometry, hw: tuple[int, int]):
    """(rows (KH,), cols (KW,), padding_mask (KH, KW)): where the window of output (row, col)
    lies in the unpadded input of size `hw` (negative or >= size inside the padding)."""
    h, w = hw
    top, bottom, left, right = geometry.padding
    grid = np.stack(
        np.meshgrid(np.arange(-top, h + bottom), np.arange(-left, w + right), indexing="ij")
    )  # (2, Hp, Wp): each padded cell's own (row, col) in input coordinates
    coords = conv_window(grid, row, col, geometry)
    rows, cols = coords[0][:, 0], coords[1][0, :]
    mask = ~(
        (rows[:, None] >= 0) & (rows[:, None] < h) & (cols[None, :] >= 0) & (cols[None, :] < w)
    )
    return rows, cols, mask


def receptive_field(geometries: list[ConvGeometry], row: int, col: int, hw: tuple[int, int]):
    """The box of input-image pixels output (row, col) of the last geometry depends on.

    `geometries` are the windowed layers from the input on (activations change nothing). Each
    layer maps an output interval [a, b] to input [a·s − p, b·s − p + d·(k − 1)]. Returns
    (clipped, unclipped) boxes (top, left, bottom, right), inclusive; the unclipped one reaches
    into the padding.
    """
    top, bottom, left, right = row, row, col, col
    for g in reversed(geometries):
        (kh, kw), (sh, sw), (dh, dw) = g.kernel, g.stride, g.dilation
        pt, _, pl, _ = g.padding
        top, bottom = top * sh - pt, bottom * sh - pt + dh * (kh - 1)
        left, right = left * sw - pl, right * sw - pl + dw * (kw - 1)
    h, w = hw
    clipped = (max(top, 0), max(left, 0), min(bottom, h - 1), min(right, w - 1))
    return clipped, (top, left, bottom, right)


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


def _check_position(loc: _Located, channel: int, row: int, col: int, noun: str) -> None:
    f, oh, ow = loc.out.shape
    where = f"for {loc.layer.name}'s {f}×{oh}×{ow} output"
    _check_index(noun, channel, f, where)
    _check_index("row", row, oh, where)
    _check_index("col", col, ow, where)


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


def conv_step(
    model: Sequential,
    image: np.ndarray,
    layer: str,
    channel: int,
    row: int,
    col: int,
    backward: bool = False,
    upstream: float | str = LOGIT,
    target_class: int | None = None,
) -> dict:
    """Output (channel, row, col) of Conv2D `layer` for one (28, 28) image, spelled out, with the
    receptive field in the image and, if `backward`, this position's share of dW, db and dX.

    `upstream` is a number g, or "logit": g = ∂(logit of `target_class`, default the predicted
    class)/∂(this output), from the model's own backward pass.
    """
    x, records = _trace(model, image)
    loc = _locate(model, records, layer, (Conv2D,), "Conv2D")
    if loc.x is None:
        loc.x = x[0]
    _check_position(loc, channel, row, col, "channel")
    conv = loc.layer
    geometry = conv.geometry
    position = conv_position(
        loc.x, conv.params["weight"], conv.params.get("bias"), geometry, channel, row, col
    )
    following = model.layers[loc.index + 1] if loc.index + 1 < len(model) else None
    activation = None
    if following is not None and following.is_activation:
        activation = {
            "layer": following.name,
            "type": type(following).__name__,
            "value": float(records[loc.index + 1].output[0, channel, row, col]),
        }
    clipped, unclipped = receptive_field(_windows(model, loc.index), row, col, tuple(x.shape[-2:]))
    logits = records[-1].output[0]
    result = {
        "layer": conv.name,
        "type": "Conv2D",
        "index": loc.index,
        "geometry": asdict(geometry),
        "input_shape": list(loc.x.shape),
        "output_shape": list(loc.out.shape),
        **position,
        "traced_output": float(loc.out[channel, row, col]),
        "activation": activation,
        "receptive_field": _box(clipped),
        "receptive_field_unclipped": _box(unclipped),
        "predicted_class": int(np.argmax(logits)),
        "backward": None,
    }
    if backward:
        source = "given"
        if upstream == LOGIT:
            source = LOGIT
            n_classes = logits.shape[-1]
            target = result["predicted_class"] if target_class is None else target_class
            _check_index("target_class", target, n_classes, f"for {n_classes} classes")
            one_hot = np.zeros_like(records[-1].output)
            one_hot[0, target] = 1
            reached, _ = model.backward_per_layer(one_hot)
            g = float(reached[loc.index][0, channel, row, col]) + 0.0  # no -0.0 on screen
        else:
            target, g = None, float(upstream)
        grads = conv_position_backward(position, g)
        result["backward"] = {**grads, "upstream_source": source, "target_class": target}
        _finite(grads, f"{conv.name} ({channel}, {row}, {col}) backward")
    return _finite(result, f"{conv.name} ({channel}, {row}, {col})")


def pool_step(
    model: Sequential,
    image: np.ndarray,
    layer: str,
    channel: int,
    row: int,
    col: int,
    upstream: float = 1.0,
) -> dict:
    """Window (channel, row, col) of pooling `layer` for one image: values, their coordinates in
    the layer's input, the winner (max: from the trace's indices), the output, and how an
    upstream gradient g is routed back."""
    x, records = _trace(model, image)
    loc = _locate(model, records, layer, (MaxPool2D, AvgPool2D), "MaxPool2D or AvgPool2D")
    if loc.x is None:
        loc.x = x[0]
    _check_position(loc, channel, row, col, "channel")
    pool = loc.layer
    kind = "max" if isinstance(pool, MaxPool2D) else "avg"
    geometry = pool.window
    winner = None
    if kind == "max":
        winner = int(records[loc.index].indices[0, channel, row, col])
    position = pool_position(loc.x, kind, geometry, channel, row, col, winner)
    clipped, unclipped = receptive_field(_windows(model, loc.index), row, col, tuple(x.shape[-2:]))
    result = {
        "layer": pool.name,
        "type": type(pool).__name__,
        "index": loc.index,
        "geometry": asdict(geometry),
        "input_shape": list(loc.x.shape),
        "output_shape": list(loc.out.shape),
        **position,
        "traced_output": float(loc.out[channel, row, col]),
        "upstream": float(upstream),
        "routed": pool_routing(position, kind, upstream),
        "receptive_field": _box(clipped),
        "receptive_field_unclipped": _box(unclipped),
    }
    return _finite(result, f"{pool.name} ({channel}, {row}, {col})")


# -- the convolution playground ----------------------------------------------------------------


def size_formula(size: int, kernel: int, stride: int, before: int, after: int, dilation: int):
    """(output size, the formula with the numbers filled in), e.g.
    "⌊(28 + 2·1 − 1·(3 − 1) − 1) / 1⌋ + 1 = 28"."""
    out = output_size(size, kernel, stride, before, after, dilation)
    pad = f"2·{before}" if before == after else f"{before} + {after}"
    text = f"⌊({size} + {pad} − {dilation}·({kernel} − 1) − 1) / {stride}⌋ + 1 = {out}"
    return out, text


def apply_kernel(image: np.ndarray, kernel: np.ndarray, geometry: ConvGeometry, flip: bool):
    """A (H, W) image through one (KH, KW) kernel: (output (OH, OW), formulas per axis).

    The output is `reference.conv2d_forward_naive` (or `true_convolution`, the kernel flipped in
    both axes, when `flip`), so the playground and the step views share the window function.
    """
    image = np.asarray(image, np.float64)
    kernel = np.asarray(kernel, np.float64)
    h, w = image.shape
    (kh, kw), (sh, sw), (dh, dw) = geometry.kernel, geometry.stride, geometry.dilation
    top, bottom, left, right = geometry.padding
    oh, rows_text = size_formula(h, kh, sh, top, bottom, dh)
    ow, cols_text = size_formula(w, kw, sw, left, right, dw)
    if oh < 1 or ow < 1:
        raise ValueError(
            f"the {kh}×{kw} kernel (dilation {dh}×{dw}, spanning {dh * (kh - 1) + 1}×"
            f"{dw * (kw - 1) + 1}) does not fit the {h}×{w} image with padding "
            f"{geometry.padding}: {rows_text}; {cols_text}. Use a smaller kernel or dilation, "
            "or more padding"
        )
    run = true_convolution if flip else conv2d_forward_naive
    out = run(image[None, None], kernel[None, None], None, geometry)[0, 0]
    return out, {"rows": rows_text, "cols": cols_text}
