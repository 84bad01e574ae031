"""The step views' maths (`cnnviz.explain.stepper`) against independent references: the engine's
traced maps, torch's conv2d, max_pool2d indices and autograd, and receptive fields worked out by
hand."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.explain.references import GEOMETRIES, torch_conv

from cnnviz.explain import stepper, windows
from cnnviz.models.store import ModelStore
from cnnviz.nn import AvgPool2D, Conv2D, MaxPool2D, ReLU, Sequential
from cnnviz.nn.geometry import ConvGeometry

pytestmark = pytest.mark.parity

TOL32 = 1e-5


@pytest.fixture(scope="module")
def lenet(tmp_path_factory):
    return ModelStore(tmp_path_factory.mktemp("models")).get("lenet5-mnist").model


@pytest.fixture(scope="module")
def digit():
    rng = np.random.default_rng(7)
    image = np.zeros((28, 28), np.float32)
    image[5:23, 12:16] = rng.uniform(0.5, 1.0, (18, 4))  # a "1" with noisy ink, few ties
    return image


# -- conv positions ----------------------------------------------------------------------------


def test_every_conv_position_equals_the_traced_map(lenet, digit) -> None:
    records = lenet.trace(digit[None, None])
    for index in (0, 3):  # conv1, conv2
        conv = lenet[index]
        x = digit[None] if index == 0 else records[index - 1].output[0]
        traced = records[index].output[0]
        for f, row, col in np.ndindex(traced.shape):
            step = stepper.conv_position(
                x, conv.params["weight"], conv.params["bias"], conv.geometry, f, row, col
            )
            assert step["pre_activation"] == step["sum"] + step["bias"]
            assert np.isclose(step["products"].sum(), step["sum"])
            assert abs(step["pre_activation"] - traced[f, row, col]) <= TOL32 * max(
                1, abs(traced[f, row, col])
            ), (conv.name, f, row, col)


@pytest.mark.parametrize("config", GEOMETRIES, ids=str)
def test_conv_position_equals_torch(config) -> None:
    rng = np.random.default_rng(1)
    geometry = ConvGeometry.make(**config)
    x = rng.standard_normal((2, 9, 8))
    weight = rng.standard_normal((3, 2, *geometry.kernel))
    bias = rng.standard_normal(3)
    expected = torch_conv(
        torch.tensor(x[None]), torch.tensor(weight), torch.tensor(bias), geometry
    )[0].numpy()
    assert expected.shape[1:] == geometry.output_hw(9, 8)
    for f, row, col in np.ndindex(expected.shape):
        step = stepper.conv_position(x, weight, bias, geometry, f, row, col)
        assert np.isclose(step["pre_activation"], expected[f, row, col], rtol=1e-10, atol=1e-10)
        # the padding mask is where the padded input is padding, shown as 0
        assert np.all(step["patch"][:, step["padding_mask"]] == 0)
        inside = ~step["padding_mask"]
        rows, cols = np.nonzero(inside)
        assert np.array_equal(
            step["patch"][:, rows, cols], x[:, step["rows"][rows], step["cols"][cols]]
        )


@pytest.mark.parametrize("config", GEOMETRIES, ids=str)
@pytest.mark.parametrize("upstream", ["ones", "random"])
def test_backward_contributions_sum_to_autograd(config, upstream) -> None:
    rng = np.random.default_rng(2)
    geometry = ConvGeometry.make(**config)
    x = rng.standard_normal((2, 7, 9))
    weight = rng.standard_normal((3, 2, *geometry.kernel))
    bias = rng.standard_normal(3)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x[None], weight, bias))
    out = torch_conv(tx, tw, tb, geometry)
    grad = torch.ones_like(out) if upstream == "ones" else torch.randn_like(out)
    out.backward(grad)
    g = grad[0].numpy()
    dweight, dbias, dx = np.zeros_like(weight), np.zeros_like(bias), np.zeros_like(x)
    for f, row, col in np.ndindex(g.shape):
        step = stepper.conv_position(x, weight, bias, geometry, f, row, col)
        share = stepper.conv_position_backward(step, g[f, row, col])
        dweight[f] += share["dweight"]
        dbias[f] += share["dbias"]
        # the (C, KH, KW) dinput lands at the window's input coordinates; padding gets nothing
        assert np.all(share["dinput"][:, step["padding_mask"]] == 0)
        r, c = np.nonzero(~step["padding_mask"])
        dx[:, step["rows"][r], step["cols"][c]] += share["dinput"][:, r, c]
    np.testing.assert_allclose(dweight, tw.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dbias, tb.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dx, tx.grad[0].numpy(), rtol=1e-10, atol=1e-10)


# -- conv steps on a model -----------------------------------------------------------------------


def torch_lenet(model, image):
    """LeNet-5 in torch from the engine's weights; returns (logits, conv1 output, conv2 output)."""
    p = {layer.name: {k: torch.tensor(v) for k, v in layer.params.items()} for layer in model}
    x = torch.tensor(image[None, None], requires_grad=True)
    c1 = F.conv2d(x, p["conv1"]["weight"], p["conv1"]["bias"], padding=2)
    c1.retain_grad()
    h = F.max_pool2d(F.relu(c1), 2)
    c2 = F.conv2d(h, p["conv2"]["weight"], p["conv2"]["bias"])
    c2.retain_grad()
    h = F.max_pool2d(F.relu(c2), 2).flatten(1)
    for fc in ("fc1", "fc2"):
        h = F.relu(F.linear(h, p[fc]["weight"], p[fc]["bias"]))
    return F.linear(h, p["fc3"]["weight"], p["fc3"]["bias"]), c1, c2


