"""Exercises ex01_5-9: derivatives of sigmoid, GELU, Mish, Snake and a Padé activation unit, against the
catalog's declarations, finite differences, float32, and inputs far out in the tails."""
import numpy as np
import pytest

from declared import declared
from minigrad import activations
from minigrad.course.hints import assert_close, no_floating_point_trouble

X = np.linspace(-12.0, 12.0, 97)
TAILS = np.array([-1e4, -1000.0, -100.0, -40.0, 40.0, 100.0, 1000.0, 1e4])
PAU = activations.get("pau").defaults()


def central(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def check_derivative(name, derivative, reference, function, hint, x=X, rtol=1e-10):
    """The learner's derivative against the catalog, against finite differences of the catalog's function,
    in float32, and in the tails without warnings."""
    assert_close(derivative(x), reference(x), name, at=x, rtol=rtol, atol=1e-300, hint=hint, dtype=np.float64)
    assert_close(derivative(x), central(function, x), f"{name} (against finite differences)", at=x, rtol=1e-6,
                 atol=1e-9, hint=hint)
    x32 = x.astype(np.float32)
    assert_close(derivative(x32), reference(x32), f"{name} in float32", at=x32, rtol=2e-5, atol=1e-30,
                 dtype=np.float32, hint=hint)
    for tails in (TAILS, TAILS.astype(np.float32)):
        with no_floating_point_trouble(name, f"{tails.dtype} x in [-1e4, 1e4]", hint):
            got = derivative(tails)
        assert_close(got, reference(tails), f"{name} in the tails ({tails.dtype})", at=tails, rtol=1e-5,
                     atol=1e-30, hint=hint)


@pytest.mark.ex01_5
def test_sigmoid_derivative(exercise):
    check_derivative("sigmoid_derivative", exercise.sigmoid_derivative, lambda x: declared("sigmoid", "df", x),
                     lambda x: declared("sigmoid", "f", x),
                     "s(x) s(-x) = e^-|x| / (1 + e^-|x|)^2: s (1 - s) rounds to 0 in the right tail, and e^-x "
                     "overflows in the left one")


@pytest.mark.ex01_5
def test_sigmoid_derivative_keeps_the_float32_tail(exercise):
    x = np.array([17.0, 20.0, 30.0, 60.0], dtype=np.float32)
    assert_close(exercise.sigmoid_derivative(x), declared("sigmoid", "df", x), "sigmoid_derivative in float32",
                 at=x, rtol=1e-5, dtype=np.float32,
                 hint="in float32 s(20) rounds to 1, so s (1 - s) is 0 where the slope is 2e-9: use s(x) s(-x)")


@pytest.mark.ex01_6
def test_gelu_derivative(exercise):
    check_derivative("gelu_derivative", exercise.gelu_derivative, lambda x: declared("gelu", "df", x),
                     lambda x: declared("gelu", "f", x),
                     "Phi(x) + x phi(x), with Phi(x) = erfc(-x / sqrt 2) / 2: 1 + erf(x / sqrt 2) cancels to 0 "
                     "for x << 0 (scipy.special.erfc)")


@pytest.mark.ex01_7
def test_mish_derivative(exercise):
    check_derivative("mish_derivative", exercise.mish_derivative, lambda x: declared("mish", "df", x),
                     lambda x: declared("mish", "f", x),
                     "tanh(sp) + x s(x) (1 - tanh(sp)^2), sp = softplus(x) = max(x, 0) + log1p(e^-|x|); e^x "
                     "overflows for large x", rtol=1e-9)


@pytest.mark.ex01_8
@pytest.mark.parametrize("alpha", [0.5, 1.0, 3.0])
def test_snake_derivatives(exercise, alpha):
    x = np.linspace(-6.0, 6.0, 49)
    dx, dalpha = exercise.snake_derivatives(x, alpha)
    inputs = {"x": x, "alpha": alpha}
    assert_close(dx, declared("snake", "df", x, alpha=alpha), "snake's d f / d x", at=inputs, rtol=1e-10,
                 atol=1e-12, hint="d/dx sin^2(alpha x) = 2 alpha sin(alpha x) cos(alpha x) = alpha sin(2 alpha x), "
                                  "and f divides it by alpha")
    assert_close(dalpha, declared("snake", "alpha", x, alpha=alpha), "snake's d f / d alpha", at=inputs,
                 rtol=1e-8, atol=1e-12,
                 hint="alpha is in two places: x sin(2 alpha x) / alpha from the sine, -sin^2(alpha x) / alpha^2 "
                      "from the divisor")
    h = 1e-6
    along_alpha = (declared("snake", "f", x, alpha=alpha + h) - declared("snake", "f", x, alpha=alpha - h)) / (2 * h)
    assert_close(dalpha, along_alpha, "snake's d f / d alpha (against finite differences)", at=inputs, rtol=1e-5,
                 atol=1e-8)


@pytest.mark.ex01_8
def test_snake_derivatives_keep_float32(exercise):
    x = np.linspace(-3.0, 3.0, 13, dtype=np.float32)
    dx, dalpha = exercise.snake_derivatives(x, 0.5)
    assert_close(dx, declared("snake", "df", x, alpha=0.5), "snake's d f / d x in float32", at=x, rtol=1e-5,
                 atol=1e-6, dtype=np.float32)
    assert_close(dalpha, declared("snake", "alpha", x, alpha=0.5), "snake's d f / d alpha in float32", at=x,
                 rtol=1e-4, atol=1e-5, dtype=np.float32)


@pytest.mark.ex01_9
def test_pau_derivative_by_x(exercise):
    a, b = np.array(PAU["numerator"]), np.array(PAU["denominator"])
    x = np.concatenate([np.linspace(-5.0, 5.0, 41), [0.0, 1e4, -1e4]])
    with no_floating_point_trouble("pau_derivatives", "x in [-1e4, 1e4]"):
        dx, _, _ = exercise.pau_derivatives(x, a, b)
    assert_close(dx, declared("pau", "df", x), "pau's d f / d x", at=x, rtol=1e-9, atol=1e-12,
                 hint="(P/Q)' = P'/Q - (P/Q) Q'/Q with Q' = sign(x) sum_k k |b_k| |x|^(k-1), and sign(0) = 0 so "
                      "that the slope at the kink x = 0 is a_1")


@pytest.mark.ex01_9
def test_pau_derivatives_by_the_coefficients(exercise):
    a, b = np.array(PAU["numerator"]), np.array([-1.1, 0.0, 0.9, 0.35])
    x = np.linspace(-4.0, 4.0, 33)
    _, da, db = exercise.pau_derivatives(x, a, b)
    assert_close(da, declared("pau", "numerator", x, denominator=tuple(b)), "pau's d f / d numerator",
                 at=x[:, None], rtol=1e-10, atol=1e-14, hint="d f / d a_j = x^j / Q, shape x.shape + (m + 1,)")
    assert_close(db, declared("pau", "denominator", x, denominator=tuple(b)), "pau's d f / d denominator",
                 at=x[:, None], rtol=1e-10, atol=1e-14,
                 hint="d f / d b_k = -(P / Q^2) sign(b_k) |x|^k (|b_k| is in Q; sign(0) = 0), shape x.shape + (n,)")
    h = 1e-7
    for k in range(len(b)):
        step = np.eye(len(b))[k] * h
        numeric = (declared("pau", "f", x, denominator=tuple(b + step))
                   - declared("pau", "f", x, denominator=tuple(b - step))) / (2 * h)
        if b[k] != 0:
            assert_close(db[:, k], numeric, f"pau's d f / d b_{k + 1} (against finite differences)", at=x,
                         rtol=1e-5, atol=1e-8)
