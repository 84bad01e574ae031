"""`training_loss` for both heads and both losses, against torch 2.13 and finite differences; the
probabilities every route reads (`output_probabilities`) against torch's softmax and sigmoid.

torch's own code is the reference for each combination: F.cross_entropy (with label smoothing),
F.binary_cross_entropy_with_logits on a (N, 1) output, and F.mse_loss between torch's softmax,
or [1 - sigmoid, sigmoid], and one-hot targets, all differentiated by autograd.
"""

import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F  # noqa: N812 (torch convention)

from cnnviz.nn.losses import (
    class_score_gradient,
    output_log_probabilities,
    output_probabilities,
)
from cnnviz.train.loss import LOSSES, training_loss

pytestmark = pytest.mark.parity

TOL = {np.float64: {"rtol": 1e-10, "atol": 1e-12}, np.float32: {"rtol": 1e-5, "atol": 1e-7}}


def torch_probabilities(z: torch.Tensor) -> torch.Tensor:
    if z.shape[1] == 1:
        positive = torch.sigmoid(z)
        return torch.cat([1 - positive, positive], dim=1)
    return torch.softmax(z, dim=1)


def torch_loss(outputs, labels, kind, smoothing=0.0):
    z = torch.tensor(outputs, requires_grad=True)
    y = torch.tensor(labels, dtype=torch.long)
    if kind == "mse":
        probs = torch_probabilities(z)
        loss = F.mse_loss(probs, F.one_hot(y, probs.shape[1]).to(z.dtype))
    elif z.shape[1] == 1:
        loss = F.binary_cross_entropy_with_logits(z, y[:, None].to(z.dtype))
    else:
        loss = F.cross_entropy(z, y, label_smoothing=smoothing)
    loss.backward()
    return loss.item(), z.grad.numpy()


# (kind, K, label smoothing): K = 1 is the sigmoid head
COMBINATIONS = [
    ("cross_entropy", 10, 0.0),
    ("cross_entropy", 3, 0.1),
    ("cross_entropy", 1, 0.0),
    ("mse", 10, 0.0),
    ("mse", 2, 0.0),
    ("mse", 1, 0.0),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("kind", "k", "smoothing"), COMBINATIONS)
def test_training_loss_matches_torch(kind, k, smoothing, dtype):
    rng = np.random.default_rng(k + len(kind))
    outputs = (3 * rng.standard_normal((16, k))).astype(dtype)
    labels = rng.integers(0, max(k, 2), 16)
    loss, grad = training_loss(outputs, labels, kind, smoothing)
    expected_loss, expected_grad = torch_loss(outputs, labels, kind, smoothing)
    assert loss == pytest.approx(expected_loss, rel=TOL[dtype]["rtol"] * 10, abs=1e-7)
    assert grad.shape == outputs.shape and grad.dtype == dtype
    np.testing.assert_allclose(grad, expected_grad, **TOL[dtype])


@pytest.mark.parametrize(("kind", "k", "smoothing"), COMBINATIONS)
def test_training_loss_gradient_by_finite_differences(kind, k, smoothing):
    rng = np.random.default_rng(40 + k)
    outputs = rng.standard_normal((5, k))
    labels = rng.integers(0, max(k, 2), 5)
    _, grad = training_loss(outputs, labels, kind, smoothing)
    numeric = np.empty_like(outputs)
    eps = 1e-6
    for i in np.ndindex(outputs.shape):
        plus, minus = outputs.copy(), outputs.copy()
        plus[i] += eps
        minus[i] -= eps
        numeric[i] = (
            training_loss(plus, labels, kind, smoothing)[0]
            - training_loss(minus, labels, kind, smoothing)[0]
        ) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)
    assert np.any(grad), "a vacuous check: all-zero gradient"


def test_mse_of_a_sigmoid_head_by_hand():
    """z = 0 gives [0.5, 0.5] against [0, 1]: mean of (0.5², 0.5²) = 0.25. dL/dp = 2 (p - t) / 2
    = [0.5, -0.5]; dL/dz = (dL/dp1 - dL/dp0) σ(1 - σ) = (-0.5 - 0.5) · 0.25 = -0.25."""
    loss, grad = training_loss(np.zeros((1, 1)), np.array([1]), "mse")
    assert loss == 0.25 and grad.tolist() == [[-0.25]]


def test_a_fresh_sigmoid_head_starts_at_ln_2():
    loss, _ = training_loss(np.zeros((4, 1)), np.array([0, 1, 1, 0]))
    assert loss == pytest.approx(math.log(2), rel=1e-15)


def test_the_losses_are_named():
    assert LOSSES == ("cross_entropy", "mse")


@pytest.mark.parametrize(
    ("outputs", "labels", "kind", "smoothing", "message"),
    [
        (np.zeros((2, 3)), [0, 1], "hinge", 0.0, "unknown loss 'hinge'"),
        (np.zeros((2, 1)), [0, 1], "cross_entropy", 0.1, "label smoothing applies to softmax"),
        (np.zeros((2, 3)), [0, 1], "mse", 0.1, "label smoothing applies to softmax"),
        (np.zeros((2, 1)), [0, 2], "cross_entropy", 0.0, "must be 0 or 1"),
        (np.zeros((2, 1)), [0, 2], "mse", 0.0, r"lie in \[0, 2\)"),
        (np.zeros((2, 3)), [0.0, 1.0], "mse", 0.0, "must be 2 integers"),
        (np.zeros(3), [0, 1, 2], "cross_entropy", 0.0, "must be 2-D"),
    ],
)
def test_training_loss_refuses_what_it_cannot_score(outputs, labels, kind, smoothing, message):
    with pytest.raises(ValueError, match=message):
        training_loss(outputs, np.asarray(labels), kind, smoothing)


# -- probabilities -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("k", [1, 2, 10])
@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_output_probabilities_match_torch(k, scale, dtype):
    """Including logits of ±1000, where a naive exp overflows."""
    outputs = (scale * np.random.default_rng(k).standard_normal((6, k))).astype(dtype)
    probs = output_probabilities(outputs)
    expected = torch_probabilities(torch.from_numpy(outputs)).numpy()
    assert probs.shape == (6, max(k, 2)) and probs.dtype == dtype
    np.testing.assert_allclose(probs, expected, **TOL[dtype])
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-6)


@pytest.mark.parametrize("k", [1, 4])
def test_output_log_probabilities_stay_finite_where_probabilities_underflow(k):
    outputs = np.array([[-800.0] * k, [800.0] * k, [0.5] * k])
    outputs[:, 0] = [-800, 800, 0.5]
    logs = output_log_probabilities(outputs)
    z = torch.from_numpy(outputs)
    if k == 1:
        expected = torch.cat([F.logsigmoid(-z), F.logsigmoid(z)], dim=1)
    else:
        expected = torch.log_softmax(z, dim=1)
    assert np.isfinite(logs).all()
    np.testing.assert_allclose(logs, expected.numpy(), rtol=1e-12, atol=1e-12)


def test_class_score_gradient_is_the_log_odds_of_a_sigmoid_head():
    """Class 1's score is z, class 0's is -z: d score / d z = +1 and -1; a softmax head's is a
    one-hot at the class."""
    z = np.array([[0.3]], np.float32)
    assert class_score_gradient(z, 1).tolist() == [[1.0]]
    assert class_score_gradient(z, 0).tolist() == [[-1.0]]
    assert class_score_gradient(np.zeros((1, 3)), 2).tolist() == [[0.0, 0.0, 1.0]]
    with pytest.raises(ValueError, match="this model has 2 classes"):
        class_score_gradient(z, 2)