@pytest.mark.parametrize(
    ("layer", "channel", "row", "col"),
    [("conv1", 0, 0, 0), ("conv1", 2, 10, 13), ("conv1", 5, 27, 27), ("conv2", 7, 4, 5),
     ("conv2", 15, 9, 0)],
)  # fmt: skip
def test_conv_step_matches_torch_lenet(lenet, digit, layer, channel, row, col) -> None:
    step = stepper.conv_step(lenet, digit, layer, channel, row, col, backward=True)
    logits, c1, c2 = torch_lenet(lenet, digit)
    predicted = int(logits.argmax())
    logits[0, predicted].backward()
    conv_out = c1 if layer == "conv1" else c2
    expected = float(conv_out.detach()[0, channel, row, col])
    assert abs(step["pre_activation"] - expected) <= TOL32 * max(1, abs(expected))
    assert abs(step["traced_output"] - expected) <= TOL32 * max(1, abs(expected))
    assert step["activation"]["layer"] == {"conv1": "relu1", "conv2": "relu2"}[layer]
    assert step["activation"]["value"] == pytest.approx(max(expected, 0.0), abs=1e-5)
    assert step["predicted_class"] == predicted
    back = step["backward"]
    assert back["upstream_source"] == "logit" and back["target_class"] == predicted
    g = float(conv_out.grad[0, channel, row, col])
    assert back["upstream"] == pytest.approx(g, abs=1e-6)
    np.testing.assert_allclose(back["dweight"], back["upstream"] * step["patch"])
    assert back["dbias"] == back["upstream"]


def test_conv_step_given_upstream_and_chosen_class(lenet, digit) -> None:
    step = stepper.conv_step(lenet, digit, "conv1", 1, 3, 0, backward=True, upstream=2.0)
    back = step["backward"]
    assert back["upstream_source"] == "given" and back["upstream"] == 2.0
    np.testing.assert_allclose(back["dweight"], 2.0 * step["patch"])
    kernel = 2.0 * step["kernel"]
    np.testing.assert_allclose(back["dinput"], np.where(step["padding_mask"], 0.0, kernel))
    # output (3, 0) of a 5×5 kernel with padding 2: columns −2 and −1 are padding, rows 1..5 not
    assert step["padding_mask"][:, :2].all() and not step["padding_mask"][:, 2:].any()
    assert step["cols"].tolist() == [-2, -1, 0, 1, 2] and step["rows"].tolist() == [1, 2, 3, 4, 5]
    chosen = stepper.conv_step(lenet, digit, "conv2", 0, 0, 0, backward=True, target_class=3)
    assert chosen["backward"]["target_class"] == 3


