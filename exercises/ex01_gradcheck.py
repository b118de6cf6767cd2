# Generated from solutions/ex01_gradcheck.py by `python -m minigrad.course.generate`: write your code
# between the BEGIN/END EXERCISE lines. generated-digest: 80c0a1d938b95a8c
"""Lesson 01: checking a gradient against finite differences.

Backward gives the exact derivative of the code it differentiates; finite differences approximate the
derivative of the numbers the code returns. Where the two agree to ~1e-8 in float64 the backward is right;
where they disagree one of them is wrong — usually the backward, sometimes the step (too small: rounding;
too large: curvature), and at a kink neither is "the" derivative.
"""
from __future__ import annotations

from typing import Callable

import numpy as np


def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """The gradient of the scalar function f at x by central differences, one element of x at a time.

    Goal: a gradient you can trust without trusting any derivative code (float64 x of any shape).
    Formula: g_k = (f(x + h_k e_k) - f(x - h_k e_k)) / (2 h_k), with the step h_k = eps * max(1, |x_k|);
    the error is O(h^2) for smooth f. Returns an array of x's shape, float64.
    First hint: work on a float64 copy of x, move one element by +h_k and -h_k, and put it back; the step
    grows with |x_k| because at x_k = 1e8 a step of 1e-6 is lost to rounding (x_k + 1e-6 is not exactly
    representable, and the difference quotient is off by ~1%).
    """
    # BEGIN EXERCISE ex01_4 (§2 Checking derivatives by finite differences)
    raise NotImplementedError("ex01_4 is not done yet (lesson 01, §2 Checking derivatives by finite differences): write it here,"
                              " then check it with `pytest --impl exercises -m ex01_4`")
    # END EXERCISE ex01_4


def first_mismatch(f: Callable[[np.ndarray], float], grad_f: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                   atol: float = 1e-6, rtol: float = 1e-4) -> tuple[tuple[int, ...], float, float] | None:
    """Where grad_f(x) disagrees with central differences: (index, finite difference, grad_f), or None.

    An element agrees when |analytic - numeric| <= atol + rtol |numeric|; the worst disagreement is reported.
    """
    numeric = central_difference(f, x)
    analytic = np.asarray(grad_f(np.array(x, dtype=np.float64)), dtype=np.float64)
    excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
    bad = ~(excess <= 0)  # a NaN disagrees too
    if not bad.any():
        return None
    index = np.unravel_index(int(np.argmax(np.where(bad, np.nan_to_num(excess, nan=np.inf), -np.inf))), numeric.shape)
    return tuple(int(i) for i in index), float(numeric[index]), float(analytic[index])
