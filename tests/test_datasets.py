"""The datasets: shapes, dtypes, ranges, the formulas at known points, determinism by seed, clear errors."""
import numpy as np
import pytest

from minigrad import datasets
from minigrad.diagnostics import spectrum

REGRESSION = [datasets.exp_sin, datasets.multiply, datasets.bessel, datasets.chirp, datasets.periodic_trend]
SEEDED = [datasets.two_moons, datasets.spirals] + REGRESSION


def test_the_package_docstring_lists_every_dataset():
    for name in datasets.__all__:
        assert f"{name}(" in datasets.__doc__, name
        assert callable(getattr(datasets, name))


@pytest.mark.parametrize("generate", SEEDED, ids=lambda f: f.__name__)
def test_same_seed_same_arrays_other_seed_other_arrays(generate):
    kwargs = dict(noise=0.1, seed=3)
    x1, y1 = generate(**kwargs)
    x2, y2 = generate(**kwargs)
    x3, y3 = generate(noise=0.1, seed=4)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not (np.array_equal(x1, x3) and np.array_equal(y1, y3))
    assert x1.dtype == np.float64 and x1.ndim == 2 and len(y1) == len(x1)


def test_spirals_arms_without_noise():
    x, y = datasets.spirals(301, classes=3, noise=0.0, turns=1.0)
    assert x.shape == (301, 2) and y.dtype == np.int64 and np.bincount(y).tolist() == [101, 100, 100]
    r = np.hypot(*x.T)
    assert r.min() == pytest.approx(0.1) and r.max() == pytest.approx(1.0)
    # arm c is at angle 2 pi (r + c / 3): rotating the point back by that angle lands on the positive x axis
    angle = 2 * np.pi * (r + y / 3)
    back = x[:, 0] * np.cos(angle) + x[:, 1] * np.sin(angle)
    np.testing.assert_allclose(back, r, atol=1e-12)


def test_kan_toy_functions_on_a_grid():
    x, y = datasets.exp_sin(25, grid=True)
    assert x.shape == (25, 2) and y.shape == (25, 1)
    assert np.unique(x[:, 0]).tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]
    np.testing.assert_allclose(y[:, 0], np.exp(np.sin(np.pi * x[:, 0]) + x[:, 1] ** 2))
    assert np.exp(-1) - 1e-12 <= y.min() and y.max() <= np.exp(2) + 1e-12
    x, y = datasets.multiply(9, grid=True)
    np.testing.assert_allclose(y[:, 0], x[:, 0] * x[:, 1])
    x, y = datasets.bessel(3, grid=True)
    # J0(0) = 1 and J0(20) = 0.16702466434058316 (tabulated)
    np.testing.assert_allclose(y[:, 0], [0.16702466434058316, 1.0, 0.16702466434058316], rtol=1e-12)


def test_random_inputs_fill_the_interval():
    x, _ = datasets.exp_sin(2000, low=-2.0, high=3.0)
    assert x.min() >= -2.0 and x.max() <= 3.0 and x.min() < -1.9 and x.max() > 2.9


def test_chirp_frequency_sweeps_from_f0_to_f1():
    x, y = datasets.chirp(4096, f0=2.0, f1=40.0)
    assert x.shape == (4096, 1) and x[0, 0] == -1.0 and x[-1, 0] == 1.0 and y[0, 0] == 0.0
    assert np.abs(y).max() <= 1.0
    # (f0 + f1) / 2 cycles per unit over 2 units: 42 cycles, two zero crossings each
    crossings = np.count_nonzero(np.diff(np.sign(y[1:, 0])))
    assert abs(crossings - 84) <= 2
    quarter = len(y) // 4
    early, late = (np.count_nonzero(np.diff(np.sign(part))) for part in (y[1:quarter, 0], y[-quarter:, 0]))
    assert late > 5 * early


def test_periodic_trend_and_its_extrapolation_interval():
    x, y = datasets.periodic_trend(101)
    np.testing.assert_allclose(y[:, 0] - 0.1 * x[:, 0], np.sin(x[:, 0]), atol=1e-12)
    x, _ = datasets.periodic_trend(50, low=2 * np.pi, high=6 * np.pi)
    assert x[0, 0] == pytest.approx(2 * np.pi) and x[-1, 0] == pytest.approx(6 * np.pi)


def test_noise_is_gaussian_with_the_given_deviation():
    _, clean = datasets.bessel(8000, seed=5)
    _, noisy = datasets.bessel(8000, noise=0.2, seed=5)
    assert np.std(noisy - clean) == pytest.approx(0.2, rel=0.05)
    assert abs(np.mean(noisy - clean)) < 0.01


def test_audio_holds_its_tones_with_their_amplitudes():
    clip = datasets.audio(sample_rate=8000, seconds=1.0, tones=(220.0, 440.0, 660.0), sweep=None, decay=0.0)
    assert clip.shape == (8000,) and clip.dtype == np.float64 and np.abs(clip).max() == 1.0
    freqs, amplitude = spectrum(clip, 8000)
    peaks = freqs[np.argsort(amplitude)[-3:]]
    assert sorted(peaks) == [220.0, 440.0, 660.0]
    a = amplitude[np.searchsorted(freqs, [220.0, 440.0, 660.0])]
    np.testing.assert_allclose(a / a[0], [1, 1 / 2, 1 / 3], rtol=1e-9)


def test_audio_with_sweep_and_decay_is_normalised_and_seeded():
    clip = datasets.audio(sample_rate=8000, seconds=0.5, noise=0.01, seed=1)
    assert clip.shape == (4000,) and np.abs(clip).max() == 1.0
    np.testing.assert_array_equal(clip, datasets.audio(sample_rate=8000, seconds=0.5, noise=0.01, seed=1))
    # the chord decays: the first tenth is louder than the last
    assert np.abs(clip[:400]).mean() > np.abs(clip[-400:]).mean()


@pytest.mark.parametrize("call, message", [
    (lambda: datasets.spirals(classes=1), "classes >= 2"),
    (lambda: datasets.spirals(2, classes=3), "n >= 3"),
    (lambda: datasets.spirals(noise=-1.0), "must be >= 0"),
    (lambda: datasets.exp_sin(10, grid=True), "n must be a square"),
    (lambda: datasets.exp_sin(low=1.0, high=-1.0), "low < high"),
    (lambda: datasets.multiply(n=0), "n >= 1"),
    (lambda: datasets.chirp(100, f1=60.0), "Nyquist"),
    (lambda: datasets.periodic_trend(period=0.0), "period must be a finite number > 0"),
    (lambda: datasets.audio(tones=(9000.0,)), "Nyquist"),
    (lambda: datasets.audio(sample_rate=4000, sweep=(100.0, 3000.0)), "Nyquist"),
    (lambda: datasets.audio(seconds=0.0), "seconds must be"),
    (lambda: datasets.audio(tones=(), sweep=None), "silent"),
    (lambda: datasets.digits(test_fraction=1.0), "test_fraction must be in"),
])
def test_bad_arguments_are_refused_with_a_reason(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_digits_are_the_8x8_set_split_by_seed():
    x_train, y_train, x_test, y_test = datasets.digits(test_fraction=0.25, seed=0)
    assert x_train.shape == (1348, 64) and x_test.shape == (449, 64) and y_test.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0 and set(np.unique(y_train)) == set(range(10))
    again = datasets.digits(test_fraction=0.25, seed=0)
    other = datasets.digits(test_fraction=0.25, seed=1)
    assert np.array_equal(again[0], x_train) and not np.array_equal(other[0], x_train)
