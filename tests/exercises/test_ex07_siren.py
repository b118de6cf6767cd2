"""Exercise ex07_1: SIREN's initialisation bounds, and what they are for: omega0 W y ~ N(0, 1) in every hidden
layer, so the sine outputs have the same distribution at every depth."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.course.hints import assert_close

pytestmark = pytest.mark.ex07_1
HINT = ("first layer: 1 / fan_in; hidden layers: sqrt(6 / fan_in) / omega0, so that omega0 W y has variance "
        "omega0^2 fan_in (c^2 / 3)(1 / 2) = 1")


@pytest.mark.parametrize("fan_in, omega0", [(1, 30.0), (2, 30.0), (64, 30.0), (256, 1.0), (100, 10.0)])
def test_bounds(exercise, fan_in, omega0):
    got = [exercise.siren_bound(fan_in, omega0, is_first=True), exercise.siren_bound(fan_in, omega0)]
    assert_close(got, [1 / fan_in, math.sqrt(6 / fan_in) / omega0], "siren_bound (first layer, hidden layer)",
                 at={"fan_in": [fan_in] * 2, "omega0": [omega0] * 2}, rtol=1e-12, hint=HINT)


def test_bounds_match_minigrad_init(exercise):
    mg.manual_seed(0)
    weight = mg.zeros((512, 48))
    nn.init.siren_uniform_(weight, omega0=30.0)
    assert_close(exercise.siren_bound(48, 30.0), np.abs(weight.numpy()).max(), "siren_bound(48, 30)",
                 rtol=1e-3, hint=HINT)


def test_bad_arguments_are_refused(exercise):
    for fan_in, omega0 in [(0, 30.0), (16, 0.0), (16, -1.0)]:
        with pytest.raises(ValueError):
            exercise.siren_bound(fan_in, omega0)
            pytest.fail(f"siren_bound({fan_in}, omega0={omega0}) should raise ValueError: fan_in >= 1 and omega0 > 0")


def test_signal_keeps_its_scale_through_depth(exercise):
    """With the right bounds Var(omega0 W y) = 2 E[y^2] in a hidden layer. For y = sin z, z ~ N(0, v), that is
    1 - e^-2v: from layer to layer the variance settles near 0.80, neither vanishing nor growing."""
    mg.manual_seed(1)
    width, omega0 = 256, 30.0
    y = np.random.default_rng(1).uniform(-1.0, 1.0, (2000, 2))
    for depth in range(5):
        weight = mg.zeros((width, y.shape[1]))
        exercise.siren_uniform_(weight, omega0, is_first=depth == 0)
        z = omega0 * (y @ weight.numpy().T)
        if depth > 0:
            assert_close(z.var(), 2 * np.mean(y * y), f"the variance of omega0 W y in hidden layer {depth}",
                         rtol=0.08, hint=HINT)
        y = np.sin(z)
    assert 0.7 < z.var() < 1.05, f"after 5 layers the variance of omega0 W y is {z.var():.3g}, expected ~0.80"
