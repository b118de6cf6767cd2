"""Rational/polynomial family: closed forms, identities and properties the generic catalog suite cannot know.

References are NumPy polynomial evaluation, SciPy special functions, quadrature and scipy.linalg.expm, never
numbers produced by the code under test. Learnable coefficient gradients are checked against finite differences.
"""
from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate, linalg, special

import minigrad as mg
import minigrad.functional as F
from minigrad import activations, nn
from activation_helpers import df, f, params_gradcheck

X = np.linspace(-6, 6, 241) + 0.0037  # off every kink of the family


def defaults(name):
    return activations.get(name).defaults()


def safe_rational(x, a, b, version="A"):
    """P/Q with NumPy's polyval: Q = 1 + sum |b_k| |x|^k (A) or 1 + |sum b_k x^k| (B)."""
    p = np.polyval(a[::-1], x)
    if version == "A":
        q = 1 + np.polyval(np.abs(np.r_[0.0, b])[::-1], np.abs(x))
    else:
        q = 1 + np.abs(np.polyval(np.r_[0.0, b][::-1], x))
    return p / q


def leaky_relu(x):
    return np.where(x > 0, x, 0.01 * x)


# ---- E1 PAU, E2 rational -----------------------------------------------------------------------------------
def test_pau_is_the_safe_rational_and_starts_as_leaky_relu():
    a, b = defaults("pau")["numerator"], defaults("pau")["denominator"]
    np.testing.assert_allclose(f("pau", X), safe_rational(X, a, b), rtol=1e-12, atol=1e-15)
    x = np.linspace(-3, 3, 601)
    assert np.max(np.abs(f("pau", x) - leaky_relu(x))) < 0.031  # the init is a fit on [-3, 3]


def test_pau_has_no_poles_for_any_coefficients():
    rng = np.random.default_rng(0)
    x = np.concatenate([np.linspace(-50, 50, 1001), [-1e4, 1e4]])
    for _ in range(20):
        a, b = tuple(rng.normal(size=6) * 3), tuple(rng.normal(size=4) * 3)
        y = f("pau", x, numerator=a, denominator=b)
        assert np.all(np.isfinite(y))
        np.testing.assert_allclose(y, safe_rational(x, a, b), rtol=1e-10, atol=1e-12)


def test_pau_kink_at_zero_takes_the_mean_of_the_one_sided_slopes():
    # Q = 1 + |b_1| |x| + ...: the one-sided slopes at 0 are a_1 -+ a_0 |b_1|; sign(0) = 0 gives a_1
    a, b = defaults("pau")["numerator"], defaults("pau")["denominator"]
    h = 1e-7
    left = (safe_rational(np.array([-h]), a, b) - safe_rational(np.array([-2 * h]), a, b)) / h
    right = (safe_rational(np.array([2 * h]), a, b) - safe_rational(np.array([h]), a, b)) / h
    np.testing.assert_allclose([left[0], right[0]], [a[1] + a[0] * abs(b[0]), a[1] - a[0] * abs(b[0])], atol=1e-5)
    assert df("pau", np.array([0.0]))[0] == pytest.approx(a[1], abs=1e-15)


def test_pau_coefficient_gradients_match_finite_differences():
    x = np.linspace(-3, 3, 11) + 0.05
    assert params_gradcheck("pau", x, numerator=[0.1, 0.7, -0.4, 0.3, 0.2, 0.05], denominator=[-0.8, 0.5, 0.3, 0.1])


def test_rational_version_a_is_pau_and_version_b_folds_the_whole_denominator():
    np.testing.assert_allclose(f("rational", X), f("pau", X), rtol=1e-15)
    a, b = (0.1, 0.7, -0.4, 0.3, 0.2, 0.05), (-0.8, 0.5, 0.3, 0.1)
    np.testing.assert_allclose(f("rational", X, numerator=a, denominator=b, version="B"),
                               safe_rational(X, a, b, version="B"), rtol=1e-12, atol=1e-15)
    x = np.linspace(-3, 3, 11) + 0.05
    assert params_gradcheck("rational", x, numerator=list(a), denominator=list(b), static={"version": "B"})