def test_conv_step_without_following_activation() -> None:
    model = Sequential(Conv2D(1, 2, 3, rng=0), MaxPool2D(2), input_shape=(1, 28, 28))
    step = stepper.conv_step(model, np.ones((28, 28)), "conv1", 1, 5, 5)
    assert step["activation"] is None and step["backward"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", 0, 0, 0), "no layer named 'nope'; Conv2D layers of this model: conv1, conv2"),
        (("pool1", 0, 0, 0), "layer 'pool1' is a MaxPool2D, not a Conv2D layer"),
        (("conv1", 6, 0, 0), "channel must be between 0 and 5 for conv1's 6×28×28 output, got 6"),
        (("conv2", 0, 10, 0), "row must be between 0 and 9"),
        (("conv2", 0, 0, -1), "col must be between 0 and 9"),
    ],
)
def test_conv_step_refusals(lenet, digit, args, message) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        stepper.conv_step(lenet, digit, *args)


# -- receptive fields --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "row", "col", "box", "unclipped"),
    [
        # conv1: 5×5 kernel, padding 2: rows r−2..r+2, clipped by the image edge
        ("conv1", 0, 0, (0, 0, 2, 2), (-2, -2, 2, 2)),
        ("conv1", 10, 12, (8, 10, 12, 14), (8, 10, 12, 14)),
        ("conv1", 27, 27, (25, 25, 27, 27), (25, 25, 29, 29)),
        # pool1 (2×2, stride 2) of conv1: rows 2r..2r+1 of conv1, so 2r−2..2r+3 of the image
        ("pool1", 5, 6, (8, 10, 13, 15), (8, 10, 13, 15)),
        # conv2 (5×5) over pool1: pool1 rows r..r+4, conv1 rows 2r..2r+9, image 2r−2..2r+11: 14
        ("conv2", 4, 5, (6, 8, 19, 21), (6, 8, 19, 21)),
        ("conv2", 0, 0, (0, 0, 11, 11), (-2, -2, 11, 11)),
        # pool2 over conv2: conv2 rows 2r..2r+1 -> pool1 2r..2r+5 -> image 4r−2..4r+13: 16
        ("pool2", 1, 2, (2, 6, 17, 21), (2, 6, 17, 21)),
    ],
)
def test_lenet_receptive_fields_by_hand(lenet, digit, layer, row, col, box, unclipped) -> None:
    step = (stepper.conv_step if layer.startswith("conv") else stepper.pool_step)(
        lenet, digit, layer, 0, row, col
    )
    got = step["receptive_field"]
    assert (got["top"], got["left"], got["bottom"], got["right"]) == box
    raw = step["receptive_field_unclipped"]
    assert (raw["top"], raw["left"], raw["bottom"], raw["right"]) == unclipped


def test_receptive_field_is_the_gradient_support() -> None:
    """With positive weights every input in the box reaches the output: the bounding box of the
    input gradient's non-zeros is the receptive field (strides, dilation, padding, avg-pool)."""
    model = Sequential(
        Conv2D(1, 2, 3, stride=2, padding=1, rng=0),
        Conv2D(2, 2, 3, dilation=2, rng=1),
        AvgPool2D(2),
        Conv2D(2, 1, (2, 3), padding="same", rng=2),
        input_shape=(1, 28, 28),
    ).astype(np.float64)
    for layer in model:
        for key in layer.params:
            layer.params[key] = np.abs(layer.params[key]) + 0.1
    x = np.ones((1, 1, 28, 28))
    out = model.forward(x)
    geometries = [layer.geometry if isinstance(layer, Conv2D) else layer.geometry.as_conv
                  for layer in model]  # fmt: skip
    for row, col in [(0, 0), (2, 3), (out.shape[2] - 1, out.shape[3] - 1)]:
        model.forward(x)
        dout = np.zeros_like(out)
        dout[0, 0, row, col] = 1
        support = np.argwhere(model.backward(dout)[0, 0] != 0)
        expected = (*support.min(axis=0), *support.max(axis=0))
        box, _ = windows.receptive_field(geometries, row, col, (28, 28))
        assert box == (expected[0], expected[1], expected[2], expected[3]), (row, col)


