"""Exercise ex02_3: Lawson's iteration, against minigrad.backends.vmath_fit (which fits vmath's softplus polynomial)
and against plain least squares, which a minimax fit must beat on its largest error."""
import math

import numpy as np
import pytest

from minigrad.backends import vmath_fit

pytestmark = pytest.mark.ex02_3

HINT = ("each round: solve the least squares of the rows scaled by sqrt(v) * weight, then multiply v by the "
        "weighted absolute errors of that solution and normalise v to sum 1")


def largest_error(basis, target, weight, c):
    return np.abs(weight * (basis @ c - target)).max()


def exp_problem(exercise, degree=4):
    # evenly spaced samples: least squares then favours the middle and is 2x off the minimax error at the ends
    x = np.linspace(-1.0, 1.0, 2000)
    return exercise.polynomial_basis(x, degree), np.exp(x), np.ones_like(x)


def test_reaches_the_minimax_error_of_exp(exercise):
    basis, target, weight = exp_problem(exercise)
    got = largest_error(basis, target, weight, exercise.lawson(basis, target, weight))
    best = largest_error(basis, target, weight, vmath_fit.lawson(basis, target, weight, iterations=300))
    plain = largest_error(basis, target, weight, np.linalg.lstsq(basis, target, rcond=None)[0])
    assert got <= 1.01 * best, (f"lawson's largest error on e^x, degree 4, is {got:.4g}; the minimax error is "
                                f"{best:.4g} (plain least squares: {plain:.4g}). Hint: {HINT}")
    assert best < 0.5 * plain  # the test means something: minimax is clearly better than least squares here


def test_the_error_equioscillates(exercise):
    degree = 4
    basis, target, weight = exp_problem(exercise, degree)
    error = basis @ exercise.lawson(basis, target, weight) - target
    peaks = np.flatnonzero(np.abs(error) > 0.9 * np.abs(error).max())
    runs = 1 + np.count_nonzero(np.diff(np.sign(error[peaks])))
    assert runs >= degree + 2, (f"the error of lawson's fit comes within 10% of its maximum in {runs} runs of "
                                f"alternating sign; a minimax fit of degree {degree} has at least {degree + 2}. "
                                f"Hint: {HINT}")


def test_weights_decide_which_error_is_made_small(exercise):
    # vmath's own problem: softplus's polynomial, its error weighted as the softplus result sees it
    f, target, weight = vmath_fit.softplus_samples(2000)
    basis = exercise.polynomial_basis(f, 8)
    got = largest_error(basis, target, weight, exercise.lawson(basis, target, weight)) / 2.0**-24
    best = largest_error(basis, target, weight, vmath_fit.lawson(basis, target, weight)) / 2.0**-24
    assert got <= 1.01 * best and got < 0.05, (
        f"on softplus's polynomial the weighted largest error is {got:.3g} ulp, the minimax one {best:.3g} ulp. "
        f"Hint: the weight multiplies the error in the fit (rows scaled by it) and in the reweighting. {HINT}")
    assert math.isclose(exercise.lawson(basis, target, weight)[0], -0.5, rel_tol=1e-5)  # P(0) = -1/2
