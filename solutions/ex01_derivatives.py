"""Lesson 01: derivatives of five activations, from a one-liner to a learnable rational function.

Each function returns the exact derivative, elementwise, for a float32 or float64 NumPy array x, in x's dtype,
without NaN or floating-point warnings for any finite x. The catalog declares the same derivatives
(`minigrad.activations.get(name).df`); the tests compare against it and against finite differences, and
look at the tails, where a formula that is right on paper can round to 0 or overflow.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import special

SQRT_2 = math.sqrt(2.0)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
SNAKE_EPS = 1e-9  # snake divides by alpha + 1e-9, so that a learned alpha shrinking to 0 never divides by 0


def sigmoid_derivative(x: np.ndarray) -> np.ndarray:
    """s'(x) for the logistic sigmoid s(x) = 1 / (1 + e^-x), in a form that is accurate in both tails.

    Goal: the textbook s (1 - s) rounds to 0 once s rounds to 1 (x > ~17 in float32, ~37 in float64), while
    the true slope is e^-x there; and e^-x overflows for x < -88.7 in float32.
    Formula: s'(x) = s(x) s(-x) = e^-|x| / (1 + e^-|x|)^2 — the slope is even, so |x| serves both sides.
    First hint: e^-|x| never overflows (it lies in (0, 1]).
    """
    # BEGIN EXERCISE ex01_5 (§2 Checking derivatives by finite differences)
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2
    # END EXERCISE ex01_5


def gelu_derivative(x: np.ndarray) -> np.ndarray:
    """d/dx of the exact GELU, x Phi(x), with Phi the standard normal CDF.

    Goal: the slope of GELU, accurate to full relative precision in the left tail.
    Formula: GELU'(x) = Phi(x) + x phi(x), phi(x) = e^(-x^2/2) / sqrt(2 pi), Phi(x) = erfc(-x / sqrt 2) / 2.
    First hint: do not write Phi as (1 + erf(x / sqrt 2)) / 2: for x << 0, 1 + erf(...) cancels to 0 (at
    x = -10 the true Phi is 7.6e-24); scipy.special.erfc keeps it.
    """
    # BEGIN EXERCISE ex01_6 (§2 Checking derivatives by finite differences)
    cdf = 0.5 * special.erfc(-x / SQRT_2)
    pdf = np.exp(-0.5 * x * x) * INV_SQRT_2PI
    return cdf + x * pdf
    # END EXERCISE ex01_6


def mish_derivative(x: np.ndarray) -> np.ndarray:
    """d/dx of Mish, x tanh(softplus(x)), softplus(x) = log(1 + e^x).

    Goal: the slope of Mish for every finite x, no overflow.
    Formula: mish'(x) = tanh(sp) + x s(x) (1 - tanh(sp)^2), sp = softplus(x), s = sigmoid = sp'.
    First hint: e^x overflows for x > 709 (88 in float32): compute softplus as max(x, 0) + log1p(e^-|x|), the
    sigmoid from e^-|x| (as in ex01_5), and, since u = sp >= 0, 1 - tanh(u)^2 as 4 e^-2u / (1 + e^-2u)^2.
    """
    # BEGIN EXERCISE ex01_7 (§2 Checking derivatives by finite differences)
    e = np.exp(-np.abs(x))
    sp = np.maximum(x, 0) + np.log1p(e)
    s = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    e2 = np.exp(-2 * sp)
    return np.tanh(sp) + x * s * 4 * e2 / (1 + e2) ** 2
    # END EXERCISE ex01_7


def snake_derivatives(x: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """The derivatives of Snake, f(x) = x + sin^2(alpha x) / alpha, by x and by its learnable frequency alpha.

    Goal: the two gradients a Snake layer needs: d f / d x for backpropagation, d f / d alpha to learn alpha.
    Formula (with sin^2(u)' = 2 sin u cos u = sin 2u):
        d f / d x     = 1 + sin(2 alpha x)
        d f / d alpha = x sin(2 alpha x) / alpha - sin^2(alpha x) / alpha^2
    divide by alpha + 1e-9 (SNAKE_EPS), as the catalog and BigVGAN do. Returns (d f / d x, d f / d alpha),
    each of x's shape and dtype (alpha > 0, a number).
    First hint: alpha appears twice in f — inside the sine and in the divisor — and d f / d alpha needs both
    (product and quotient rules).
    """
    # BEGIN EXERCISE ex01_8 (§2 Checking derivatives by finite differences)
    divisor = alpha + SNAKE_EPS
    sin_2ax = np.sin(2 * alpha * x)
    return 1 + alpha * sin_2ax / divisor, x * sin_2ax / divisor - np.sin(alpha * x) ** 2 / divisor ** 2
    # END EXERCISE ex01_8


def pau_derivatives(x: np.ndarray, numerator: np.ndarray, denominator: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The derivatives of a Padé activation unit P(x) / Q(x) by x and by its coefficients.

    Goal: everything backward needs to train a PAU (Molina et al. 2020), with its safe denominator.
    Formula, with a = numerator (a_0 .. a_m), b = denominator (b_1 .. b_n):
        P(x) = sum_j a_j x^j,  Q(x) = 1 + sum_k |b_k| |x|^k  (>= 1: no poles)
        d f / d x   = P'/Q - (P/Q) Q'/Q,  Q'(x) = sign(x) sum_k k |b_k| |x|^(k-1)
        d f / d a_j = x^j / Q
        d f / d b_k = -(P / Q^2) sign(b_k) |x|^k
    with sign(0) = 0 (so d f / d x at the kink x = 0 is a_1, the catalog's convention). Returns
    (d f / d x of x's shape, d f / d a of shape x.shape + (m + 1,), d f / d b of shape x.shape + (n,)).
    First hint: build the powers x^0 .. x^m and |x|^1 .. |x|^n once (x[..., None] ** np.arange(...)), then
    every sum is a dot product with a coefficient vector.
    """
    # BEGIN EXERCISE ex01_9 (§2 Checking derivatives by finite differences)
    a, b = np.asarray(numerator, dtype=x.dtype), np.asarray(denominator, dtype=x.dtype)
    powers = x[..., None] ** np.arange(len(a))
    abs_powers = np.abs(x)[..., None] ** np.arange(len(b) + 1)
    p = powers @ a
    q = 1 + abs_powers[..., 1:] @ np.abs(b)
    dp = powers[..., :-1] @ (a[1:] * np.arange(1, len(a)))
    dq = np.sign(x) * (abs_powers[..., :-1] @ (np.abs(b) * np.arange(1, len(b) + 1)))
    d_numerator = powers / q[..., None]
    d_denominator = -(p / q / q)[..., None] * np.sign(b) * abs_powers[..., 1:]
    return dp / q - (p / q) * (dq / q), d_numerator, d_denominator
    # END EXERCISE ex01_9
