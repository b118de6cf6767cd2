"""Fitting the polynomial of a vmath function: how float32 softplus's coefficients (`vmath._SOFTPLUS_P32`) came
to be, as a command anyone can rerun.

    python -m minigrad.backends.vmath_fit          # prints the coefficients and the fit's error

The target: log(1 + f) = f + f*f*P(f) on -1/4 <= f < 1/2, so P(f) = (log(1 + f) - f) / f**2 (-1/2 at f = 0). What
counts is the error of the softplus result, not of P: an error dP moves the result by f*f*dP, relative to the
result log(1 + f) (f >= 0) or ln2 + log(1 + f) (f < 0, where the reduction adds ln2). So the fit minimises
max |w(f) (P(f) - target(f))| with w(f) = f*f / result(f).

Method:
1. Lawson's iteration: weighted least squares, repeated with each sample's weight multiplied by its current
   error. The weights pile up where the error peaks, and the solution tends to the minimax polynomial (the one
   whose largest error is smallest), without the bookkeeping of the Remez exchange.
2. Rounding to float32 one coefficient at a time, lowest degree first, refitting the higher ones after each: the
   later coefficients absorb the rounding of the earlier ones. Rounding all at once would cost 0.26 ulp here,
   one at a time 0.05 ulp.

The target is evaluated in 40-digit arithmetic (mpmath): in float64, log(1 + f) - f loses f's digits near 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np

SAMPLES = 6000
ITERATIONS = 100


@dataclass(frozen=True)
class Fit:
    coefficients: tuple[float, ...]  # P's, lowest degree first, each a float32 value
    error: float                     # the largest weighted error on the samples, in units of 2**-24 (float32's ulp of 1)


def softplus_samples(n: int = SAMPLES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(f, target P(f), weight w(f)) on Chebyshev points of [-1/4, 1/2] (denser at the ends, where minimax errors
    peak); f = 0 is left out (its weight is 0)."""
    low, high = -0.25, 0.5
    f = low + (high - low) * (1 - np.cos(np.linspace(0.0, math.pi, n))) / 2
    f = f[f != 0]
    with mpmath.workdps(40):
        target = np.array([float((mpmath.log1p(mpmath.mpf(v)) - v) / mpmath.mpf(v) ** 2) for v in f])
    result = np.where(f > 0, np.log1p(f), math.log(2.0) + np.log1p(f))
    return f, target, f * f / result


def lawson(basis: np.ndarray, target: np.ndarray, weight: np.ndarray, iterations: int = ITERATIONS) -> np.ndarray:
    """Coefficients c minimising (towards the minimax) max |weight * (basis @ c - target)|."""
    extra = np.ones(len(target))
    for _ in range(iterations):
        scale = np.sqrt(extra) * weight
        c = np.linalg.lstsq(basis * scale[:, None], target * scale, rcond=None)[0]
        error = np.abs(weight * (basis @ c - target))
        extra *= error
        extra /= extra.sum()
    return c


def fit_float32(x: np.ndarray, target: np.ndarray, weight: np.ndarray, degree: int) -> Fit:
    """A polynomial of `degree` with float32 coefficients, rounded one at a time (lowest first, rest refitted)."""
    basis = np.vander(x, degree + 1, increasing=True)
    fixed: list[float] = []
    for i in range(degree + 1):
        rest = lawson(basis[:, i:], target - basis[:, :i] @ np.asarray(fixed, float), weight)
        fixed.append(float(np.float32(rest[0])))
    error = np.abs(weight * (basis @ np.asarray(fixed) - target)).max()
    return Fit(tuple(fixed), float(error / 2.0**-24))


def softplus_fit(degree: int = 8) -> Fit:
    """The fit behind `vmath._SOFTPLUS_P32` (degree 8: 0.05 ulp; degree 7 would give 0.35)."""
    return fit_float32(*softplus_samples(), degree)


if __name__ == "__main__":
    result = softplus_fit()
    print("_SOFTPLUS_P32 =", result.coefficients)
    print(f"largest error of the fit: {result.error:.3f} ulp (relative to the softplus result, in units of 2**-24)")
