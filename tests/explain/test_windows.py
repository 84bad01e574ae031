"""Every window a step answer carries, the most active position and the pooling comparisons,
against torch (unfold, avg_pool2d) and numpy's argmax on the traced maps."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from tests.explain.references import GEOMETRIES, taps_of, torch_taps

from cnnviz.explain import stepper, windows
from cnnviz.nn import AvgPool2D, Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential
from cnnviz.nn.geometry import ConvGeometry

pytestmark = pytest.mark.parity


@pytest.mark.parametrize("config", GEOMETRIES, ids=str)
@pytest.mark.parametrize("hw", [(13, 11), (6, 9)])
def test_layer_windows_equal_torch_unfold(config, hw) -> None:
    geometry = ConvGeometry.make(**config)
    out_hw = geometry.output_hw(*hw)
    got = windows.layer_windows(geometry, hw, out_hw)
    assert got["rows"].shape == (out_hw[0], geometry.kernel[0])
    assert got["cols"].shape == (out_hw[1], geometry.kernel[1])
    np.testing.assert_array_equal(taps_of(got, hw), torch_taps(geometry, hw))


def test_most_active_is_the_largest_magnitude_first_on_a_tie() -> None:
    plane = np.array([[0.0, 2.0, -3.0], [3.0, 1.0, 0.0]])
    assert windows.most_active(plane) == {"row": 0, "col": 2, "value": -3.0}
    assert windows.most_active(np.zeros((4, 5))) == {"row": 0, "col": 0, "value": 0.0}


@pytest.fixture(scope="module")
def model():
    """The shapes the issue names: padding "same", a 3×5 kernel with stride 2, dilation 2,
    an AvgPool2D with padding and a MaxPool2D."""
    return Sequential(
        Conv2D(1, 2, 3, padding="same", rng=0),
        ReLU(),
        Conv2D(2, 3, (3, 5), stride=2, rng=1),
        Conv2D(3, 2, 3, dilation=2, rng=2),
        ReLU(),
        AvgPool2D(3, stride=2, padding=1),
        MaxPool2D(2, stride=1),
        input_shape=(1, 28, 28),
    )


@pytest.fixture(scope="module")
def image():
    rng = np.random.default_rng(5)
    return rng.random((28, 28)).astype(np.float32)


def test_steps_without_a_position_open_on_the_most_active(model, image) -> None:
    records = model.trace(image[None, None])
    for index, layer in enumerate(model):
        if layer.window is None:
            continue
        step_of = stepper.conv_step if isinstance(layer, Conv2D) else stepper.pool_step
        traced = records[index].output[0]
        for channel in range(traced.shape[0]):
            step = step_of(model, image, layer.name, channel)
            expected = np.unravel_index(np.argmax(np.abs(traced[channel])), traced[channel].shape)
            assert (step["row"], step["col"]) == tuple(int(v) for v in expected), layer.name
            assert step["most_active"]["value"] == pytest.approx(float(traced[channel][expected]))
            assert step["traced_output"] == step["most_active"]["value"]


def test_every_layer_answers_its_windows(model, image) -> None:
    for layer in model:
        if layer.window is None:
            continue
        step_of = stepper.conv_step if isinstance(layer, Conv2D) else stepper.pool_step
        step = step_of(model, image, layer.name, 0, 0, 0)
        hw = tuple(step["input_shape"][1:])
        np.testing.assert_array_equal(taps_of(step["windows"], hw), torch_taps(layer.window, hw))


def test_pool_step_compares_with_average_pooling_and_counts_ties() -> None:
    model = Sequential(MaxPool2D(2), input_shape=(1, 4, 4))
    image = np.array([[1, 1, 0, 2], [1, 0, 0, 0], [0, 0, 0.5, 0.5], [0, 0, 0.5, 0.25]], np.float32)
    step = stepper.pool_step(model, image, "pool1", 0, 0, 0)
    assert step["winner_ties"].tolist() == [[3, 1], [4, 3]]  # counted by hand
    expected = F.avg_pool2d(torch.tensor(image[None, None], dtype=torch.float64), 2)[0, 0]
    np.testing.assert_allclose(step["average"], expected.numpy())


def test_avg_pool_step_has_no_ties_and_its_average_is_its_output(model, image) -> None:
    records = model.trace(image[None, None])
    step = stepper.pool_step(model, image, "avgpool1", 1, 2, 3)
    assert step["winner_ties"] is None
    np.testing.assert_allclose(step["average"], records[5].output[0, 1], rtol=1e-5, atol=1e-7)


def test_pool_step_logit_upstream_equals_torch_autograd(image) -> None:
    classifier = Sequential(
        Conv2D(1, 2, 3, rng=0), ReLU(), MaxPool2D(2), Flatten(), Dense(338, 4, rng=1),
        input_shape=(1, 28, 28),
    ).astype(np.float64)  # fmt: skip
    conv, dense = classifier[0], classifier[4]
    x = torch.tensor(image[None, None], dtype=torch.float64, requires_grad=True)
    weight, bias = (torch.tensor(conv.params[key]) for key in ("weight", "bias"))
    pooled = F.max_pool2d(F.relu(F.conv2d(x, weight, bias)), 2)
    pooled.retain_grad()
    logits = F.linear(
        pooled.flatten(1), torch.tensor(dense.params["weight"]), torch.tensor(dense.params["bias"])
    )
    target = 2
    logits[0, target].backward()
    for channel, row, col in [(0, 3, 4), (1, 7, 7), (1, 12, 0)]:
        step = stepper.pool_step(
            classifier, image, "pool1", channel, row, col, upstream="logit", target_class=target
        )
        assert step["target_class"] == target
        expected = float(pooled.grad[0, channel, row, col])
        assert step["upstream"] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert step["routed"].sum() == pytest.approx(expected, rel=1e-9, abs=1e-12)
    predicted = stepper.pool_step(classifier, image, "pool1", 0, 0, 0, upstream="logit")
    assert predicted["target_class"] == int(logits.argmax())


def test_ties_in_padded_windows_equal_torch_unfold() -> None:
    """Padding never ties: torch unfolds the plane padded with −inf, and the count of cells equal
    to each window's maximum is the answer's."""
    image = np.random.default_rng(2).integers(0, 3, (7, 6)).astype(np.float32)  # many ties
    model = Sequential(MaxPool2D(3, stride=2, padding=1), input_shape=(1, 7, 6))
    step = stepper.pool_step(model, image, "pool1", 0, 0, 0)
    padded = F.pad(torch.tensor(image[None, None]), (1, 1, 1, 1), value=-float("inf"))
    windows = F.unfold(padded, 3, stride=2)[0].T.reshape(4, 3, 9)  # (OH, OW, KH·KW)
    expected = (windows == windows.max(dim=-1, keepdim=True).values).sum(dim=-1).numpy()
    np.testing.assert_array_equal(step["winner_ties"], expected)
    assert expected.max() > 1, "the plane should have ties"