def test_a_recurrent_rational_accumulates_its_gradient_over_every_use():
    act = nn.Activation("rational", dtype=mg.float64)
    x = mg.tensor(np.linspace(-2, 2, 9) + 0.01)
    act(act(x) + x).sum().backward()  # one module shared by two residual blocks
    shared = act.numerator.grad.numpy()
    first, second = nn.Activation("rational", dtype=mg.float64), nn.Activation("rational", dtype=mg.float64)
    second(first(x) + x).sum().backward()
    np.testing.assert_allclose(shared, first.numerator.grad.numpy() + second.numerator.grad.numpy(), rtol=1e-12)


# ---- E3 NoRA -----------------------------------------------------------------------------------------------
def test_nora_starts_as_the_frozen_rational_and_moves_along_its_low_rank_update():
    np.testing.assert_allclose(f("nora", X), f("pau", X), rtol=1e-15)
    a, b = np.array(defaults("nora")["numerator"]), np.array(defaults("nora")["denominator"])
    v, t = np.linspace(-1, 1, 6), np.linspace(0.5, -0.5, 4)
    u, s = np.array([0.2, -0.1, 0.05]), np.array([0.3, 0.0, -0.2])
    x = np.linspace(-3, 3, 30).reshape(2, 3, 5)
    y = f("nora", x, numerator_scale=u, numerator_direction=tuple(v), denominator_scale=s,
          denominator_direction=tuple(t))
    for c in range(3):  # channel c uses the coefficients a + u_c v and b + s_c t
        np.testing.assert_allclose(y[:, c], safe_rational(x[:, c], a + u[c] * v, b + s[c] * t), rtol=1e-12)


def test_nora_low_rank_factors_get_finite_difference_gradients():
    x = np.linspace(-2, 2, 12).reshape(2, 2, 3) + 0.03
    assert params_gradcheck("nora", x, numerator_scale=[0.2, -0.1], numerator_direction=[0.5, 1, -1, 0.3, 0.2, 0.1],
                            denominator_scale=[0.3, -0.2], denominator_direction=[1.0, -0.5, 0.25, 0.1])


def test_nora_trains_only_the_update():
    act = nn.Activation("nora", dtype=mg.float64)
    assert set(dict(act.named_parameters())) == {"numerator_scale", "numerator_direction", "denominator_scale",
                                                 "denominator_direction"}


# ---- E5 Cauchy ---------------------------------------------------------------------------------------------
def test_cauchy_closed_form_and_its_extremes():
    l1, l2, d = 1.5, -0.4, 0.7
    np.testing.assert_allclose(f("cauchy", X, lambda1=l1, lambda2=l2, d=d), (l1 * X + l2) / (X ** 2 + d ** 2),
                               rtol=1e-13)
    np.testing.assert_allclose(df("cauchy", X, lambda1=l1, lambda2=l2, d=d),
                               (l1 * (d ** 2 - X ** 2) - 2 * l2 * X) / (X ** 2 + d ** 2) ** 2, rtol=1e-12, atol=1e-15)
    # the extremes solve l1 x^2 + 2 l2 x - l1 d^2 = 0
    roots = np.roots([l1, 2 * l2, -l1 * d ** 2])
    values = f("cauchy", roots, lambda1=l1, lambda2=l2, d=d)
    low, high = activations.get("cauchy").range_for({"lambda1": l1, "lambda2": l2, "d": d})
    np.testing.assert_allclose([low, high], [values.min(), values.max()], rtol=1e-12)
    assert params_gradcheck("cauchy", X[::20], lambda1=l1, lambda2=l2, d=d)


# ---- E6 polynomial -----------------------------------------------------------------------------------------
def test_polynomial_default_is_the_least_squares_quadratic_of_relu_under_a_normal_input():
    # normal equations E[z^(i+j)] c = E[relu(z) z^i], the moments by quadrature
    weight = lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi)  # noqa: E731
    moment = lambda k: integrate.quad(lambda z: z ** k * weight(z), -np.inf, np.inf)[0]  # noqa: E731
    target = lambda k: integrate.quad(lambda z: z ** (k + 1) * weight(z), 0, np.inf)[0]  # noqa: E731
    gram = np.array([[moment(i + j) for j in range(3)] for i in range(3)])
    expected = np.linalg.solve(gram, [target(i) for i in range(3)])
    np.testing.assert_allclose(defaults("polynomial")["coefficients"], expected, rtol=1e-9)


def test_polynomial_activations_escape_when_composed():
    # Sisyphus: the degree multiplies with depth, so an input outside the fitted range blows up
    y = relu_y = np.array([10.0])
    for _ in range(6):
        y, relu_y = f("polynomial", y), np.maximum(relu_y, 0)
    assert y[0] > 1e20 and relu_y[0] == 10.0
    assert params_gradcheck("polynomial", X[::20], coefficients=[0.3, -0.5, 0.25, 0.1])


