"""`minigrad.functional` (import as F): activations and losses as plain functions, as torch.nn.functional."""
from minigrad.losses import (
    binary_cross_entropy_with_logits, cross_entropy, huber_loss, l1_loss, mse_loss,
)
from minigrad.ops import log_softmax, relu, sigmoid, softmax, softplus, tanh

__all__ = [
    "binary_cross_entropy_with_logits", "cross_entropy", "huber_loss", "l1_loss", "log_softmax", "mse_loss",
    "relu", "sigmoid", "softmax", "softplus", "tanh",
]
