"""Periodic family: closed forms, identities and properties the generic catalog suite cannot know.

References are NumPy/SciPy closed forms (complex exponentials, Chebyshev polynomials, a state-vector simulation
with 2x2 complex matrices), never numbers produced by the code under test.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, special

import minigrad as mg
import minigrad.functional as F
from minigrad import activations, nn
from activation_helpers import df, f, params_gradcheck

X = np.linspace(-6, 6, 241) + 0.0037


# ---- D1 sine -----------------------------------------------------------------------------------------------
def test_sine_is_sin_of_omega0_x_and_its_derivative_a_shifted_sine():
    np.testing.assert_allclose(f("sine", X), np.sin(30 * X), atol=1e-12)
    np.testing.assert_allclose(f("sine", X, omega0=1.0), np.sin(X), atol=1e-15)
    np.testing.assert_allclose(df("sine", X, omega0=2.5), 2.5 * np.sin(2.5 * X + np.pi / 2), atol=1e-12)


def test_sine_second_derivative_is_minus_omega0_squared_times_itself():
    # why derivative (Laplacian) supervision works with SIREN: d2/dx2 sin(w x) = -w^2 sin(w x), never 0
    x = mg.tensor(X, requires_grad=True)
    (first,) = mg.grad(F.sine(x, omega0=3.0).sum(), x, create_graph=True)
    (second,) = mg.grad(first.sum(), x)
    np.testing.assert_allclose(second.numpy(), -9.0 * np.sin(3.0 * X), atol=1e-10)


# ---- D2 snake, snake_beta ----------------------------------------------------------------------------------
EPS = 1e-9  # BigVGAN's reference adds 1e-9 to the divisor


def test_snake_is_x_plus_sin_squared_and_a_linear_trend_plus_a_period():
    np.testing.assert_allclose(f("snake", X), X + np.sin(X) ** 2 / (1 + EPS), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(f("snake", X), X + np.sin(X) ** 2, rtol=1e-8)
    alpha = 1.7
    period = np.pi / alpha
    np.testing.assert_allclose(f("snake", X + period, alpha=alpha), f("snake", X, alpha=alpha) + period,
                               rtol=1e-12, atol=1e-12)


def test_snake_slope_stays_in_zero_two_and_alpha_to_zero_gives_the_identity():
    slope = df("snake", X, alpha=0.8)
    np.testing.assert_allclose(slope, 1 + 0.8 / (0.8 + EPS) * np.sin(1.6 * X), rtol=1e-12, atol=1e-14)
    assert slope.min() >= 0 and slope.max() <= 2
    for alpha in (1e-6, 1e-12):
        y = f("snake", X, alpha=alpha)
        assert np.all(np.isfinite(y))
        np.testing.assert_allclose(y, X, atol=10 * alpha * 36 + 1e-15)


def test_snake_is_snake_beta_with_beta_equal_to_alpha():
    np.testing.assert_allclose(f("snake", X, alpha=0.6), f("snake_beta", X, alpha=0.6, beta=0.6), rtol=1e-15)
    np.testing.assert_allclose(f("snake_beta", X, alpha=2.0, beta=0.5), X + np.sin(2 * X) ** 2 / (0.5 + EPS),
                               rtol=1e-12, atol=1e-15)


def test_snake_learns_one_alpha_per_channel():
    x = np.linspace(-2, 2, 24).reshape(2, 3, 4)
    assert params_gradcheck("snake", x, alpha=[0.5, 1.0, 2.0])
    assert params_gradcheck("snake_beta", x, alpha=[0.5, 1.0, 2.0], beta=[1.5, 0.7, 3.0])
    act = nn.Activation("snake", alpha=[0.5, 1.0, 2.0], dtype=mg.float64)
    y = act(mg.tensor(x)).detach().numpy()
    alpha = np.array([0.5, 1.0, 2.0]).reshape(1, 3, 1)
    np.testing.assert_allclose(y, x + np.sin(alpha * x) ** 2 / (alpha + EPS), rtol=1e-12)


# ---- D3 GCU ------------------------------------------------------------------------------------------------
def test_gcu_closed_form_and_its_zeros():
    np.testing.assert_allclose(f("gcu", X), X * np.cos(X), atol=1e-15)
    np.testing.assert_allclose(df("gcu", X), np.cos(X) - X * np.sin(X), atol=1e-14)
    zeros = (np.arange(-3, 3) + 0.5) * np.pi
    np.testing.assert_allclose(f("gcu", zeros), 0.0, atol=1e-14)


def test_one_gcu_neuron_separates_xor():
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = f("gcu", np.pi * inputs.sum(axis=1))  # 0, -pi, -pi, 2 pi
    np.testing.assert_array_equal(y < -1, [False, True, True, False])


# ---- D4 Gabor wavelet --------------------------------------------------------------------------------------
def test_gabor_wavelet_is_the_real_part_of_the_complex_gabor_wavelet():
    x = np.linspace(-0.5, 0.5, 201) + 1e-4
    omega0, s0 = 20.0, 10.0
    psi = np.exp(1j * omega0 * x) * np.exp(-(s0 * x) ** 2)
    np.testing.assert_allclose(f("gabor_wavelet", x), psi.real, atol=1e-15)
    np.testing.assert_allclose(df("gabor_wavelet", x), ((1j * omega0 - 2 * s0 ** 2 * x) * psi).real, atol=1e-12)


def test_gabor_wavelet_range_is_its_most_negative_lobe():
    for omega0, s0 in ((20.0, 10.0), (30.0, 3.0), (5.0, 8.0)):
        spec = activations.get("gabor_wavelet")
        low, high = spec.range_for({"omega0": omega0, "s0": s0})
        best = optimize.minimize_scalar(lambda t: np.cos(omega0 * t) * np.exp(-(s0 * t) ** 2),
                                        bounds=(np.pi / (2 * omega0), 3 * np.pi / (2 * omega0)), method="bounded",
                                        options={"xatol": 1e-12})
        assert low == pytest.approx(best.fun, abs=1e-9) and high == 1.0
        assert f("gabor_wavelet", np.linspace(-2, 2, 40001), omega0=omega0, s0=s0).min() >= low - 1e-12


# ---- D5 wavelet (PINNsFormer) ------------------------------------------------------------------------------
def test_wavelet_is_a_phase_shifted_sine_with_the_declared_range():
    w1, w2 = 0.6, -1.3
    amplitude, phase = np.hypot(w1, w2), np.arctan2(w2, w1)
    np.testing.assert_allclose(f("wavelet", X, w1=w1, w2=w2), amplitude * np.sin(X + phase), atol=1e-14)
    assert activations.get("wavelet").range_for({"w1": w1, "w2": w2}) == pytest.approx((-amplitude, amplitude))
    assert params_gradcheck("wavelet", X[::20], w1=w1, w2=w2)


# ---- D6 SL2A -----------------------------------------------------------------------------------------------
def test_sl2a_is_a_chebyshev_series_of_tanh():
    t = np.tanh(X)
    for k in range(5):
        unit = tuple(float(j == k) for j in range(5))
        np.testing.assert_allclose(f("sl2a", X, coefficients=unit), special.eval_chebyt(k, t), atol=1e-13)
        # T_k' = k U_(k-1) and d tanh = 1 - tanh^2
        slope = k * special.eval_chebyu(k - 1, t) if k else 0 * t
        np.testing.assert_allclose(df("sl2a", X, coefficients=unit), slope * (1 - t ** 2), atol=1e-12)
    np.testing.assert_allclose(f("sl2a", X), t, atol=1e-15)


def test_sl2a_coefficient_gradients_match_finite_differences():
    assert params_gradcheck("sl2a", X[::12], coefficients=[0.3, -1.0, 0.5, 0.25, -0.7, 0.1])


# ---- D8 DARUAN ---------------------------------------------------------------------------------------------
def _state_vector_daruan(x, theta, weight, bias):
    """<Z> by 2x2 complex matrices on the state, the textbook way: an independent reference."""
    def rz(a):
        return np.array([[np.exp(-0.5j * a), 0], [0, np.exp(0.5j * a)]])

    def ry(a):
        return np.array([[np.cos(a / 2), -np.sin(a / 2)], [np.sin(a / 2), np.cos(a / 2)]])

    out = []
    for xi in np.ravel(x):
        psi = np.array([1, 1]) / np.sqrt(2)  # H|0>
        for layer in range(len(weight)):
            psi = rz(weight[layer] * xi + bias[layer]) @ ry(theta[2 * layer + 1]) @ rz(theta[2 * layer]) @ psi
        psi = ry(theta[-1]) @ rz(theta[-2]) @ psi
        out.append(abs(psi[0]) ** 2 - abs(psi[1]) ** 2)
    return np.array(out)


def test_daruan_matches_a_state_vector_simulation():
    x = np.linspace(-3, 3, 37)
    spec = activations.get("daruan")
    defaults = spec.defaults()
    np.testing.assert_allclose(f("daruan", x), _state_vector_daruan(x, **defaults), atol=1e-13)
    params = {"theta": (0.3, -1.2, 2.0, 0.7, -0.4, 1.1, 0.9, -2.2), "weight": (1.5, -0.5, 2.0),
              "bias": (0.1, 0.0, -0.3)}
    np.testing.assert_allclose(f("daruan", x, **params), _state_vector_daruan(x, **params), atol=1e-13)


def test_daruan_parameter_shift_gradients_match_finite_differences():
    params = {"theta": (0.3, -1.2, 2.0, 0.7, -0.4, 1.1), "weight": (1.5, -0.5), "bias": (0.1, -0.3)}
    assert params_gradcheck("daruan", np.linspace(-2, 2, 9), **params)


def test_daruan_gradients_are_the_parameter_shift_rule_of_a_state_vector_simulation():
    # d<Z>/d(angle) = (<Z>(angle + pi/2) - <Z>(angle - pi/2)) / 2 for every rotation, run on the 2x2 complex
    # simulation. A data angle w x + b moves with b: the bias gradient is its shift rule, the weight's x times it
    x = np.linspace(-3, 3, 13)
    params = {"theta": [0.3, -1.2, 2.0, 0.7, -0.4, 1.1], "weight": [1.5, -0.5], "bias": [0.1, -0.3]}
    tensors = {k: mg.tensor(np.asarray(v), requires_grad=True) for k, v in params.items()}
    F.daruan(mg.tensor(x), **tensors).sum().backward()

    def shift_rule(name, i):
        ends = [_state_vector_daruan(x, **{**params, name: [v + turn * np.pi / 2 * (j == i)
                                                                for j, v in enumerate(params[name])]})
                for turn in (1, -1)]
        return (ends[0] - ends[1]) / 2

    for name, scale in (("theta", 1.0), ("bias", 1.0), ("weight", x)):
        expected = [np.sum(scale * shift_rule("bias" if name == "weight" else name, i))
                    for i in range(len(params[name]))]
        np.testing.assert_allclose(tensors[name].grad.numpy(), expected, atol=1e-12, err_msg=name)


def test_daruan_spectrum_is_bounded_by_the_sum_of_the_data_weights():
    # <Z> is a trigonometric polynomial whose frequencies are sums of +-w_l: with w = (1, 1) none exceeds 2
    x = np.linspace(0, 2 * np.pi, 256, endpoint=False)
    spectrum = np.abs(np.fft.rfft(f("daruan", x))) / x.size
    assert spectrum[3:].max() < 1e-12 and spectrum[1:3].min() > 0.1
