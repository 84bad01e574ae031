"""`GET /api/models/{id}` layer geometry against torch: receptive fields composed from the API's
windows, and the fields the API composes itself, equal the pixels each output cell really depends
on, in the input image and in every earlier map.

The dependence is found without any of our geometry code: torch runs the spec's own arguments
(padding "same" as the string torch resolves itself) with every weight 1 and no bias on a batch
of one-hot images, one per input pixel. With non-negative inputs and weights, an output cell is
non-zero exactly when its one-hot pixel reaches it (sums and means of non-negative numbers are
zero only when all are; a maximum likewise).
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from fastapi.testclient import TestClient

SIDE = 28
SPEC = {
    "input_shape": [1, SIDE, SIDE],
    "layers": [
        {
            "type": "Conv2D",
            "in_channels": 1,
            "out_channels": 2,
            "kernel_size": 3,
            "padding": "same",
        },
        {
            "type": "Conv2D",
            "in_channels": 2,
            "out_channels": 2,
            "kernel_size": 4,
            "padding": "same",
        },
        {
            "type": "Conv2D",
            "in_channels": 2,
            "out_channels": 2,
            "kernel_size": [3, 5],
            "stride": 2,
            "padding": [1, 2],
        },
        {
            "type": "Conv2D",
            "in_channels": 2,
            "out_channels": 2,
            "kernel_size": 3,
            "dilation": 2,
            "padding": "full",
        },
        {"type": "ReLU"},
        {"type": "AvgPool2D", "kernel_size": 3, "stride": 2, "padding": 1},
        {"type": "MaxPool2D", "kernel_size": 2, "stride": 1},
        {"type": "Flatten"},
        {"type": "Dense", "in_features": 128, "out_features": 10},
    ],
}


def torch_layer(entry: dict):
    """The spec entry as a torch function of a non-negative batch, weights 1, no bias."""
    kind = entry["type"]
    if kind == "Conv2D":
        kernel = entry["kernel_size"]
        kernel = (kernel, kernel) if isinstance(kernel, int) else tuple(kernel)
        weight = torch.ones((entry["out_channels"], entry["in_channels"], *kernel), dtype=float)
        dilation = entry.get("dilation", 1)
        padding = entry.get("padding", 0)
        if padding == "full":  # every tap meets every pixel: dilation·(k − 1) on each side
            padding = tuple(dilation * (k - 1) for k in kernel)
        padding = tuple(padding) if isinstance(padding, list) else padding
        stride = entry.get("stride", 1)
        return lambda x: F.conv2d(x, weight, stride=stride, padding=padding, dilation=dilation)
    if kind == "AvgPool2D":
        return lambda x: F.avg_pool2d(x, entry["kernel_size"], entry["stride"], entry["padding"])
    if kind == "MaxPool2D":
        return lambda x: F.max_pool2d(x, entry["kernel_size"], entry["stride"])
    assert kind == "ReLU"
    return F.relu


def dependence(spec: dict) -> list[np.ndarray]:
    """Per layer up to Flatten: (H, W, OH, OW) booleans, true where input pixel (i, j) reaches
    output cell (r, c)."""
    x = torch.eye(SIDE * SIDE, dtype=float).reshape(SIDE * SIDE, 1, SIDE, SIDE)
    masks = []
    for entry in spec["layers"]:
        if entry["type"] == "Flatten":
            break
        x = torch_layer(entry)(x)
        masks.append((x[:, 0] > 0).numpy().reshape(SIDE, SIDE, *x.shape[2:]))
    return masks


def taps(size_in: int, size_out: int, kernel: int, stride: int, before: int, dilation: int):
    """(size_out, size_in) booleans: which input positions each output position's window covers
    along one axis, from the API's numbers only; positions in the padding reach nothing."""
    reach = np.zeros((size_out, size_in), bool)
    for out in range(size_out):
        for tap in range(kernel):
            position = out * stride - before + dilation * tap
            if 0 <= position < size_in:
                reach[out, position] = True
    return reach


