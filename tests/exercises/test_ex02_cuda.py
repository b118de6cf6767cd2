"""Exercise ex02_2: SiLU as CUDA C, compiled for the CPU by the C++ compiler and compared with the catalog."""
import re

import numpy as np
import pytest

from declared import declared

from minigrad.course.hints import assert_close

pytestmark = pytest.mark.ex02_2
X = np.concatenate([np.linspace(-20.0, 20.0, 81), [-1e4, -800.0, -100.0, 100.0, 800.0, 1e4]]).astype(np.float32)


def test_cuda_source_computes_silu_and_its_gradient_in_float32(exercise):
    g = np.linspace(-1.5, 2.0, X.size).astype(np.float32)
    out, grad_input = exercise.run_on_cpu(X, g)
    assert out.dtype == grad_input.dtype == np.float32
    assert_close(out, declared("silu", "f", X), "silu_forward", at=X, rtol=1e-6, atol=1e-30,
                 hint="return x * s with s = 1 / (1 + expf(-x)), written with expf(-fabsf(x)) so it cannot overflow")
    assert_close(grad_input, g * declared("silu", "df", X), "silu_backward", at=X, rtol=1e-6, atol=1e-30,
                 hint="return g * s * (1 + x (1 - s)); compute 1 - s as e / (1 + e) for x >= 0 so that it keeps "
                      "its precision")


def test_cuda_source_computes_in_float_only(exercise):
    source = exercise.silu_device_functions()
    assert "double" not in source, "write the device functions with float only: no double anywhere"
    doubles = [c for c in re.findall(r"\b\d+\.\d*(?:[eE][-+]?\d+)?f?", source) if not c.endswith("f")]
    assert not doubles, f"the constants {doubles} are doubles: write them with an f suffix (1.0f)"
    for name in ("exp(", "fabs("):
        assert name not in source.replace("expf(", "").replace("fabsf(", ""), (
            f"{name[:-1]} is the double-precision function: use its float version {name[:-1]}f")
