"""Where a tensor's numbers live: NumPy arrays on the CPU, CuPy arrays on a CUDA GPU.

The engine never imports an array library directly in its ops; it asks `array_module(x)` which library
owns an array, so the same code path serves both devices.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

DEVICES = ("cpu", "cuda")


def cupy_or_none() -> ModuleType | None:
    """The cupy module if it imports, else None (CuPy is an optional dependency)."""
    try:
        import cupy
    except ImportError:
        return None
    return cupy


def array_module(array: Any) -> ModuleType:
    """NumPy for NumPy arrays, CuPy for CuPy arrays."""
    if type(array).__module__.startswith("cupy"):
        return cupy_or_none()
    return np


def device_of(array: Any) -> str:
    return "cpu" if array_module(array) is np else "cuda"


def check_device(value: str) -> str:
    if value not in DEVICES:
        raise ValueError(f"unknown device {value!r}: expected one of {', '.join(DEVICES)}")
    return value


def move(array: Any, device: str) -> Any:
    """Copy `array` to `device` ('cpu' or 'cuda'); a no-op when it is already there."""
    check_device(device)
    if device_of(array) == device:
        return array
    if device == "cpu":
        return array.get()
    cupy = cupy_or_none()
    if cupy is None:
        raise RuntimeError("device='cuda' needs CuPy: pip install -r requirements-gpu.txt")
    if not cupy.is_available():
        raise RuntimeError("device='cuda' needs a CUDA GPU, and CuPy found none on this machine")
    return cupy.asarray(array)


def special(name: str, array: Any) -> Any:
    """scipy.special.<name> (CPU) or cupyx.scipy.special.<name> (GPU) of an array: NumPy has no erf ufunc. In the
    array's dtype: SciPy has no float16 loop and answers a float16 array in float64."""
    if array_module(array) is np:
        import scipy.special as library
    else:
        import cupyx.scipy.special as library
    return getattr(library, name)(array).astype(array.dtype, copy=False)
