"""Tensors made from a shape or a range: zeros, ones, full, arange, linspace, eye."""
from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.device import move
from minigrad.tensor import DEFAULT_FLOAT, Tensor


def _shape(shape: tuple) -> tuple[int, ...]:
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


def _make(array: np.ndarray, requires_grad: bool, device: str | None) -> Tensor:
    return Tensor._wrap(move(array, device or "cpu"), False).requires_grad_(requires_grad)


def zeros(*shape: int, dtype: Any = DEFAULT_FLOAT, requires_grad: bool = False, device: str | None = None) -> Tensor:
    return _make(np.zeros(_shape(shape), dtype=dtype), requires_grad, device)


def ones(*shape: int, dtype: Any = DEFAULT_FLOAT, requires_grad: bool = False, device: str | None = None) -> Tensor:
    return _make(np.ones(_shape(shape), dtype=dtype), requires_grad, device)


def full(shape: tuple[int, ...], value: float, dtype: Any = DEFAULT_FLOAT, requires_grad: bool = False,
         device: str | None = None) -> Tensor:
    return _make(np.full(shape, value, dtype=dtype), requires_grad, device)


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return zeros(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, device=t.device)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return ones(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, device=t.device)


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None,
           device: str | None = None) -> Tensor:
    """As torch.arange: integers give int64, any float argument gives float32."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        floats = any(isinstance(v, float) for v in (start, end, step))
        dtype = DEFAULT_FLOAT if floats else np.int64
    return _make(np.arange(start, end, step, dtype=dtype), False, device)


def linspace(start: float, end: float, steps: int, dtype: Any = DEFAULT_FLOAT, requires_grad: bool = False,
             device: str | None = None) -> Tensor:
    return _make(np.linspace(start, end, steps, dtype=dtype), requires_grad, device)


def eye(n: int, m: int | None = None, dtype: Any = DEFAULT_FLOAT, device: str | None = None) -> Tensor:
    return _make(np.eye(n, m, dtype=dtype), False, device)
