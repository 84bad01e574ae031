"""The layer rows the API gives with a model (`LayerRow`): the engine's geometry of each layer,
plus a short note for a layer whose arguments change what its column means, so the page can
say it without knowing the layer's arithmetic (a Dropout is the identity whenever the network
reads an input; a Rescale shifts and scales the pixels)."""

from dataclasses import asdict

from cnnviz.nn import Dropout, Rescale, Sequential


def layer_note(layer: object) -> str | None:
    """What a layer does to its input in a few words, for the layers whose name alone does not
    say it; None for the others."""
    if isinstance(layer, Dropout):
        return f"p {layer.p:g}; off when reading"
    if isinstance(layer, Rescale):
        sign = "−" if layer.offset < 0 else "+"
        return f"y = x·{layer.scale:g} {sign} {abs(layer.offset):g}"
    return None


def layer_rows(model: Sequential, input_shape: tuple[int, ...] | None = None) -> list[dict]:
    """One dict per layer: `Sequential.layer_geometry` with `note` (`layer_note`)."""
    rows = model.layer_geometry(input_shape)
    return [
        {**asdict(row), "note": layer_note(layer)}
        for row, layer in zip(rows, model.layers, strict=True)
    ]
