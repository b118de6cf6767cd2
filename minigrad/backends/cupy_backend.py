"""The CuPy backend: each declaration's formulas compiled into CUDA kernels for tensors on a GPU.

The kernels are those of `cuda_codegen.py` — the same traced formula graphs as the Numba kernels, written in CUDA
C — run as `cupy.ElementwiseKernel`s: a forward kernel `out = f(x)` and one fused backward kernel computing
`g * f'(x)` and the per-element products `g * df/dp` that are then summed into each parameter's gradient. CuPy
compiles a kernel with NVRTC on its first call and keeps the binary in its disk cache (~/.cupy/kernel_cache);
this backend keeps one kernel object per activation, dtype, parameter layout and static parameter values.

The backend is chosen by where a tensor lives: arrays on a GPU always go through it, whatever the CPU backend
(`minigrad.use_backend`) is. Without CuPy, or with CuPy but no GPU, it is unavailable and says why
(`minigrad.backends.available()`).
"""
from __future__ import annotations

import dataclasses
import threading
from typing import Any, Callable

import numpy as np

from minigrad.activations.spec import ActivationSpec
from minigrad.backends import cuda_codegen
from minigrad.backends.layout import (Layout, contiguous, gradient_keys, gradients, in_kernel_order, layout_of,
                                      parameter_sums)
from minigrad.device import array_module

Launch = Callable[..., Any]  # called with a kernel's inputs, then its outputs (see cuda_codegen.Kernel)


def require_gpu() -> None:
    """Raise (ImportError, RuntimeError) saying why CUDA kernels cannot run here; return if they can."""
    try:
        import cupy
    except ImportError as e:
        if e.name == "cupy":
            raise ImportError("CuPy is not installed: pip install -r requirements-gpu.txt") from None
        raise ImportError(f"CuPy does not import: {e}") from None
    if not cupy.is_available():
        raise RuntimeError("CuPy is installed but found no CUDA GPU on this machine")


def elementwise_kernel(kernel: cuda_codegen.Kernel) -> Launch:
    """`kernel` as a cupy.ElementwiseKernel (compiled by CuPy on its first call)."""
    import cupy

    return cupy.ElementwiseKernel(kernel.in_params, kernel.out_params, kernel.operation, kernel.name,
                                  preamble=kernel.preamble, no_return=True)


def _scalar(value: Any, dtype: np.dtype) -> Any:
    """A scalar parameter as the kernel takes it: a number in the kernel's dtype, or — a learnable parameter —
    a 0-d array in that dtype, left where it lives (reading it on the host would wait for the GPU)."""
    if hasattr(value, "shape"):
        return value.astype(dtype, copy=False).reshape(())
    return dtype.type(value)


class CupyBackend:
    """CUDA kernels generated from the declarations, for CuPy arrays.

    `launch` turns a generated kernel into something callable with its inputs and outputs; it is
    `cupy.ElementwiseKernel` (the default) on a GPU. The tests pass the same kernels compiled for the CPU, so
    that this class's work — layouts, arguments, the sums of the parameter gradients — is checked without a GPU.
    """

    name = "cupy"

    def __init__(self, launch: Callable[[cuda_codegen.Kernel], Launch] = elementwise_kernel):
        self._launch = launch
        self._kernels: dict[tuple, Launch] = {}
        self._lock = threading.Lock()

    def kernel(self, spec: ActivationSpec, layout: Layout, dtype: Any, wanted: tuple[str, ...]) -> Launch:
        """The kernel for this activation, layout (static values included), dtype and set of gradients."""
        # the CUDA kernels index channels the same way whatever the input's rank
        key = (spec.name, dataclasses.replace(layout, channels_last=False), np.dtype(dtype).str, wanted)
        with self._lock:
            if key not in self._kernels:
                self._kernels[key] = self._launch(cuda_codegen.kernel(spec, layout, dtype, wanted))
            return self._kernels[key]

    def forward(self, spec: ActivationSpec, x: Any, params: dict[str, Any]) -> Any:
        xp = array_module(x)
        layout = layout_of(spec, params, x.shape)
        x = contiguous(xp, x)
        out = xp.empty_like(x)
        self.kernel(spec, layout, x.dtype, ())(x, *_arguments(xp, layout, params, x), out)
        return out

    def backward(self, spec: ActivationSpec, x: Any, g: Any, params: dict[str, Any],
                 wanted: tuple[str, ...]) -> dict[str, Any]:
        """Gradients for the names in `wanted` ("x" and/or parameter names), each in its input's shape."""
        xp = array_module(x)
        layout = layout_of(spec, params, x.shape)
        wanted = in_kernel_order(wanted)
        x, g = contiguous(xp, x), contiguous(xp, g, x.dtype)
        products = {key: xp.empty_like(x) for key in gradient_keys(layout, wanted)}
        self.kernel(spec, layout, x.dtype, wanted)(x, g, *_arguments(xp, layout, params, x), *products.values())
        return gradients(xp, layout, wanted, products.get("x"), parameter_sums(layout, products), params, x.dtype)


def _arguments(xp: Any, layout: Layout, params: dict[str, Any], x: Any) -> list[Any]:
    """The parameter arguments in the order of `cuda_codegen.Kernel.inputs`: scalars, then per-channel and
    coefficient vectors as whole arrays, then (with a per-channel parameter) the elements per channel block
    and the number of channels."""
    dtype = x.dtype
    arguments = [_scalar(params[name], dtype) for name in layout.scalars]
    vectors = layout.channels + tuple(name for name, _ in layout.vectors)
    arguments += [xp.ascontiguousarray(xp.asarray(params[name], dtype=dtype).reshape(-1)) for name in vectors]
    if layout.channels:
        inner = int(np.prod(x.shape[2:], dtype=np.int64))
        arguments += [np.int64(inner), np.int64(x.shape[1])]
    return arguments
