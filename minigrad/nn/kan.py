"""Kolmogorov-Arnold networks (Liu et al. 2024): learnable functions on the edges, plain sums in the nodes.

A KAN layer with `in` inputs and `out` outputs has one function per edge,

    phi_ij(x) = w_b[i, j] silu(x) + w_s[i, j] sum_m c[i, m, j] B_m(x),        y_j = sum_i phi_ij(x_i),

the silu residual plus a combination of basis functions B_m (cubic B-splines on a grid of G intervals by
default, see `kan_bases`). Evaluated edge by edge that is in * out small functions; evaluated as

    y = B(x).reshape(batch, in * n_basis) @ (c * w_s).reshape(in * n_basis, out) + silu(x) @ w_b

it is one basis evaluation and two matrix products, the layout that makes KANs only a few times slower than an
MLP of the same size. Names follow pykan: `KAN(width=[2, 5, 1], grid=5, k=3)`, `coef`, `scale_base` (w_b),
`scale_sp` (w_s), `update_grid` (move the grid to where the data is) and `refine` (grid extension: a finer grid,
coefficients refitted by least squares so that the function is kept). update_grid rewrites `coef` in place, so
an optimizer keeps working; refine to another G makes a new `coef` Parameter: build the optimizer again.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from minigrad.activations.kan import bspline_basis, extend_grid
from minigrad.autograd import no_grad
from minigrad.nn.activation import resolve
from minigrad.nn.container import Sequential
from minigrad.nn.linear import check_input
from minigrad.nn.kan_bases import BSplineBasis, make_basis
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.random import generator as default_generator
from minigrad.tensor import DEFAULT_FLOAT, Tensor


def _check_count(owner: str, name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{owner}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


class KANLayer(Module):
    """y_j = sum_i phi_ij(x_i), phi_ij(x) = scale_base[i, j] base(x) + scale_sp[i, j] sum_m coef[i, m, j] B_m(x).

    Inputs (..., in_features) -> outputs (..., out_features). `basis` is one of kan_bases.BASES and `grid` its
    resolution (for "bspline": G intervals on grid_range, G + k B-splines of degree k). Per edge the layer learns
    n_basis + 2 numbers: G + k + 2 for B-splines (+ per input 4 denominator coefficients for "rational").
    base_activation is a catalog name ("silu", pykan's default) or None for no residual branch.

    Initialisation: scale_base ~ scale_base_mu / sqrt(in) + scale_base_sigma U(-1, 1) / sqrt(in) and
    scale_sp = scale_sp / sqrt(in) as in pykan; coef ~ N(0, noise_scale^2 / n_basis), small splines like pykan's
    (which fits them to noise), so that the silu branch dominates at first. grid_eps mixes the uniform grid into
    the sample quantiles in `update_grid` (0: quantiles only, 1: uniform). The grids are plain arrays
    (`layer.basis.grid`), not parameters: state_dict does not hold them.
    """

    def __init__(self, in_features: int, out_features: int, grid: int = 5, k: int = 3, basis: str = "bspline",
                 grid_range: tuple[float, float] = (-1.0, 1.0), base_activation: str | None = "silu",
                 noise_scale: float = 0.3, scale_base_mu: float = 0.0, scale_base_sigma: float = 1.0,
                 scale_sp: float = 1.0, grid_eps: float = 0.02, dtype: Any = DEFAULT_FLOAT,
                 generator: np.random.Generator | None = None):
        super().__init__()
        self.in_features = _check_count("KANLayer", "in_features", in_features, 1)
        self.out_features = _check_count("KANLayer", "out_features", out_features, 1)
        self.k = _check_count("KANLayer", "k", k, 0)
        _check_count("KANLayer", "grid", grid, 2 if basis == "rbf" and k == 0 else 1)
        low, high = (float(v) for v in grid_range)
        if not high > low:
            raise ValueError(f"KANLayer: grid_range must be an increasing pair (low, high), got {grid_range}")
        if not 0 <= grid_eps <= 1:
            raise ValueError(f"KANLayer: grid_eps must lie in [0, 1], got {grid_eps}")
        self.basis_name, self.grid_eps = basis, float(grid_eps)
        self.basis = make_basis(basis, self.in_features, grid, self.k, (low, high), dtype)
        rng = default_generator() if generator is None else generator
        n_in, n_out, size = self.in_features, self.out_features, self.basis.size
        self.coef = Parameter(rng.normal(0.0, noise_scale / np.sqrt(size), (n_in, size, n_out)).astype(dtype))
        self.base_activation = base_activation
        self.base_fn = None if base_activation is None else resolve(base_activation)
        self.scale_base = None if base_activation is None else Parameter(
            ((scale_base_mu + scale_base_sigma * rng.uniform(-1, 1, (n_in, n_out))) / np.sqrt(n_in)).astype(dtype))
        self.scale_sp = Parameter(np.full((n_in, n_out), scale_sp / np.sqrt(n_in), dtype=dtype))

    def _rows(self, x: Tensor) -> Tensor:
        """x as (batch, in), the layout the basis and the matrix products work on."""
        check_input(self, x, self.coef.dtype)
        return x if x.ndim == 2 else x.reshape(-1, self.in_features)

    def forward(self, x: Tensor) -> Tensor:
        flat = self._rows(x)
        rows, size = flat.shape[0], self.basis.size
        weight = (self.coef * self.scale_sp.unsqueeze(1)).reshape(self.in_features * size, self.out_features)
        y = self.basis(flat).reshape(rows, self.in_features * size) @ weight
        if self.scale_base is not None:
            y = y + self.base_fn(flat) @ self.scale_base
        return y if x.ndim == 2 else y.reshape(*x.shape[:-1], self.out_features)

    def edge_values(self, x: Tensor) -> Tensor:
        """phi_ij(x_i) for every edge, shape (batch, in, out), edge by edge: forward(x) is its sum over i."""
        flat = self._rows(x)
        spline = (self.basis(flat).unsqueeze(-1) * self.coef).sum(2) * self.scale_sp
        if self.scale_base is None:
            return spline
        return spline + self.base_fn(flat).unsqueeze(-1) * self.scale_base

    # ---- moving the grid (B-splines) ------------------------------------------------------------------
    def _spline_basis(self, what: str) -> BSplineBasis:
        if not isinstance(self.basis, BSplineBasis):
            raise ValueError(f"{what} moves a B-spline grid; this layer's basis is {self.basis_name!r}")
        return self.basis

    def _samples(self, x: Any) -> np.ndarray:
        samples = np.asarray(x.data if isinstance(x, Tensor) else x, dtype=np.float64)
        if samples.ndim != 2 or samples.shape[1] != self.in_features or samples.shape[0] < 2:
            raise ValueError(f"KANLayer({self.in_features}, {self.out_features}): grid samples must have shape "
                             f"(n >= 2, {self.in_features}), got {samples.shape}")
        if not np.all(np.isfinite(samples)):
            raise ValueError("KANLayer: grid samples must be finite")
        return samples

    def _refit(self, samples: np.ndarray, knots: np.ndarray) -> None:
        """Move to `knots` and choose the coefficients whose splines best match, in least squares over the
        samples, the current ones: sum_m c'_m B'_m(x) ~ sum_m c_m B_m(x) on every edge."""
        basis = self._spline_basis("refitting")
        old = np.einsum("nim,imo->nio", bspline_basis(samples, basis.grid, self.k), self.coef.data.astype(np.float64))
        coef = np.stack([np.linalg.lstsq(bspline_basis(samples[:, i], knots[i], self.k), old[:, i], rcond=None)[0]
                         for i in range(self.in_features)])
        basis.grid = knots
        if coef.shape == self.coef.shape:
            self.coef.data[...] = coef  # in place: an optimizer built on the parameters keeps working
        else:
            self.coef = Parameter(coef.astype(self.coef.dtype))

    def intervals(self) -> int:
        """G, the number of grid intervals of each input (B-splines)."""
        return self._spline_basis("intervals").grid.shape[1] - 2 * self.k - 1

    def update_grid(self, x: Any) -> KANLayer:
        """Move each input's grid to its samples x (n, in): the G + 1 grid points at the quantiles of x mixed with
        the uniform grid on [min, max] by grid_eps, extended by k knots per side, and the coefficients refitted
        (pykan's update_grid_from_samples). The function changes only where the new spline cannot follow the
        old one."""
        return self.refine(self.intervals(), x)

    def refine(self, new_grid: int, x: Any = None, points: int = 200) -> KANLayer:
        """Grid extension to new_grid intervals, coefficients refitted by least squares so that the function is
        kept. With samples x (n, in) the new grid is made from them as in update_grid (pykan's refine); without,
        each input's grid range is split as the current grid is (a uniform grid stays uniform) and the fit runs
        on `points` evenly spaced values of it: nested grids (5 -> 10) then keep the function exactly."""
        basis = self._spline_basis("refine")
        new_grid = _check_count("refine", "new_grid", new_grid, 1)
        if x is not None:
            samples = self._samples(x)
            low, high = samples.min(0), samples.max(0)
            if np.any(high <= low):
                raise ValueError(f"KANLayer: input {int(np.argmax(high <= low))} takes a single value in the "
                                 "grid samples; a grid needs samples spread over an interval")
            fractions = np.linspace(0.0, 1.0, new_grid + 1)
            uniform = low[:, None] + (high - low)[:, None] * fractions
            quantiles = np.quantile(samples, fractions, axis=0).T
            self._refit(samples, extend_grid(self.grid_eps * uniform + (1 - self.grid_eps) * quantiles, self.k))
            return self
        g = self.intervals()
        current = basis.grid[:, self.k:basis.grid.shape[1] - self.k]
        positions = np.linspace(0.0, g, new_grid + 1)
        finer = np.stack([np.interp(positions, np.arange(g + 1), row) for row in current])
        fractions = np.linspace(0.0, 1.0, _check_count("refine", "points", points, 2))[:, None]
        self._refit(current[:, 0] + (current[:, -1] - current[:, 0]) * fractions, extend_grid(finer, self.k))
        return self

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, basis={self.basis_name!r}, "
                f"n_basis={self.basis.size}, base_activation={self.base_activation!r}")


class KAN(Sequential):
    """KAN(width=[2, 5, 1]): KANLayer(width[l], width[l + 1]) for each consecutive pair, applied in order.

    The remaining arguments go to every layer; `seed` makes the initialisation repeatable without touching
    minigrad's global generator (seed=None draws from it).
    """

    def __init__(self, width: Sequence[int], grid: int = 5, k: int = 3, basis: str = "bspline",
                 seed: int | None = 0, grid_range: tuple[float, float] = (-1.0, 1.0),
                 base_activation: str | None = "silu", dtype: Any = DEFAULT_FLOAT, **layer_options: Any):
        width = list(width)
        if len(width) < 2:
            raise ValueError(f"KAN needs at least two widths (inputs and outputs), got {width}")
        rng = default_generator() if seed is None else np.random.default_rng(seed)
        super().__init__(*(KANLayer(n_in, n_out, grid=grid, k=k, basis=basis, grid_range=grid_range,
                                    base_activation=base_activation, dtype=dtype, generator=rng, **layer_options)
                           for n_in, n_out in zip(width[:-1], width[1:])))
        self.width = tuple(width)

    def _layer_inputs(self, x: Any) -> Any:
        """Run x through the layers, yielding each layer with its input, after the caller has updated it."""
        h = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=self[0].coef.dtype))
        for layer in self:
            yield layer, h
            with no_grad():
                h = layer(h)

    def update_grid(self, x: Any) -> KAN:
        """update_grid of every layer on the values that reach it, first layer first."""
        for layer, h in self._layer_inputs(x):
            layer.update_grid(h)
        return self

    def refine(self, new_grid: int, x: Any = None) -> KAN:
        """refine every layer to new_grid intervals: on each layer's inputs for the data x, or on each layer's
        own grid range when x is None. Build the optimizer again afterwards (the coefficients are new)."""
        if x is None:
            for layer in self:
                layer.refine(new_grid)
            return self
        for layer, h in self._layer_inputs(x):
            layer.refine(new_grid, h)
        return self