def composed_fields(rows: list[dict]) -> list[np.ndarray]:
    """Per layer up to Flatten: (H, W, OH, OW) receptive fields composed from `rows` alone."""
    rows_reach, cols_reach = np.eye(SIDE, dtype=bool), np.eye(SIDE, dtype=bool)
    fields = []
    for row in rows:
        if row["type"] == "Flatten":
            break
        (_, h, w), (_, oh, ow) = row["input_shape"], row["output_shape"]
        if row["geometry"] is not None:
            g = row["geometry"]
            top, _, left, _ = g["padding"]
            along_rows = taps(h, oh, g["kernel"][0], g["stride"][0], top, g["dilation"][0])
            along_cols = taps(w, ow, g["kernel"][1], g["stride"][1], left, g["dilation"][1])
            rows_reach = (along_rows.astype(int) @ rows_reach.astype(int)) > 0
            cols_reach = (along_cols.astype(int) @ cols_reach.astype(int)) > 0
        # pixel (i, j) reaches cell (r, c) when row i reaches r and column j reaches c
        fields.append(rows_reach.T[:, None, :, None] & cols_reach.T[None, :, None, :])
    return fields


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_receptive_fields_from_the_api_geometry_equal_torchs_dependence(
    client: TestClient,
) -> None:
    created = client.post("/api/models", json={"spec": SPEC, "name": "geometry check"})
    assert created.status_code == 201, created.text
    response = client.get(f"/api/models/{created.json()['id']}")
    assert response.status_code == 200, response.text
    rows = response.json()["layers"]

    expected = dependence(SPEC)
    fields = composed_fields(rows)
    assert len(fields) == len(expected) == 7
    for row, field, truth in zip(rows[: len(fields)], fields, expected, strict=True):
        assert field.shape == truth.shape, row["name"]  # the API's output shape is torch's
        assert np.array_equal(field, truth), row["name"]
    # the borders were tested where padding clips: the corner cell of the 4×4 "same" conv sees
    # 4×4 pixels, an inner cell 6×6 (two 3×3 and 4×4 windows composed)
    assert fields[1][:, :, 0, 0].sum() == 4 * 4
    assert fields[1][:, :, 14, 14].sum() == 6 * 6


def test_layer_rows_resolve_every_padding_form(client: TestClient) -> None:
    created = client.post("/api/models", json={"spec": SPEC})
    assert created.status_code == 201, created.text
    rows = client.get(f"/api/models/{created.json()['id']}").json()["layers"]
    geometries = [row["geometry"] for row in rows]
    # torch's "same": dilation·(k − 1) split with the extra pixel after (4×4: 1 before, 2 after)
    assert geometries[0] == {"kernel": [3, 3], "stride": [1, 1], "padding": [1, 1, 1, 1],
                             "dilation": [1, 1]}  # fmt: skip
    assert geometries[1]["padding"] == [1, 2, 1, 2]
    assert geometries[2] == {"kernel": [3, 5], "stride": [2, 2], "padding": [1, 1, 2, 2],
                             "dilation": [1, 1]}  # fmt: skip
    assert geometries[3]["padding"] == [4, 4, 4, 4]  # "full", dilation 2: 2·(3 − 1)
    assert geometries[5] == {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1, 1, 1],
                             "dilation": [1, 1]}  # fmt: skip
    assert geometries[6]["stride"] == [1, 1]
    assert [geometries[i] for i in (4, 7, 8)] == [None, None, None]  # ReLU, Flatten, Dense
    assert [row["input_shape"] for row in rows] == [
        [1, 28, 28], [2, 28, 28], [2, 28, 28], [2, 14, 14], [2, 18, 18], [2, 18, 18], [2, 9, 9],
        [2, 8, 8], [128],
    ]  # fmt: skip
    assert rows[-1]["output_shape"] == [10]


DEPTH = [entry["type"] for entry in SPEC["layers"]].index("Flatten")
#: How far the spans' probe extends every map on each side: a multiple of every layer's jump
#: (1, 2 or 4 here) and more than any window reaches past a border.
MARGIN = 32


