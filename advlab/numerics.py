"""NumPy arithmetic on logits and perturbations, written once and stably.

Every advlab model outputs logits: ``(N, 1)`` for two classes (the logit of
class 1; sigmoid) and ``(N, K)`` for K classes (softmax). These functions turn
them into probabilities and losses without overflow, and measure
perturbations. Nothing here knows about models, pages or TensorFlow.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cross_entropy", "norms", "probs_from_logits", "sigmoid", "softmax"]


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The logistic function, split by sign so no ``exp`` can overflow; keeps
    the dtype of ``z`` (``out`` may be ``z`` itself)."""
    out = np.empty_like(z) if out is None else out
    ez = np.exp(-np.abs(z))
    np.copyto(out, np.where(z >= 0, 1 / (1 + ez), ez / (1 + ez)))
    return out


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax along the last axis of ``(N, K)`` logits, shifted by the row
    maximum so no ``exp`` can overflow; keeps the dtype of ``z``."""
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def probs_from_logits(z: np.ndarray) -> np.ndarray:
    """Class probabilities ``(N, K)`` in float64 from logits ``(N, 1)`` or
    ``(N, K)`` (K = 2 for a one-logit model)."""
    z = np.asarray(z, np.float64)
    if z.shape[1] == 1:
        p1 = sigmoid(z[:, 0])
        return np.stack([1 - p1, p1], 1)
    return softmax(z)


def cross_entropy(z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per-example cross-entropy in float64 of logits ``(N, 1)`` or ``(N, K)``
    at integer ``labels`` (the model's own loss: sigmoid or softmax)."""
    z = np.asarray(z, np.float64)
    labels = np.asarray(labels)
    if z.shape[1] == 1:
        s = np.where(labels == 1, z[:, 0], -z[:, 0])
        return np.logaddexp(0.0, -s)
    z = z - z.max(1, keepdims=True)
    return np.log(np.exp(z).sum(1)) - z[np.arange(len(z)), labels]


def norms(delta: np.ndarray, tol: float = 1e-6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-point L-inf, L2 and L0 sizes of perturbations ``(N, D)`` (L0 counts
    the coordinates moved by more than ``tol``)."""
    d = np.asarray(delta, np.float64)
    return np.abs(d).max(1), np.linalg.norm(d, axis=1), (np.abs(d) > tol).sum(1)
