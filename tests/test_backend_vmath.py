"""minigrad.backends.vmath: accuracy in ulp, special values, and that loops over it vectorise.

Every function is compiled once per dtype into the loop `for i in range(n): out[i] = f(x[i])`; the same kernels
give the accuracy numbers and the LLVM IR that the vectorisation tests read.

Accuracy is the distance in ulp (the number of representable floats in between, +1) to the float64 reference
rounded to the tested dtype. References: NumPy in float64, except where NumPy/SciPy are not accurate enough in
float64 (erf, erfc: glibc's `math.erf/erfc`; sigmoid: SciPy's expit underflows to 0 below -709, so the
two-branch formula; dsigmoid and gauss: their formulas in x86 long double). The float64 references are themselves within
1-2 ulp of mpmath, which the 4-ulp bound absorbs, except glibc's erfc (3 ulp seen near 1.19): its float64 bound
is widened by that much (vmath's own erfc is within 2 ulp of mpmath there).
"""
import functools
import math
import re

import numpy as np
import pytest

numba = pytest.importorskip("numba")
from minigrad.backends import vmath, vmath_accuracy, vmath_fit  # noqa: E402
from minigrad.backends.vmath_accuracy import ulp_distance  # noqa: E402

MAX_ULP = 4
REFERENCE_ERROR_F64 = {"erfc": 3}        # ulp by which the float64 reference itself can be off (see above)
DTYPES = (np.float32, np.float64)
FUNCTIONS = tuple(vmath.__all__)


def _gauss(x):
    return np.exp(-np.square(x.astype(np.longdouble))).astype(np.float64)  # x*x without the float64 rounding


def _dsigmoid(x):
    e = np.exp(-np.abs(x.astype(np.longdouble)))  # 64-bit mantissa: the float64 reference's own rounding is absorbed
    return (e / ((1 + e) * (1 + e))).astype(np.float64)


_erf, _erfc = (np.frompyfunc(f, 1, 1) for f in (math.erf, math.erfc))
# the float32 sweep's references, made finer where float64 results are tested
REFERENCE = {**vmath_accuracy.REFERENCE, "dsigmoid": _dsigmoid, "erf": lambda x: _erf(x).astype(np.float64),
             "erfc": lambda x: _erfc(x).astype(np.float64), "gauss": _gauss}


@functools.cache
def _kernel(name, fastmath):
    fn = getattr(vmath, name)

    @numba.njit(fastmath=fastmath)
    def apply(x, out):
        for i in range(x.size):
            out[i] = fn(x[i])

    return apply


def run(name, x, fastmath=False):
    out = np.empty_like(x)
    _kernel(name, fastmath)(x, out)
    return out


def reference(name, x, dtype):
    with np.errstate(all="ignore"):
        return REFERENCE[name](np.asarray(x, np.float64)).astype(dtype)


def around(points, dtype, k=40):
    """The 2k+1 consecutive floats of `dtype` centred on each point."""
    out = []
    for p in np.asarray(points, dtype):
        up, down = [p], [p]
        for _ in range(k):
            up.append(np.nextafter(up[-1], dtype(np.inf)))
            down.append(np.nextafter(down[-1], dtype(-np.inf)))
        out += up + down
    return np.array(out, dtype)


# per function: (domain for float32, domain for float64, points whose neighbourhoods are tested float by float)
EXP_MAX = {np.float32: 88.72283935546875, np.float64: 709.782712893384}
DOMAINS = {
    "exp": ((-105, 89), (-746, 710), "overflow", -87.3, -103.97, -708.4, -745.13),
    "expm1": ((-20, 89), (-40, 710), "overflow", 0.3466, -0.3466, 1e-7, -17.33),
    "log": ((0, 3.4e38), (0, 1.7e308), 1.0, 0.7071, 1.4142, 1.1754944e-38, 2.2250738585072014e-308),
    "log1p": ((-1, 3.4e38), (-1, 1.7e308), -1 + 2**-20, -0.2929, 0.4142, 1e-6),
    "tanh": ((-10, 10), (-20, 20), 0.55, 9.0, 19.0),
    "sigmoid": ((-105, 105), (-746, 746), -87.3, -103.3, -708.4, -744.4),
    "dsigmoid": ((-105, 105), (-746, 746), -87.3, -103.3, -708.4, -744.4),
    "softplus": ((-105, 105), (-746, 746), -87.3, 15.0, 36.0),
    "erf": ((-7, 7), (-7, 7), 0.84375, 1.25, 1 / 0.35, 3.9, 6.0),
    "erfc": ((-7, 10.1), (-7, 27.3), 0.25, 0.84375, 1.25, 1 / 0.35, 9.0, 9.2, 10.05, 26.5),
    "gauss": ((-11, 11), (-28, 28), 9.34, 10.125, 10.2, 26.6, 27.28),
    "sin": ((-32768, 32768), (-1.3e7, 1.3e7), np.pi, 100 * np.pi, 5000 * np.pi, 10000.5 * np.pi),
    "cos": ((-32768, 32768), (-1.3e7, 1.3e7), np.pi / 2, 100.5 * np.pi, 5000.5 * np.pi, 10000 * np.pi),
    "atan": ((-1e6, 1e6), (-1e12, 1e12), 7 / 16, 11 / 16, 19 / 16, 39 / 16, 1.0),
}


