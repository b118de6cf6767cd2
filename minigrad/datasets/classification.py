"""Classification sets generated on the spot: x float64 of shape (n, 2), y int64 labels 0..classes-1.

They are the small 2-D problems of the course: XOR (not linearly separable), two moons (a curved boundary) and
spirals (a boundary that winds around the origin, hard for a small ReLU network). Points are shuffled, so a
prefix of the arrays is a fair sample of every class.
"""
from __future__ import annotations

import numpy as np

from minigrad.datasets import checks


def _class_sizes(n: int, classes: int) -> list[int]:
    """n points split as evenly as possible, the first classes taking one extra each."""
    return [n // classes + (c < n % classes) for c in range(classes)]


def _shuffled(rng: np.random.Generator, parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The points of each class stacked, labelled by their class and put in a random order."""
    x = np.concatenate(parts)
    y = np.concatenate([np.full(len(part), c, dtype=np.int64) for c, part in enumerate(parts)])
    order = rng.permutation(len(x))
    return x[order], y[order]


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four corners of the unit square, labelled x1 XOR x2: the classic not-linearly-separable set."""
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return x, np.array([0, 1, 1, 0], dtype=np.int64)


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 is (cos t, sin t), class 1 is (1 - cos t, 1/2 - sin t), t in [0, pi].

    `n` points in all (class 0 gets the extra one when n is odd), Gaussian noise of standard deviation `noise`;
    without noise x lies in [-1, 2] x [-1/2, 1].
    """
    n = checks.count("two_moons", "n", n, 2, "one point per class")
    noise = checks.noise("two_moons", noise)
    rng = np.random.default_rng(seed)
    n_upper, n_lower = _class_sizes(n, 2)
    t_upper, t_lower = np.linspace(0, np.pi, n_upper), np.linspace(0, np.pi, n_lower)
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1)
    lower = np.stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1)
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    return _shuffled(rng, [x[:n_upper], x[n_upper:]])


def spirals(n: int = 300, classes: int = 2, noise: float = 0.05, seed: int = 0,
            turns: float = 1.5) -> tuple[np.ndarray, np.ndarray]:
    """`classes` interleaved spiral arms around the origin.

    Arm c is r (cos theta, sin theta) with r from 0.1 to 1 and theta = 2 pi (turns r + c / classes): the arms
    are rotated copies of one another, each winding `turns` times. `n` points in all, split as evenly as
    possible; Gaussian noise of standard deviation `noise` on each coordinate. Without noise x lies in the
    unit disc.
    """
    classes = checks.count("spirals", "classes", classes, 2)
    n = checks.count("spirals", "n", n, classes, "one point per class")
    noise = checks.noise("spirals", noise)
    turns = checks.positive("spirals", "turns", turns)
    rng = np.random.default_rng(seed)
    arms = []
    for c, size in enumerate(_class_sizes(n, classes)):
        r = np.linspace(0.1, 1.0, size)
        theta = 2 * np.pi * (turns * r + c / classes)
        arms.append(np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1) + noise * rng.standard_normal((size, 2)))
    return _shuffled(rng, arms)


def digits(test_fraction: float = 0.25, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 8x8 handwritten digits (1797 images, 10 classes) bundled with scikit-learn: no download.

    Returns x_train, y_train, x_test, y_test: x float64 of shape (n, 64) with pixels scaled from 0..16 to [0, 1],
    y int64 in 0..9; a seeded split with `test_fraction` of the images held out.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"digits: test_fraction must be in (0, 1), got {test_fraction!r}")
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order] / 16.0, y[order].astype(np.int64)
    cut = len(x) - int(round(test_fraction * len(x)))
    return x[:cut], y[:cut], x[cut:], y[cut:]