# -- pooling -----------------------------------------------------------------------------------


def test_every_pool_winner_equals_torch_indices(lenet, digit) -> None:
    records = lenet.trace(digit[None, None])
    for index in (2, 5):  # pool1, pool2
        x = records[index - 1].output[0]
        _, expected = F.max_pool2d(torch.tensor(x[None]), 2, return_indices=True)
        expected = expected[0].numpy()
        geometry = lenet[index].geometry.as_conv
        for c, row, col in np.ndindex(expected.shape):
            winner = int(records[index].indices[0, c, row, col])
            assert winner == expected[c, row, col]
            step = stepper.pool_position(x, "max", geometry, c, row, col, winner)
            w = step["winner"]
            assert step["window"][w["window_row"], w["window_col"]] == step["window"].max()
            assert (step["rows"][w["window_row"]], step["cols"][w["window_col"]]) == (
                w["row"],
                w["col"],
            )
            assert step["output"] == records[index].output[0, c, row, col]


def test_pool_step_on_a_model_routes_all_of_g_to_the_winner(lenet, digit) -> None:
    step = stepper.pool_step(lenet, digit, "pool2", 3, 2, 1, upstream=1.5)
    assert step["type"] == "MaxPool2D" and step["output"] == step["traced_output"]
    routed = step["routed"]
    assert routed.sum() == 1.5 and np.count_nonzero(routed) == 1
    w = step["winner"]
    assert routed[w["window_row"], w["window_col"]] == 1.5
    assert step["rows"].tolist() == [4, 5] and step["cols"].tolist() == [2, 3]


def test_pool_tie_goes_to_the_first_in_row_major_order_like_torch() -> None:
    model = Sequential(MaxPool2D(2), input_shape=(1, 4, 4))
    image = np.zeros((4, 4), np.float32)
    image[2:4, 2:4] = 1.0  # four tied maxima in window (1, 1)
    step = stepper.pool_step(model, image, "pool1", 0, 1, 1)
    _, indices = F.max_pool2d(torch.tensor(image[None, None]), 2, return_indices=True)
    assert step["winner"]["index"] == int(indices[0, 0, 1, 1]) == 10
    assert (step["winner"]["row"], step["winner"]["col"]) == (2, 2)
    assert step["routed"].tolist() == [[1.0, 0.0], [0.0, 0.0]]


def test_avg_pool_routing_splits_g_evenly() -> None:
    model = Sequential(
        Conv2D(1, 2, 3, rng=0), ReLU(), AvgPool2D(3, stride=2), input_shape=(1, 28, 28)
    )
    image = np.random.default_rng(3).random((28, 28))
    step = stepper.pool_step(model, image, "avgpool1", 1, 4, 7, upstream=2.7)
    assert step["winner"] is None
    assert np.allclose(step["routed"], 2.7 / 9) and np.isclose(step["routed"].sum(), 2.7)
    assert np.isclose(step["output"], step["traced_output"], rtol=1e-5)
    expected = F.avg_pool2d(
        torch.tensor(model.trace(image[None, None].astype(np.float32))[1].output), 3, 2
    )
    assert np.isclose(step["output"], float(expected[0, 1, 4, 7]), rtol=1e-5)


def test_pool_step_refuses_a_conv_layer(lenet, digit) -> None:
    with pytest.raises(ValueError, match="layer 'conv1' is a Conv2D, not a MaxPool2D or AvgPool2D"):
        stepper.pool_step(lenet, digit, "conv1", 0, 0, 0)
