"""The loss a run minimises, chosen by name (`LOSSES`), for either kind of classifier head.

`training_loss(outputs, class_ids, kind, label_smoothing)` -> (loss, d loss / d outputs):

- "cross_entropy": softmax cross-entropy for K > 1 outputs (with label smoothing when asked),
  and for a one-output sigmoid head the binary cross-entropy with logits, class 1 positive;
- "mse": the mean squared error between the class probabilities (`output_probabilities`: the
  softmax, or [1 - σ(z), σ(z)] for one output) and the one-hot targets, as networks trained
  with a squared-error loss on their probabilities do.

Every loss is a mean over the batch and matches its torch counterpart (tests/train/test_loss*).
"""

import numpy as np

from ..nn.losses import (
    log_softmax,
    mean_squared_error,
    output_probabilities,
    sigmoid_binary_cross_entropy,
    softmax_cross_entropy,
)

__all__ = ["LOSSES", "cross_entropy", "training_loss"]

#: The losses a training run may minimise.
LOSSES = ("cross_entropy", "mse")


def cross_entropy(
    logits: np.ndarray, labels: np.ndarray, label_smoothing: float = 0.0
) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy and its gradient, with optional label smoothing.

    With smoothing ε the target is q = (1 - ε) onehot(label) + ε / K; the loss is
    -mean_n sum_k q_nk log p_nk and the gradient (p - q) / N, as torch's
    `F.cross_entropy(logits, labels, label_smoothing=ε)`.
    """
    if not label_smoothing:
        return softmax_cross_entropy(logits, labels)
    N, K = logits.shape
    log_probs = log_softmax(logits)
    target = np.full_like(log_probs, label_smoothing / K)
    target[np.arange(N), labels] += 1 - label_smoothing
    loss = -float((target * log_probs).sum(axis=1).mean())
    dlogits = np.exp(log_probs)
    dlogits -= target
    dlogits /= N
    return loss, dlogits


def training_loss(
    outputs: np.ndarray,
    class_ids: np.ndarray,
    kind: str = "cross_entropy",
    label_smoothing: float = 0.0,
) -> tuple[float, np.ndarray]:
    """The loss `kind` of a batch's outputs against its class ids, and d loss / d outputs.

    Parameters
    ----------
    outputs : ndarray, shape (N, K), float
        The network's last layer: K > 1 class scores, or K = 1, the logit of class 1.
    class_ids : ndarray, shape (N,), integer in [0, K) (in [0, 2) when K = 1)
    kind : one of LOSSES
    label_smoothing : float, softmax cross-entropy only (K > 1); 0 elsewhere

    Returns
    -------
    loss : float, the batch mean
    doutputs : ndarray, shape and dtype of `outputs`
    """
    if kind not in LOSSES:
        raise ValueError(f"unknown loss {kind!r}; choose one of {', '.join(LOSSES)}")
    outputs = np.asarray(outputs)
    class_ids = np.asarray(class_ids)
    if outputs.ndim != 2:
        raise ValueError(f"outputs must be 2-D (N, K), got shape {outputs.shape}")
    one_output = outputs.shape[1] == 1
    if label_smoothing and (kind != "cross_entropy" or one_output):
        raise ValueError(
            "label smoothing applies to softmax cross-entropy only (more than one output)"
        )
    if kind == "cross_entropy":
        if one_output:
            return sigmoid_binary_cross_entropy(outputs, class_ids)
        return cross_entropy(outputs, class_ids, label_smoothing)
    return _probability_mse(outputs, class_ids)


def _probability_mse(outputs: np.ndarray, class_ids: np.ndarray) -> tuple[float, np.ndarray]:
    """MSE between the class probabilities and one-hot targets, back through the head.

    Softmax: d/dz_j = p_j (g_j - sum_k g_k p_k) for the MSE's gradient g at the probabilities.
    Sigmoid head: p = [1 - σ, σ], so d/dz = (g_1 - g_0) σ (1 - σ).
    """
    probs = output_probabilities(outputs)
    N, K = probs.shape
    if class_ids.shape != (N,) or not np.issubdtype(class_ids.dtype, np.integer):
        raise ValueError(
            f"class ids must be {N} integers, one per sample, got {class_ids.dtype} "
            f"{class_ids.shape}"
        )
    if class_ids.size and (class_ids.min() < 0 or class_ids.max() >= K):
        raise ValueError(f"class ids must lie in [0, {K}); got {np.unique(class_ids).tolist()}")
    loss, dprobs = mean_squared_error(probs, np.eye(K, dtype=probs.dtype)[class_ids])
    if outputs.shape[1] == 1:
        positive = probs[:, 1:]
        return loss, (dprobs[:, 1:] - dprobs[:, :1]) * positive * (1 - positive)
    return loss, probs * (dprobs - (dprobs * probs).sum(axis=1, keepdims=True))
