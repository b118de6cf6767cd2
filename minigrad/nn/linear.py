"""Linear (the affine layer y = x W^T + b) and Identity."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad.nn import init
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.tensor import DEFAULT_FLOAT, Tensor


def _check_features(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"Linear: {name} must be a positive integer, got {value!r}")


def check_input(layer: Module, x: Any, dtype: np.dtype) -> None:
    """A layer's input must be a Tensor of shape (..., in_features) in the dtype of the layer's parameters."""
    name = type(layer).__name__
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} expects a Tensor, got {type(x).__name__}: wrap it with minigrad.tensor(...)")
    if x.ndim == 0 or x.shape[-1] != layer.in_features:
        raise ValueError(f"{name}({layer.in_features}, {layer.out_features}) expects inputs of shape "
                         f"(..., {layer.in_features}), got {x.shape}")
    if x.dtype != dtype:
        raise TypeError(f"{name} holds {dtype} parameters but got a {x.dtype} input: convert the "
                        f"input (x.to(dtype=...)) or the layer (.to(dtype=...))")


class Linear(Module):
    """y = x W^T + b, with W of shape (out_features, in_features) and b of shape (out_features,).

    Inputs of shape (*, in_features) give outputs of shape (*, out_features). Both W and b start as
    U(-1/sqrt(in_features), 1/sqrt(in_features)), PyTorch's default (which torch writes as
    kaiming_uniform_ with a = sqrt(5)): Var(W) = 1 / (3 in_features), a third of what keeps the
    variance through a linear layer; re-initialise with `minigrad.nn.init` to choose otherwise.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: Any = DEFAULT_FLOAT):
        super().__init__()
        _check_features("in_features", in_features)
        _check_features("out_features", out_features)
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        self.bias = Parameter(np.empty(self.out_features, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw W and b again from U(-1/sqrt(in_features), 1/sqrt(in_features))."""
        bound = 1.0 / math.sqrt(self.in_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        check_input(self, x, self.weight.dtype)
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """y = x. A placeholder where a layer is optional (any constructor arguments are ignored, as in PyTorch)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x
