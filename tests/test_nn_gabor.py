"""GaborLayer and FourierActivation: their formulas, derivatives of any order, learnable coefficients."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.nn.fourier_activation import FourierActivation
from minigrad.nn.gabor import GaborLayer


@pytest.fixture(autouse=True)
def seed():
    mg.manual_seed(0)


def test_gabor_layer_is_a_windowed_cosine_of_the_affine_map():
    layer = GaborLayer(3, 4, omega0=12.0, s0=3.0, dtype=mg.float64)
    x = np.random.default_rng(1).uniform(-1, 1, (5, 3))
    z = x @ layer.linear.weight.data.T + layer.linear.bias.data
    expected = np.exp(-(3.0 * z) ** 2) * np.cos(12.0 * z)
    np.testing.assert_allclose(layer(mg.tensor(x)).detach().numpy(), expected, rtol=1e-12, atol=1e-15)
    assert (layer.omega0, layer.s0) == (12.0, 3.0) and GaborLayer(2, 2).omega0 == 20.0
    with pytest.raises(ValueError, match="s0 must be a positive number"):
        GaborLayer(2, 2, s0=0.0)


def test_gabor_layer_second_derivative_matches_the_formula():
    """f(x) = exp(-(s z)^2) cos(w z), z = a x + c: f'' = a^2 exp(-(s z)^2) [(4 s^4 z^2 - 2 s^2 - w^2) cos(w z)
    + 4 s^2 w z sin(w z)]."""
    layer = GaborLayer(1, 1, omega0=5.0, s0=2.0, dtype=mg.float64)
    a, c = layer.linear.weight.data[0, 0], layer.linear.bias.data[0]
    x = mg.tensor(np.linspace(-1, 1, 7)[:, None], requires_grad=True)
    (first,) = mg.grad(layer(x).sum(), x, create_graph=True)
    (second,) = mg.grad(first.sum(), x)
    z = a * x.detach().numpy() + c
    envelope = np.exp(-(2.0 * z) ** 2)
    expected = a ** 2 * envelope * ((4 * 16 * z ** 2 - 8 - 25) * np.cos(5 * z) + 80 * z * np.sin(5 * z))
    np.testing.assert_allclose(second.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_fourier_activation_is_a_learnable_series_per_unit():
    act = FourierActivation(3, num_frequencies=2, omega=1.5, dtype=mg.float64)
    coefficients = act.coefficients.data
    z = np.random.default_rng(2).normal(size=(4, 3))
    k = np.array([1.0, 2.0])
    angles = 1.5 * z[..., None] * k
    expected = (np.cos(angles) * coefficients[:, :2]).sum(-1) + (np.sin(angles) * coefficients[:, 2:]).sum(-1)
    np.testing.assert_allclose(act(mg.tensor(z)).detach().numpy(), expected, rtol=1e-12)
    assert act.coefficients.shape == (3, 4) and act(mg.randn(2, 5, 3, dtype=mg.float64)).shape == (2, 5, 3)


def test_fourier_activation_starts_with_unit_variance_and_its_coefficients_train():
    act = FourierActivation(200, num_frequencies=8)
    wide = mg.tensor(np.random.default_rng(3).uniform(-50, 50, (500, 200)), dtype=mg.float32)
    with mg.no_grad():
        assert act(wide).numpy().var() == pytest.approx(1.0, rel=0.1)
    # fit phi(z) = sin(3 z) on one unit: the coefficient of sin(3 z) should go to 1, the rest to 0
    act = FourierActivation(1, num_frequencies=4, dtype=mg.float64)
    z = mg.tensor(np.linspace(-math.pi, math.pi, 64)[:, None])
    target = mg.tensor(np.sin(3 * z.numpy()))
    opt = optim.Adam(act.parameters(), lr=0.05)
    for _ in range(300):
        opt.zero_grad()
        loss = ((act(z) - target) ** 2).mean()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(act.coefficients.data[0], [0, 0, 0, 0, 0, 0, 1, 0], atol=0.02)


@pytest.mark.parametrize("kwargs, message", [
    (dict(num_frequencies=0), "num_frequencies must be a positive integer"),
    (dict(omega=-1.0), "omega .* must be a finite number > 0"),
])
def test_fourier_activation_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FourierActivation(4, **kwargs)
    with pytest.raises(ValueError, match=r"expects inputs of shape \(\.\.\., 4\)"):
        FourierActivation(4)(mg.rand(2, 3))


def test_first_layer_of_a_relu_network():
    model = nn.Sequential(nn.Linear(2, 16), FourierActivation(16, 4, omega=2.0), nn.MLP([16, 16, 1]))
    assert model.num_parameters() == (2 * 16 + 16) + 16 * 8 + (16 * 16 + 16 + 16 + 1)
    out = model(mg.rand(10, 2))
    out.sum().backward()
    assert model[1].coefficients.grad is not None and np.abs(model[1].coefficients.grad.numpy()).sum() > 0
