"""The bases of a KAN layer's edge functions: each maps inputs (batch, in) to (batch, in, n_basis).

A KAN edge i -> j computes phi_ij(x_i) = sum_m c_ijm b_m(x_i): with every input's basis values laid out as one
(batch, in * n_basis) matrix, the whole layer is a single matrix product with the coefficients. What differs
between the KAN variants is only the basis b_m, and `grid` sets its resolution:

    bspline    G + k B-splines of degree k on G grid intervals (Liu et al.), per-input grids that can move
    relu       G + k ReLU-KAN bumps [relu(x - s) relu(e - x)]^2 on the B-splines' supports
    rbf        G + k Gaussians centred where the B-splines peak, width = grid spacing (FastKAN)
    fourier    2 G modes cos(m x), sin(m x), m = 1 ... G
    chebyshev  G + 1 Chebyshev polynomials T_0 ... T_G of tanh(x), by the recurrence (ChebyKAN)
    rational   G + 1 PAU terms x^m / Q(x), m = 0 ... G, Q = 1 + sum_k |b_k| |x|^k learned per input: each edge
               is then a rational function P_ij / Q_i with the safe (pole-free) denominator

The B-spline basis is the `bspline` op: its forward and backward run in one fused pass per element on the
Numba backend (`minigrad.backends.numba_bspline`) and through the NumPy reference otherwise; the other bases
are the catalog's Tensor functions (`minigrad.activations.kan`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import backends, ops
from minigrad.activations.kan import bspline_basis_derivative, extended_grid, safe_denominator
from minigrad.autograd import Function, is_grad_enabled
from minigrad.backends.layout import computed_in
from minigrad.device import array_module
import minigrad.functional as F
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.tensor import DEFAULT_FLOAT, Tensor

BASES = ("bspline", "relu", "rbf", "fourier", "chebyshev", "rational")
RATIONAL_DENOMINATOR_DEGREE = 4  # PAU's and KAT's (5, 4) rational


def _two_dimensional(x: np.ndarray, knots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x as (rows, features) and the knots as one row per feature, the kernels' layout."""
    knots = knots if knots.ndim == 2 else knots[None]
    return x.reshape(-1, knots.shape[0]), knots


def _uses_numba(x: Any, k: int, order: int) -> bool:
    """The Numba kernels serve NumPy arrays on the numba backend; derivatives beyond k are zeros anyway."""
    return isinstance(x, np.ndarray) and order <= k and backends.current_name() == "numba"


def _basis_values(x: np.ndarray, knots: np.ndarray, k: int, order: int) -> np.ndarray:
    if not _uses_numba(x, k, order):
        return bspline_basis_derivative(x, knots, k, order)
    from minigrad.backends import numba_bspline

    values = numba_bspline.basis(*_two_dimensional(computed_in(x), knots), k, order)
    return values.reshape(x.shape + (knots.shape[-1] - k - 1,)).astype(x.dtype, copy=False)


def _contracted(x: np.ndarray, knots: np.ndarray, k: int, order: int, g: np.ndarray) -> np.ndarray:
    """sum_i g[..., i] D^order B_(i,k)(x)."""
    if not _uses_numba(x, k, order):
        return (g * bspline_basis_derivative(x, knots, k, order)).sum(-1)
    from minigrad.backends import numba_bspline

    rows, knots = _two_dimensional(computed_in(x), knots)
    sums = numba_bspline.contract(rows, knots, k, order, computed_in(g).reshape(rows.shape + (g.shape[-1],)))
    return sums.reshape(x.shape).astype(x.dtype, copy=False)


class BSpline(Function):
    """D^order B_(i,k)(x) for every basis function i along a new last axis.

    Backward is g -> sum_i g_i D^(order+1) B_i(x), the exact derivative rule; with the graph recorded it is this
    op again one order higher, so gradients of any order are exact (and 0 beyond order k).
    """

    def forward(self, x, knots: np.ndarray, k: int, order: int):
        self.knots, self.k, self.order = knots, k, order
        return _basis_values(x, knots, k, order)

    def backward(self, g: Tensor) -> Tensor:
        (x,) = self.inputs
        if not is_grad_enabled():
            return Tensor._wrap(_contracted(x.data, self.knots, self.k, self.order + 1, g.data))
        return (g * bspline(x, self.knots, self.k, self.order + 1)).sum(-1)


