"""Datasets for the lessons, made on the spot or read from files that come with the installed packages: nothing
is downloaded. Every generator is seeded (the same arguments give the same arrays) and returns float64 NumPy
arrays; labels are int64.

Classification, x of shape (n, 2) and labels y of shape (n,):
    xor()                                         the four corners of the unit square, labelled x1 XOR x2
    two_moons(n, noise, seed)                     two interleaving half circles
    spirals(n, classes, noise, seed, turns)       interleaved spiral arms around the origin
    digits(test_fraction, seed)                   the 8x8 handwritten digits (scikit-learn's copy): x of shape
                                                  (n, 64) in [0, 1], a seeded train/test split

Regression, x of shape (n, 1) or (n, 2) on [low, high]^d and y of shape (n, 1):
    exp_sin(n, noise, seed, grid, low, high)      exp(sin(pi x1) + x2^2), KAN's first toy function
    multiply(n, ...)                              x1 x2
    bessel(n, ...)                                J0(20 x)
    chirp(n, f0, f1, ...)                         sin of a phase whose frequency sweeps from f0 to f1
    periodic_trend(n, period, trend, ...)         sin(2 pi x / period) + trend x, for extrapolation

Signals and images:
    audio(sample_rate, seconds, ...)              a decaying chord over a chirp, shape (samples,), in [-1, 1]
    image(name, size, crop, grayscale)            a test image of scikit-image in [-1, 1], (size, size) or
                                                  (size, size, 3) in colour
"""
from minigrad.datasets.audio import audio
from minigrad.datasets.classification import digits, spirals, two_moons, xor
from minigrad.datasets.images import image
from minigrad.datasets.regression import bessel, chirp, exp_sin, multiply, periodic_trend

__all__ = ["audio", "bessel", "digits", "chirp", "exp_sin", "image", "multiply", "periodic_trend", "spirals", "two_moons",
           "xor"]
