"""Reductions over axes (sum, max, mean, var, logsumexp) and the softmax pair, each with its gradient.

Axes follow PyTorch (`dim`, `keepdim`); NumPy's spelling (`axis`, `keepdims`) is accepted too.
"""
from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Sequence

from minigrad.autograd import Function
from minigrad.device import array_module
from minigrad.ops.elementwise import exp, log, sqrt, where
from minigrad.tensor import Tensor

Dims = int | Sequence[int] | None
MaxResult = namedtuple("MaxResult", ["values", "indices"])


def normalize_dims(ndim: int, dim: Dims, axis: Dims = None) -> tuple[int, ...]:
    """Axes as a sorted tuple of non-negative ints (all axes for None), with a clear error when out of range."""
    dim = axis if dim is None else dim
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    for d in dims:
        if not -builtins.max(ndim, 1) <= d < builtins.max(ndim, 1):
            raise IndexError(f"dimension {d} is out of range for a tensor with {ndim} dimensions")
    return tuple(sorted({d % builtins.max(ndim, 1) for d in dims})) if ndim else ()


def _keep(keepdim: bool, keepdims: bool | None) -> bool:
    return keepdim if keepdims is None else keepdims


def _kept_shape(shape: tuple[int, ...], dims: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


class Sum(Function):
    def forward(self, x, dims, keepdim):
        self.dims, self.keepdim = dims, keepdim
        return x.sum(axis=dims, keepdims=keepdim)

    def backward(self, g):
        x = self.inputs[0]
        return g.reshape(_kept_shape(x.shape, self.dims)).expand(*x.shape)


class Amax(Function):
    """Maximum over axes; the gradient is shared evenly between tied maxima (as torch.amax)."""

    def forward(self, x, dims, keepdim):
        self.dims, self.keepdim = dims, keepdim
        return x.max(axis=dims, keepdims=keepdim)

    def backward(self, g):
        x = self.inputs[0]
        kept = _kept_shape(x.shape, self.dims)
        winners = x.data == self.output.data.reshape(kept)
        share = winners / winners.sum(axis=self.dims, keepdims=True)
        return g.reshape(kept) * Tensor._wrap(share.astype(x.dtype, copy=False))


class Softmax(Function):
    """exp(x - logsumexp(x)) along one axis; backward s * (g - sum(g s))."""

    def forward(self, x, dim):
        self.dim = dim
        if x.size == 0:  # no elements to normalise (and no maximum to shift by)
            return x.copy()
        z = array_module(x).exp(x - x.max(axis=dim, keepdims=True))
        return z / z.sum(axis=dim, keepdims=True)

    def backward(self, g):
        s = self.output
        return s * (g - (g * s).sum(self.dim, keepdim=True))


class LogSoftmax(Function):
    """x - logsumexp(x) along one axis; backward g - softmax(x) * sum(g)."""

    def forward(self, x, dim):
        self.dim = dim
        if x.size == 0:
            return x.copy()
        xp = array_module(x)
        shifted = x - x.max(axis=dim, keepdims=True)
        return shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))

    def backward(self, g):
        return g - exp(self.output) * g.sum(self.dim, keepdim=True)


def sum(x: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None, keepdims: bool | None = None) -> Tensor:
    return Sum.apply(x, dims=normalize_dims(x.ndim, dim, axis), keepdim=_keep(keepdim, keepdims))


def mean(x: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None, keepdims: bool | None = None) -> Tensor:
    dims = normalize_dims(x.ndim, dim, axis)
    count = 1
    for d in dims:
        count *= x.shape[d]
    return sum(x, dims, _keep(keepdim, keepdims)) / count


def var(x: Tensor, dim: Dims = None, keepdim: bool = False, *, correction: int = 1, axis: Dims = None,
        keepdims: bool | None = None) -> Tensor:
    """Variance sum((x - mean)^2) / (N - correction); correction=1 is the unbiased estimate (PyTorch's default)."""
    dims = normalize_dims(x.ndim, dim, axis)
    count = 1
    for d in dims:
        count *= x.shape[d]
    centered = x - mean(x, dims, keepdim=True)
    return sum(centered * centered, dims, _keep(keepdim, keepdims)) / builtins.max(count - correction, 0)


def std(x: Tensor, dim: Dims = None, keepdim: bool = False, *, correction: int = 1, axis: Dims = None,
        keepdims: bool | None = None) -> Tensor:
    return sqrt(var(x, dim, keepdim, correction=correction, axis=axis, keepdims=keepdims))


def amax(x: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None, keepdims: bool | None = None) -> Tensor:
    dims = normalize_dims(x.ndim, dim, axis)
    empty = [d for d in dims if x.shape[d] == 0]
    if empty:
        raise ValueError(f"max/min over dimension {empty[0]} of a tensor of shape {x.shape}: it has no elements, so "
                         "no maximum or minimum")
    return Amax.apply(x, dims=dims, keepdim=_keep(keepdim, keepdims))


def amin(x: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None, keepdims: bool | None = None) -> Tensor:
    return -amax(-x, dim, keepdim, axis=axis, keepdims=keepdims)


def argmax(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the largest value (first one on ties); carries no gradient."""
    return Tensor._wrap(array_module(x.data).argmax(x.data, axis=dim, keepdims=keepdim))


def argmin(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return Tensor._wrap(array_module(x.data).argmin(x.data, axis=dim, keepdims=keepdim))


def max(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor | MaxResult:
    """Largest element; with `dim`, the named tuple (values, indices) along that axis (as torch.max)."""
    if dim is None:
        return amax(x)
    return MaxResult(amax(x, dim, keepdim), argmax(x, dim, keepdim))


def min(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor | MaxResult:
    if dim is None:
        return amin(x)
    return MaxResult(amin(x, dim, keepdim), argmin(x, dim, keepdim))


def logsumexp(x: Tensor, dim: Dims, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) without overflow: the maximum is factored out first."""
    dims = normalize_dims(x.ndim, dim)
    m = amax(x.detach(), dims, keepdim=True)
    m = where(array_module(m.data).isfinite(m.data), m, 0.0)
    out = log(sum(exp(x - m), dims, keepdim=True)) + m
    return out if keepdim else out.reshape(tuple(n for i, n in enumerate(x.shape) if i not in dims))


def softmax(x: Tensor, dim: int) -> Tensor:
    return Softmax.apply(x, dim=normalize_dims(x.ndim, dim))  # a 0-d tensor has no axis: its softmax is 1


def log_softmax(x: Tensor, dim: int) -> Tensor:
    return LogSoftmax.apply(x, dim=normalize_dims(x.ndim, dim))
