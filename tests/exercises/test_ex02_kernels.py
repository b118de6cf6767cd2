"""Exercise ex02_1: the fused SiLU kernel, against the catalog's NumPy reference; one small compile per dtype."""
import numpy as np
import pytest
from numba.core.dispatcher import Dispatcher

from declared import declared

from minigrad.course.hints import assert_close

pytestmark = pytest.mark.ex02_1
X = np.concatenate([np.linspace(-20.0, 20.0, 81), [-1e4, -800.0, 800.0, 1e4]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kernel_computes_silu_and_its_gradient(exercise, dtype):
    x = X.astype(dtype)
    g = np.linspace(-1.5, 2.0, x.size).astype(dtype)
    out, grad_input = np.full_like(x, np.nan), np.full_like(x, np.nan)
    exercise.silu_forward_backward(x, g, out, grad_input)
    rtol = 1e-13 if dtype == np.float64 else 1e-6
    assert_close(out, declared("silu", "f", x), "silu_forward_backward's out", at=x, rtol=rtol, atol=1e-30,
                 hint="out[i] = x[i] * s with s = 1 / (1 + exp(-x[i])), written for every i")
    assert_close(grad_input, g * declared("silu", "df", x), "silu_forward_backward's grad_input", at=x, rtol=rtol,
                 atol=1e-30, hint="grad_input[i] = grad_output[i] * (s + x s (1 - s)), with s = sigmoid(x[i]); "
                                  "compute 1 - s as s(-x) (e s for x >= 0) so that it keeps its precision")


def test_kernel_is_compiled_by_numba(exercise):
    kernel = exercise.silu_forward_backward
    assert isinstance(kernel, Dispatcher), ("silu_forward_backward must be a Numba kernel: keep the @njit "
                                            "decorator above it")
    x = np.linspace(-2.0, 2.0, 5)
    out, grad_input = exercise.silu_fused(x, np.ones_like(x))
    assert kernel.nopython_signatures, "silu_forward_backward did not compile in nopython mode"
    assert_close(out, declared("silu", "f", x), "silu_fused", at=x, rtol=1e-13)
