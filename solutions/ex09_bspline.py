"""Lesson 09: B-splines, the basis of Kolmogorov-Arnold networks, by the Cox-de Boor recursion.

A KAN edge is phi(x) = sum_i c_i B_i(x): the B-splines B_i of order k on a knot vector t are fixed, the
coefficients are learned. Cox and de Boor build them from indicator functions of the knot intervals, raising
the order one step at a time; each B_(i,k) is a piecewise polynomial of degree k, nonzero only on
[t_i, t_(i+k+1)), and inside the base interval [t_k, t_(n-k)] they sum to 1.
"""
from __future__ import annotations

import numpy as np


def _ratio(numerator: np.ndarray, width: np.ndarray) -> np.ndarray:
    """numerator / width, 0 where the width is 0 (repeated knots): Cox-de Boor's 0/0 = 0."""
    safe = np.where(width > 0, width, 1.0)
    return np.where(width > 0, numerator / safe, 0.0)


def bspline_basis(x: np.ndarray, knots: np.ndarray, k: int) -> np.ndarray:
    """Every B-spline B_(i,k)(x) on the non-decreasing `knots` t_0 .. t_n: shape x.shape + (n - k,), float64.

    Goal: the KAN basis, evaluated for many x at once.
    Formula (Cox-de Boor): B_(i,0)(x) = 1 if t_i <= x < t_(i+1) else 0 (half-open intervals), and for p = 1..k
        B_(i,p)(x) = (x - t_i) / (t_(i+p) - t_i) B_(i,p-1)(x) + (t_(i+p+1) - x) / (t_(i+p+1) - t_(i+1)) B_(i+1,p-1)(x)
    where a fraction with a zero denominator (repeated knots) counts as 0.
    First hint: keep all the B_(i,p) of one order in one array of shape x.shape + (n - p,) and compute the next
    order from its slices [..., :-1] (B_i) and [..., 1:] (B_(i+1)); x[..., None] broadcasts against the knots.
    """
    # BEGIN EXERCISE ex09_1 (§1 B-splines by Cox-de Boor)
    t = np.asarray(knots, dtype=np.float64)
    z = np.asarray(x, dtype=np.float64)[..., None]
    basis = ((t[:-1] <= z) & (z < t[1:])).astype(np.float64)
    for p in range(1, k + 1):
        rising = _ratio(z - t[:-p - 1], t[p:-1] - t[:-p - 1])
        falling = _ratio(t[p + 1:] - z, t[p + 1:] - t[1:-p])
        basis = rising * basis[..., :-1] + falling * basis[..., 1:]
    return basis
    # END EXERCISE ex09_1


def bspline_basis_derivative(x: np.ndarray, knots: np.ndarray, k: int) -> np.ndarray:
    """d B_(i,k) / dx for every i: shape x.shape + (n - k,), float64 (0 for k = 0).

    Goal: the slope of every basis function, for gradients of a KAN with respect to its input.
    Formula: B'_(i,k)(x) = k [B_(i,k-1)(x) / (t_(i+k) - t_i) - B_(i+1,k-1)(x) / (t_(i+k+1) - t_(i+1))],
    again with 0 where a denominator is 0.
    First hint: one call to bspline_basis(x, knots, k - 1) gives every B_(i,k-1); the two terms are its slices
    [..., :-1] and [..., 1:].
    """
    # BEGIN EXERCISE ex09_2 (§2 Derivatives of B-splines)
    t = np.asarray(knots, dtype=np.float64)
    if k == 0:
        return np.zeros(np.shape(x) + (len(t) - 1,))
    lower = bspline_basis(x, t, k - 1)
    return k * (_ratio(lower[..., :-1], t[k:-1] - t[:-k - 1]) - _ratio(lower[..., 1:], t[k + 1:] - t[1:-k]))
    # END EXERCISE ex09_2
