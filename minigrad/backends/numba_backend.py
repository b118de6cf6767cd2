"""The Numba backend: each declaration's formulas compiled into fused, parallel CPU kernels.

For an activation, a dtype and a parameter layout, the formula graph (see `symbolic.py`) is turned into the
source of two kernels — forward `out[i] = f(x[i])` and backward `gx[i] = g[i] * f'(x[i])` plus one
`g[i] * df/dp(x[i])` per learnable parameter — written to a file in the kernel cache and compiled by Numba on first
use (see `numba_runtime.py`: the disk cache, and large arrays cut over the cores). The math functions they call
(`vmath.py`) are written so that LLVM vectorises the loop: no scalar libm calls.

Parameters come in three layouts: scalars (passed as kernel arguments), coefficient vectors (one scalar per
coefficient) and per-channel vectors (PReLU's slope per channel: the loop runs over (outer, channel, inner) blocks).
"""
from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import numpy as np

import numba  # noqa: F401  (the backend is unavailable, with this ImportError as the reason, without it)

from minigrad.activations.spec import ActivationSpec
from minigrad.backends import codegen, vmath  # noqa: F401  (vmath: the math the kernels call)
from minigrad.backends.layout import Layout, blocks, gradient_keys, gradients, graphs, in_kernel_order, layout_of
from minigrad.backends.numba_runtime import DECORATOR, launch, load_source

PRELUDE = '''\
import math

import numpy as np
from numba import njit

from minigrad.backends import vmath as vm


@njit(inline="always")
def _maximum(a, b):
    return a if (a > b) | (a != a) else b  # NaN in a propagates, as np.maximum


@njit(inline="always")
def _minimum(a, b):
    return a if (a < b) | (a != a) else b
'''
# Numba's cache checks a kernel's own file only: naming the math library's version in every kernel's source
# gives kernels new files (so fresh machine code) whenever vmath.py changes.
_VMATH_VERSION = hashlib.sha256(Path(vmath.__file__).read_bytes()).hexdigest()[:12]


def _loop(layout: Layout, loads: list[str], stores: list[str]) -> list[str]:
    """The loop nest: flat over elements; with a per-channel parameter, over (outer, channel, inner) blocks, or
    over (outer, channel) rows for an (N, C) input, so that the innermost loop is long and contiguous."""
    if not layout.channels:
        head, index, indent = ["    for i in range(x.size):"], "i", 8
    else:
        head = ["    for o in range(x.shape[0]):", "        for c in range(x.shape[1]):"]
        head += [f"            v_{name} = p_{name}[c]" for name in layout.channels]
        if layout.channels_last:
            index, indent = "o, c", 12
        else:
            head += ["            for j in range(x.shape[2]):"]
            index, indent = "o, c, j", 16
    return head + [" " * indent + line.format(index=index) for line in loads + stores]


def _python_literal(value: float) -> str:
    return repr(value) if math.isfinite(value) else ("np.nan" if math.isnan(value) else f"{'-' if value < 0 else ''}np.inf")


def kernel_source(spec: ActivationSpec, layout: Layout, dtype: np.dtype, wanted: tuple[str, ...]) -> str:
    """The Python source of the forward kernel (wanted == ()) or of the backward kernel for `wanted`."""
    dtype = np.dtype(dtype)
    outputs = graphs(spec, layout, wanted)
    code = codegen.body(outputs)
    scalar_args = [f"p_{name}" for name in layout.scalars + layout.channels] + \
                  [f"p_{name}" for name, _ in layout.vectors]
    out_names = ["out"] if not wanted else [f"g_{key}" for key in outputs]
    array_args = ["x"] + (["g"] if wanted else []) + out_names
    lines = [DECORATOR,
             f"def kernel({', '.join(array_args + scalar_args)}):",
             "    vm.wide_vectors()"]
    lines += [f"    {name} = np.{dtype.name}({_python_literal(value)})" for name, value in code.constants]
    lines += [f"    v_{name} = p_{name}" for name in layout.scalars]
    lines += [f"    v_{name}_{k} = p_{name}[{k}]" for name, size in layout.vectors for k in range(size)]
    loads = ["v_x = x[{index}]"] + (["v_g = g[{index}]"] if wanted else [])
    stores = [f"{target} = {expression}" for target, expression in code.statements]
    if wanted:
        stores += [f"g_{key}[{{index}}] = v_g * {code.results[key]}" for key in outputs]
    else:
        stores += [f"out[{{index}}] = {code.results['out']}"]
    lines += _loop(layout, loads, stores)
    return f"# vmath {_VMATH_VERSION}\n" + PRELUDE + "\n\n" + "\n".join(lines) + "\n"


_kernels: dict[tuple, Any] = {}


def compiled(spec: ActivationSpec, layout: Layout, dtype: np.dtype, wanted: tuple[str, ...]) -> Any:
    """The kernel for this activation, layout, dtype and set of gradients, generated and compiled once."""
    key = (spec.name, layout, np.dtype(dtype).str, wanted)
    kernel = _kernels.get(key)
    if kernel is None:
        kernel = _kernels[key] = load_source(spec.name, kernel_source(spec, layout, dtype, wanted)).kernel
    return kernel


def _arguments(layout: Layout, params: dict[str, Any], dtype: np.dtype) -> list[Any]:
    scalar = [dtype.type(float(np.asarray(params[name]))) for name in layout.scalars]
    channel = [np.ascontiguousarray(np.asarray(params[name], dtype=dtype).reshape(-1)) for name in layout.channels]
    vector = [np.ascontiguousarray(np.asarray(params[name], dtype=dtype).reshape(-1)) for name, _ in layout.vectors]
    return scalar + channel + vector


class NumbaBackend:
    """Fused, parallel, vectorised CPU kernels generated from the declarations."""

    name = "numba"

    def forward(self, spec: ActivationSpec, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        layout = layout_of(spec, params, x.shape)
        x = np.ascontiguousarray(x)
        out = np.empty_like(x)
        kernel = compiled(spec, layout, x.dtype, ())
        launch(kernel, (blocks(x, layout), blocks(out, layout)), *_arguments(layout, params, x.dtype))
        return out

    def backward(self, spec: ActivationSpec, x: np.ndarray, g: np.ndarray, params: dict[str, Any],
                 wanted: tuple[str, ...]) -> dict[str, np.ndarray]:
        layout = layout_of(spec, params, x.shape)
        wanted = in_kernel_order(wanted)
        x, g = np.ascontiguousarray(x), np.ascontiguousarray(g, dtype=x.dtype)
        products = {key: np.empty_like(x) for key in gradient_keys(layout, wanted)}
        kernel = compiled(spec, layout, x.dtype, wanted)
        launch(kernel, (blocks(x, layout), blocks(g, layout), *(blocks(b, layout) for b in products.values())),
               *_arguments(layout, params, x.dtype))
        return gradients(np, layout, wanted, products, params, x.dtype)
