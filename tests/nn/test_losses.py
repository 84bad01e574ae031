"""Losses against torch.nn.functional and against centred finite differences."""

import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F  # noqa: N812 (torch convention)

from cnnviz.nn.losses import (
    log_softmax,
    mean_squared_error,
    sigmoid_binary_cross_entropy,
    softmax,
    softmax_cross_entropy,
)

pytestmark = pytest.mark.parity

TOL = {np.float64: {"rtol": 1e-10, "atol": 1e-10}, np.float32: {"rtol": 1e-5, "atol": 1e-7}}
# (N, K, scale of the logits): N = 1, wide and narrow, and logits of magnitude up to 1000 where
# exp overflows (float64 at ~710, float32 at ~89) unless the maximum is subtracted first.
CASES = [(1, 10, 1.0), (1, 2, 1000.0), (7, 3, 5.0), (32, 10, 1.0), (16, 10, 1000.0), (5, 1, 3.0)]


def torch_cross_entropy(logits, labels):
    z = torch.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(z, torch.tensor(labels, dtype=torch.long))
    loss.backward()
    return loss.item(), z.grad.numpy()


def torch_bce(logits, labels):
    z = torch.tensor(logits, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(z, torch.tensor(labels, dtype=z.dtype))
    loss.backward()
    return loss.item(), z.grad.numpy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("N", "K", "scale"), CASES)
def test_cross_entropy_matches_torch(N, K, scale, dtype):
    rng = np.random.default_rng(N * 100 + K)
    logits = rng.uniform(-scale, scale, (N, K)).astype(dtype)
    labels = rng.integers(0, K, N)

    loss, dlogits = softmax_cross_entropy(logits, labels)
    ref_loss, ref_grad = torch_cross_entropy(logits, labels)

    assert isinstance(loss, float)
    assert dlogits.dtype == dtype and dlogits.shape == (N, K)
    assert np.isfinite(loss) and np.isfinite(dlogits).all()
    np.testing.assert_allclose(loss, ref_loss, **TOL[dtype])
    np.testing.assert_allclose(dlogits, ref_grad, **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_softmax_and_log_softmax_match_torch(scale, dtype):
    logits = np.random.default_rng(1).uniform(-scale, scale, (4, 3, 6)).astype(dtype)
    probs, log_probs = softmax(logits), log_softmax(logits)
    assert probs.dtype == dtype and log_probs.dtype == dtype
    t = torch.tensor(logits)
    np.testing.assert_allclose(probs, torch.softmax(t, dim=-1).numpy(), **TOL[dtype])
    np.testing.assert_allclose(log_probs, torch.log_softmax(t, dim=-1).numpy(), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    ("shape", "scale", "float_labels"),
    [((1,), 1.0, False), ((9,), 4.0, True), ((12, 1), 1000.0, False), ((25,), 1000.0, True)],
)
def test_binary_cross_entropy_matches_torch(shape, scale, float_labels, dtype):
    rng = np.random.default_rng(shape[0])
    logits = rng.uniform(-scale, scale, shape).astype(dtype)
    labels = rng.integers(0, 2, shape)
    if float_labels:
        labels = labels.astype(dtype)

    loss, dlogits = sigmoid_binary_cross_entropy(logits, labels)
    ref_loss, ref_grad = torch_bce(logits, labels)

    assert isinstance(loss, float)
    assert dlogits.dtype == dtype and dlogits.shape == shape
    np.testing.assert_allclose(loss, ref_loss, **TOL[dtype])
    np.testing.assert_allclose(dlogits, ref_grad, **TOL[dtype])


def test_binary_cross_entropy_accepts_flat_labels_for_column_logits():
    logits = np.array([[2.0], [-1.0], [0.5]])
    labels = np.array([1, 0, 0])
    loss, dlogits = sigmoid_binary_cross_entropy(logits, labels)
    ref_loss, ref_grad = torch_bce(logits, labels.reshape(3, 1))
    assert dlogits.shape == (3, 1)
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-12)
    np.testing.assert_allclose(dlogits, ref_grad, rtol=1e-12)


def numerical_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def max_relative_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8))


def test_cross_entropy_gradient_check():
    rng = np.random.default_rng(7)
    logits = rng.normal(0, 2, (6, 5))
    labels = rng.integers(0, 5, 6)
    _, dlogits = softmax_cross_entropy(logits, labels)
    numeric = numerical_gradient(lambda z: softmax_cross_entropy(z, labels)[0], logits)
    assert max_relative_error(dlogits, numeric) < 1e-6


def test_binary_cross_entropy_gradient_check():
    rng = np.random.default_rng(8)
    logits = rng.normal(0, 2, (10, 1))
    labels = rng.integers(0, 2, 10).astype(float)
    _, dlogits = sigmoid_binary_cross_entropy(logits, labels)
    numeric = numerical_gradient(lambda z: sigmoid_binary_cross_entropy(z, labels)[0], logits)
    assert max_relative_error(dlogits, numeric) < 1e-6


@pytest.mark.parametrize("K", [2, 10, 47])
def test_uniform_logits_give_ln_k(K):
    labels = np.arange(8) % K
    loss, dlogits = softmax_cross_entropy(np.full((8, K), 3.25), labels)
    assert loss == pytest.approx(math.log(K), rel=1e-12)
    expected = np.full((8, K), 1 / K)
    expected[np.arange(8), labels] -= 1
    np.testing.assert_allclose(dlogits, expected / 8, atol=1e-15)


