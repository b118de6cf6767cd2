"""Gated linear units: closed forms against SciPy, the halving convention, gate limits, the expanded gates' alpha,
the ReLU-gate conventions, and Smooth-SwiGLU's FP8 emulation against the E4M3 format's definition."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.special import expit
from scipy.stats import norm

import minigrad as mg
import minigrad.functional as F
from minigrad import nn
from minigrad.activations.glu import FP8_E4M3_MAX, round_e4m3

RNG = np.random.default_rng(7)
X = RNG.normal(0.0, 2.0, (5, 8))
A, B = X[:, :4], X[:, 4:]


def value(name, x=X, **params):
    return getattr(F, name)(mg.tensor(x), **params).numpy()


@pytest.mark.parametrize("name, expected", [
    ("glu", A * expit(B)),
    ("bilinear", A * B),
    ("reglu", A * np.maximum(B, 0.0)),
    ("geglu", A * B * norm.cdf(B)),
    ("swiglu", A * B * expit(B)),
    ("smooth_swiglu", A * B * expit(B)),
    ("xatglu", A * (np.arctan(B) / np.pi + 0.5)),
    ("xgeglu", A * norm.cdf(B)),
    ("xswiglu", A * expit(B)),
    ("dreglu", np.maximum(A, 0.0) * np.maximum(B, 0.0)),
])
def test_closed_forms_with_the_gate_on_the_second_half(name, expected):
    np.testing.assert_allclose(value(name), expected, rtol=1e-12, atol=1e-14)


def test_glu_splits_along_any_dimension_as_torch():
    x = RNG.normal(size=(6, 3))
    np.testing.assert_allclose(value("glu", x, dim=0), x[:3] * expit(x[3:]), rtol=1e-13)
    assert F.glu(mg.tensor(RNG.normal(size=(2, 4, 6))), 1).shape == (2, 2, 6)


@pytest.mark.parametrize("name", ["glu", "swiglu", "dreglu", "smooth_swiglu"])
def test_an_odd_halving_dimension_is_refused_clearly(name):
    with pytest.raises(ValueError, match=r"halving dimension must be even, but dimension 1 has size 5"):
        getattr(F, name)(mg.tensor(np.ones((2, 5))))
    with pytest.raises(IndexError, match="dim=2 is out of range"):
        getattr(F, name)(mg.tensor(np.ones((2, 4))), dim=2)


def test_geglu_tanh_approximation_is_the_tanh_form_and_close_to_exact():
    z = math.sqrt(2 / math.pi) * (B + 0.044715 * B ** 3)
    np.testing.assert_allclose(value("geglu", approximate="tanh"), A * B * 0.5 * (1 + np.tanh(z)), rtol=1e-12,
                               atol=1e-14)
    assert np.max(np.abs(value("geglu", approximate="tanh") - value("geglu")) / np.maximum(1, np.abs(A))) < 1e-3


def test_geglu_left_tail_does_not_cancel():
    x = np.array([[1.0, -30.0]])  # a = 1, b = -30: gelu(-30) = -30 Phi(-30) ~ -1.5e-196, not 0
    assert value("geglu", x)[0, 0] == pytest.approx(-30 * norm.cdf(-30), rel=1e-12)


def test_swiglu_beta_interpolates_between_linear_and_relu_gates():
    np.testing.assert_allclose(value("swiglu", beta=0.0), A * B / 2, rtol=1e-13)
    far = np.abs(B) > 0.5
    np.testing.assert_allclose(value("swiglu", beta=200.0)[far], value("reglu")[far], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name, g", [("xatglu", lambda b: np.arctan(b) / np.pi + 0.5),
                                     ("xgeglu", norm.cdf), ("xswiglu", expit)])
def test_expanded_gates_span_minus_alpha_to_one_plus_alpha(name, g):
    alpha = 0.7
    np.testing.assert_allclose(value(name, alpha=alpha), A * ((1 + 2 * alpha) * g(B) - alpha), rtol=1e-12,
                               atol=1e-13)
    ends = np.array([[1.0, 1.0, -1e9, 1e9]])
    np.testing.assert_allclose(value(name, ends, alpha=alpha)[0], [-alpha, 1 + alpha], atol=1e-9)


@pytest.mark.parametrize("name, g", [("xatglu", lambda b: np.arctan(b) / np.pi + 0.5),
                                     ("xgeglu", norm.cdf), ("xswiglu", expit)])
def test_alpha_gradient_is_the_closed_form(name, g):
    alpha = mg.tensor(0.3, requires_grad=True, dtype=mg.float64)
    upstream = RNG.normal(size=A.shape)
    (getattr(F, name)(mg.tensor(X), alpha=alpha) * mg.tensor(upstream)).sum().backward()
    assert alpha.grad.item() == pytest.approx(np.sum(upstream * A * (2 * g(B) - 1)), rel=1e-10)


def test_xswiglu_at_alpha_zero_is_glu():
    np.testing.assert_array_equal(value("xswiglu"), value("glu"))


def test_learnable_alpha_becomes_a_parameter_and_trains():
    act = nn.Activation("xatglu", dtype=mg.float64)
    assert set(dict(act.named_parameters())) == {"alpha"}
    act(mg.tensor(X)).sum().backward()
    assert np.isfinite(act.alpha.grad.item()) and act.alpha.grad.item() != 0
    assert act(mg.tensor(X, dtype=mg.float32)).dtype == np.float32


@pytest.mark.parametrize("name", ["reglu", "dreglu"])
def test_relu_gates_take_derivative_zero_at_zero(name):
    x = mg.tensor([[0.0, 2.0, 3.0, 0.0]], requires_grad=True)  # (a1, a2) = (0, 2), (b1, b2) = (3, 0)
    getattr(F, name)(x).sum().backward()
    grad = x.grad.numpy()[0]
    assert grad[3] == 0.0  # d/db at b = 0
    if name == "dreglu":
        assert grad[0] == 0.0  # d/da at a = 0


def test_dreglu_is_zero_unless_both_halves_are_positive():
    x = RNG.normal(size=(20000, 2))
    y = value("dreglu", x)[:, 0]
    both = (x[:, 0] > 0) & (x[:, 1] > 0)
    assert np.all(y[~both] == 0) and np.all(y[both] > 0)
    assert abs(both.mean() - 0.25) < 0.015  # symmetric inputs: a quarter active
    assert np.count_nonzero(value("swiglu", x)) == x.shape[0]  # SwiGLU: no exact zeros at all


def e4m3_values() -> np.ndarray:
    """Every finite float8 E4M3 number, from the format's definition (bias 7; S.1111.111 is NaN)."""
    values = []
    for exponent, mantissa in itertools.product(range(16), range(8)):
        if (exponent, mantissa) == (15, 7):
            continue
        if exponent == 0:
            values.append(2.0 ** -6 * mantissa / 8)
        else:
            values.append(2.0 ** (exponent - 7) * (1 + mantissa / 8))
    values = np.array(values)
    return np.unique(np.concatenate([-values, values]))


