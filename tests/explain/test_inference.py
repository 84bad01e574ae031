"""The inference service against independent references.

- a trace's layer outputs equal a plain chain of `layer.forward` calls, and its logits `predict`'s;
- every layer's output gradient and the saliency equal centred finite differences, in float64 on a
  small model (every activation kind, max-pool without ties);
- on the bundled LeNet-5, the gradients at every layer, the saliency and the max-pool indices equal
  torch autograd's with the weights copied (marked `parity`; torch is imported only there).
"""

import numpy as np
import pytest

from cnnviz.explain import inference
from cnnviz.models.store import ModelStore
from cnnviz.nn import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential, Tanh


@pytest.fixture(scope="module")
def lenet(tmp_path_factory) -> Sequential:
    return ModelStore(tmp_path_factory.mktemp("models")).get("lenet5-mnist").model


@pytest.fixture
def digit() -> np.ndarray:
    """A smooth stroke-like image with no ties: a ring plus a little noise."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:28, 0:28]
    ring = np.exp(-((np.hypot(y - 14, x - 14) - 7) ** 2) / 6)
    return np.clip(ring + 0.01 * rng.random((28, 28)), 0, 1).astype(np.float32)


def small_model() -> Sequential:
    """A float64 model small enough for finite differences, with every kind of layer a trace
    treats specially. Tanh comes before the max-pool: after a ReLU, windows of zeros are ties,
    where the max is not differentiable and a finite difference splits the gradient."""
    rng = np.random.default_rng(1)
    return Sequential(
        Conv2D(1, 2, 5, stride=2, rng=rng),  # (2, 12, 12)
        Tanh(),
        MaxPool2D(2),  # (2, 6, 6)
        Conv2D(2, 3, 3, rng=rng),  # (3, 4, 4)
        ReLU(),
        Flatten(),  # 48
        Dense(48, 5, rng=rng),
        input_shape=(1, 28, 28),
    ).astype(np.float64)


# -- forward --------------------------------------------------------------------------------------
def test_trace_outputs_equal_a_plain_forward_chain(lenet, digit):
    result = inference.trace(lenet, digit)
    x = digit.reshape(1, 1, 28, 28)
    np.testing.assert_array_equal(result.input, x)
    for layer, record in zip(lenet, result.layers, strict=True):
        assert record.name == layer.name
        assert record.input_shape == x.shape
        if record.pre_activation is not None:
            np.testing.assert_array_equal(record.pre_activation, x)
        x = layer.forward(x)
        assert record.output_shape == x.shape
        np.testing.assert_array_equal(record.output, x)
    np.testing.assert_array_equal(result.logits, x.reshape(-1))
    assert [r.indices is not None for r in result.layers] == [
        isinstance(layer, MaxPool2D) for layer in lenet
    ]
    assert [r.pre_activation is not None for r in result.layers] == [
        layer.is_activation for layer in lenet
    ]


def test_predict_matches_the_trace_and_softmax(lenet, digit):
    prediction = inference.predict(lenet, digit)
    result = inference.trace(lenet, digit)
    np.testing.assert_array_equal(prediction.logits, result.logits)
    assert prediction.index == result.index == result.target == int(np.argmax(result.logits))
    assert prediction.probabilities.sum() == pytest.approx(1.0, abs=1e-12)
    z = result.logits.astype(np.float64)
    np.testing.assert_allclose(prediction.probabilities, np.exp(z) / np.exp(z).sum(), rtol=1e-12)


def test_trace_arrays_are_copies_that_outlive_the_next_pass(lenet, digit):
    first = inference.trace(lenet, digit)
    kept = [(record.output.copy(), record.gradient.copy()) for record in first.layers]
    saliency = first.saliency.copy()
    inference.trace(lenet, 1 - digit, target=3)
    for record, (output, gradient) in zip(first.layers, kept, strict=True):
        np.testing.assert_array_equal(record.output, output)
        np.testing.assert_array_equal(record.gradient, gradient)
    np.testing.assert_array_equal(first.saliency, saliency)


def test_weights_conv_always_dense_only_when_small(lenet, digit):
    result = inference.trace(lenet, digit)
    with_weights = {r.name for r in result.layers if r.weight is not None}
    assert with_weights == {"conv1", "conv2", "fc3"}
    for record in result.layers:
        if record.weight is not None:
            np.testing.assert_array_equal(record.weight, lenet[record.name].params["weight"])
            np.testing.assert_array_equal(record.bias, lenet[record.name].params["bias"])
    everything = inference.trace(lenet, digit, dense_weight_limit=10**9)
    assert {r.name for r in everything.layers if r.weight is not None} == {
        "conv1",
        "conv2",
        "fc1",
        "fc2",
        "fc3",
    }


# -- gradients: finite differences in float64 --------------------------------------------------
EPS = 1e-6


def logit_from(model: Sequential, position: int, activation: np.ndarray, target: int) -> float:
    """logit[target] computed from layer `position`'s output onwards."""
    x = activation
    for layer in model.layers[position + 1 :]:
        x = layer.forward(x)
    return float(x.reshape(-1)[target])


