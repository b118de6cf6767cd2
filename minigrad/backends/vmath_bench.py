"""Throughput of elementwise math: NumPy's ufunc vs a parallel Numba loop over libm (`math.<fn>`) vs a parallel
Numba loop over `minigrad.backends.vmath` (the vectorisable versions).

    from minigrad.backends.vmath_bench import bench, format_table
    print(format_table(bench()))            # or: python -m minigrad.backends.vmath_bench

Reported: median elements/s (and quartiles) over `repeats` runs on arrays of `n` elements, outside the caches.
NumPy runs on one core, the Numba kernels on all cores (`parallel=True`). Compiling the 48 kernels takes a
while (~0.5 s each); it happens before timing. A parallel copy is timed too: no elementwise kernel can beat it.
"""
from __future__ import annotations

import functools
import math
import time

import numba
import numpy as np
import scipy.special
from numba import prange

from minigrad.backends import vmath
from minigrad.backends.vmath import _k, _where

inline = numba.njit(inline="always")


# libm baselines for the two composite functions, written like their vmath versions (typed constants)
@inline
def _libm_sigmoid(x):
    zero, one = _k(x, (0.0, 1.0))
    e = math.exp(-abs(x))
    return _where(x >= zero, one, e) / (one + e)


@inline
def _libm_softplus(x):
    zero = _k(x, 0.0)
    return _where(x > zero, x, zero) + math.log1p(math.exp(-abs(x)))


def _libm(fn):
    return inline(lambda x: fn(x))


# name: (NumPy/SciPy ufunc, libm scalar function, input range)
CASES = {
    "exp": (np.exp, _libm(math.exp), (-80, 80)),
    "expm1": (np.expm1, _libm(math.expm1), (-80, 80)),
    "log": (np.log, _libm(math.log), (1e-3, 100)),
    "log1p": (np.log1p, _libm(math.log1p), (-0.999, 100)),
    "tanh": (np.tanh, _libm(math.tanh), (-10, 10)),
    "sigmoid": (scipy.special.expit, _libm_sigmoid, (-10, 10)),
    "softplus": (lambda x, out: np.logaddexp(x, 0.0, out=out), _libm_softplus, (-10, 10)),
    "erf": (scipy.special.erf, _libm(math.erf), (-5, 5)),
    "erfc": (scipy.special.erfc, _libm(math.erfc), (-5, 9)),
    "sin": (np.sin, _libm(math.sin), (-100, 100)),
    "cos": (np.cos, _libm(math.cos), (-100, 100)),
    "atan": (np.arctan, _libm(math.atan), (-10, 10)),
}


@functools.cache
def parallel_map(fn):
    """out[i] = fn(x[i]) over all cores, compiled with the activation kernels' flags (contract, NumPy's errors)."""
    @numba.njit(parallel=True, error_model="numpy", fastmath={"contract"})
    def kernel(x, out):
        for i in prange(x.size):
            vmath.wide_vectors()  # inside the loop: Numba compiles a parallel loop's body as a function of its own
            out[i] = fn(x[i])

    return kernel


_copy = parallel_map(inline(lambda x: x))


def _time(call, repeats):
    call()                                      # compile / warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return np.asarray(times)


def bench(n: int = 2**22, repeats: int = 25, names=None, dtypes=(np.float32, np.float64), threads=None,
          seed: int = 0):
    """Rows {function, dtype, impl, median, q1, q3} with throughputs in elements/s (q1 < median < q3).

    `threads` limits the Numba kernels' threads (default: all); NumPy is single-threaded either way."""
    rng = np.random.default_rng(seed)
    rows = []
    previous = numba.get_num_threads()
    numba.set_num_threads(threads or numba.config.NUMBA_NUM_THREADS)
    try:
        _bench(n, repeats, names or list(CASES), dtypes, rng, rows)
    finally:
        numba.set_num_threads(previous)
    return rows


def _bench(n, repeats, names, dtypes, rng, rows):
    def record(name, dtype, impl, times):
        q1, med, q3 = np.percentile(n / times, [25, 50, 75])
        rows.append({"function": name, "dtype": np.dtype(dtype).name, "impl": impl, "median": med, "q1": q1, "q3": q3})

    for dtype in dtypes:
        x = rng.uniform(-1, 1, n).astype(dtype)
        out = np.empty_like(x)
        record("copy", dtype, "numba", _time(lambda: _copy(x, out), repeats))
        for name in names:
            ufunc, libm_fn, (lo, hi) = CASES[name]
            x = rng.uniform(lo, hi, n).astype(dtype)
            libm_kernel, vmath_kernel = parallel_map(libm_fn), parallel_map(getattr(vmath, name))
            record(name, dtype, "numpy", _time(lambda: ufunc(x, out=out), repeats))
            record(name, dtype, "numba libm", _time(lambda: libm_kernel(x, out), repeats))
            record(name, dtype, "numba vmath", _time(lambda: vmath_kernel(x, out), repeats))


def format_table(rows) -> str:
    """A Markdown table: median G elements/s per implementation (quartiles in brackets), vmath vs NumPy."""
    impls = ("numpy", "numba libm", "numba vmath")
    cells = {(r["function"], r["dtype"], r["impl"]): r for r in rows}

    def fmt(r):
        return f"{r['median'] / 1e9:.3f} [{r['q1'] / 1e9:.3f}-{r['q3'] / 1e9:.3f}]" if r else ""

    lines = ["| function | dtype | " + " | ".join(impls) + " | vmath / numpy |", "|---|---|---|---|---|---|"]
    for fn, dt in dict.fromkeys((r["function"], r["dtype"]) for r in rows):
        if fn == "copy":
            lines.append(f"| (parallel copy) | {dt} | | | {fmt(cells[(fn, dt, 'numba')])} | |")
            continue
        numpy_, libm, vm = (cells.get((fn, dt, impl)) for impl in impls)
        ratio = f"{vm['median'] / numpy_['median']:.1f}x" if numpy_ and vm else ""
        lines.append(f"| {fn} | {dt} | {fmt(numpy_)} | {fmt(libm)} | {fmt(vm)} | {ratio} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(f"Numba on {numba.config.NUMBA_NUM_THREADS} threads, NumPy on 1; G elements/s, median [quartiles]")
    print(format_table(bench()))
