"""B-spline bases of a KAN layer as Numba kernels: the basis (or one of its derivatives) and the contraction
sum_i g_i D^d B_i(x) that backward needs, each in one pass over the inputs.

At any x only k + 1 of the G + k B-splines of degree k are non-zero: those of the interval [t_j, t_(j+1)) that
holds x. The NumPy reference (`minigrad.activations.kan`) runs Cox-de Boor on every basis function of every x,
zeros included, with temporary arrays at each step. Here each x finds its interval, then computes the k + 1
values v_0 ... v_k (v_r = B_(j-k+r)) in a triangle (de Boor's scheme): degrees 1 ... k - d by Cox-de Boor,

    B_(i,q) = (x - t_i) / (t_(i+q) - t_i) B_(i,q-1) + (t_(i+q+1) - x) / (t_(i+q+1) - t_(i+1)) B_(i+1,q-1),

then d rounds of the derivative rule

    D B_(i,q) = q [D B_(i,q-1) / (t_(i+q) - t_i) - D B_(i+1,q-1) / (t_(i+q+1) - t_(i+1))],

with 1/0 taken as 0 where knots repeat; NaN gives NaN. The triangle is generated for each degree k with the v_r
as scalar variables (a loop over a small array is ~3x slower: the values would live in memory, the loops would
not unroll).
The reciprocals 1 / (t_(i+q) - t_i) come from a table made once per call, so the kernels do no division. Near
the ends of the knot vector the triangle also holds functions that would need knots beyond it; the padded
tables give them finite values and they are dropped (they only ever feed each other).

Knots come one row per input feature: a KAN layer's grids differ per input after `update_grid`. The source is
written to the kernel cache (`numba_runtime.load_source`) and compiled on first use, once per degree and dtype,
with Numba's disk cache.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.backends.numba_runtime import DECORATOR, launch, load_source, parallel_source

HEADER = '''\
import numpy as np
from numba import njit

'''


def _triangle(k: int) -> list[str]:
    """Statements leaving v_r = D^order B_(j-k+r, k)(xv) in v0 ... vk. Tables are padded by k: column j + k + s
    of `t` and `inv` belongs to knot index j + s."""
    lines = ["v0 = one"]
    for q in range(1, k + 1):
        plain, derivative = [], []
        for r in range(q, -1, -1):  # downwards: v_(r-1) still holds degree q - 1 when v_r is overwritten
            i, i_next, i_end = r - q + k, r - q + k + 1, r + k + 1  # columns of t_i, t_(i+1), t_(i+q+1)
            rise, fall = f"inv[f, {q}, j + {i}]", f"inv[f, {q}, j + {i_next}]"
            terms, slopes = [], []
            if r > 0:
                terms.append(f"(xv - t[f, j + {i}]) * {rise} * v{r - 1}")
                slopes.append(f"v{r - 1} * {rise}")
            if r < q:
                terms.append(f"(t[f, j + {i_end}] - xv) * {fall} * v{r}")
                slopes.append(f"v{r} * {fall}")
            plain.append(f"    v{r} = {' + '.join(terms)}")
            derivative.append(f"    v{r} = degree{q} * ({' - '.join(slopes) if r > 0 else '-' + slopes[0]})")
        lines += [f"if order > {k - q}:"] + derivative + ["else:"] + plain
    return lines


def _kernel(name: str, k: int, arguments: str, start: str, nan: str, use: str, finish: str) -> list[str]:
    """One kernel: for every (b, f), `start`; `nan` where x[b, f] is NaN; else find the interval j of x[b, f] on
    knots[f], run the triangle and `use` each v_r with its basis index i = j - k + r (formatted with {r}); then
    `finish`."""
    lines = [DECORATOR, f"def {name}(x, {arguments}, knots, t, inv, order):",
             "    n = knots.shape[1]",
             f"    n_basis = n - {k + 1}",
             "    for b in range(x.shape[0]):",
             "        for f in range(x.shape[1]):",
             "            xv = x[b, f]"]
    lines += [f"            {start}"] if start else []
    lines += ["            count = 0",
              "            for m in range(n):",
              "                count += knots[f, m] <= xv",  # branch-free: the knots are sorted
              "            j = count - 1",
              "            if xv != xv:",
              f"                {nan}",
              "            elif j >= 0 and j < n - 1:"]
    lines += ["                " + line for line in _triangle(k)]
    for r in range(k + 1):
        lines += [f"                i = j - {k - r}",
                  "                if i >= 0 and i < n_basis:",
                  "                    " + use.format(r=r)]
    lines += [f"            {finish}"] if finish else []
    return lines


def kernel_source(k: int, dtype: np.dtype) -> str:
    """The module holding `basis_kernel` and `contract_kernel` for degree k in dtype."""
    dtype = np.dtype(dtype)
    constants = [f"zero, one = np.{dtype.name}(0.0), np.{dtype.name}(1.0)"]
    constants += [f"degree{q} = np.{dtype.name}({q}.0)" for q in range(1, k + 1)]
    basis = _kernel("basis_kernel", k, "out", "", "out[b, f, :] = xv", "out[b, f, i] = v{r}", "")
    contract = _kernel("contract_kernel", k, "g, out", "total = zero", "total = xv", "total += g[b, f, i] * v{r}",
                       "out[b, f] = total")
    drivers = [parallel_source("basis_kernel", ["x", "out"], ["knots", "t", "inv", "order"]),
               parallel_source("contract_kernel", ["x", "g", "out"], ["knots", "t", "inv", "order"])]
    return HEADER + "\n".join(constants) + "\n\n\n" + "\n\n\n".join(["\n".join(basis), "\n".join(contract)] + drivers)


def _compiled(k: int, dtype: np.dtype) -> Any:
    """The kernel module for degree k and dtype: its source written to the kernel cache, imported once."""
    return load_source("bspline", kernel_source(k, dtype))


def _tables(knots: np.ndarray, k: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Knots padded by k columns on each side by repeating the end knots, and
    inv[f, q, i + k] = 1 / (t_(i+q) - t_i), 0 where the knots coincide or t_(i+q) lies beyond the last knot."""
    features, n = knots.shape
    padded = knots[:, np.clip(np.arange(-k, n + k), 0, n - 1)]
    inv = np.zeros((features, k + 1, n + 2 * k))
    for q in range(1, k + 1):
        gap = knots[:, q:] - knots[:, :-q]
        inv[:, q, k:k + n - q] = np.divide(1.0, gap, out=np.zeros_like(gap), where=gap != 0)
    return padded.astype(dtype), inv.astype(dtype)


