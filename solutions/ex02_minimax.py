"""Lesson 02: the minimax polynomial by Lawson's iteration, the way vmath's polynomial coefficients are fitted.

A vectorised exp, log or softplus ends in a polynomial on a short interval, and the polynomial worth having is
the one whose largest error there is smallest: the minimax polynomial. Least squares makes the *average* error
small and lets it pile up at the ends; Lawson's iteration repeats the least-squares fit with weights that grow
where the error is large, until the peaks level out and the error equioscillates (Chebyshev: a minimax
polynomial of degree n reaches its largest error n + 2 times, with alternating signs).
"""
from __future__ import annotations

import numpy as np


def lawson(basis: np.ndarray, target: np.ndarray, weight: np.ndarray, iterations: int = 100) -> np.ndarray:
    """Coefficients c that make max_i |weight_i (basis @ c - target)_i| nearly as small as it can be.

    Goal: the minimax fit of `target` (values at sample points) by the columns of `basis` (e.g. 1, x, x^2, ...
    at those points), with the error measured as `weight` says (e.g. relative to what the caller will compute).
    Formula: start with v_i = 1; repeat: c = the least-squares solution of the rows scaled by sqrt(v_i) w_i,
        minimise sum_i v_i (w_i (basis @ c - target)_i)^2,
    then e_i = |w_i (basis @ c - target)_i| and v_i <- v_i e_i / sum_j v_j e_j (weights move to the large errors).
    First hint: np.linalg.lstsq(basis * s[:, None], target * s, rcond=None)[0] with s = sqrt(v) * weight solves
    one weighted least-squares problem; return the c of the last iteration.
    """
    # BEGIN EXERCISE ex02_3 (§2 Where the polynomials come from)
    v = np.ones(len(target))
    for _ in range(iterations):
        s = np.sqrt(v) * weight
        c = np.linalg.lstsq(basis * s[:, None], target * s, rcond=None)[0]
        error = np.abs(weight * (basis @ c - target))
        v = v * error
        v = v / v.sum()
    return c
    # END EXERCISE ex02_3


def polynomial_basis(x: np.ndarray, degree: int) -> np.ndarray:
    """The columns 1, x, ..., x^degree at the points x."""
    return np.vander(np.asarray(x, dtype=np.float64), degree + 1, increasing=True)
