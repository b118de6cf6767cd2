"""Diagnostics on hand-made arrays and small models with known answers."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import diagnostics, nn


def test_dead_units_of_activations_are_the_flat_ones():
    a = np.array([[0.0, 1.0, 5.0, 0.0],
                  [0.0, 2.0, 5.0, 0.0],
                  [0.0, 0.0, 5.0, 1e-3]])
    np.testing.assert_array_equal(diagnostics.dead_units(a), [True, False, True, False])
    assert diagnostics.dead_fraction(a) == 0.5
    assert diagnostics.dead_fraction(a, atol=1e-2) == 0.75


def test_dead_units_of_pre_activations_never_cross_the_threshold():
    z = np.array([[-1.0, 2.0, -3.0],
                  [-2.0, -1.0, 0.0]])
    np.testing.assert_array_equal(diagnostics.dead_units(z, threshold=0.0), [True, False, True])
    assert diagnostics.dead_fraction(z, threshold=-0.5) == pytest.approx(1 / 3)


def test_dead_fraction_finds_the_relu_units_with_a_large_negative_bias():
    mg.manual_seed(0)
    model = nn.MLP([4, 10, 1], activation="relu", dtype=mg.float64)
    killed = np.arange(10) % 3 == 0
    model[0].bias.data[killed] = -100.0
    x = mg.tensor(np.random.default_rng(0).standard_normal((256, 4)))
    hidden = model[:2](x)
    np.testing.assert_array_equal(diagnostics.dead_units(hidden), killed)
    assert diagnostics.dead_fraction(hidden) == pytest.approx(0.4)
    assert diagnostics.dead_fraction(model[0](x), threshold=0.0) == pytest.approx(0.4)


def test_sparsity_counts_exact_or_small_entries():
    a = np.array([[0.0, 1e-3, 2.0], [0.0, 0.0, -1.0]])
    assert diagnostics.sparsity(a) == 0.5
    assert diagnostics.sparsity(a, atol=1e-2) == pytest.approx(4 / 6)


def test_saturation_uses_the_declared_derivative():
    # tanh'(z) = 1 - tanh(z)^2 drops below 0.01 at |z| = 2.993
    z = np.array([0.0, 1.0, 2.9, 3.1, -4.0])
    assert diagnostics.saturation_fraction(z, "tanh", eps=0.01) == pytest.approx(2 / 5)
    # relu'(0) = 0 by PyTorch's convention: the unit at exactly 0 is saturated too
    assert diagnostics.saturation_fraction(np.array([-1.0, 0.0, 1.0]), "relu") == pytest.approx(2 / 3)
    # sigmoid'(z) = s(z) s(-z) <= 1/4: every z is below eps = 0.3
    assert diagnostics.saturation_fraction(z, "sigmoid", eps=0.3) == 1.0
    assert diagnostics.saturation_fraction(z, threshold=3.0) == pytest.approx(2 / 5)
    # a parameter of the declaration is honoured: leaky_relu's slope 0.005 < eps for z <= 0 (the slope at the
    # kink is negative_slope, PyTorch's convention)
    assert diagnostics.saturation_fraction(z, "leaky_relu", negative_slope=0.005) == pytest.approx(2 / 5)
    assert diagnostics.saturation_fraction(z, "leaky_relu", negative_slope=0.05) == 0.0


def test_saturation_needs_exactly_one_criterion():
    with pytest.raises(ValueError, match="not both and not neither"):
        diagnostics.saturation_fraction(np.zeros(3))
    with pytest.raises(ValueError, match="not both"):
        diagnostics.saturation_fraction(np.zeros(3), "tanh", threshold=1.0)


def test_evaluate_gives_the_declared_value_and_slope():
    f, df = diagnostics.evaluate("sigmoid", np.array([0.0]))
    assert f[0] == 0.5 and df[0] == 0.25
    f, df = diagnostics.evaluate("prelu", np.array([-2.0, 3.0]), weight=0.1)
    np.testing.assert_allclose(f, [-0.2, 3.0])
    np.testing.assert_allclose(df, [0.1, 1.0])
    with pytest.raises(ValueError, match="only pointwise"):
        diagnostics.evaluate("softmax", np.zeros(3))


def test_layer_statistics_match_a_forward_pass_by_hand():
    mg.manual_seed(1)
    model = nn.MLP([3, 5, 2], activation="relu", dtype=mg.float64)
    x = np.random.default_rng(1).standard_normal((16, 3))
    stats = diagnostics.layer_statistics(model, x, loss_fn=lambda out: out.sum())
    assert [(s["name"], s["kind"], s["shape"]) for s in stats] == [
        ("0", "Linear", (16, 5)), ("1", "relu", (16, 5)), ("2", "Linear", (16, 2))]
    w1, b1, w2, b2 = (p.data for p in model.parameters())
    z = x @ w1.T + b1
    h = np.maximum(z, 0)
    out = h @ w2.T + b2
    for s, a in zip(stats, [z, h, out]):
        assert s["mean"] == pytest.approx(a.mean()) and s["std"] == pytest.approx(a.std())
        assert s["fraction_zero"] == pytest.approx(np.mean(a == 0))
    # L = sum(out): dL/dout = 1, dL/dW2 = column sums of h repeated, dL/db2 = 16 per output
    assert stats[2]["grad_norm"] == pytest.approx(np.sqrt(32))
    expected = np.sqrt(2 * np.sum(h.sum(axis=0) ** 2) + 2 * 16 ** 2)
    assert stats[2]["param_grad_norm"] == pytest.approx(expected)
    # dL/dh = 1 W2 per sample; through relu it is masked by z > 0
    assert stats[1]["grad_norm"] == pytest.approx(np.sqrt(16 * np.sum(w2.sum(axis=0) ** 2)))
    assert stats[0]["grad_norm"] == pytest.approx(np.linalg.norm((z > 0) * w2.sum(axis=0)))
    assert stats[1]["param_grad_norm"] is None
    assert all(p.grad is None for p in model.parameters())


def test_layer_statistics_open_nested_sequentials_and_skip_gradients_without_a_loss():
    model = nn.Sequential(nn.Sequential(nn.Linear(2, 3), nn.Tanh()), nn.Linear(3, 1))
    stats = diagnostics.layer_statistics(model, np.ones((4, 2)))
    assert [s["name"] for s in stats] == ["0.0", "0.1", "1"]
    assert all(s["grad_norm"] is None and s["param_grad_norm"] is None for s in stats)
    with pytest.raises(TypeError, match="walks a Sequential"):
        diagnostics.layer_statistics(nn.Linear(2, 3), np.ones((4, 2)))


def test_spectrum_of_a_rectified_sine_shows_the_dc_term_and_even_harmonics():
    t = np.arange(2000) / 1000
    freqs, amplitude = diagnostics.spectrum(np.maximum(np.sin(2 * np.pi * t), 0.0), sample_rate=1000)
    assert freqs[2] == 1.0
    # relu(sin) = 1/pi + sin/2 - (2 / (3 pi)) cos(2 wt) - ...: odd harmonics above the first vanish (the
    # harmonics above the Nyquist frequency fold back with amplitudes ~ 1 / k^2: the tolerance)
    np.testing.assert_allclose(amplitude[[0, 2, 4, 6]], [1 / np.pi, 0.5, 2 / (3 * np.pi), 0.0], atol=1e-5)


def test_spectrum_amplitudes_at_zero_and_nyquist():
    n = 64
    t = np.arange(n)
    _, amplitude = diagnostics.spectrum(2.0 + 3.0 * np.cos(2 * np.pi * 4 * t / n) + (-1.0) ** t)
    assert amplitude[0] == pytest.approx(2.0) and amplitude[4] == pytest.approx(3.0)
    assert amplitude[-1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="1-D signal"):
        diagnostics.spectrum(np.zeros((2, 8)))
