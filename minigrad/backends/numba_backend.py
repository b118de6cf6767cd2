"""The Numba backend: each declaration's formulas compiled into fused, parallel CPU kernels.

For an activation, a dtype and a parameter layout, the formula graph (see `symbolic.py`) is turned into the
source of two kernels — forward `out[i] = f(x[i])` and backward `gx[i] = g[i] * f'(x[i])` plus, per learnable
parameter, the sum of `g[i] * df/dp(x[i])` taken in the same pass — written to a file in the kernel cache and
compiled by Numba on first use (see `numba_runtime.py`: the disk cache, and large arrays cut over the cores).
The math functions they call (`vmath.py`) are written so that LLVM vectorises the loop: no scalar libm calls.

Parameters come in three layouts: scalars (passed as kernel arguments), coefficient vectors (one scalar per
coefficient) and per-channel vectors (PReLU's slope per channel: the loop runs over (outer, channel, inner) blocks).

A parameter's gradient is summed without writing the per-element products to memory: they go to a buffer of
BLOCK elements that stays in the L1 cache and is summed in float64 after each block (by `_block_sum`, the one
function allowed to reorder its additions, so that the sum runs in SIMD lanes). Measured on 2^22 float32 elements
against per-element products summed by NumPy: 1.25x (Snake) to 4x (a degree-(5, 4) rational) faster, and the
float64 sums are more accurate.

A light kernel (up to ~80 operations, none costly) is limited by memory, not arithmetic: for a large output it
writes its results with streaming stores, which skip reading the output's old contents (`numba_stream.py`).
"""
from __future__ import annotations

import hashlib
import math
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import numba  # noqa: F401  (the backend is unavailable, with this ImportError as the reason, without it)

from minigrad.activations.spec import ActivationSpec
from minigrad.backends import codegen, numba_stream, vmath  # noqa: F401  (what the kernels call)
from minigrad.backends.layout import (Layout, blocks, contiguous, gradient_keys, gradients, graphs, in_kernel_order,
                                      layout_of)
from minigrad.backends.numba_runtime import DECORATOR, launch, load_source, parallel_source
from minigrad.backends.symbolic import schedule

PRELUDE = '''\
import math

import numpy as np
from numba import njit

from minigrad.backends import numba_stream as vs
from minigrad.backends import vmath as vm


@njit(inline="always")
def _maximum(a, b):
    return a if (a > b) | (a != a) else b  # NaN in a propagates, as np.maximum


@njit(inline="always")
def _minimum(a, b):
    return a if (a < b) | (a != a) else b


BLOCK = 512  # elements per row: the buffered products of a row stay in the L1 cache until they are summed


@njit(nogil=True, fastmath={"reassoc", "contract"})
def _block_sum(values, n):
    # reassoc on this function's additions only: the sum runs in SIMD lanes; float64 keeps it accurate
    total = 0.0
    for t in range(n):
        total += np.float64(values[t])
    return total
'''
# A kernel streams its output (numba_stream.py) when memory, not arithmetic, limits it. Measured on 2^24 float32
# elements, each variant in its own process, streaming against plain stores: bodies of up to ~80 operations (a
# division counted as 10: its vector form takes ~10 cycles) ran 1.1-2x faster (ReLU, Cauchy, PAU and rationals
# forward and backward, tropical); Mittag-Leffler's series (92) ran 1.0-0.65x as fast, and the exp-based units
# (sigmoid, SiLU, tanh: costly functions) 0.9-1.15x.
STREAM_COST = 85
DIVISION_COST = 10

# Numba's cache checks a kernel's own file only: naming the version of the functions it inlines in every
# kernel's source gives kernels new files (so fresh machine code) whenever vmath.py or numba_stream.py changes.
_LIBRARY_VERSION = hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in (vmath, numba_stream))).hexdigest()[:12]


