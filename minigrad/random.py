"""Random numbers from one seedable generator, so `minigrad.manual_seed(0)` makes a run repeatable."""
from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.creation import _make, _shape
from minigrad.tensor import DEFAULT_FLOAT, Tensor

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed minigrad's generator (initialisation, dropout, randn ...); returns it."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def generator() -> np.random.Generator:
    """The generator every random op draws from."""
    return _generator


def rand(*shape: int, dtype: Any = DEFAULT_FLOAT, requires_grad: bool = False, device: str | None = None) -> Tensor:
    """Uniform on [0, 1)."""
    return _make(_generator.random(_shape(shape)).astype(dtype), requires_grad, device)


def randn(*shape: int, dtype: Any = DEFAULT_FLOAT, requires_grad: bool = False, device: str | None = None) -> Tensor:
    """Standard normal."""
    return _make(_generator.standard_normal(_shape(shape)).astype(dtype), requires_grad, device)


def randint(low: int, high: int, size: tuple[int, ...], device: str | None = None) -> Tensor:
    """Integers in [low, high), int64."""
    return _make(_generator.integers(low, high, size=size, dtype=np.int64), False, device)