def numeric_gradient(model, position, activation, target, samples) -> np.ndarray:
    flat = activation.reshape(-1)
    estimates = []
    for k in samples:
        plus, minus = flat.copy(), flat.copy()
        plus[k] += EPS
        minus[k] -= EPS
        f_plus = logit_from(model, position, plus.reshape(activation.shape), target)
        f_minus = logit_from(model, position, minus.reshape(activation.shape), target)
        estimates.append((f_plus - f_minus) / (2 * EPS))
    return np.array(estimates)


@pytest.mark.parametrize("target", [None, 0, 4])
def test_every_gradient_equals_finite_differences(digit, target):
    model = small_model()
    image = digit.astype(np.float64)
    result = inference.trace(model, image, target)
    assert result.target == (result.index if target is None else target)
    rng = np.random.default_rng(2)
    # The input (position -1) and each layer's output, up to 60 sampled elements each.
    activations = [result.input] + [r.output for r in result.layers]
    gradients = [result.saliency] + [r.gradient for r in result.layers]
    for position, (activation, gradient) in enumerate(zip(activations, gradients, strict=True)):
        assert gradient.shape == activation.shape
        size = activation.size
        samples = rng.choice(size, min(size, 60), replace=False)
        expected = numeric_gradient(model, position - 1, activation, result.target, samples)
        actual = gradient.reshape(-1)[samples]
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-8)
    # At the logits the gradient of logit[target] is the one-hot.
    np.testing.assert_array_equal(result.layers[-1].gradient.reshape(-1), np.eye(5)[result.target])


def test_saliency_equals_sequential_backward(lenet, digit):
    result = inference.trace(lenet, digit, target=2)
    lenet.forward(digit.reshape(1, 1, 28, 28))
    one_hot = np.zeros((1, 10), np.float32)
    one_hot[0, 2] = 1
    np.testing.assert_array_equal(result.saliency, lenet.backward(one_hot))


# -- refusals -------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", [10, 11, -1])
def test_target_out_of_range(lenet, digit, target):
    with pytest.raises(ValueError, match=r"target .* out of range: this model has 10 classes"):
        inference.trace(lenet, digit, target)


def test_a_model_for_other_inputs_is_refused(digit):
    model = Sequential(Flatten(), Dense(12, 2), input_shape=(3, 2, 2))
    with pytest.raises(ValueError, match=r"takes inputs of shape \(3, 2, 2\)"):
        inference.predict(model, digit)


def test_non_finite_outputs_are_refused(digit):
    model = Sequential(Flatten(), Dense(784, 2), input_shape=(1, 28, 28))
    model[1].params["weight"][:] = np.inf
    with pytest.raises(ValueError, match="not finite"):
        inference.predict(model, digit)
    with pytest.raises(ValueError, match="not finite"):
        inference.trace(model, digit)


# -- parity with torch autograd on LeNet-5 --------------------------------------------------------
@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def torch_lenet_trace(torch, model: Sequential, image: np.ndarray, target: int):
    """LeNet-5 in torch.nn.functional with the model's weights: each layer's output (with its
    gradient kept), the max-pool indices and the input gradient."""
    functional = torch.nn.functional

    def param(layer, key):
        return torch.from_numpy(model[layer].params[key].copy())

    x = torch.from_numpy(image.reshape(1, 1, 28, 28).copy()).requires_grad_(True)
    outputs, indices = [], {}
    h = functional.conv2d(x, param("conv1", "weight"), param("conv1", "bias"), padding=2)
    outputs.append(h)
    h = functional.relu(h)
    outputs.append(h)
    h, indices["pool1"] = functional.max_pool2d(h, 2, return_indices=True)
    outputs.append(h)
    h = functional.conv2d(h, param("conv2", "weight"), param("conv2", "bias"))
    outputs.append(h)
    h = functional.relu(h)
    outputs.append(h)
    h, indices["pool2"] = functional.max_pool2d(h, 2, return_indices=True)
    outputs.append(h)
    h = h.reshape(1, -1)
    outputs.append(h)
    for dense, relu in (("fc1", True), ("fc2", True), ("fc3", False)):
        h = functional.linear(h, param(dense, "weight"), param(dense, "bias"))
        outputs.append(h)
        if relu:
            h = functional.relu(h)
            outputs.append(h)
    for output in outputs:
        output.retain_grad()
    h[0, target].backward()
    return outputs, indices, x.grad


@pytest.mark.parity
@pytest.mark.parametrize("target", [None, 3])
def test_lenet5_gradients_saliency_and_indices_equal_torch(torch, lenet, digit, target):
    result = inference.trace(lenet, digit, target)
    outputs, indices, saliency = torch_lenet_trace(torch, lenet, digit, result.target)
    assert [r.name for r in result.layers] == lenet.names
    assert len(outputs) == len(result.layers)
    for record, output in zip(result.layers, outputs, strict=True):
        scale = float(np.abs(output.detach().numpy()).max()) or 1.0
        np.testing.assert_allclose(
            record.output, output.detach().numpy(), rtol=1e-5, atol=1e-5 * scale
        )
        grad = output.grad.numpy()
        scale = float(np.abs(grad).max()) or 1.0
        np.testing.assert_allclose(record.gradient, grad, rtol=1e-4, atol=1e-5 * scale)
    expected = saliency.numpy()
    np.testing.assert_allclose(
        result.saliency, expected, rtol=1e-4, atol=1e-5 * float(np.abs(expected).max())
    )
    for name, torch_indices in indices.items():
        np.testing.assert_array_equal(result.layers[lenet.names.index(name)].indices, torch_indices)
