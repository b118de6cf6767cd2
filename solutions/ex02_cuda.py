"""Lesson 02: the body of a CUDA kernel — SiLU's math as CUDA C, checked on the CPU.

On a GPU every thread computes one element: the math lives in small `__device__` functions and a `__global__`
loop hands each thread its index. The same C source also compiles with the ordinary C++ compiler once CUDA's
keywords are given plain meanings (`minigrad.backends.cuda_check`), so its numbers can be checked here against
the float64 reference, on a machine without a GPU.
"""
from __future__ import annotations

import ctypes
import tempfile
from pathlib import Path

import numpy as np

from minigrad.backends.cuda_check import cpu_library

# What the GPU runs around the device functions: one thread per element, a grid-stride loop over n.
GLOBALS = r"""
extern "C" __global__ void silu_forward_kernel(const float* x, float* out, const long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x)
        out[i] = silu_forward(x[i]);
}

extern "C" __global__ void silu_backward_kernel(const float* x, const float* g, float* grad_input, const long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x)
        grad_input[i] = silu_backward(x[i], g[i]);
}
"""


def silu_device_functions() -> str:
    """The CUDA C source of two float32 device functions: `silu_forward(x)` and `silu_backward(x, g)`.

    Goal: `__device__ float silu_forward(const float x)` returning silu(x), and
    `__device__ float silu_backward(const float x, const float g)` returning g * silu'(x), in float arithmetic
    only (float constants carry an `f` suffix: 1.0f; a bare 1.0 is a double and makes the GPU compute in double)
    and safe for every finite x.
    Formula: s = sigmoid(x) = 1 / (1 + e^-x); silu(x) = x s; silu'(x) = s (1 + x (1 - s)).
    First hint: CUDA's float math functions end in f (expf, fabsf). As on the CPU, e = expf(-fabsf(x)) never
    overflows: s = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, and 1 - s is the other of the two.
    """
    # BEGIN EXERCISE ex02_2 (§5 The same formula as a CUDA kernel)
    return r"""
__device__ __forceinline__ float silu_forward(const float x) {
    const float e = expf(-fabsf(x));
    const float s = (x >= 0.0f ? 1.0f : e) / (1.0f + e);
    return x * s;
}

__device__ __forceinline__ float silu_backward(const float x, const float g) {
    const float e = expf(-fabsf(x));
    const float s = (x >= 0.0f ? 1.0f : e) / (1.0f + e);
    const float one_minus_s = (x >= 0.0f ? e : 1.0f) / (1.0f + e);
    return g * s * (1.0f + x * one_minus_s);
}
"""
    # END EXERCISE ex02_2


def kernels_source() -> str:
    """The whole translation unit: the device functions and the `__global__` loops that call them."""
    return silu_device_functions() + GLOBALS


def run_on_cpu(x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """silu(x) and g * silu'(x) computed by the CUDA source compiled for the CPU (float32 arrays of one shape)."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    g = np.ascontiguousarray(g, dtype=np.float32)
    if x.shape != g.shape:
        raise ValueError(f"run_on_cpu: x has shape {x.shape} but g has shape {g.shape}")
    library = cpu_library(kernels_source(), Path(tempfile.mkdtemp(prefix="minigrad-ex02-")))
    out, grad_input = np.empty_like(x), np.empty_like(x)
    pointer = lambda array: ctypes.c_void_p(array.ctypes.data)  # noqa: E731
    library.silu_forward_kernel(pointer(x), pointer(out), ctypes.c_longlong(x.size))
    library.silu_backward_kernel(pointer(x), pointer(g), pointer(grad_input), ctypes.c_longlong(x.size))
    return out, grad_input