def test_round_e4m3_gives_the_nearest_e4m3_number():
    table = e4m3_values()
    assert table.max() == FP8_E4M3_MAX
    v = np.concatenate([RNG.uniform(-448, 448, 2000), RNG.normal(0, 0.05, 2000), table])
    got = round_e4m3(v)
    assert np.all(np.isin(got, table))
    nearest = np.min(np.abs(v[:, None] - table[None, :]), axis=1)
    np.testing.assert_array_equal(np.abs(got - v), nearest)
    assert round_e4m3(np.array([1.0625]))[0] == 1.0  # a tie goes to the even mantissa
    assert np.isnan(round_e4m3(np.array([500.0, -1e4]))).all()  # no infinity: overflow is NaN


def test_smooth_swiglu_is_swiglu_in_exact_arithmetic_with_the_same_gradient():
    x = mg.tensor(X, requires_grad=True)
    F.smooth_swiglu(x, quantize="e4m3").sum().backward()
    fake_quantised = x.grad.numpy()
    x.grad = None
    F.swiglu(x).sum().backward()
    np.testing.assert_allclose(value("smooth_swiglu"), value("swiglu"), rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(fake_quantised, x.grad.numpy(), rtol=1e-14)  # straight through, s held constant


def test_smooth_swiglu_scaling_keeps_outlier_channels_in_fp8_range():
    x = RNG.normal(size=(64, 8))
    x[:, 0] *= 300.0  # an outlier channel on both halves: a b ~ 1e5, far beyond 448
    x[:, 4] = np.abs(x[:, 4]) * 300.0
    plain = value("swiglu", x)
    assert np.isnan(round_e4m3(plain)[:, 0]).any()  # per-tensor FP8 without a scale overflows
    smooth = value("smooth_swiglu", x, quantize="e4m3")
    assert np.all(np.isfinite(smooth))
    peak = np.max(np.abs(plain), axis=0)
    # 3 mantissa bits: relative error <= 2^-4 for normal numbers, plus half a subnormal step (scaled back)
    assert np.all(np.abs(smooth - plain) <= 2.0 ** -4 * np.abs(plain) + 2.0 ** -10 * peak / FP8_E4M3_MAX)
    assert np.max(np.abs(smooth), axis=0) == pytest.approx(peak, rel=1e-12)  # each channel's peak is exact


def test_gradcheck_along_dimension_zero():
    x = mg.tensor(RNG.normal(size=(4, 3)), requires_grad=True)
    for name in ("glu", "geglu", "xgeglu"):
        assert mg.gradcheck(lambda t: getattr(F, name)(t, dim=0), [x])


def test_a_float16_input_stays_float16():
    # the gate's erfc comes from SciPy, which has no float16 loop and answered in float64
    x = np.linspace(-3, 3, 16).reshape(2, 8)
    half, single = (F.geglu(mg.tensor(x.astype(dtype))).numpy() for dtype in (np.float16, np.float32))
    assert half.dtype == np.float16
    np.testing.assert_allclose(half, single, rtol=5e-3, atol=1e-3)
