"""Losses: each returns `(loss, dlogits)`, the mean loss over the batch and its gradient.

The two classification losses take raw logits and fuse the final activation into the loss
(softmax into cross-entropy, sigmoid into binary cross-entropy), which is the numerically stable
way and the way torch computes `F.cross_entropy` and `F.binary_cross_entropy_with_logits`. The
gradient of the fused pair is simply `(probabilities - targets) / N`. Mean squared error, which
some course notebooks train with, compares the outputs as they are with real-valued targets.
"""

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, stable for any magnitude of logits.

    Parameters
    ----------
    logits : ndarray, shape (..., K)

    Returns
    -------
    probs : ndarray, shape (..., K), same dtype; each row sums to 1.
    """
    logits = np.asarray(logits)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Log-softmax over the last axis: `z - max(z) - log(sum(exp(z - max(z))))`.

    Parameters
    ----------
    logits : ndarray, shape (..., K)

    Returns
    -------
    log_probs : ndarray, shape (..., K), same dtype.
    """
    logits = np.asarray(logits)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _float_logits(logits: np.ndarray) -> np.ndarray:
    logits = np.asarray(logits)
    if not np.issubdtype(logits.dtype, np.floating):
        raise ValueError(f"logits must be a floating-point array, got dtype {logits.dtype}")
    if logits.ndim >= 1 and logits.shape[0] == 0:
        raise ValueError("empty batch: logits have N = 0 samples")
    return logits


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against integer class labels, and its gradient.

    Equals `torch.nn.functional.cross_entropy(logits, labels)` (reduction "mean").

    Parameters
    ----------
    logits : ndarray, shape (N, K), float
        Unnormalised class scores.
    labels : ndarray, shape (N,), integer
        Class ids in [0, K).

    Returns
    -------
    loss : float
        `-mean_n log softmax(logits)[n, labels[n]]`.
    dlogits : ndarray, shape (N, K), dtype of `logits`
        `(softmax(logits) - onehot(labels)) / N`.
    """
    logits = _float_logits(logits)
    labels = np.asarray(labels)
    if logits.ndim != 2:
        raise ValueError(f"logits must be 2-D (N, K), got shape {logits.shape}")
    N, K = logits.shape
    if K == 0:
        raise ValueError("logits have K = 0 classes; cross-entropy needs at least one")
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D (N,) class ids, got shape {labels.shape}")
    if labels.shape[0] != N:
        raise ValueError(f"batch size mismatch: logits have N = {N}, labels have {labels.shape[0]}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be integer class ids, got dtype {labels.dtype}; cast with .astype(int)"
        )
    bad = labels[(labels < 0) | (labels >= K)]
    if bad.size:
        raise ValueError(f"labels must lie in [0, {K}); got {np.unique(bad).tolist()}")

    rows = np.arange(N)
    log_probs = log_softmax(logits)
    loss = -log_probs[rows, labels].mean()
    dlogits = np.exp(log_probs)
    dlogits[rows, labels] -= 1
    dlogits /= N
    return float(loss), dlogits


def sigmoid_binary_cross_entropy(
    logits: np.ndarray, labels: np.ndarray
) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy of sigmoid(logits) against 0/1 labels, and its gradient.

    Uses the stable form `max(z, 0) - z*y + log1p(exp(-|z|))`; equals
    `torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)`.

    Parameters
    ----------
    logits : ndarray, shape (N,) or (N, 1), float
        One score per sample; positive means class 1.
    labels : ndarray, shape (N,) or (N, 1), int, float or bool
        Targets, each 0 or 1.

    Returns
    -------
    loss : float
    dlogits : ndarray, shape of `logits`, dtype of `logits`
        `(sigmoid(logits) - labels) / N`.
    """
    logits = _float_logits(logits)
    labels = np.asarray(labels)
    if not (logits.ndim == 1 or (logits.ndim == 2 and logits.shape[1] == 1)):
        raise ValueError(f"logits must have shape (N,) or (N, 1), got {logits.shape}")
    N = logits.shape[0]
    if not (labels.ndim == 1 or (labels.ndim == 2 and labels.shape[1] == 1)):
        raise ValueError(f"labels must have shape (N,) or (N, 1), got {labels.shape}")
    if labels.shape[0] != N:
        raise ValueError(f"batch size mismatch: logits have N = {N}, labels have {labels.shape[0]}")
    if not np.isin(labels, (0, 1)).all():
        bad = np.unique(labels[~np.isin(labels, (0, 1))]).tolist()
        raise ValueError(f"labels must be 0 or 1 for binary cross-entropy; got {bad}")

    z = logits.reshape(N)
    y = labels.reshape(N).astype(logits.dtype)
    e = np.exp(-np.abs(z))  # never overflows
    loss = (np.maximum(z, 0) - z * y + np.log1p(e)).mean()
    probs = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    dlogits = ((probs - y) / N).reshape(logits.shape)
    return float(loss), dlogits


def mean_squared_error(outputs: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of the squared differences over every element, and its gradient.

    Equals `torch.nn.functional.mse_loss(outputs, targets)` (reduction "mean": the mean over all
    N·K elements, not over the batch alone).

    Parameters
    ----------
    outputs : ndarray, shape (N, ...), float
    targets : ndarray, shape of `outputs`, int, float or bool (e.g. one-hot labels)

    Returns
    -------
    loss : float
        `mean((outputs - targets)^2)`.
    doutputs : ndarray, shape of `outputs`, dtype of `outputs`
        `2 (outputs - targets) / outputs.size`.
    """
    outputs = np.asarray(outputs)
    if not np.issubdtype(outputs.dtype, np.floating) or outputs.size == 0:
        raise ValueError(
            f"outputs must be a non-empty floating-point array, got {outputs.dtype} {outputs.shape}"
        )
    targets = np.asarray(targets)
    if targets.shape != outputs.shape:
        raise ValueError(
            f"targets must have the outputs' shape {outputs.shape}, got {targets.shape}"
        )
    if not np.isfinite(targets).all():
        raise ValueError("targets must be finite numbers")
    difference = outputs - targets.astype(outputs.dtype)
    loss = float(np.mean(np.square(difference, dtype=np.float64)))
    return loss, (2 * difference / difference.size).astype(outputs.dtype)