def grid(name, dtype):
    """Dense grid over the domain, geometric grids from the smallest subnormal to the ends, and neighbourhoods."""
    (lo32, hi32), (lo64, hi64), *points = DOMAINS[name]
    lo, hi = (lo32, hi32) if dtype == np.float32 else (lo64, hi64)
    tiny = np.finfo(dtype).smallest_subnormal
    geo = np.geomspace(tiny, max(abs(lo), abs(hi)), 40_000)
    points = [EXP_MAX[dtype] if p == "overflow" else p for p in points]
    parts = [np.linspace(lo, hi, 60_001), np.linspace(-4, 4, 20_001), geo, -geo,
             around(points + [-p for p in points], dtype)]
    with np.errstate(over="ignore"):
        x = np.concatenate([np.asarray(p, dtype) for p in parts])
    return np.unique(x[(x >= lo) & (x <= hi)])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_accuracy_within_a_few_ulp(name, dtype):
    check_accuracy(name, dtype)


def check_accuracy(name, dtype, fastmath=False):
    x = grid(name, dtype)
    got = run(name, x, fastmath)
    assert got.dtype == dtype
    d = ulp_distance(got, reference(name, x, dtype))
    worst = int(np.argmax(d))
    want = reference(name, x[worst:worst + 1], dtype)[0]
    bound = MAX_ULP + (REFERENCE_ERROR_F64.get(name, 0) if dtype == np.float64 else 0)
    assert d[worst] <= bound, f"{name}({x[worst]!r}) = {got[worst]!r}, reference {want!r}: {d[worst]} ulp"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_float32_accuracy_over_a_sweep_of_all_bit_patterns(name):
    """Every 4099th float32 bit pattern, NaNs, infinities and subnormals included: the bounds vmath documents for
    all 2**32 inputs (`python -m minigrad.backends.vmath_accuracy` sweeps them all)."""
    result = vmath_accuracy.sweep(name, stride=4099)
    assert result.inputs > 500_000 and result.worst_ulp <= vmath_accuracy.BOUNDS[name], result


def test_the_sweep_refuses_unknown_functions_and_strides():
    with pytest.raises(ValueError, match="unknown function 'exp2'"):
        vmath_accuracy.sweep("exp2")
    with pytest.raises(ValueError, match="stride must be a positive integer"):
        vmath_accuracy.sweep("exp", stride=0)


