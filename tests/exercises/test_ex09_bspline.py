"""Exercises ex09_1-2: B-spline bases and their derivatives, against minigrad.activations.kan (the KAN layers'
basis) on uniform, clamped and repeated-knot grids."""
import numpy as np
import pytest

from minigrad.activations import kan
from minigrad.course.hints import assert_close

CLAMPED = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0])
GRIDS = [(kan.extended_grid(5, k), k) for k in range(4)] + [(CLAMPED, 3), (CLAMPED, 2)]


def points(knots):
    low, high = knots[0], knots[-1]
    inside = np.linspace(low - 0.5, high + 0.5, 53)
    return np.concatenate([inside, knots])  # knots themselves: half-open intervals decide there


@pytest.mark.ex09_1
@pytest.mark.parametrize("knots, k", GRIDS)
def test_basis_matches_minigrad(exercise, knots, k):
    x = points(knots)
    got = exercise.bspline_basis(x, knots, k)
    assert_close(got, kan.bspline_basis(x, knots, k), f"bspline_basis of order {k}", at=x[:, None], rtol=1e-12,
                 atol=1e-12, hint="B_(i,0) = 1 on the half-open [t_i, t_(i+1)); each order mixes B_(i,p-1) and "
                                  "B_(i+1,p-1) with weights (x - t_i)/(t_(i+p) - t_i) and "
                                  "(t_(i+p+1) - x)/(t_(i+p+1) - t_(i+1)), 0 where a denominator is 0")


@pytest.mark.ex09_1
def test_basis_is_a_partition_of_unity(exercise):
    knots = kan.extended_grid(4, 3)
    x = np.linspace(-1.0, 0.999, 40)
    assert_close(exercise.bspline_basis(x, knots, 3).sum(axis=-1), np.ones_like(x),
                 "the sum of the cubic B-splines on the base interval", at=x, rtol=1e-12,
                 hint="on [t_k, t_(n-k)) the B_(i,k) sum to 1; if they do not, check which half-open interval "
                      "B_(i,0) picks and the index shift between B_(i,p-1) and B_(i+1,p-1)")


@pytest.mark.ex09_2
@pytest.mark.parametrize("knots, k", GRIDS)
def test_derivative_matches_minigrad(exercise, knots, k):
    x = points(knots)
    assert_close(exercise.bspline_basis_derivative(x, knots, k), kan.bspline_basis_derivative(x, knots, k),
                 f"bspline_basis_derivative of order {k}", at=x[:, None], rtol=1e-12, atol=1e-12,
                 hint="k [B_(i,k-1) / (t_(i+k) - t_i) - B_(i+1,k-1) / (t_(i+k+1) - t_(i+1))], 0 where a "
                      "denominator is 0, from one bspline_basis(x, knots, k - 1)")


@pytest.mark.ex09_2
def test_derivative_agrees_with_finite_differences(exercise):
    knots = kan.extended_grid(5, 3)
    x = np.linspace(-0.93, 0.93, 17)  # away from the knots, where the cubic's slope is smooth
    h = 1e-6
    numeric = (kan.bspline_basis(x + h, knots, 3) - kan.bspline_basis(x - h, knots, 3)) / (2 * h)
    assert_close(exercise.bspline_basis_derivative(x, knots, 3), numeric, "bspline_basis_derivative (against "
                 "finite differences)", at=x[:, None], rtol=1e-6, atol=1e-8)
