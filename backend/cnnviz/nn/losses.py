"""Losses: each returns `(loss, dlogits)`, the mean loss over the batch and its gradient.

The two classification losses take raw logits and fuse the final activation into the loss
(softmax into cross-entropy, sigmoid into binary cross-entropy), which is the numerically stable
way and the way torch computes `F.cross_entropy` and `F.binary_cross_entropy_with_logits`. The
gradient of the fused pair is simply `(probabilities - targets) / N`. Mean squared error, which
some course notebooks train with, compares the outputs as they are with real-valued targets.

A network's last layer reads as classes in one of two ways (`output_probabilities`): K > 1
outputs are K class scores, turned into probabilities by softmax; a single output z is a sigmoid
head for two classes, P(class 1) = sigmoid(z) and P(class 0) = 1 - sigmoid(z).
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


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)), without overflow for any magnitude: exp only ever sees -|z|.

    Parameters
    ----------
    z : ndarray, any shape, float

    Returns
    -------
    ndarray, shape and dtype of `z`, values in [0, 1].
    """
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def class_count(outputs: int) -> int:
    """How many classes a last layer of `outputs` numbers tells apart: one output is a sigmoid
    head for two classes, K > 1 outputs are K classes."""
    return 2 if outputs == 1 else outputs


def output_probabilities(outputs: np.ndarray) -> np.ndarray:
    """Class probabilities from a network's outputs, however its head reads.

    Parameters
    ----------
    outputs : ndarray, shape (N, K), float
        K > 1 class scores, or K = 1: the logit z of class 1 in a two-class sigmoid head.

    Returns
    -------
    probs : ndarray, shape (N, class_count(K)), dtype of `outputs`; rows sum to 1.
        softmax(outputs) for K > 1, [1 - sigmoid(z), sigmoid(z)] for K = 1.
    """
    outputs = np.asarray(outputs)
    if outputs.ndim != 2 or outputs.shape[1] == 0:
        raise ValueError(f"outputs must be 2-D (N, K) with K >= 1, got shape {outputs.shape}")
    if outputs.shape[1] > 1:
        return softmax(outputs)
    positive = sigmoid(outputs)
    return np.concatenate([sigmoid(-outputs), positive], axis=1)


def output_log_probabilities(outputs: np.ndarray) -> np.ndarray:
    """log(output_probabilities(outputs)), computed without underflow: a confidently wrong
    prediction keeps a finite log-probability (log_softmax; for one output
    log sigmoid(±z) = -softplus(∓z)).

    Parameters
    ----------
    outputs : ndarray, shape (N, K), float

    Returns
    -------
    log_probs : ndarray, shape (N, class_count(K)), dtype of `outputs`.
    """
    outputs = np.asarray(outputs)
    if outputs.ndim != 2 or outputs.shape[1] == 0:
        raise ValueError(f"outputs must be 2-D (N, K) with K >= 1, got shape {outputs.shape}")
    if outputs.shape[1] > 1:
        return log_softmax(outputs)
    softplus = np.maximum(outputs, 0) + np.log1p(np.exp(-np.abs(outputs)))  # log(1 + e^z)
    return np.concatenate([-softplus, outputs - softplus], axis=1)


def class_score_gradient(outputs: np.ndarray, target: int) -> np.ndarray:
    """d(score of class `target`) / d(outputs) for one sample: where a backward pass starts to
    explain one class (saliency, the stepper's upstream gradient).

    A class's score is its logit; in a one-output sigmoid head, class 1's score is the output z
    and class 0's is -z, the log-odds of each class, so the two explanations mirror each other.

    Parameters
    ----------
    outputs : ndarray, shape (1, K), float
    target : int, a class in [0, class_count(K))

    Returns
    -------
    ndarray, shape and dtype of `outputs`: a one-hot at `target`, or ±1 for a one-output head.
    """
    outputs = np.asarray(outputs)
    k = outputs.shape[-1]
    if not 0 <= target < class_count(k):
        raise ValueError(
            f"target {target} is out of range: this model has {class_count(k)} classes, "
            f"send a class index from 0 to {class_count(k) - 1}"
        )
    seed = np.zeros_like(outputs)
    if k == 1:
        seed[...] = 1 if target == 1 else -1
    else:
        seed.reshape(-1)[target] = 1
    return seed


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
    loss = (np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))).mean()
    dlogits = ((sigmoid(z) - y) / N).reshape(logits.shape)
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