def test_zero_logits_give_ln_2_for_binary():
    loss, dlogits = sigmoid_binary_cross_entropy(np.zeros(4), np.array([0, 1, 1, 0]))
    assert loss == pytest.approx(math.log(2), rel=1e-12)
    np.testing.assert_allclose(dlogits, np.array([0.5, -0.5, -0.5, 0.5]) / 4)


@pytest.mark.parametrize(
    ("logits", "labels", "match"),
    [
        (np.zeros(3), np.zeros(3, int), r"2-D \(N, K\)"),
        (np.zeros((2, 3, 4)), np.zeros(2, int), r"2-D \(N, K\)"),
        (np.zeros((3, 4)), np.zeros((3, 1), int), r"1-D \(N,\)"),
        (np.zeros((3, 4)), np.zeros(2, int), "batch size mismatch.*N = 3.*2"),
        (np.zeros((3, 4)), np.array([0, 4, 1]), r"\[0, 4\).*\[4\]"),
        (np.zeros((3, 4)), np.array([0, -1, 1]), r"\[0, 4\).*\[-1\]"),
        (np.zeros((3, 4)), np.array([0.0, 1.0, 2.0]), "integer class ids.*float64"),
        (np.zeros((3, 4)), np.array([0.5, 1.0, 2.0]), "integer class ids"),
        (np.zeros((0, 4)), np.zeros(0, int), "empty batch"),
        (np.zeros((3, 0)), np.zeros(3, int), "K = 0"),
        (np.zeros((3, 4), int), np.zeros(3, int), "floating-point"),
    ],
)
def test_cross_entropy_errors(logits, labels, match):
    with pytest.raises(ValueError, match=match):
        softmax_cross_entropy(logits, labels)


@pytest.mark.parametrize(
    ("logits", "labels", "match"),
    [
        (np.zeros((3, 2)), np.zeros(3), r"\(N,\) or \(N, 1\), got \(3, 2\)"),
        (np.zeros((3, 1, 1)), np.zeros(3), r"logits must have shape"),
        (np.zeros(3), np.zeros((3, 2)), r"labels must have shape"),
        (np.zeros(3), np.zeros(4), "batch size mismatch.*N = 3.*4"),
        (np.zeros(3), np.array([0, 2, 1]), r"0 or 1.*\[2\]"),
        (np.zeros(3), np.array([0.0, 0.5, 1.0]), r"0 or 1.*\[0.5\]"),
        (np.zeros(0), np.zeros(0), "empty batch"),
        (np.zeros(3, int), np.zeros(3), "floating-point"),
    ],
)
def test_binary_cross_entropy_errors(logits, labels, match):
    with pytest.raises(ValueError, match=match):
        sigmoid_binary_cross_entropy(logits, labels)


# -- mean squared error -------------------------------------------------------------------------
def torch_mse(outputs, targets):
    z = torch.tensor(outputs, requires_grad=True)
    loss = F.mse_loss(z, torch.tensor(targets, dtype=z.dtype))
    loss.backward()
    return loss.item(), z.grad.numpy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(1, 1), (7, 3), (32, 10), (5,), (4, 2, 3)])
def test_mean_squared_error_matches_torch(dtype, shape) -> None:
    rng = np.random.default_rng(sum(shape))
    outputs = rng.normal(0, 2, shape).astype(dtype)
    targets = rng.normal(0, 1, shape)
    loss, grad = mean_squared_error(outputs, targets)
    want_loss, want_grad = torch_mse(outputs, targets)
    np.testing.assert_allclose(loss, want_loss, **TOL[dtype])
    np.testing.assert_allclose(grad, want_grad, **TOL[dtype])
    assert grad.dtype == dtype


def test_mean_squared_error_against_one_hot_labels_by_hand() -> None:
    """Two samples, three classes: differences (0.5, −1, 0) and (0, 0, 2) → (0.25 + 1 + 4) / 6."""
    outputs = np.array([[0.5, 0.0, 0.0], [0.0, 1.0, 3.0]])
    targets = np.array([[0, 1, 0], [0, 1, 1]])
    loss, grad = mean_squared_error(outputs, targets)
    assert loss == pytest.approx(5.25 / 6, rel=1e-15)
    np.testing.assert_allclose(grad, [[1 / 6, -2 / 6, 0], [0, 0, 4 / 6]], rtol=1e-15)


def test_mean_squared_error_gradient_by_finite_differences() -> None:
    rng = np.random.default_rng(3)
    outputs, targets = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    _, grad = mean_squared_error(outputs, targets)
    h = 1e-6
    numeric = np.zeros_like(outputs)
    for index in np.ndindex(outputs.shape):
        up, down = outputs.copy(), outputs.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (
            mean_squared_error(up, targets)[0] - mean_squared_error(down, targets)[0]
        ) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize(
    ("outputs", "targets", "message"),
    [
        (np.zeros((2, 3)), np.zeros((3, 2)), "the outputs' shape"),
        (np.zeros((2, 3), int), np.zeros((2, 3)), "floating-point"),
        (np.zeros((0, 3)), np.zeros((0, 3)), "non-empty"),
        (np.zeros((1, 2)), np.array([[0.0, np.nan]]), "finite"),
    ],
)
def test_mean_squared_error_refuses_what_it_cannot_compare(outputs, targets, message) -> None:
    with pytest.raises(ValueError, match=message):
        mean_squared_error(outputs, targets)
