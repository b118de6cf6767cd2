"""What a generated kernel computes, whatever the language: its parameter layout, its formulas, its outputs.

The kernel backends (Numba on the CPU, CuPy on a GPU) share these steps:

1. `layout_of` sorts the parameters by how they reach the kernel: scalars (kernel arguments), coefficient
   vectors (one scalar per coefficient), per-channel vectors (PReLU's slope per channel, indexed by the element's
   channel) and static values (choices, counts, fixed breakpoints: baked into the kernel as constants);
2. `graphs` traces the formulas the kernel evaluates per element: f for the forward kernel; for the backward
   kernel df/dx and one df/dp per learnable parameter (per coefficient for a vector), each later multiplied by
   the upstream gradient g;
3. `gradients` puts each parameter's sum of the per-element products g * df/dp (summed in the kernel, or by
   `parameter_sums`) into the parameter's shape.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from minigrad.activations.spec import ActivationSpec
from minigrad.backends.symbolic import Expr, trace


@dataclass(frozen=True)
class Layout:
    """How the parameters reach the kernel: names of scalar, per-channel and coefficient-vector parameters."""

    scalars: tuple[str, ...]
    channels: tuple[str, ...]
    vectors: tuple[tuple[str, int], ...]
    static: tuple[tuple[str, Any], ...]
    channels_last: bool = False  # (N, C) input: the channel loop is the innermost, vectorised one


def layout_of(spec: ActivationSpec, params: dict[str, Any], shape: tuple[int, ...]) -> Layout:
    """The layout for these parameter values (numbers, tuples, NumPy or CuPy arrays) and an input of `shape`."""
    scalars, channels, vectors, static = [], [], [], []
    for p in spec.params:
        value = params[p.name]
        ndim, size = getattr(value, "ndim", 0), getattr(value, "size", 1)
        if p.is_static:
            static.append((p.name, value))
        elif isinstance(value, tuple):
            vectors.append((p.name, len(value)))
        elif size > 1 and p.per_channel:
            channels.append(p.name)
        elif ndim == 1 and not p.per_channel:
            vectors.append((p.name, size))
        else:
            scalars.append(p.name)
    channels_last = bool(channels) and int(np.prod(shape[2:], dtype=np.int64)) == 1
    return Layout(tuple(scalars), tuple(channels), tuple(vectors), tuple(static), channels_last)


def symbolic_params(layout: Layout) -> dict[str, Any]:
    """Stand-in values with the layout's shapes, for `trace`: it turns each number into a variable."""
    values: dict[str, Any] = dict(layout.static)
    values.update({name: 0.0 for name in layout.scalars + layout.channels})
    values.update({name: (0.0,) * size for name, size in layout.vectors})
    return values


def in_kernel_order(wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The gradients a backward kernel computes, x's first."""
    return tuple(sorted(wanted, key=lambda name: name != "x"))


def graphs(spec: ActivationSpec, layout: Layout, wanted: tuple[str, ...]) -> dict[str, Expr]:
    """The formulas a kernel evaluates per element: {"out": f} for the forward kernel (wanted == ()); for the
    backward kernel {"x": df/dx, "<param>": df/dparam, "<vector>_<k>": df/dcoefficient_k} for `wanted`."""
    symbols = symbolic_params(layout)
    if not wanted:
        return {"out": trace(spec, spec.f, symbols)}
    outputs = {"x": trace(spec, spec.df, symbols)} if "x" in wanted else {}
    for name in wanted:
        if name == "x":
            continue
        d = trace(spec, spec.dparams[name], symbols)
        if isinstance(d, list):
            outputs.update({f"{name}_{k}": dk for k, dk in enumerate(d)})
        else:
            outputs[name] = d
    return outputs


def gradient_keys(layout: Layout, wanted: tuple[str, ...]) -> list[str]:
    """The per-element outputs of a backward kernel, in order: one per name, one per coefficient of a vector."""
    sizes = dict(layout.vectors)
    return [k for name in wanted for k in ([f"{name}_{i}" for i in range(sizes[name])] if name in sizes else [name])]


def computed_in(array: Any) -> Any:
    """The array a kernel computes on: float16 as float32 (kernels are compiled for float32 and float64; the
    caller rounds the results back once, as PyTorch computes half precision on the CPU), any other as it is."""
    return array.astype(np.float32) if array.dtype == np.float16 else array


def contiguous(xp: Any, array: Any, dtype: Any = None) -> Any:
    """`array` (NumPy or CuPy) in C order, in its own shape: ascontiguousarray alone makes a 0-d array 1-d."""
    return xp.ascontiguousarray(array, dtype=dtype).reshape(np.shape(array))


def blocks(array: Any, layout: Layout) -> Any:
    """An array as the kernel loops over it: flat, (outer, channel) rows or (outer, channel, inner) blocks."""
    if not layout.channels:
        return array.reshape(-1)
    if layout.channels_last:
        return array.reshape(array.shape[0], array.shape[1])
    return array.reshape(array.shape[0], array.shape[1], int(np.prod(array.shape[2:], dtype=np.int64)))


def parameter_sums(layout: Layout, products: dict[str, Any]) -> dict[str, Any]:
    """Each parameter key's per-element products g * df/dp summed: per channel for a per-channel parameter, over
    all elements otherwise (what a kernel that keeps only the sums returns directly)."""
    sums = {}
    for key, product in products.items():
        if key in layout.channels:
            per_element = blocks(product, layout)
            sums[key] = per_element.sum(axis=(0, 2) if per_element.ndim == 3 else 0)
        elif key != "x":
            sums[key] = product.sum()
    return sums


def gradients(xp: Any, layout: Layout, wanted: tuple[str, ...], gx: Any, sums: dict[str, Any],
              params: dict[str, Any], dtype: Any) -> dict[str, Any]:
    """Each wanted gradient (`xp`: NumPy or CuPy): x's is `gx` as it is; a parameter's comes from `sums` (see
    `parameter_sums`), in the parameter's shape and dtype: a vector's stacked from its coefficients' sums."""
    sizes = dict(layout.vectors)
    grads = {}
    for name in wanted:
        if name == "x":
            grads[name] = gx
        elif name in sizes:
            grads[name] = xp.stack([xp.asarray(sums[f"{name}_{i}"]) for i in range(sizes[name])]).astype(dtype)
        else:
            grads[name] = xp.asarray(sums[name], dtype=dtype).reshape(np.shape(params[name]))
    return grads