def _arguments(x: np.ndarray, knots: np.ndarray, k: int) -> tuple[np.ndarray, ...]:
    x = np.ascontiguousarray(x)
    return (x, np.ascontiguousarray(knots, dtype=x.dtype), *_tables(np.asarray(knots, dtype=np.float64), k, x.dtype))


def basis(x: np.ndarray, knots: np.ndarray, k: int, order: int) -> np.ndarray:
    """D^order B_(i,k) (order <= k) for x (batch, features) on knots (features, n): (batch, features, n - k - 1)."""
    args = _arguments(x, knots, k)
    out = np.zeros(x.shape + (knots.shape[1] - k - 1,), dtype=args[0].dtype)
    x, *tables = args
    launch(_compiled(k, out.dtype), "basis_kernel", (x, out), *tables, order)
    return out


def contract(x: np.ndarray, knots: np.ndarray, k: int, order: int, g: np.ndarray) -> np.ndarray:
    """sum_i g[b, f, i] D^order B_(i,k)(x[b, f]) (order <= k): backward without the (batch, features, basis)
    array of derivatives."""
    args = _arguments(x, knots, k)
    out = np.empty_like(args[0])
    x, *tables = args
    launch(_compiled(k, out.dtype), "contract_kernel", (x, np.ascontiguousarray(g, dtype=out.dtype), out), *tables,
           order)
    return out
