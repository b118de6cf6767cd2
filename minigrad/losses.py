"""Loss functions (PyTorch's names and reductions), composed from the engine's ops.

Each takes `reduction` = "mean" (default), "sum" or "none".
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import ops
from minigrad.tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _same_shape(name: str, input: Tensor, target: Tensor) -> None:
    if input.shape != target.shape:
        raise ValueError(f"{name}: input shape {input.shape} and target shape {target.shape} differ; "
                         "they must be equal (broadcasting here usually hides a bug)")


def _as_target(target: Any, like: Tensor) -> Tensor:
    return ops.lift(target, like)


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error (input - target)^2."""
    target = _as_target(target, input)
    _same_shape("mse_loss", input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error |input - target|."""
    target = _as_target(target, input)
    _same_shape("l1_loss", input, target)
    return _reduce(ops.abs(input - target), reduction)


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """0.5 d^2 for |d| <= delta, delta (|d| - 0.5 delta) beyond: quadratic near 0, linear in the tails."""
    if not delta > 0:  # also refuses NaN
        raise ValueError(f"huber_loss: delta must be > 0 (where the quadratic part ends), got {delta!r}")
    target = _as_target(target, input)
    _same_shape("huber_loss", input, target)
    d = ops.abs(input - target)
    quadratic = ops.minimum(d, delta)
    return _reduce(0.5 * quadratic * quadratic + delta * (d - quadratic), reduction)


def cross_entropy(input: Tensor, target: Any, reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """-log softmax(input)[target] for logits of shape (N, C).

    `target` holds class indices (shape (N,), integers in [0, C)) or class probabilities (shape (N, C)).
    The log-softmax is computed stably, never as log(softmax(x)).
    """
    if input.ndim != 2:
        raise ValueError(f"cross_entropy expects logits of shape (N, C), got {input.shape}")
    n, classes = input.shape
    log_p = ops.log_softmax(input, dim=1)
    target_data = target.data if isinstance(target, Tensor) else np.asarray(target)
    if target_data.dtype.kind in "iu":
        if target_data.shape != (n,):
            raise ValueError(f"cross_entropy: class-index target must have shape ({n},), got {target_data.shape}")
        if target_data.size and (target_data.min() < 0 or target_data.max() >= classes):
            raise ValueError(f"cross_entropy: class indices must lie in [0, {classes}), got "
                             f"{target_data.min()}..{target_data.max()}")
        picked = log_p[np.arange(n), target_data]
        smooth = log_p.mean(dim=1) if label_smoothing else None
    else:
        if target_data.shape == (n,):  # float class indices, most likely
            raise ValueError(f"cross_entropy: a target of shape ({n},) holds class indices, which must be integers "
                             f"(got {target_data.dtype}); float targets are class probabilities of shape {input.shape}")
        target = _as_target(target, input)
        _same_shape("cross_entropy", input, target)
        picked = (log_p * target).sum(dim=1)
        smooth = log_p.mean(dim=1) if label_smoothing else None
    loss = -picked if smooth is None else -((1 - label_smoothing) * picked + label_smoothing * smooth)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """-[y log s(x) + (1 - y) log(1 - s(x))] = y softplus(-x) + (1 - y) softplus(x), from logits.

    Two non-negative terms, each accurate: the textbook softplus(x) - y x cancels where the loss is small (x = 20,
    y = 1: 20.000000002 - 20 is 0 in float32, not 2.1e-9), and so does its gradient s(x) - y, which here comes
    as (1 - y) s(x) - y s(-x)."""
    target = _as_target(target, input)
    _same_shape("binary_cross_entropy_with_logits", input, target)
    return _reduce(target * ops.softplus(-input) + (1 - target) * ops.softplus(input), reduction)
