"""Backends: who computes a pointwise activation's forward and backward.

    numpy   the reference: the declaration's formulas on whole arrays (always available)
    numba   fused, parallel, vectorised CPU kernels generated from the same formulas (the default on the CPU
            when Numba imports)
    cupy    CUDA kernels generated from the same formulas, for tensors on a GPU (needs CuPy and a GPU)

    minigrad.use_backend("numpy")            # from now on (the CPU backends: numpy, numba)
    with minigrad.use_backend("numpy"): ...  # inside the block only
    minigrad.backends.available()            # each backend, and why one is unavailable

A tensor on a GPU is always computed by cupy: the device of the data chooses, not use_backend.

Gradients of gradients (create_graph=True) always go through the Tensor form of the formulas, whatever the
backend, so that they can be differentiated again.
"""
from __future__ import annotations

import threading
from typing import Any

from minigrad.backends.reference import NumpyBackend
from minigrad.device import device_of

NAMES = ("numpy", "numba")  # the CPU backends, chosen with use_backend
GPU = "cupy"  # computes the tensors that live on a GPU
_local = threading.local()
_default: list[str | None] = [None]  # None: the best available
_instances: dict[str, Any] = {"numpy": NumpyBackend()}
_problems: dict[str, str] = {}


def _load(name: str) -> Any | None:
    if name in _instances:
        return _instances[name]
    if name in _problems:
        return None
    try:
        _instances[name] = _create(name)
    except (ImportError, RuntimeError) as e:
        _problems[name] = f"{type(e).__name__}: {e}"
        return None
    return _instances[name]


def _create(name: str) -> Any:
    if name == GPU:
        from minigrad.backends.cupy_backend import CupyBackend, require_gpu

        require_gpu()
        return CupyBackend()
    from minigrad.backends.numba_backend import NumbaBackend

    return NumbaBackend()


def available() -> dict[str, str]:
    """Each backend -> "available", or "unavailable: <why>"."""
    return {name: "available" if _load(name) is not None else f"unavailable: {_problems[name]}"
            for name in NAMES + (GPU,)}


def current_name() -> str:
    """The backend that computes activations here and now."""
    chosen = getattr(_local, "name", None) or _default[0]
    if chosen is not None:
        return chosen
    return "numba" if _load("numba") is not None else "numpy"


def current(array: Any = None) -> Any:
    """The backend that computes activations on `array` here and now: cupy for an array on a GPU, else the
    selected CPU backend."""
    if array is None or device_of(array) == "cpu":
        return _load(current_name())
    backend = _load(GPU)
    if backend is None:
        raise RuntimeError(f"this tensor lives on a GPU, but the GPU backend is unavailable: {_problems[GPU]}")
    return backend


class use_backend:
    """Select the backend: at once and for good, or — used as a context manager — for this thread until the
    block ends (then the global setting is left as it was)."""

    def __init__(self, name: str):
        if name == GPU:
            raise ValueError(f"{GPU} computes the tensors on a GPU (Tensor(..., device='cuda')), chosen by their "
                             f"device; use_backend chooses among the CPU backends: {', '.join(NAMES)}")
        if name not in NAMES:
            raise ValueError(f"unknown backend {name!r}; the backends are {', '.join(NAMES)}")
        if _load(name) is None:
            raise RuntimeError(f"backend {name!r} is unavailable: {_problems[name]}")
        self.name = name
        self._previous_global, self._previous_local = _default[0], getattr(_local, "name", None)
        _default[0] = name

    def __enter__(self) -> use_backend:
        _default[0] = self._previous_global
        _local.name = self.name
        return self

    def __exit__(self, *exc: object) -> None:
        _local.name = self._previous_local