def _loop(layout: Layout, arrays: list[str], channel: list[str], body: list[str], sums: list[str]) -> list[str]:
    """The loop nest around the per-element `body`, which reads and writes element t of the rows r_<array>.

    A row is the whole flat array, or with a per-channel parameter (`channel`: its loads) one (outer, channel)
    block, or for an (N, C) input one sample, with the channel loop innermost. A kernel that sums parameter
    gradients cuts its rows into rows of BLOCK elements: after each, the products g * df/dp buffered in b_<key>
    are added to the float64 sums s_<key>[channel] (with the channel loop innermost, they are added directly).
    """
    def rows(index: str) -> str:
        views = [f"{name}[{index}]" if index else name for name in arrays]
        return f"{', '.join(f'r_{name}' for name in arrays)} = {', '.join(views)}"

    if layout.channels_last:
        head = ["    for o in range(x.shape[0]):", "        n = x.shape[1]", "        " + rows("o")]
        body = [line.format(t="t") for line in channel] + body
        return head + ["        for t in range(n):"] + [f"            {line}" for line in body]
    if layout.channels:
        head = ["    for o in range(x.shape[0]):", "        for c in range(x.shape[1]):"]
        head += [f"            {line.format(t='c')}" for line in channel]
        outer, size, indent, at = "o, c, ", "x.shape[2]", "            ", "c"
    else:
        head, outer, size, indent, at = [], "", "x.size", "    ", "0"
    if sums:
        head += [f"{indent}for j0 in range(0, {size}, BLOCK):", f"{indent}    n = min(BLOCK, {size} - j0)",
                 f"{indent}    {rows(outer + 'j0:j0 + n')}"]
        indent += "    "
    else:
        head += [f"{indent}n = {size}", f"{indent}{rows(outer[:-2])}"]
    return head + [f"{indent}for t in range(n):"] + [f"{indent}    {line}" for line in body] + \
        [f"{indent}s_{key}[{at}] += _block_sum(b_{key}, n)" for key in sums]


def _streamed_loop(arrays: list[str], body: list[str], dtype: np.dtype, plain: list[str]) -> list[str]:
    """`plain` (the loop of a flat kernel) as the branch for `streaming` false; when true, the kernel computes
    blocks of BLOCK results into the buffer b_<output> (the last array), which `numba_stream.stream` writes out.
    The blocks end on cache-line boundaries of the output, so that its lines are written whole."""
    out = arrays[-1]
    views = ", ".join(f"{name}[lo:hi]" for name in arrays[:-1]) + f", b_{out}"
    streamed = [f"b_{out} = np.empty(BLOCK, np.{dtype.name})",
                f"skew = ({out}.ctypes.data % vs.LINE) // {out}.itemsize",
                "for j0 in range(-skew, x.size, BLOCK):",
                "    lo, hi = max(j0, 0), min(j0 + BLOCK, x.size)",
                "    n = hi - lo",
                f"    {', '.join(f'r_{name}' for name in arrays)} = {views}",
                "    for t in range(n):"] + [f"        {line}" for line in body] + \
        [f"    vs.stream({out}, lo, b_{out}, n)", "vs.fence()"]
    return ["    if streaming:"] + [f"        {line}" for line in streamed] + ["    else:"] + \
        [f"    {line}" for line in plain]


def _python_literal(value: float) -> str:
    return repr(value) if math.isfinite(value) else ("np.nan" if math.isnan(value) else f"{'-' if value < 0 else ''}np.inf")


def _normal_or_zero(value: float, dtype: np.dtype) -> float:
    """0 for a constant that is subnormal in `dtype`, else the constant.

    x86 CPUs take a microcode assist of ~100 cycles for every vector operation that touches a subnormal: the far
    coefficients 1/Gamma(k + 1) < 1.2e-38 of mittag_leffler_gated's series made its float32 kernel 14x slower.
    Such a constant keeps only a few significant bits in that dtype anyway.
    """
    return 0.0 if 0.0 < abs(value) < np.finfo(dtype).tiny else value


