"""Exercise ex01_10: softplus and log-sigmoid in both tails, float32 and float64."""
import numpy as np
import pytest

from declared import declared
from minigrad.course.hints import assert_close, no_floating_point_trouble

pytestmark = pytest.mark.ex01_10
X = np.concatenate([-np.logspace(4, -3, 36), [0.0], np.logspace(-3, 4, 36)])
HINT = "log(1 + e^x) = max(x, 0) + log1p(e^-|x|): the exponent never gets positive, and log1p keeps tiny e^-|x|"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softplus_everywhere(exercise, dtype):
    x = X.astype(dtype)
    with no_floating_point_trouble("softplus", f"{np.dtype(dtype)} x in [-1e4, 1e4]", HINT):
        got = exercise.softplus(x)
    assert_close(got, declared("softplus", "f", x, threshold=1e300), "softplus", at=x, dtype=dtype,
                 rtol=1e-12 if dtype == np.float64 else 2e-6, atol=np.finfo(dtype).smallest_subnormal, hint=HINT)


def test_softplus_keeps_what_one_plus_rounds_away(exercise):
    x = np.array([-40.0, -60.0, -700.0])
    assert_close(exercise.softplus(x), np.exp(x), "softplus in the left tail", at=x, rtol=1e-12,
                 hint="softplus(-40) = 4.2e-18 (it is ~e^x there), but 1 + e^-40 rounds to 1 and log(1) = 0: "
                      "use log1p")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_logsigmoid_everywhere(exercise, dtype):
    x = X.astype(dtype)
    hint = "log s(x) = -softplus(-x); log(sigmoid(x)) is -inf once sigmoid underflows to 0"
    with no_floating_point_trouble("logsigmoid", f"{np.dtype(dtype)} x in [-1e4, 1e4]", hint):
        got = exercise.logsigmoid(x)
    assert_close(got, declared("logsigmoid", "f", x), "logsigmoid", at=x, dtype=dtype,
                 rtol=1e-12 if dtype == np.float64 else 2e-6, atol=np.finfo(dtype).smallest_subnormal, hint=hint)
