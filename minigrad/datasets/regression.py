"""Regression targets for function fitting: x float64 of shape (n, d) with d = 1 or 2, y float64 of shape (n, 1).

- the toy functions of the Kolmogorov-Arnold Networks paper, smooth and compositional, on [-1, 1]^d:
  exp(sin(pi x1) + x2^2), x1 x2 and the Bessel function J0(20 x);
- signals for spectral bias and extrapolation: a chirp whose frequency sweeps from f0 to f1, and a periodic
  series with a linear trend (Snake's test: fit on one interval, predict on the next).

Every generator takes the number of points `n`, the interval [low, high] of each input, `grid` (evenly spaced
points in the order of a meshgrid with indexing="ij", or uniform random ones), Gaussian label noise of standard
deviation `noise` added to y, and a `seed` that fixes both the random inputs and the noise.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import scipy.special

from minigrad.datasets import checks

Target = Callable[[np.ndarray], np.ndarray]


def _inputs(fn: str, n: int, dims: int, low: float, high: float, grid: bool,
            rng: np.random.Generator) -> np.ndarray:
    if not grid:
        return rng.uniform(low, high, size=(n, dims))
    side = math.isqrt(n) if dims == 2 else n
    if side ** dims != n:
        raise ValueError(f"{fn}: grid=True in 2-D lays out side x side points, so n must be a square "
                         f"(e.g. {side ** 2} or {(side + 1) ** 2}), got {n}")
    axis = np.linspace(low, high, side)
    return np.stack([a.ravel() for a in np.meshgrid(*[axis] * dims, indexing="ij")], axis=1)


def _dataset(fn: str, target: Target, dims: int, n: int, noise: float, seed: int, grid: bool, low: float,
             high: float) -> tuple[np.ndarray, np.ndarray]:
    """Points in [low, high]^dims, target(x) of shape (n,) as a column, plus noise."""
    n = checks.count(fn, "n", n, 2 if grid else 1)
    noise = checks.noise(fn, noise)
    low, high = checks.interval(fn, low, high)
    rng = np.random.default_rng(seed)
    x = _inputs(fn, n, dims, low, high, bool(grid), rng)
    y = target(x)[:, None]
    return x, y + noise * rng.standard_normal(y.shape) if noise else y


def exp_sin(n: int = 1000, noise: float = 0.0, seed: int = 0, grid: bool = False, low: float = -1.0,
            high: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """f(x1, x2) = exp(sin(pi x1) + x2^2), KAN's first toy function: a composition of one-variable functions,
    which a [2, 5, 1] KAN represents exactly. On [-1, 1]^2 its values lie in [e^-1, e^2] ~ [0.37, 7.39]."""
    return _dataset("exp_sin", lambda x: np.exp(np.sin(np.pi * x[:, 0]) + x[:, 1] ** 2), 2, n, noise, seed,
                    grid, low, high)


def multiply(n: int = 1000, noise: float = 0.0, seed: int = 0, grid: bool = False, low: float = -1.0,
             high: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """f(x1, x2) = x1 x2, KAN's multiplication (= ((x1 + x2)^2 - (x1 - x2)^2) / 4); values in [-1, 1] on
    [-1, 1]^2."""
    return _dataset("multiply", lambda x: x[:, 0] * x[:, 1], 2, n, noise, seed, grid, low, high)


def bessel(n: int = 1000, noise: float = 0.0, seed: int = 0, grid: bool = False, low: float = -1.0,
           high: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """f(x) = J0(20 x), the Bessel function of the first kind of order 0 (scipy.special.j0): a damped
    oscillation with about six zeros on each side of 0; values in [-0.403, 1]."""
    return _dataset("bessel", lambda x: scipy.special.j0(20 * x[:, 0]), 1, n, noise, seed, grid, low, high)


def chirp(n: int = 2048, f0: float = 1.0, f1: float = 60.0, noise: float = 0.0, seed: int = 0, grid: bool = True,
          low: float = -1.0, high: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """f(x) = sin(phi(x)), a linear chirp whose frequency rises from f0 at x = low to f1 at x = high
    (cycles per unit of x): phi(x) = 2 pi (f0 s + (f1 - f0) s^2 / (2 L)), s = x - low, L = high - low, so
    phi'(x) / 2 pi = f0 + (f1 - f0) s / L. Values in [-1, 1]. On a grid, f1 must stay below the Nyquist
    frequency (n - 1) / (2 L) of the samples."""
    n = checks.count("chirp", "n", n, 2 if grid else 1)
    f0, f1 = checks.positive("chirp", "f0", f0), checks.positive("chirp", "f1", f1)
    low, high = checks.interval("chirp", low, high)
    length = high - low
    nyquist = (n - 1) / (2 * length)
    if grid and max(f0, f1) >= nyquist:
        raise ValueError(f"chirp: {max(f0, f1):g} cycles per unit is at or above the Nyquist frequency "
                         f"{nyquist:g} of {n} evenly spaced samples on [{low:g}, {high:g}]: the samples would "
                         f"alias; use more samples or lower frequencies")

    def target(x: np.ndarray) -> np.ndarray:
        s = x[:, 0] - low
        return np.sin(2 * np.pi * (f0 * s + (f1 - f0) * s ** 2 / (2 * length)))

    return _dataset("chirp", target, 1, n, noise, seed, grid, low, high)


def periodic_trend(n: int = 512, period: float = 2 * np.pi, trend: float = 0.1, noise: float = 0.0, seed: int = 0,
                   grid: bool = True, low: float = -2 * np.pi,
                   high: float = 2 * np.pi) -> tuple[np.ndarray, np.ndarray]:
    """f(x) = sin(2 pi x / period) + trend x: a yearly cycle on a warming trend, say. With the defaults it is
    sin(x) + 0.1 x on [-2 pi, 2 pi]; call it again with low=2*np.pi, high=6*np.pi for the extrapolation set,
    where ReLU networks continue a straight line, tanh networks a constant and Snake the oscillation."""
    period = checks.positive("periodic_trend", "period", period)
    trend = checks.real("periodic_trend", "trend", trend)
    return _dataset("periodic_trend", lambda x: np.sin(2 * np.pi * x[:, 0] / period) + trend * x[:, 0], 1, n,
                    noise, seed, grid, low, high)