def kernel_source(spec: ActivationSpec, layout: Layout, dtype: np.dtype, wanted: tuple[str, ...]) -> str:
    """The Python source of the forward kernel (wanted == ()) or of the backward kernel for `wanted`; a backward
    kernel returns the float64 sums of its parameter gradients (one per channel, or one), a tuple in key order."""
    dtype = np.dtype(dtype)
    outputs = graphs(spec, layout, wanted)
    code = codegen.body(outputs)
    sums = [key for key in outputs if key not in ("x", "out")]
    arrays = ["x"] + (["g"] if wanted else []) + (["g_x"] if "x" in outputs else []) + \
        (["out"] if not wanted else [])
    streamed = arrays[-1] if _streams(layout, outputs) else ""
    scalar_args = (["streaming"] if streamed else []) + [f"p_{name}" for name in layout.scalars + layout.channels] + \
        [f"p_{name}" for name, _ in layout.vectors]
    lines = [DECORATOR,
             f"def kernel({', '.join(arrays + scalar_args)}):",
             "    vm.wide_vectors()"]
    lines += [f"    {name} = np.{dtype.name}({_python_literal(_normal_or_zero(value, dtype))})"
              for name, value in code.constants]
    lines += [f"    v_{name} = p_{name}" for name in layout.scalars]
    lines += [f"    v_{name}_{k} = p_{name}[{k}]" for name, size in layout.vectors for k in range(size)]
    sum_size = "x.shape[1]" if layout.channels else "1"
    lines += [f"    s_{key} = np.zeros({sum_size})" for key in sums]
    if not layout.channels_last:
        lines += [f"    b_{key} = np.empty(BLOCK, np.{dtype.name})" for key in sums]
    body = ["v_x = r_x[t]"] + (["v_g = r_g[t]"] if wanted else [])
    body += [f"{target} = {expression}" for target, expression in code.statements]
    if "x" in outputs:
        body += [f"r_g_x[t] = v_g * {code.results['x']}"]
    if not wanted:
        body += [f"r_out[t] = {code.results['out']}"]
    add = "s_{}[t] += v_g * {}" if layout.channels_last else "b_{}[t] = v_g * {}"
    body += [add.format(key, code.results[key]) for key in sums]
    channel = [f"v_{name} = p_{name}[{{t}}]" for name in layout.channels]
    loop = _loop(layout, arrays, channel, body, sums)
    lines += _streamed_loop(arrays, body, dtype, loop) if streamed else loop
    if sums:
        lines += [f"    return ({''.join(f's_{key}, ' for key in sums)})"]
    driver = parallel_source("kernel", arrays, scalar_args, [sum_size] * len(sums))
    return f"# vmath + numba_stream {_LIBRARY_VERSION}\n" + PRELUDE + f"STREAMS = {bool(streamed)}\n\n\n" + "\n".join(lines) + \
        "\n\n\n" + driver


def _streams(layout: Layout, outputs: dict) -> bool:
    """Whether the kernel writes its one output with streaming stores (when it is large): a flat array, no
    parameter sums, and a body so light (no costly function, at most STREAM_COST operations) that memory, not
    arithmetic, limits it."""
    order = [e for e in schedule(outputs.values()) if e.op not in ("const", "var")]
    if any(map(codegen.costly, order)) or set(outputs) - {"x", "out"} or layout.channels or layout.channels_last:
        return False
    return len(order) + (DIVISION_COST - 1) * sum(e.op == "div" for e in order) <= STREAM_COST


_kernels: dict[tuple, ModuleType] = {}


def compiled(spec: ActivationSpec, layout: Layout, dtype: np.dtype, wanted: tuple[str, ...]) -> ModuleType:
    """The module of the kernel for this activation, layout, dtype and set of gradients (`kernel` and
    `parallel_kernel`), generated once; Numba compiles each on its first call."""
    key = (spec.name, layout, np.dtype(dtype).str, wanted)
    module = _kernels.get(key)
    if module is None:
        module = _kernels[key] = load_source(spec.name, kernel_source(spec, layout, dtype, wanted))
    return module


def _streaming(module: ModuleType, out: np.ndarray) -> tuple[bool, ...]:
    """The `streaming` argument of a kernel that can stream its output: whether `out` is that large."""
    return (out.nbytes >= numba_stream.STREAM_FROM,) if module.STREAMS else ()


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
        x = contiguous(np, x)
        out = np.empty_like(x)
        module = compiled(spec, layout, x.dtype, ())
        launch(module, "kernel", (blocks(x, layout), blocks(out, layout)),
               *_streaming(module, out), *_arguments(layout, params, x.dtype))
        return out

    def backward(self, spec: ActivationSpec, x: np.ndarray, g: np.ndarray, params: dict[str, Any],
                 wanted: tuple[str, ...]) -> dict[str, np.ndarray]:
        layout = layout_of(spec, params, x.shape)
        wanted = in_kernel_order(wanted)
        x, g = contiguous(np, x), contiguous(np, g, x.dtype)
        gx = np.empty_like(x) if "x" in wanted else None
        arrays = (x, g) if gx is None else (x, g, gx)
        module = compiled(spec, layout, x.dtype, wanted)
        totals = launch(module, "kernel", tuple(blocks(a, layout) for a in arrays),
                        *_streaming(module, arrays[-1]), *_arguments(layout, params, x.dtype))
        keys = [key for key in gradient_keys(layout, wanted) if key != "x"]
        sums = {key: total if key in layout.channels else total.sum() for key, total in zip(keys, totals or ())}
        return gradients(np, layout, wanted, gx, sums, params, x.dtype)