def spans(source: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each layer after `source` (−1: the input image) up to Flatten, along rows and along
    columns: (size_in, size_out) booleans, true where position p of `source`'s output lies in
    the span of the windows of output cell o (from the first position they read to the last,
    padding included, then clipped to the map): the receptive field's textbook definition, in
    which no border between `source` and the layer cuts a window.

    Found with torch alone: every map is extended by MARGIN on each side (real cell o is cell
    o + offset of the extended output, offset half its growth), each probe is one line of ones
    (a row, or a column) across the extended `source` map, so a line reaches exactly the cells
    whose windows cover it (weights 1, non-negative inputs); each cell's lines are filled from
    the first to the last, then cut to the real map."""
    layers = [torch_layer(entry) for entry in SPEC["layers"][:DEPTH]]
    shapes = [torch.zeros((1, 1, SIDE, SIDE), dtype=float)]
    for layer in layers:
        shapes.append(layer(shapes[-1]))
    _, channels, h, w = shapes[source + 1].shape
    found = []
    for axis, size in ((0, h), (1, w)):
        lines = size + 2 * MARGIN
        x = torch.zeros((lines, channels, h + 2 * MARGIN, w + 2 * MARGIN), dtype=float)
        for p in range(lines):
            (x[p, 0, p, :] if axis == 0 else x[p, 0, :, p]).fill_(1)
        reached = [x]
        for layer in layers[source + 1 :]:
            reached.append(layer(reached[-1]))
        found.append(
            [
                filled(real_cells(out, shapes[i + source + 2], axis))[MARGIN : MARGIN + size]
                for i, out in enumerate(reached[1:])
            ]
        )
    return list(zip(*found, strict=True))


def real_cells(extended: torch.Tensor, real: torch.Tensor, axis: int) -> np.ndarray:
    """(probes, size_out) booleans along `axis` from the extended map's output, its real cells
    only (the extended output is the real one grown by the same count on both sides)."""
    (oh, ow), (eh, ew) = real.shape[2:], extended.shape[2:]
    assert (eh - oh) % 2 == 0 and (ew - ow) % 2 == 0
    top, left = (eh - oh) // 2, (ew - ow) // 2
    cells = extended[:, 0, top : top + oh, left : left + ow] > 0
    return cells.any(dim=2 if axis == 0 else 1).numpy()


def api_span(axis: dict, size_in: int, size_out: int) -> np.ndarray:
    """(size_in, size_out) booleans: cell o reads positions start + o·jump … + size − 1, clipped
    to the map."""
    reach = np.zeros((size_in, size_out), bool)
    for out in range(size_out):
        first = axis["start"] + out * axis["jump"]
        reach[max(first, 0) : max(first + axis["size"], 0), out] = True
    return reach


def filled(reach: np.ndarray) -> np.ndarray:
    """Each column of `reach` filled from its first true to its last (a dilated window skips
    positions; a receptive field is the box around them)."""
    box = np.zeros_like(reach)
    for out in range(reach.shape[1]):
        hits = np.flatnonzero(reach[:, out])
        if len(hits):
            box[hits[0] : hits[-1] + 1, out] = True
    return box


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_the_api_composes_each_layers_receptive_field_in_every_earlier_map(
    client: TestClient,
) -> None:
    created = client.post("/api/models", json={"spec": SPEC, "name": "fields check"})
    assert created.status_code == 201, created.text
    rows = client.get(f"/api/models/{created.json()['id']}").json()["layers"]
    names = ["input", *(row["name"] for row in rows[:DEPTH])]

    checked = 0
    for source in range(-1, DEPTH - 1):
        for offset, truths in enumerate(spans(source)):
            row = rows[source + 1 + offset]
            fields = {field["layer"]: field for field in row["receptive_fields"]}
            assert list(fields) == names[: names.index(row["name"])], row["name"]
            field = fields[names[source + 1]]
            for axis, truth in zip(("rows", "cols"), truths, strict=True):
                reach = api_span(field[axis], *truth.shape)
                assert np.array_equal(reach, truth), (names[source + 1], row["name"])
            checked += 1
    assert checked == DEPTH * (DEPTH + 1) // 2 == 28
    # from Flatten on a cell reads everything: no field
    assert [row["receptive_fields"] for row in rows[DEPTH:]] == [[], []]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_each_field_in_the_input_is_the_box_of_the_pixels_really_read(client: TestClient) -> None:
    """The box a hover draws on the input: for this spec, exactly the box around the pixels a
    cell depends on (torch's one-hot dependence). In an earlier map, a field may be a little
    larger near a border, by positions only an earlier layer's padding would have read."""
    created = client.post("/api/models", json={"spec": SPEC})
    assert created.status_code == 201, created.text
    rows = client.get(f"/api/models/{created.json()['id']}").json()["layers"]
    truths = dependence(SPEC)
    for row, truth in zip(rows, truths, strict=False):
        field = row["receptive_fields"][0]
        rows_reach = api_span(field["rows"], SIDE, truth.shape[2])
        cols_reach = api_span(field["cols"], SIDE, truth.shape[3])
        box = rows_reach[:, None, :, None] & cols_reach[None, :, None, :]
        assert np.array_equal(box, filled_boxes(truth)), row["name"]
    assert len(truths) == DEPTH


def filled_boxes(mask: np.ndarray) -> np.ndarray:
    """(H, W, OH, OW) booleans: each output cell's pixels filled to their bounding box."""
    rows, cols = mask.any(axis=1), mask.any(axis=0)
    box = np.zeros_like(mask)
    for r in range(mask.shape[2]):
        for c in range(mask.shape[3]):
            box[:, :, r, c] = np.outer(filled(rows[:, r, c : c + 1])[:, 0],
                                       filled(cols[:, r, c : c + 1])[:, 0])  # fmt: skip
    return box


def test_receptive_fields_by_hand(client: TestClient) -> None:
    """The numbers of the first three convs, counted by hand: 3×3 "same" (1 before), 4×4 "same"
    (1 before), then 3×5 at stride 2 with padding [1, 2]."""
    created = client.post("/api/models", json={"spec": SPEC})
    assert created.status_code == 201, created.text
    rows = client.get(f"/api/models/{created.json()['id']}").json()["layers"]
    in_input = [row["receptive_fields"][0] for row in rows[:3]]
    assert [field["layer"] for field in in_input] == ["input"] * 3
    assert [field["rows"] for field in in_input] == [
        {"size": 3, "jump": 1, "start": -1},
        {"size": 6, "jump": 1, "start": -2},  # 3 + (4 − 1)·1, −1 − 1·1
        {"size": 8, "jump": 2, "start": -3},  # 6 + (3 − 1)·1, jump 1·2, −2 − 1·1
    ]
    assert in_input[2]["cols"] == {"size": 10, "jump": 2, "start": -4}  # 6 + 4, −2 − 2
    conv3_in_conv2 = rows[2]["receptive_fields"][2]
    assert conv3_in_conv2 == {
        "layer": "conv2",
        "rows": {"size": 3, "jump": 2, "start": -1},
        "cols": {"size": 5, "jump": 2, "start": -2},
    }
