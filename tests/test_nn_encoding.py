"""PositionalEncoding and FourierFeatures: the formulas, the layout, fixed (unlearned) frequencies, dtypes."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn.encoding import FourierFeatures, PositionalEncoding


@pytest.fixture
def points():
    return np.random.default_rng(0).uniform(-1, 1, (6, 2))


def test_positional_encoding_is_nerfs_gamma(points):
    encoding = PositionalEncoding(2, num_frequencies=4)
    assert encoding.out_features == 2 * (2 * 4 + 1) == 18
    out = encoding(mg.tensor(points)).numpy()
    assert out.shape == (6, 18) and out.dtype == np.float64
    np.testing.assert_array_equal(out[:, :2], points)
    for k in range(4):
        block = out[:, 2 + 4 * k: 6 + 4 * k]
        np.testing.assert_allclose(block[:, :2], np.sin(2 ** k * math.pi * points), atol=1e-14)
        np.testing.assert_allclose(block[:, 2:], np.cos(2 ** k * math.pi * points), atol=1e-14)


def test_positional_encoding_options_and_shapes(points):
    without = PositionalEncoding(2, 3, include_input=False)
    assert without.out_features == 12
    with_input = PositionalEncoding(2, 3)(mg.tensor(points)).numpy()
    np.testing.assert_array_equal(without(mg.tensor(points)).numpy(), with_input[:, 2:])
    assert PositionalEncoding(2, 0).out_features == 2
    assert PositionalEncoding(3, 2)(mg.rand(4, 5, 3)).shape == (4, 5, 15)
    assert PositionalEncoding(2, 2)(mg.rand(4, 2)).dtype == np.float32
    assert list(PositionalEncoding(2, 2).parameters()) == []
    with pytest.raises(ValueError, match="nothing is left"):
        PositionalEncoding(2, 0, include_input=False)
    with pytest.raises(ValueError, match="num_frequencies must be an integer >= 0"):
        PositionalEncoding(2, -1)
    with pytest.raises(ValueError, match=r"expects float inputs of shape \(\.\.\., 2\)"):
        PositionalEncoding(2, 2)(mg.rand(4, 3))


def test_positional_encoding_passes_gradients_to_its_input():
    x = mg.tensor([[0.3, -0.2]], dtype=mg.float64, requires_grad=True)
    PositionalEncoding(2, 2, include_input=False)(x)[0, 1].backward()  # sin(pi x_2)
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, math.pi * math.cos(-0.2 * math.pi)]], rtol=1e-12)


def test_fourier_features_are_tanciks_gamma(points):
    features = FourierFeatures(2, num_features=64, scale=3.0, seed=7)
    assert features.B.shape == (64, 2) and features.out_features == 128
    out = features(mg.tensor(points)).numpy()
    angles = 2 * math.pi * points @ features.B.T
    np.testing.assert_allclose(out, np.concatenate([np.cos(angles), np.sin(angles)], axis=1), atol=1e-12)
    np.testing.assert_allclose(out[:, :64] ** 2 + out[:, 64:] ** 2, 1.0, rtol=1e-12)


def test_fourier_features_frequencies_are_fixed_and_seeded():
    assert FourierFeatures(2, 4000, scale=10.0, seed=1).B.std() == pytest.approx(10.0, rel=0.03)
    np.testing.assert_array_equal(FourierFeatures(2, 8, seed=3).B, FourierFeatures(2, 8, seed=3).B)
    assert not np.array_equal(FourierFeatures(2, 8, seed=3).B, FourierFeatures(2, 8, seed=4).B)
    mg.manual_seed(5)
    first = FourierFeatures(2, 8).B
    mg.manual_seed(5)
    np.testing.assert_array_equal(first, FourierFeatures(2, 8).B)
    model = nn.Sequential(FourierFeatures(2, 8, seed=0), nn.Linear(16, 1))
    assert model.num_parameters() == 17  # only the Linear layer learns
    assert model(mg.rand(3, 2)).dtype == np.float32


@pytest.mark.parametrize("kwargs, message", [
    (dict(scale=0.0), "scale is a standard deviation"),
    (dict(scale=float("inf")), "scale is a standard deviation"),
    (dict(num_features=0), "num_features must be an integer >= 1"),
])
def test_fourier_features_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FourierFeatures(2, **({"num_features": 4} | kwargs))
