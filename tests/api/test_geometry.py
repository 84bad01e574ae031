"""`GET /api/models/{id}` layer geometry against torch: receptive fields composed from the API's
numbers alone equal the input pixels each output cell really depends on.

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
