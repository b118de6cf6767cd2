"""minigrad.backends.vmath.pow: C99/NumPy semantics for every special case, float32 within 1 ulp and vectorised,
float64 exactly libm's."""
import functools
import itertools

import numpy as np
import pytest

numba = pytest.importorskip("numba")
from minigrad.backends import vmath  # noqa: E402

from test_backend_vmath import needs_jit, ulp_distance  # noqa: E402

DTYPES = (np.float32, np.float64)
SPECIAL = (0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 1.5, -1.5, 2.5, 1e-30, 1e30, -1e10, 1e-45,
           np.inf, -np.inf, np.nan)


@functools.cache
def _kernel():
    @numba.njit(error_model="numpy", fastmath={"contract"})
    def apply(b, e, out):
        vmath.wide_vectors()
        for i in range(b.size):
            out[i] = vmath.pow(b[i], e[i])

    return apply


def run(b, e):
    out = np.empty_like(b)
    _kernel()(b, e, out)
    return out


def reference(b, e):
    """np.power in float64, rounded to the dtype of b."""
    with np.errstate(all="ignore"):
        return np.power(b.astype(np.float64), e.astype(np.float64)).astype(b.dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_special_cases_follow_numpy(dtype):
    b, e = np.array(list(itertools.product(SPECIAL, SPECIAL)), dtype).T.copy()
    got, want = run(b, e), reference(b, e)
    exact = ~np.isfinite(want) | (want == 0) | (np.abs(want) == 1)   # NaN, inf, signed zeros, +-1: bit for bit
    same = (got == want) & (np.signbit(got) == np.signbit(want)) | (np.isnan(got) & np.isnan(want))
    wrong = exact & ~same | ~exact & (ulp_distance(got, want) > 1)
    assert not wrong.any(), [(b[i], e[i], got[i], want[i]) for i in np.flatnonzero(wrong)]


def test_float32_is_within_one_ulp_up_to_overflow_and_underflow():
    rng = np.random.default_rng(0)
    b = np.concatenate([rng.uniform(0, 4, 200_000), 10.0 ** rng.uniform(-40, 38, 200_000),
                        -np.round(rng.uniform(0, 60, 100_000)) / 8]).astype(np.float32)
    e = np.concatenate([rng.uniform(-60, 60, 200_000), rng.uniform(-3, 3, 200_000),
                        np.round(rng.uniform(-40, 40, 100_000))]).astype(np.float32)
    got, want = run(b, e), reference(b, e)
    assert np.isinf(want).any() and (want == 0).any() and (np.abs(want) < np.finfo(np.float32).tiny).any()
    d = ulp_distance(got, want)
    worst = int(np.argmax(d))
    assert d[worst] <= 1, f"pow({b[worst]!r}, {e[worst]!r}) = {got[worst]!r}, reference {want[worst]!r}"


def test_float64_is_libm_pow():
    rng = np.random.default_rng(1)
    b, e = rng.uniform(0, 100, 10_000), rng.uniform(-100, 100, 10_000)
    assert np.array_equal(run(b, e), np.array([x ** y for x, y in zip(b.tolist(), e.tolist())]))


@needs_jit
def test_float32_loop_vectorises_without_libm():
    kernel = _kernel()
    run(np.ones(16, np.float32), np.ones(16, np.float32))
    ir = kernel.inspect_llvm(next(s for s in kernel.signatures if s[0].dtype == numba.float32))
    assert "llvm.loop.isvectorized" in ir and ("<16 x float>" in ir or "<8 x float>" in ir)
    assert "@powf" not in ir and "llvm.pow" not in ir


def test_mixed_float_types_are_refused():
    with pytest.raises(numba.core.errors.TypingError, match="one float type"):
        run(np.ones(2, np.float32), np.ones(2))