# ---- E7 Hermite --------------------------------------------------------------------------------------------
def test_hermite_basis_is_orthonormal_probabilists_hermite():
    for k in range(6):
        unit = tuple(float(j == k) for j in range(6))
        np.testing.assert_allclose(f("hermite", X, coefficients=unit),
                                   special.eval_hermitenorm(k, X) / np.sqrt(math.factorial(k)), rtol=1e-12, atol=1e-12)


def test_hermite_moments_under_a_standard_normal_are_the_coefficients():
    nodes, weights = np.polynomial.hermite_e.hermegauss(20)
    weights = weights / np.sqrt(2 * np.pi)
    for a in (defaults("hermite")["coefficients"], (0.0, 0.6, -0.3, 0.5, 0.2)):
        y = f("hermite", nodes, coefficients=a)
        assert weights @ y == pytest.approx(a[0], abs=1e-12)
        assert weights @ y ** 2 == pytest.approx(sum(c * c for c in a), rel=1e-12)
    assert sum(c * c for c in defaults("hermite")["coefficients"]) == pytest.approx(2.5 / math.e)
    assert params_gradcheck("hermite", X[::20], coefficients=[0.1, 0.8, -0.3, 0.2])


# ---- E8 Fourier --------------------------------------------------------------------------------------------
def test_fourier_series_closed_form_periodicity_and_bound():
    a, b = (0.2, 0.5, -0.3, 0.1), (0.4, 0.25, -0.6)
    k = np.arange(1, 4)[:, None]
    expected = a[0] + (np.array(a[1:])[:, None] * np.cos(k * X) + np.array(b)[:, None] * np.sin(k * X)).sum(0)
    np.testing.assert_allclose(f("fourier", X, a=a, b=b), expected, atol=1e-14)
    np.testing.assert_allclose(f("fourier", X + 2 * np.pi, a=a, b=b), expected, atol=1e-13)
    low, high = activations.get("fourier").range_for({"a": a, "b": b})
    y = f("fourier", np.linspace(0, 2 * np.pi, 10001), a=a, b=b)
    assert low <= y.min() and y.max() <= high
    assert params_gradcheck("fourier", X[::20], a=list(a), b=list(b))


def test_fourier_harmonics_by_rotation_stay_accurate_far_out_and_lengths_are_checked():
    # cos(kx), sin(kx) by angle addition: exact to ~k ulp of 1 for the float64 x itself, even at |x| ~ 1e4 where
    # cos(k*x) of the rounded product k*x drifts (a sin/cos of mpmath is the truth)
    x = np.array([1e4 + 0.1, -12345.678, 3.0e3 / 7])
    a, b = (0.0, 0.3, -0.2, 0.7), (0.1, 0.5, -0.4)
    with mp.workdps(40):
        exact = [float(sum(ak * mp.cos(k * mp.mpf(xi)) + bk * mp.sin(k * mp.mpf(xi))
                           for k, ak, bk in zip(range(1, 4), a[1:], b))) for xi in x]
    np.testing.assert_allclose(f("fourier", x, a=a, b=b), exact, rtol=0, atol=2e-15)
    with pytest.raises(ValueError, match="a needs one entry more than b; got 3 and 3"):
        F.fourier(mg.tensor(x), a=(0.1, 0.2, 0.3), b=(0.1, 0.2, 0.3))


def test_fourier_default_is_the_authors_shifted_cosine_series():
    c = 1 / np.sqrt(special.i0(2.0))
    expected = c * np.sqrt(1 - 1 / 36) + sum(c * np.cos(k * X - np.pi / 4) / math.factorial(k) for k in range(1, 4))
    np.testing.assert_allclose(f("fourier", X), expected, atol=1e-10)


def test_trigonometric_second_moments_under_a_standard_normal():
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / np.sqrt(2 * np.pi)
    for k in (1, 2):
        cosine = f("fourier", nodes, a=tuple(float(j == k) for j in range(3)), b=(0.0, 0.0))
        sine = f("fourier", nodes, a=(0.0, 0.0, 0.0), b=tuple(float(j + 1 == k) for j in range(2)))
        assert weights @ cosine ** 2 == pytest.approx((1 + np.exp(-2 * k * k)) / 2, rel=1e-10)
        assert weights @ sine ** 2 == pytest.approx((1 - np.exp(-2 * k * k)) / 2, rel=1e-10)


