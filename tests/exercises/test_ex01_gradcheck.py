"""Exercise ex01_4: gradients by central differences, checked on functions whose gradients are known exactly
and against minigrad's backward."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad.course.hints import assert_close

pytestmark = pytest.mark.ex01_4


def test_central_difference_of_a_quadratic_form(exercise):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 6))
    a = a + a.T
    b = rng.standard_normal(6)
    x = rng.standard_normal((2, 3))

    def f(v):
        flat = v.reshape(-1)
        return 0.5 * flat @ a @ flat + b @ flat

    got = exercise.central_difference(f, x)
    assert_close(got, (a @ x.reshape(-1) + b).reshape(2, 3), "central_difference of x.A.x/2 + b.x", at=x,
                 rtol=1e-7, atol=1e-8, hint="g_k = (f(x + h e_k) - f(x - h e_k)) / (2 h): move one element of x, "
                                             "both ways, and divide by the full width 2h")


def test_central_difference_leaves_x_alone(exercise):
    x = np.array([0.3, -1.2, 2.5])
    kept = x.copy()
    exercise.central_difference(lambda v: float(np.sum(v ** 2)), x)
    assert np.array_equal(x, kept), (f"central_difference changed its input: x was {kept}, is now {x}.\n"
                                     "Hint: nudge a float64 copy of x, and put each element back after using it")


def test_central_difference_steps_grow_with_x(exercise):
    x = np.array([1.234567e8, -3.3e7, 2.7e6])
    assert_close(exercise.central_difference(lambda v: float(np.sum(v ** 2)), x), 2 * x,
                 "central_difference of sum(x^2)", at=x, rtol=1e-6,
                 hint="at x = 1e8 a step of 1e-6 is below the spacing of floats there (1.5e-8 is the smallest "
                      "change): use h_k = eps * max(1, |x_k|)")


def test_central_difference_agrees_with_minigrad_backward(exercise):
    x = np.linspace(-3.0, 3.0, 13)
    t = mg.tensor(x, requires_grad=True)
    F.gelu(t).sum().backward()
    got = exercise.central_difference(lambda v: F.gelu(mg.tensor(v)).sum().item(), x)
    assert_close(got, t.grad.numpy(), "central_difference of sum(gelu(x))", at=x, rtol=1e-7, atol=1e-9)


def test_first_mismatch_finds_a_wrong_derivative(exercise):
    x = np.array([[0.5, -1.0], [2.0, 1.5]])

    def f(v):
        return float(np.sum(np.sin(v)))

    assert exercise.first_mismatch(f, np.cos, x) is None, (
        "first_mismatch reported a mismatch for the correct derivative cos of sum(sin(x)): the finite "
        "differences from central_difference are off")
    found = exercise.first_mismatch(f, lambda v: 2 * np.cos(v), x)
    assert found is not None and found[0] == (0, 0), (
        f"first_mismatch of a derivative off by a factor 2 should point at index (0, 0), where |cos| is largest, "
        f"got {found}")