def bspline(x: Tensor, knots, k: int, order: int = 0) -> Tensor:
    """B_(i,k)(x) (or its order-th derivative) on `knots`: shape x.shape + (n - k - 1,) for n knots.

    `knots` is one non-decreasing knot vector (n,), or one per feature (x.shape[-1], n). Half-open intervals
    [t_i, t_(i+1)): on [t_k, t_(n-k-1)) the values sum to 1, outside [t_0, t_(n-1)) they are all 0; NaN gives NaN.
    On the numba backend forward and backward are the kernels of `minigrad.backends.numba_bspline`.
    """
    if not isinstance(x, Tensor) or x.dtype.kind != "f":
        raise TypeError(f"bspline needs a float Tensor, got {getattr(x, 'dtype', type(x).__name__)}")
    knots = np.asarray(knots, dtype=np.float64)
    for name, value in (("the degree k", k), ("the derivative order", order)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"bspline: {name} must be an integer >= 0, got {value!r}")
    if knots.ndim not in (1, 2) or knots.shape[-1] < k + 2:
        raise ValueError(f"bspline: degree {k} needs a knot vector of at least {k + 2} knots (or one such row per "
                         f"feature), got shape {knots.shape}")
    if knots.ndim == 2 and (x.ndim == 0 or x.shape[-1] != knots.shape[0]):
        raise ValueError(f"bspline: knots of shape {knots.shape} hold one row per feature, so x needs "
                         f"{knots.shape[0]} features on its last axis, got shape {x.shape}")
    if np.any(np.diff(knots, axis=-1) < 0) or not np.all(np.isfinite(knots)):
        raise ValueError("bspline: knots must be finite and non-decreasing along their last axis")
    return BSpline.apply(x, knots=knots, k=int(k), order=int(order))


class BSplineBasis(Module):
    """G + k B-splines of degree k per input; `grid` holds each input's knots, shape (in, G + 2k + 1): the G
    intervals of grid_range extended by k intervals on each side (`update_grid` and `refine` move them)."""

    def __init__(self, in_features: int, grid: int, k: int, grid_range: tuple[float, float]):
        super().__init__()
        self.k = k
        self.grid = np.tile(extended_grid(grid, k, grid_range), (in_features, 1))

    @property
    def size(self) -> int:
        return self.grid.shape[1] - self.k - 1

    def domain(self) -> tuple[np.ndarray, np.ndarray]:
        """Each input's grid interval [t_k, t_(G+k)], where the bases sum to 1."""
        return self.grid[:, self.k], self.grid[:, -self.k - 1]

    def forward(self, x: Tensor) -> Tensor:
        return bspline(x, self.grid, self.k)


class CatalogBasis(Module):
    """A fixed basis from the activation catalog: `minigrad.functional.<name>(x, **params)`."""

    def __init__(self, name: str, size: int, in_features: int, domain: tuple[float, float], **params: Any):
        super().__init__()
        self.name, self.size, self.params = name, size, params
        self.low, self.high = (np.full(in_features, float(v)) for v in domain)

    def domain(self) -> tuple[np.ndarray, np.ndarray]:
        """grid_range, for every input."""
        return self.low, self.high

    def forward(self, x: Tensor) -> Tensor:
        return getattr(F, self.name)(x, **self.params)

    def extra_repr(self) -> str:
        return f"{self.name}, size={self.size}"


class RationalBasis(CatalogBasis):
    """x^m / Q_i(x), m = 0 ... degree, with Q_i(x) = 1 + sum_(k=1..4) |b_ik| |x|^k >= 1 learned per input i.

    `denominator` (in, 4) starts at 0.1: not 0, where |b|'s gradient (sign(0) = 0) would never move it.
    """

    def __init__(self, in_features: int, degree: int, grid_range: tuple[float, float], dtype: Any):
        super().__init__("rational", degree + 1, in_features, grid_range)
        self.denominator = Parameter(np.full((in_features, RATIONAL_DENOMINATOR_DEGREE), 0.1, dtype=dtype))

    def forward(self, x: Tensor) -> Tensor:
        powers = [Tensor._wrap(array_module(x.data).ones_like(x.data)), x]
        while len(powers) < self.size:
            powers.append(powers[-1] * x)
        return ops.stack(powers[:self.size], dim=-1) / safe_denominator(x.abs(), self.denominator).unsqueeze(-1)


def make_basis(name: str, in_features: int, grid: int, k: int, grid_range: tuple[float, float],
               dtype: Any = DEFAULT_FLOAT) -> Module:
    """The basis module `name` (one of BASES) for `in_features` inputs at resolution `grid`."""
    low, high = grid_range
    step = (high - low) / grid
    if name == "bspline":
        return BSplineBasis(in_features, grid, k, grid_range)
    if name == "relu":
        return CatalogBasis("relu_kan", grid + k, in_features, grid_range, grid_size=grid, spline_order=k,
                            grid_range=grid_range)
    if name == "rbf":
        # the degree-k B-spline on [t_i, t_(i+k+1)] peaks at its middle: (k - 1) / 2 steps outside the grid ends
        reach = (k - 1) / 2 * step
        return CatalogBasis("rbf_kan", grid + k, in_features, grid_range, grid_min=low - reach,
                            grid_max=high + reach, num_grids=grid + k)
    if name == "fourier":
        return CatalogBasis("fourier_kan", 2 * grid, in_features, grid_range, grid_size=grid)
    if name == "chebyshev":
        return CatalogBasis("chebyshev_kan", grid + 1, in_features, grid_range, degree=grid, squash="tanh")
    if name == "rational":
        return RationalBasis(in_features, grid, grid_range, dtype)
    raise ValueError(f"unknown KAN basis {name!r}; the bases are {', '.join(BASES)}")