NAN, INF = np.nan, np.inf
SPECIAL = {  # (x, expected) pairs, for both dtypes; signed zeros are compared with their sign
    "exp": ((NAN, NAN), (INF, INF), (-INF, 0.0), (0.0, 1.0), (-0.0, 1.0), (1e5, INF), (-1e5, 0.0)),
    "expm1": ((NAN, NAN), (INF, INF), (-INF, -1.0), (0.0, 0.0), (-0.0, -0.0), (1e5, INF)),
    "log": ((NAN, NAN), (INF, INF), (-INF, NAN), (0.0, -INF), (-0.0, -INF), (-1.0, NAN), (1.0, 0.0)),
    "log1p": ((NAN, NAN), (INF, INF), (-INF, NAN), (-1.0, -INF), (-2.0, NAN), (0.0, 0.0), (-0.0, -0.0)),
    "tanh": ((NAN, NAN), (INF, 1.0), (-INF, -1.0), (0.0, 0.0), (-0.0, -0.0), (1e30, 1.0)),
    "sigmoid": ((NAN, NAN), (INF, 1.0), (-INF, 0.0), (0.0, 0.5), (1e30, 1.0), (-1e30, 0.0)),
    "dsigmoid": ((NAN, NAN), (INF, 0.0), (-INF, 0.0), (0.0, 0.25), (-0.0, 0.25), (1e30, 0.0), (-1e30, 0.0)),
    "softplus": ((NAN, NAN), (INF, INF), (-INF, 0.0), (1e30, 1e30)),
    "erf": ((NAN, NAN), (INF, 1.0), (-INF, -1.0), (0.0, 0.0), (-0.0, -0.0)),
    "erfc": ((NAN, NAN), (INF, 0.0), (-INF, 2.0), (0.0, 1.0), (30.0, 0.0)),
    "gauss": ((NAN, NAN), (INF, 0.0), (-INF, 0.0), (0.0, 1.0), (-0.0, 1.0), (1e30, 0.0), (-1e30, 0.0)),
    "sin": ((NAN, NAN), (INF, NAN), (-INF, NAN), (0.0, 0.0), (-0.0, -0.0)),
    "cos": ((NAN, NAN), (INF, NAN), (-INF, NAN), (0.0, 1.0), (-0.0, 1.0)),
    "atan": ((NAN, NAN), (INF, np.pi / 2), (-INF, -np.pi / 2), (0.0, 0.0), (-0.0, -0.0)),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_special_values(name, dtype):
    check_special_values(name, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_erf_keeps_its_own_flags_in_a_fastmath_kernel(name, dtype):
    """erf/erfc are compiled as functions of their own, with no fast-math flag but contract: in a fastmath=True
    kernel (nnan, ninf, reassoc) they still handle NaN/inf and keep their accuracy."""
    check_special_values(name, dtype, fastmath=True)
    check_accuracy(name, dtype, fastmath=True)


def check_special_values(name, dtype, fastmath=False):
    x, want = np.array(SPECIAL[name], dtype).T.copy()
    got = run(name, x, fastmath)
    same = (got == want) & (np.signbit(got) == np.signbit(want)) | (np.isnan(got) & np.isnan(want))
    assert same.all(), [(float(a), float(g), float(w)) for a, g, w, ok in zip(x, got, want, same) if not ok]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("pair, first, second", [("sigmoid_and_slope", "sigmoid", "dsigmoid")])
def test_pairs_sharing_their_work_are_the_separate_functions_bit_for_bit(pair, first, second, dtype):
    both_at_once = getattr(vmath, pair)

    @numba.njit
    def both(x, a, b):
        for i in range(x.size):
            a[i], b[i] = both_at_once(x[i])

    special = np.array([np.nan, np.inf, -np.inf, 1e30, -1e30, 0.0, -0.0], dtype)
    x = np.concatenate([grid(first, dtype), grid(second, dtype), special])
    a, b = np.empty_like(x), np.empty_like(x)
    both(x, a, b)
    assert np.array_equal(a, run(first, x), equal_nan=True) and np.array_equal(b, run(second, x), equal_nan=True)


def test_erfc_and_gauss_of_one_argument_share_their_exp_in_float32():
    # no pair function needed: inlined, the identical work of the two is merged by LLVM (one llvm.rint, the exp's
    # reduction, per loop version, as for erfc alone)
    @numba.njit(error_model="numpy", fastmath={"contract"})
    def both(x, out):
        for i in range(x.size):
            out[i] = vmath.erfc(x[i]) * x[i] + vmath.gauss(x[i])

    @numba.njit(error_model="numpy", fastmath={"contract"})
    def erfc_alone(x, out):
        for i in range(x.size):
            out[i] = vmath.erfc(x[i]) * x[i]

    x = np.linspace(-3.0, 3.0, 64, dtype=np.float32)
    counts = []
    for kernel in (both, erfc_alone):
        kernel(x, np.empty_like(x))
        counts.append(kernel.inspect_llvm(kernel.signatures[0]).count("@llvm.rint."))
    assert counts[0] == counts[1] > 0, counts


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_exp_of_a_nonpositive_argument_is_exp_bit_for_bit(dtype):
    lowest = vmath._EXP_K32[3] if dtype == np.float32 else vmath._EXP_K64[3]
    grid_exp = grid("exp", dtype)
    z = np.concatenate([grid_exp[grid_exp <= 0], around([lowest, lowest / 1.2], dtype),
                        np.array([-np.inf, -0.0, 0.0], dtype)])
    assert np.array_equal(run("_exp_nonpositive", z), run("exp", z))
    assert run("_exp_nonpositive", np.array([np.nan], dtype))[0] == 0  # the callers restore NaN themselves


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_exp_overflows_exactly_where_the_result_exceeds_the_largest_float(dtype):
    x = around([EXP_MAX[dtype]], dtype, k=200)
    got = run("exp", x)
    assert np.array_equal(np.isinf(got), np.isinf(reference("exp", x, dtype)))
    assert np.isinf(got).any() and not np.isinf(got).all()
    assert np.array_equal(np.isinf(run("expm1", x)), np.isinf(got))


def test_float32_softplus_polynomial_is_the_fit_its_comment_states():
    # f + f*f*P(f) against log1p on [-1/4, 1/2), in float64 so that only the fit's own error is left, measured as
    # the softplus result sees it: relative to log1p(f), or to ln2 + log1p(f) on the half that adds ln2
    f = np.linspace(-0.25, 0.5, 200_001)[:-1]
    fit = f + f * f * np.polynomial.polynomial.polyval(f, vmath._SOFTPLUS_P32)
    result = np.where(f < 0, math.log(2.0) + np.log1p(f), np.log1p(f))
    nonzero = f != 0
    assert (np.abs(fit - np.log1p(f))[nonzero] / result[nonzero]).max() < 0.05 * 2.0**-24


def test_the_fit_command_reproduces_the_softplus_coefficients():
    # least squares through LAPACK may differ in the last bits between machines: a float32 ulp of slack each
    fit = vmath_fit.softplus_fit()
    got = np.array(fit.coefficients, np.float32).view(np.int32).astype(np.int64)
    committed = np.array(vmath._SOFTPLUS_P32, np.float32).view(np.int32).astype(np.int64)
    assert np.abs(got - committed).max() <= 1 and fit.error < 0.05


def test_erfc_stays_relatively_accurate_in_the_far_tail():
    x = np.array([5.0, 7.0, 9.0, 9.5, 10.0], np.float32)
    got = run("erfc", x)
    want = reference("erfc", x, np.float32)
    assert got[2] > 0 and abs(got[2] / 4.1370317e-37 - 1) < 1e-5       # erfc(9) ~ 4.137e-37
    assert (ulp_distance(got, want) <= MAX_ULP).all(), (got, want)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_beyond_the_accurate_range_stay_finite_and_bounded(name, dtype):
    big = (10.0 ** np.linspace(4, np.log10(np.finfo(dtype).max) - 1e-3, 2_000)).astype(dtype)
    got = run(name, np.concatenate([big, -big]))
    assert np.isfinite(got).all() and (np.abs(got) <= 1).all()


def test_non_float_arguments_are_refused():
    with pytest.raises(numba.core.errors.TypingError, match="float32 or float64"):
        vmath.exp(1)


# ----------------------------------------------------------------------------------------------------------------
# vectorisation: the kernels' optimised LLVM IR must hold SIMD arithmetic and no libm calls
# ----------------------------------------------------------------------------------------------------------------
LIBM = re.compile(r"@(exp|expm1|log|log1p|tanh|erf|erfc|sin|cos|atan)f?\(")
needs_jit = pytest.mark.skipif(numba.config.DISABLE_JIT or int(numba.config.OPT) < 2,
                               reason="vectorisation needs Numba's JIT at optimisation level >= 2")


def llvm_ir(name, dtype):
    kernel = _kernel(name, False)
    run(name, np.ones(16, dtype))        # compile this dtype
    sig = next(s for s in kernel.signatures if s[0].dtype == numba.from_dtype(dtype))
    return kernel.inspect_llvm(sig)


@needs_jit
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_loop_vectorises(name, dtype):
    ir = llvm_ir(name, dtype)
    scalar = "float" if dtype == np.float32 else "double"
    lanes = {int(n) for n in re.findall(rf"<(\d+) x {scalar}>", ir)}
    assert any(n >= 2 for n in lanes), f"{name}/{dtype.__name__}: no <N x {scalar}> vector code in the loop"
    assert "llvm.loop.isvectorized" in ir, f"{name}/{dtype.__name__}: the loop vectoriser did not run"
    assert not LIBM.search(ir), f"{name}/{dtype.__name__}: calls libm"


@needs_jit
@pytest.mark.parametrize("name", FUNCTIONS)
def test_float32_code_never_promotes_to_float64(name):
    assert "double" not in llvm_ir(name, np.float32)
