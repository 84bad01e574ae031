"""The loss a run minimises: softmax cross-entropy, with label smoothing when the configuration
asks for it (the engine's fused loss otherwise)."""

import numpy as np

from ..nn.losses import log_softmax, softmax_cross_entropy

__all__ = ["cross_entropy"]


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
