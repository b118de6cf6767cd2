"""SineLayer and Siren: each layer computes sin(omega0 (W x + b)); SIREN's init keeps the statistics through depth."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn.siren import SineLayer, Siren

WIDTH, DEPTH, BATCH = 256, 5, 2048


@pytest.fixture(autouse=True)
def seed():
    mg.manual_seed(0)


def arcsine_inputs(shape):
    """sin of a uniform phase: arcsine-distributed on [-1, 1], variance 1/2 (its own generator, so it does not
    reuse the uniform numbers the weights are drawn from)."""
    return np.sin(np.random.default_rng(12345).uniform(-np.pi, np.pi, shape))


def test_sine_layer_computes_sin_of_omega0_times_affine():
    layer = SineLayer(3, 5, omega0=7.0, dtype=mg.float64)
    x = np.random.default_rng(1).uniform(-1, 1, (4, 3))
    w, b = layer.linear.weight.data, layer.linear.bias.data
    expected = np.sin(7.0 * (x @ w.T + b))
    np.testing.assert_allclose(layer(mg.tensor(x)).detach().numpy(), expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(layer.preactivation(mg.tensor(x)).detach().numpy(), 7.0 * (x @ w.T + b), rtol=1e-12)
    assert layer(mg.randn(2, 6, 3, dtype=mg.float64)).shape == (2, 6, 5)
    assert (layer.in_features, layer.out_features) == (3, 5)


@pytest.mark.parametrize("is_first, n_in, omega0, bound", [
    (True, 3, 30.0, 1 / 3),
    (False, 256, 30.0, math.sqrt(6 / 256) / 30),
    (False, 64, 5.0, math.sqrt(6 / 64) / 5),
])
def test_weights_follow_the_siren_bounds(is_first, n_in, omega0, bound):
    w = SineLayer(n_in, 400, omega0=omega0, is_first=is_first).linear.weight.data
    assert np.abs(w).max() <= bound * (1 + 1e-6)
    assert np.abs(w).max() > 0.99 * bound  # the whole interval is used
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.03)
    assert w.dtype == np.float32


def test_bias_keeps_linear_default_and_can_be_dropped():
    b = SineLayer(100, 2000).linear.bias.data
    assert np.abs(b).max() <= 0.1 and np.abs(b).max() > 0.099
    assert SineLayer(4, 4, bias=False).linear.bias is None
    assert len(list(SineLayer(4, 4, bias=False).parameters())) == 1


def test_siren_layout_and_init_as_the_paper_code():
    model = Siren(2, 32, hidden_layers=3, out_features=3, omega0=20.0, first_omega0=40.0)
    assert len(model) == 5
    first, *hidden, last = list(model)
    assert first.is_first and first.omega0 == 40.0
    assert all(isinstance(h, SineLayer) and not h.is_first and h.omega0 == 20.0 for h in hidden)
    assert type(last) is nn.Linear and (last.in_features, last.out_features) == (32, 3)
    assert np.abs(last.weight.data).max() <= math.sqrt(6 / 32) / 20
    assert model(mg.rand(7, 2)).shape == (7, 3)
    assert model.num_parameters() == (2 * 32 + 32) + 3 * (32 * 32 + 32) + (32 * 3 + 3)
    assert Siren(2, 8, 1, 1).first_omega0 == 30.0
    sine_out = Siren(2, 8, 0, 1, outermost_linear=False)
    assert len(sine_out) == 2 and isinstance(sine_out[-1], SineLayer)
    assert np.abs(sine_out(mg.rand(50, 2)).detach().numpy()).max() <= 1


@pytest.mark.parametrize("kwargs, message", [
    (dict(omega0=0.0), "omega0 must be a positive number"),
    (dict(first_omega0=-1.0), "first_omega0 must be a positive number"),
    (dict(hidden_layers=-1), "hidden_layers .* must be an integer >= 0"),
])
def test_siren_rejects_bad_arguments(kwargs, message):
    args = dict(in_features=2, hidden_features=4, hidden_layers=1, out_features=1) | kwargs
    with pytest.raises(ValueError, match=message):
        Siren(**args)
    with pytest.raises(ValueError, match="omega0 must be a positive number"):
        SineLayer(2, 2, omega0=float("nan"))


def test_preactivations_stay_standard_normal_through_depth():
    """Without biases (the setting of the paper's analysis) omega0 W x has variance 2 E[x^2]: 1 for arcsine
    inputs, then v -> 1 - exp(-2 v) (E sin^2 Z = (1 - e^(-2v))/2 for Z ~ N(0, v)), which settles near 0.8: the
    spread stays of unit order at every depth instead of shrinking or growing geometrically."""
    h = mg.tensor(arcsine_inputs((BATCH, WIDTH)))
    predicted = 1.0
    with mg.no_grad():
        for _ in range(DEPTH):
            layer = SineLayer(WIDTH, WIDTH, bias=False, dtype=mg.float64)
            z = layer.preactivation(h).numpy()
            h = layer(h)
            assert abs(z.mean()) < 0.02
            assert z.std() == pytest.approx(math.sqrt(predicted), rel=0.02)
            assert 0.85 < z.std() < 1.05
            assert np.mean(np.abs(z) < z.std()) == pytest.approx(0.6827, abs=0.01)  # the normal's one-sigma mass
            predicted = 1 - math.exp(-2 * predicted)


def test_sine_outputs_are_arcsine_distributed_at_every_depth():
    """With the paper's layers (biases included, which spread the phases further) each layer's output follows
    the arcsine law on [-1, 1]: variance 1/2 and CDF 1/2 + arcsin(y)/pi."""
    h = mg.tensor(arcsine_inputs((BATCH, WIDTH)))
    spread = math.sqrt(1 + 30.0 ** 2 / (3 * WIDTH))  # weights give variance 1, omega0 * bias adds omega0^2/(3n)
    with mg.no_grad():
        for _ in range(DEPTH):
            layer = SineLayer(WIDTH, WIDTH, dtype=mg.float64)
            assert layer.preactivation(h).numpy().std() == pytest.approx(spread, rel=0.06)
            h = layer(h)
            y = np.sort(h.numpy().ravel())
            assert y.var() == pytest.approx(0.5, abs=0.03)
            empirical = np.arange(1, y.size + 1) / y.size
            assert np.abs(empirical - (0.5 + np.arcsin(y) / np.pi)).max() < 0.05


def test_default_init_instead_of_siren_blows_up_the_preactivations():
    layer = SineLayer(WIDTH, WIDTH, dtype=mg.float64)
    layer.linear.reset_parameters()  # Linear's U(-1/sqrt(n), 1/sqrt(n)) in place of SIREN's
    with mg.no_grad():
        z = layer.preactivation(mg.tensor(arcsine_inputs((BATCH, WIDTH)))).numpy()
    assert z.std() > 10  # omega0 sqrt(1/6 + 1/3) = 21.2: the sine sees noise, not a smooth function