# ---- E9 tropical -------------------------------------------------------------------------------------------
def test_tropical_is_a_scaled_maximum_of_lines_and_convex():
    a = (0.5, -1.0, 0.3, -2.0)
    lines = np.array(a)[:, None] + np.arange(4)[:, None] * X
    np.testing.assert_allclose(f("tropical", X, coefficients=a), np.sqrt(2) / 3 * lines.max(0), rtol=1e-13)
    np.testing.assert_allclose(f("tropical", X), np.sqrt(2) / 3 + np.sqrt(2) * np.maximum(X, 0), rtol=1e-13)
    y = f("tropical", np.linspace(-5, 5, 1001), coefficients=a)
    assert np.all(np.diff(y, 2) >= -1e-12)


def test_tropical_coefficient_gradient_goes_to_the_maximal_line():
    a = (0.5, -1.0, 0.3, -2.0)
    x = np.array([-3.0, 0.0, 0.5, 4.0])
    act = nn.Activation("tropical", coefficients=a, dtype=mg.float64)
    act(mg.tensor(x)).sum().backward()
    winners = (np.array(a)[:, None] + np.arange(4)[:, None] * x).argmax(0)
    np.testing.assert_allclose(act.coefficients.grad.numpy(), np.sqrt(2) / 3 * np.bincount(winners, minlength=4))
    assert params_gradcheck("tropical", x, coefficients=list(a))


# ---- E10 PolyReLU ------------------------------------------------------------------------------------------
def test_poly_relu_default_is_the_mean_of_relu_powers():
    r = np.maximum(X, 0)
    np.testing.assert_allclose(f("poly_relu", X), (r + r ** 2 + r ** 3) / 3, rtol=1e-13)
    np.testing.assert_allclose(df("poly_relu", X), np.where(X > 0, (1 + 2 * r + 3 * r ** 2) / 3, 0), rtol=1e-13)
    np.testing.assert_allclose(f("poly_relu", -np.abs(X), coefficients=(0.7, 1.0, 2.0)), 0.7)
    assert params_gradcheck("poly_relu", X[::20], coefficients=[0.1, 0.5, -0.2, 0.3])


# ---- E12 PAON ----------------------------------------------------------------------------------------------
def test_paon_default_is_the_pade_approximant_of_tanh():
    np.testing.assert_allclose(f("paon", X), X * (15 + X ** 2) / (15 + 6 * X ** 2), rtol=1e-13)
    x = np.linspace(-0.1, 0.1, 21)
    assert np.max(np.abs(f("paon", x) - np.tanh(x))) < 1e-7  # [3/2] Padé: the error is O(x^7)
    a, b = (0.0, 1.0, 0.2, -0.1), (-0.5, 0.4)
    np.testing.assert_allclose(f("paon", X, numerator=a, denominator=b), safe_rational(X, a, b, version="B"),
                               rtol=1e-12, atol=1e-15)
    assert params_gradcheck("paon", X[::20], numerator=list(a), denominator=list(b))


# ---- E13 matrix exponential --------------------------------------------------------------------------------
def test_matrix_exp_matches_scipy_and_its_identities():
    rng = np.random.default_rng(0)
    for scale in (0.1, 1.0, 8.0):
        a = rng.normal(size=(3, 4, 4)) * scale
        got = F.matrix_exp(mg.tensor(a)).numpy()
        np.testing.assert_allclose(got, np.stack([linalg.expm(m) for m in a]), rtol=1e-11, atol=1e-13)
        if scale <= 1:  # for large norms det and exp(A) exp(-A) mix huge and tiny entries and lose digits
            np.testing.assert_allclose(np.linalg.det(got), np.exp(np.trace(a, axis1=-2, axis2=-1)), rtol=1e-12)
            inverse = F.matrix_exp(mg.tensor(-a)).numpy()
            np.testing.assert_allclose(got @ inverse, np.broadcast_to(np.eye(4), a.shape), atol=1e-12)
    np.testing.assert_allclose(F.matrix_exp(mg.tensor(np.diag([0.5, -2.0, 3.0]))).numpy(),
                               np.diag(np.exp([0.5, -2.0, 3.0])), rtol=1e-14, atol=1e-300)


def test_matrix_exp_refuses_non_square_input():
    with pytest.raises(ValueError, match="square matrices"):
        F.matrix_exp(mg.tensor(np.zeros((2, 3))))
