"""How good is a model: accuracy, loss, the confusion matrix and the samples it gets wrong.

`evaluate` runs the model over a data set in batches and returns an `Evaluation` whose `to_dict()`
is what the web page shows after training: every number JSON-able, absent classes as None (not
NaN, which JSON cannot carry).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..nn.losses import output_log_probabilities

__all__ = ["Evaluation", "as_model_input", "confusion_matrix", "evaluate", "evaluate_model"]

#: How many wrong samples an evaluation lists per confusion-matrix cell (the first ones, in data
#: order): every off-diagonal cell a student clicks then has digits to show.
MISCLASSIFIED_LIMIT = 12


def as_model_input(images: np.ndarray) -> np.ndarray:
    """Images as the model takes them: float32 NCHW with values in [0, 1].

    uint8 pixels (0-255) are divided by 255; floating-point pixels are taken as they are (already
    in [0, 1]). (N, H, W) gains the channel axis; (N, C, H, W) is kept.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[:, None]
    if images.ndim != 4:
        raise ValueError(f"images must be (N, H, W) or (N, C, H, W), got shape {images.shape}")
    if images.dtype == np.uint8:
        return images.astype(np.float32) / np.float32(255)
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(f"images must be uint8 or floating point, got dtype {images.dtype}")
    return images.astype(np.float32, copy=False)


def confusion_matrix(true: np.ndarray, pred: np.ndarray, k: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs: rows are true classes, columns predictions.

    Parameters
    ----------
    true, pred : ndarray, shape (N,), integer class ids in [0, k)
    k : int, the number of classes

    Returns
    -------
    matrix : ndarray, shape (k, k), int64; matrix.sum() == N, the diagonal counts the hits.
    """
    true, pred = np.asarray(true), np.asarray(pred)
    if true.shape != pred.shape or true.ndim != 1:
        raise ValueError(f"true and pred must be 1-D of one length, got {true.shape}, {pred.shape}")
    for name, values in (("true", true), ("pred", pred)):
        if values.size and not np.issubdtype(values.dtype, np.integer):
            raise ValueError(f"{name} must hold integer class ids, got dtype {values.dtype}")
        if values.size and (values.min() < 0 or values.max() >= k):
            raise ValueError(
                f"{name} has class ids outside [0, {k}): {values.min()}..{values.max()}"
            )
    flat = true.astype(np.int64) * k + pred.astype(np.int64)
    return np.bincount(flat, minlength=k * k).reshape(k, k)


@dataclass
class Evaluation:
    """One model on one data set. Class ids are the model's outputs 0..K-1; `classes` names them
    (e.g. the digits [3, 8] a two-class model was trained on)."""

    count: int
    accuracy: float
    loss: float
    confusion_matrix: np.ndarray  # (K, K) int64, rows true, columns predicted
    per_class_accuracy: list[float | None]  # None for a class with no samples
    misclassified: list[dict[str, Any]] = field(default_factory=list)
    classes: list[Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: plain floats, ints and lists (json.dumps takes it as it is)."""
        return {
            "count": self.count,
            "accuracy": _finite(self.accuracy),
            "loss": _finite(self.loss),
            "confusion_matrix": self.confusion_matrix.tolist(),
            "per_class_accuracy": [_finite(a) for a in self.per_class_accuracy],
            "misclassified": [dict(m) for m in self.misclassified],
            "classes": None if self.classes is None else list(self.classes),
        }


def _finite(value: float | None) -> float | None:
    """A float JSON can carry: NaN and infinities become None."""
    return None if value is None or not np.isfinite(value) else float(value)


def evaluate(
    model,
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int = 500,
    classes: Sequence[Any] | None = None,
    indices: np.ndarray | None = None,
) -> Evaluation:
    """Run `model` over `images` in batches and score it against `labels`.

    Parameters
    ----------
    model : Sequential (anything with `forward(x) -> outputs (N, K)`; one output is a sigmoid
        head for two classes, `output_log_probabilities`)
    images : ndarray, (N, H, W) or (N, C, H, W), uint8 (0-255) or float ([0, 1])
    labels : ndarray, shape (N,), integer class ids in [0, K)
    batch_size : int, samples per forward pass (memory, not results)
    classes : optional names of the K classes, reported as they are
    indices : ndarray, shape (N,), optional
        What to call each sample in `misclassified` (e.g. its position in a larger data set);
        by default its position in `images`.

    Returns
    -------
    Evaluation: accuracy (fraction), mean cross-entropy loss (the binary one for a sigmoid
    head), confusion matrix, per-class accuracy (recall), and the first MISCLASSIFIED_LIMIT wrong
    samples of each (true, predicted) cell, in data order, as {index, true, pred, confidence},
    confidence being the probability the model gave the wrong prediction.
    """
    x = as_model_input(images)
    labels = np.asarray(labels)
    N = len(x)
    if labels.shape != (N,):
        raise ValueError(f"labels must have shape ({N},) to match the images, got {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integer class ids, got dtype {labels.dtype}")
    if N == 0:
        raise ValueError("nothing to evaluate: no images")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    predictions = np.empty(N, np.int64)
    confidence = np.empty(N, np.float64)
    total_loss = 0.0
    K = None
    for start in range(0, N, batch_size):
        outputs = model.forward(x[start : start + batch_size])
        log_probs = output_log_probabilities(outputs.astype(np.float64, copy=False))
        K = log_probs.shape[1]
        batch_labels = labels[start : start + batch_size]
        if batch_labels.min() < 0 or batch_labels.max() >= K:
            raise ValueError(
                f"labels must lie in [0, {K}) for a model of {K} classes "
                f"({outputs.shape[1]} output{'s' if outputs.shape[1] > 1 else ''})"
            )
        rows = np.arange(len(log_probs))
        total_loss -= float(log_probs[rows, batch_labels].sum())
        pred = log_probs.argmax(axis=1)
        predictions[start : start + batch_size] = pred
        confidence[start : start + batch_size] = np.exp(log_probs[rows, pred])
    if classes is not None and len(classes) != K:
        raise ValueError(f"classes names {len(classes)} classes, the model has {K} outputs")
    matrix = confusion_matrix(labels, predictions, K)
    support = matrix.sum(axis=1)
    per_class = [float(matrix[k, k] / support[k]) if support[k] else None for k in range(K)]
    wrong, listed = [], np.zeros((K, K), np.int64)
    for i in np.flatnonzero(predictions != labels):
        cell = labels[i], predictions[i]
        if listed[cell] < MISCLASSIFIED_LIMIT:
            listed[cell] += 1
            wrong.append(i)
    names = np.arange(N) if indices is None else np.asarray(indices)
    misclassified = [
        {
            "index": int(names[i]),
            "true": int(labels[i]),
            "pred": int(predictions[i]),
            "confidence": _finite(confidence[i]),
        }
        for i in wrong
    ]
    return Evaluation(
        count=N,
        accuracy=float(np.trace(matrix) / N),
        loss=total_loss / N,
        confusion_matrix=matrix,
        per_class_accuracy=per_class,
        misclassified=misclassified,
        classes=None if classes is None else list(classes),
    )


def evaluate_model(model, images: np.ndarray, labels: np.ndarray, **kwargs: Any) -> Evaluation:
    """`evaluate` under the name the trainer's users know it by."""
    return evaluate(model, images, labels, **kwargs)
