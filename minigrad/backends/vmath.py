"""Elementwise math that LLVM can vectorise, for Numba kernels (float32 and float64).

Why this module exists: Numba from pip has no vector math library (no SVML), so `math.exp`, `math.tanh`,
`math.erf`, ... inside a loop stay scalar libm calls (~25 ns each) and the loop cannot be vectorised: a Numba
kernel for a transcendental activation ends up slower than NumPy. The functions here are written so that, once
inlined into a loop, the loop body is plain arithmetic that LLVM's loop vectoriser turns into SIMD code:

- range reduction (Cody-Waite: a constant split into parts whose products with the reduction integer are
  exact) followed by a polynomial or rational approximation;
- no branches: every case is computed and chosen with `select` (`_where`), piecewise approximations pick their
  coefficients per lane (`_pick_range`);
- rounding with the LLVM intrinsics `llvm.rint` / `llvm.floor` (SIMD `vroundps/pd`), 2**n built by integer
  adds and shifts and a `bitcast` int32 -> float32 / int64 -> float64 (`_pow2`, `_pow2_halves`, `_log_reduce`);
- division through `fdiv` directly (`_fdiv`): Numba's own `/` checks for zero and raises, which is a branch.

Every public function takes a float32 or a float64 scalar and returns the same type. One algorithm serves both
dtypes: constants come from per-dtype tuples (`_dt(x, for_float32, for_float64)`) and are converted to the
input's type at compile time, so float32 code contains no float64 arithmetic (the tests check the LLVM IR).
erf and erfc are the exception: each dtype has its own algorithm, chosen when a kernel is compiled (`_by_dtype`)
and compiled as a function of its own that LLVM inlines.

Accuracy, in ulp against the correctly rounded result: float32, over all 2**32 inputs (`python -m
minigrad.backends.vmath_accuracy` sweeps them): exp, log, log1p, erf, sin, cos (|x| < 32768), atan <= 1; expm1,
tanh, sigmoid, dsigmoid, softplus <= 2; erfc <= 3 (317 inputs, all in 0.016 < x < 0.59; 0.06% of inputs at 2 ulp);
gauss within 1.2 ulp of the exact value. float64 <= 2 ulp (expm1, tanh, dsigmoid, erfc) or <= 1 (the others) on
dense grids and tails, checked against mpmath (dsigmoid, gauss: against their formulas in long double).
pow(b, e) (C99/NumPy semantics) is vectorised in float32 only: exp(e * log|b|) in float64, within 1 ulp; in
float64 it is libm's scalar pow, since float64 exp and log cannot carry the extra bits
(tests/test_backend_vmath_pow.py).
tests/test_backend_vmath.py holds every function to <= 4 ulp on dense grids, the tails, the overflow/underflow
boundaries and the special values.

sin/cos reduce x = q*pi/2 + r with a four-part Cody-Waite split of pi/2 (`_cody_waite`): <= 1 ulp for
|x| < 32768 (float32) and |x| < 1.3e7 (float64). Beyond, the products q*P_i stop being exact and the absolute
error grows: float32 ~1e-6 up to 2**17, then about ulp(x)/16, reaching 0.5 near 2**24; float64 ~1e-16 up
to 2**27, then about |x|*2**-54, reaching 0.5 near 2**53. From |x| >= 2**24 (float32) / 2**53 (float64),
where neighbouring floats are 2 or more apart, the reduced argument is set to 0: the result is finite and in
[-1, 1] but carries no information. (NumPy's sin/cos reduce exactly (Payne-Hanek): use them for such inputs.)

Provenance: log/log1p, atan and the float64 erf/erfc and sin/cos kernels are FreeBSD msun / musl (fdlibm,
Sun Microsystems, freely redistributable) approximations rewritten branch-free; float32 sin/cos use the Cephes
sinf/cosf minimax polynomials; exp/expm1 use the Taylor series of expm1 on |r| <= ln2/2 (degree 7 / 13).
float32 erf/erfc are this module's own: erfc(a) = exp(-a*a) * t*G(t), t = 1/(1 + 3a/8), for every a = |x|
(the shape of Numerical Recipes' erfcc, with a minimax polynomial G fitted to relative error and a correction
for the rounding of t), erf(x) = x + x*R(x*x) near 0; one division, one exp, no coefficient selection.
float32 softplus's log(1 + e**-|x|) is this module's own too: a polynomial of degree 8 on [-1/4, 1/2) after a
reduction by one factor of 2, fitted to the relative error of the result (`_log1p_unit32`; the fit is
`vmath_fit.py`), no division.

Where the caller knows the sign of exp's argument (e**-|x| in sigmoid, dsigmoid and softplus; expm1(2|x|) in
tanh), the overflow and NaN cases are left out (`_exp_nonpositive`, `_expm1_finish`), and NaN is restored once at
the end: the same values bit for bit over all 2**32 float32 inputs, for 1.1-1.3x the speed of sigmoid and tanh on
one core (`vmath_bench.bench(n=2**16, threads=1)`, two runs).

Floating-point flags: nothing here sets fast-math flags. Polynomials are evaluated with `llvm.fmuladd`, which
LLVM fuses into one FMA where the CPU has it (all AVX2 CPUs) and leaves as mul + add otherwise; the error
terms of exact products (erfc's x*x) use `llvm.fma`, which is exact everywhere. The functions are inlined into
the caller at Numba-IR level (`inline="always"`), so the caller's flags apply to their arithmetic: compile kernels
that use them WITHOUT `fastmath=True` (its `nnan`/`ninf` flags remove the NaN/inf handling and `reassoc` breaks
the compensated sums). `fastmath={"contract"}` is safe. (erf and erfc keep their own flags: contract only.)

Subnormals: on x86 CPUs an operation whose result (or multiplicand) is subnormal takes a microcode assist of
~100 cycles for the whole vector. The functions keep subnormals out of their intermediate steps wherever the
result is normal or exactly 0 / inf (exp beyond its range, log1p of tiny f, erfc's far tail, the e**-|x| of
sigmoid and softplus for large x > 0), so that their speed does not depend on the data; a result that is
itself subnormal (exp(x) for -104 < x < -87.3 in float32) is still computed exactly and pays the assist, as in
NumPy and PyTorch.

Special values follow C99/NumPy: NaN in -> NaN out; exp(-inf) = 0, exp overflows to +inf where the true value
exceeds the largest float (x > 88.72 float32, 709.78 float64) and returns subnormals/0 below; tanh(+-inf) =
+-1; sigmoid(-inf) = 0; softplus(+inf) = inf; erf(+-inf) = +-1, erfc(-inf) = 2; log(0) = -inf, log(x<0) = NaN,
log1p(-1) = -inf; sin/cos(+-inf) = NaN; atan(+-inf) = +-pi/2; signed zeros are kept by the odd functions.
"""
from __future__ import annotations

import math
import struct
from fractions import Fraction

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils, errors
from numba.extending import intrinsic, overload

# the functions of one float (kernels also call pow and sigmoid_and_slope, which take or give two)
__all__ = ["exp", "expm1", "log", "log1p", "tanh", "sigmoid", "dsigmoid", "softplus", "erf", "erfc", "gauss", "sin",
           "cos", "atan"]

inline = numba.njit(inline="always")


def _f32(bits: int) -> float:
    """The float32 whose IEEE bit pattern is `bits` (as a Python float): exact constants from C sources."""
    return struct.unpack("<f", struct.pack("<I", bits))[0]


# ----------------------------------------------------------------------------------------------------------------
# LLVM building blocks (Numba intrinsics). All are generic over float32/float64 and emit straight-line IR.
# ----------------------------------------------------------------------------------------------------------------
# per float type: (integer type of the same width, mantissa bits, exponent bias, bit pattern of sqrt(1/2))
_LAYOUT = {types.float32: (ir.IntType(32), 23, 127, 0x3F3504F3),
           types.float64: (ir.IntType(64), 52, 1023, 0x3FE6A09E667F3BCD)}


def _require_float(*tys):
    for ty in tys:
        if ty not in _LAYOUT:
            raise errors.TypingError(f"minigrad.backends.vmath works on float32 or float64 scalars, not {ty}")


def _number_tuple(ty) -> bool:
    return isinstance(ty, types.BaseTuple) and all(isinstance(t, (types.Float, types.Integer)) for t in ty)


def _as_type_of(x, c):
    """The type of constant(s) c (a number or a nested tuple of numbers) converted to the float type x."""
    if isinstance(c, (types.Float, types.Integer)):
        return x
    if isinstance(c, types.BaseTuple) and len(c) > 0:
        items = [_as_type_of(x, t) for t in c]
        return types.UniTuple(items[0], len(items)) if len(set(items)) == 1 else types.Tuple(items)
    raise errors.TypingError(f"constants must be numbers or tuples of numbers, not {c}")


def _cast_consts(context, builder, value, fromty, toty):
    """Cast a number or a nested tuple of numbers (`fromty`) to the float type `toty`, keeping the nesting."""
    if isinstance(fromty, types.BaseTuple):
        items = [_cast_consts(context, builder, builder.extract_value(value, i), t, toty)
                 for i, t in enumerate(fromty)]
        return context.make_tuple(builder, _as_type_of(toty, fromty), items)
    return context.cast(builder, value, fromty, toty)


@intrinsic
def _dt(typingctx, x, for_f32, for_f64):
    """The constant(s) for x's dtype, converted to that dtype: a number or a tuple of numbers (compile-time)."""
    _require_float(x)
    src = for_f32 if x == types.float32 else for_f64
    ret = _as_type_of(x, src)

    def codegen(context, builder, sig, args):
        return _cast_consts(context, builder, args[1] if x == types.float32 else args[2], src, x)

    return ret(x, for_f32, for_f64), codegen


@intrinsic
def wide_vectors(typingctx):
    """Call first in a kernel: LLVM may then vectorise its loops with the CPU's widest registers.

    LLVM tunes Intel's AVX-512 CPUs to prefer 256-bit vectors (on older ones 512-bit instructions lower the
    clock, a bad trade for light code). The kernels here are heavy arithmetic per element: 16 float32 lanes
    instead of 8 made a sigmoid loop 1.4x faster on one core of an AVX-512 Xeon. The function attribute only
    raises a preference; on CPUs without AVX-512 the vectors stay as wide as the CPU has.
    """
    def codegen(context, builder, sig, args):
        set.add(builder.function.attributes, '"prefer-vector-width"="512"')  # a string attribute llvmlite's
        return context.get_dummy_value()                                       # checked add() does not know

    return types.none(), codegen


@inline
def _k(x, c):
    """Constant(s) c (a number or tuple of numbers) in the dtype of x."""
    return _dt(x, c, c)


@intrinsic
def _where(typingctx, cond, a, b):
    """`a if cond else b` as an LLVM select (no branch)."""
    if not isinstance(cond, types.Boolean) or a != b:
        raise errors.TypingError(f"_where(bool, T, T) expected, got ({cond}, {a}, {b})")
    return a(cond, a, b), lambda context, builder, sig, args: builder.select(*args)


@intrinsic
def _fdiv(typingctx, a, b):
    """a / b with IEEE semantics (x/0 = +-inf, 0/0 = NaN) and no zero-division check."""
    _require_float(a)
    if a != b:
        raise errors.TypingError(f"_fdiv operands differ: {a}, {b}")
    return a(a, b), lambda context, builder, sig, args: builder.fdiv(*args)


def _call_llvm(builder, name, args):
    """Call the overloaded LLVM intrinsic `llvm.<name>.f32` / `.f64` on same-typed float operands."""
    lty = args[0].type
    suffix = "f32" if lty == ir.FloatType() else "f64"
    fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(lty, [lty] * len(args)),
                                        f"llvm.{name}.{suffix}")
    return builder.call(fn, args)


def _llvm_math(name, nargs):
    """An intrinsic calling the LLVM math intrinsic `llvm.<name>.f32/.f64` on `nargs` same-typed floats."""

    def typer(*args):
        _require_float(*args)
        if len(set(args)) != 1:
            raise errors.TypingError(f"llvm.{name} operands differ: {args}")

        return args[0](*args), lambda context, builder, sig, llargs: _call_llvm(builder, name, llargs)

    arity = {1: lambda typingctx, a: typer(a), 2: lambda typingctx, a, b: typer(a, b),
             3: lambda typingctx, a, b, c: typer(a, b, c)}
    return intrinsic(arity[nargs])


_rint = _llvm_math("rint", 1)          # round half to even (default rounding mode): vroundps/pd
_floor = _llvm_math("floor", 1)
_fabs = _llvm_math("fabs", 1)
_copysign = _llvm_math("copysign", 2)
_fma = _llvm_math("fma", 3)            # exact a*b + c (hardware FMA on every AVX2 CPU)


@intrinsic
def _poly(typingctx, v, coeffs):
    """c[0] + c[1]*v + c[2]*v**2 + ... by Horner's rule with fused multiply-adds, in v's dtype."""
    _require_float(v)
    if not _number_tuple(coeffs) or len(coeffs) == 0:
        raise errors.TypingError(f"_poly needs a non-empty tuple of numbers, got {coeffs}")

    def codegen(context, builder, sig, args):
        c = [context.cast(builder, builder.extract_value(args[1], i), t, v) for i, t in enumerate(coeffs)]
        acc = c[-1]
        for ci in reversed(c[:-1]):
            acc = _call_llvm(builder, "fmuladd", [acc, args[0], ci])   # a*b + c, fused where the CPU can
        return acc

    return v(v, coeffs), codegen


@intrinsic
def _pick_range(typingctx, a, bounds, table):
    """table[i] for the interval bounds[i-1] <= a < bounds[i] (table[0] below bounds[0], NaN too), per lane.

    Entries are numbers or equal-length tuples of numbers; the result is in a's dtype. Each coefficient costs
    len(bounds) selects, far cheaper than evaluating every piece."""
    _require_float(a)
    if not (_number_tuple(bounds) and isinstance(table, types.BaseTuple) and len(table) == len(bounds) + 1):
        raise errors.TypingError("_pick_range(a, bounds, table) needs len(table) == len(bounds) + 1")
    widths = {len(t) if isinstance(t, types.BaseTuple) else None for t in table}
    if len(widths) != 1:
        raise errors.TypingError("_pick_range: table entries must all be numbers or all tuples of one length")
    width = widths.pop()
    ret = a if width is None else types.UniTuple(a, width)

    def codegen(context, builder, sig, args):
        x, lbounds, ltable = args
        above = [builder.fcmp_ordered(">=", x, context.cast(builder, builder.extract_value(lbounds, i), t, a))
                 for i, t in enumerate(bounds)]
        rows = [_cast_consts(context, builder, builder.extract_value(ltable, r), table[r], a)
                for r in range(len(table))]

        def choose(values):
            out = values[0]
            for flag, val in zip(above, values[1:]):
                out = builder.select(flag, val, out)
            return out

        if width is None:
            return choose(rows)
        items = [choose([builder.extract_value(row, j) for row in rows]) for j in range(width)]
        return context.make_tuple(builder, ret, items)

    return ret(a, bounds, table), codegen


@intrinsic
def _pow2(typingctx, n):
    """2**n for an integral float n in the normal exponent range: ((n + bias) << mantissa_bits) as a float."""
    _require_float(n)

    def codegen(context, builder, sig, args):
        ity, mbits, bias, _ = _LAYOUT[n]
        k = builder.fptosi(args[0], ity)
        bits = builder.shl(builder.add(k, ir.Constant(ity, bias)), ir.Constant(ity, mbits))
        return builder.bitcast(bits, args[0].type)

    return n(n), codegen


@intrinsic
def _pow2_halves(typingctx, n):
    """(2**(k >> 1), 2**(k - (k >> 1))) for the integral float n = k: two factors whose product is 2**n, both
    normal for every n of exp's range (float32 -150 ... 128), in integer operations."""
    _require_float(n)

    def codegen(context, builder, sig, args):
        ity, mbits, bias, _ = _LAYOUT[n]
        k = builder.fptosi(args[0], ity)
        low = builder.ashr(k, ir.Constant(ity, 1))
        factors = [builder.bitcast(builder.shl(builder.add(e, ir.Constant(ity, bias)), ir.Constant(ity, mbits)),
                                   args[0].type) for e in (low, builder.sub(k, low))]
        return context.make_tuple(builder, sig.return_type, factors)

    return types.UniTuple(n, 2)(n), codegen


@intrinsic
def _log_reduce(typingctx, u):
    """(m, k) with u = m * 2**k, sqrt(1/2) <= m < sqrt(2), for a positive normal u (integer ops only).

    musl's trick: adding (bits(1) - bits(sqrt(1/2))) moves the exponent boundary from 1 to sqrt(1/2)."""
    _require_float(u)

    def codegen(context, builder, sig, args):
        ity, mbits, bias, sqrt_half = _LAYOUT[u]
        fty = args[0].type
        ix = builder.add(builder.bitcast(args[0], ity), ir.Constant(ity, (bias << mbits) - sqrt_half))
        k = builder.sub(builder.ashr(ix, ir.Constant(ity, mbits)), ir.Constant(ity, bias))
        mant = builder.add(builder.and_(ix, ir.Constant(ity, (1 << mbits) - 1)), ir.Constant(ity, sqrt_half))
        m = builder.bitcast(mant, fty)
        return context.make_tuple(builder, sig.return_type, [m, builder.sitofp(k, fty)])

    return types.UniTuple(u, 2)(u), codegen


# ----------------------------------------------------------------------------------------------------------------
# Constants. Python floats (float64); float32 variants are rounded to float32 when a kernel is compiled.
# ----------------------------------------------------------------------------------------------------------------
_INF, _NAN = math.inf, math.nan

# exp/expm1: x = n*ln2 + r, |r| <= ln2/2; ln2 = LN2_HI + LN2_LO with n*LN2_HI exact (musl expf / fdlibm exp).
# (log2(e), ln2_hi, ln2_lo, lowest x kept, highest x kept): outside, exp is 0 / inf, expm1 is -1 / inf.
_EXP_K32 = (1.0 / math.log(2.0), _f32(0x3F317200), _f32(0x35BFBE8E), -104.0, 88.8)
_EXP_K64 = (1.0 / math.log(2.0), 6.93147180369123816490e-01, 1.90821492927058770002e-10, -746.0, 709.8)
_EXPM1_LOWEST = (-17.5, -38.5)          # below, exp(x) is under half an ulp of 1: expm1 rounds to -1
# expm1(r) = r + r**2 * P(r), P the Taylor series 1/2! + r/3! + ... (to r**7 for float32, r**13 for float64)
_EXPM1_P32 = tuple(1.0 / math.factorial(k) for k in range(2, 8))
_EXPM1_P64 = tuple(1.0 / math.factorial(k) for k in range(2, 14))

# log/log1p (fdlibm): log(1+f) = f - f*f/2 + s*(f*f/2 + R(s*s)), s = f/(2+f); R(z) = z*(Lg1 + Lg2*z + ...)
_LOG_K32 = (_f32(0x3F317180), _f32(0x3717F7D1))                    # ln2_hi, ln2_lo
_LOG_K64 = (6.93147180369123816490e-01, 1.90821492927058770002e-10)
_LOG_P32 = (0xAAAAAA * 2.0**-24, 0xCCCE13 * 2.0**-25, 0x91E9EE * 2.0**-25, 0xF89E26 * 2.0**-26)
_LOG_P64 = (6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
            2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
            1.479819860511658591e-01)
# (smallest normal, scale for subnormals, its log2, k beyond which the log1p correction c/u is negligible)
_LOGSUB32 = (2.0**-126, 2.0**24, -24.0, 25.0)
_LOGSUB64 = (2.0**-1022, 2.0**54, -54.0, 54.0)

# tanh: |x| beyond which tanh rounds to +-1
_TANH_ONE = (10.0, 20.0)
# float32 softplus: log(1+f) = f + f*f*P(f) on -1/4 <= f < 1/2, P fitted to the relative error of the result
# (Lawson's iteration towards minimax; coefficients rounded to float32 one at a time, lowest first, the higher ones
# refitted after each): at most 0.05 ulp from the fit itself. `python -m minigrad.backends.vmath_fit` refits them
_SOFTPLUS_P32 = (-0.5000001192092896, 0.33333489298820496, -0.2499927431344986, 0.19988174736499786,
                 -0.166624054312706, 0.14535942673683167, -0.13103839755058289, 0.10072731971740723,
                 -0.04143819585442543)

# erf/erfc, float64 (fdlibm s_erf.c). Pieces in |x|: [0, 0.84375) erf = x + x*P/Q(x*x); [0.84375, 1.25)
# erf = erx + P/Q(|x|-1); [1.25, 1/0.35) and [1/0.35, inf) erfc = exp(-x*x - 0.5625 + R/S(1/x**2)) / |x|.
_ERF_BOUNDS = (0.84375, 1.25, 1.0 / 0.35)
_ERX = 8.45062911510467529297e-01
_ERF_NUM = (
    (1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
     -5.77027029648944159157e-03, -2.37630166566501626084e-05, 0.0, 0.0, 0.0),
    (-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
     3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
     -2.16637559486879084300e-03, 0.0),
    (-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01,
     -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02,
     -8.12874355063065934246e+01, -9.81432934416914548592e+00),
    (-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
     -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
     -4.83519191608651397019e+02, 0.0),
)
_ERF_DEN = (
    (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03,
     1.32494738004321644526e-04, -3.96022827877536812320e-06, 0.0, 0.0, 0.0),
    (1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02,
     1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02, 0.0, 0.0),
    (1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02,
     6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02,
     6.57024977031928170135e+00, -6.04244152148580987438e-02),
    (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03,
     3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02,
     -2.24409524465858183362e+01, 0.0),
)
_ERF_TAIL_CLAMP = 30.0       # erfc underflows to 0 long before (at 26.55)

# erf/erfc, float32: erfc(a) = exp(-a*a) * t*G(t) with t = 1/(1 + 3a/8), one formula for every a = |x|
# (G: degree-8 minimax fit of erfcx(a) * (1 + 3a/8) = exp(a*a) * erfc(a) / t on a in [0, 10.125], relative
# error 3.0e-8 with these float32 coefficients; erfc underflows to 0 from a ~ 10.055). erf(x) = x + x*R(x*x)
# for |x| < 0.84375 (R: degree-6 minimax fit of erf(x)/x - 1, error 7e-9 relative to erf), 1 - erfc(|x|) beyond:
# there erfc(|x|) < 1/4, so its error is under an ulp of erf.
_ERFC_T32 = 0.375
_ERFC_G32 = (0.21161265671253204, 0.21066372096538544, 0.20521129667758942, 0.12191309034824371,
             0.27274250984191895, -0.22795239090919495, 0.43108412623405457, -0.2866745889186859,
             0.06139957159757614)
_ERFC_CLAMP32 = 10.125
_GAUSS_CLAMP32 = 10.25       # exp(-a*a) underflows to 0 from a ~ 10.2
_ERF_SMALL32 = 0.84375
_ERF_R32 = (0.12837916612625122, -0.37612637877464294, 0.1128375232219696, -0.026862816885113716,
            0.005210250616073608, -0.0008256747387349606, 8.897237421479076e-05)

# atan (fdlibm s_atan.c / s_atanf.c): |x| is reduced on 5 intervals to t = (a*|x| + b)/(c*|x| + d) and
# atan(|x|) = atan(center) + atan(t), with atan(center) = hi + lo. Polynomial: t - t*z*P(z), z = t*t.
_ATAN_BOUNDS = (7.0 / 16, 11.0 / 16, 19.0 / 16, 39.0 / 16)
_ATAN_HILO32 = ((0.0, 0.0), (_f32(0x3EED6338), _f32(0x31AC3769)), (_f32(0x3F490FDA), _f32(0x33222168)),
                (_f32(0x3F7B985E), _f32(0x33140FB4)), (_f32(0x3FC90FDA), _f32(0x33A22168)))
_ATAN_HILO64 = ((0.0, 0.0), (4.63647609000806093515e-01, 2.26987774529616870924e-17),
                (7.85398163397448278999e-01, 3.06161699786838301793e-17),
                (9.82793723247329054082e-01, 1.39033110312309984516e-17),
                (1.57079632679489655800e+00, 6.12323399573676603587e-17))
_ATAN_P32 = (3.3333328366e-01, -1.9999158382e-01, 1.4253635705e-01, -1.0648017377e-01, 6.1687607318e-02)
_ATAN_P64 = (3.33333333333329318027e-01, -1.99999999998764832476e-01, 1.42857142725034663711e-01,
             -1.11111104054623557880e-01, 9.09088713343650656196e-02, -7.69187620504482999495e-02,
             6.66107313738753120669e-02, -5.83357013379057348645e-02, 4.97687799461593236017e-02,
             -3.65315727442169155270e-02, 1.62858201153657823623e-02)

# sin/cos kernels on |r| <= pi/4 (float32: Cephes sinf/cosf; float64: fdlibm k_sin.c/k_cos.c)
# sin(r) = r + r*z*S(z), cos(r) = 1 - z/2 + z*z*C(z), z = r*r
_SIN_P32 = (-1.6666654611e-1, 8.3321608736e-3, -1.9515295891e-4)
_COS_P32 = (4.166664568298827e-2, -1.388731625493765e-3, 2.443315711809948e-5)
_SIN_P64 = (-1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04,
            2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10)
_COS_P64 = (4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05,
            -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11)

# pi/2 to 330 bits (0xC90FDAA2... is pi * 2**30), for the Cody-Waite split below
_PIO2_BITS = 0xC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF
_PIO2 = Fraction(_PIO2_BITS, 2 ** (_PIO2_BITS.bit_length() - 1))


def _cody_waite(p: int, q_bits: int) -> tuple:
    """(2/pi, P1, P2, P3, P4) with pi/2 ~ P1 + P2 + P3 + P4: P1..P3 carry (p - q_bits) bits each, so q*Pi is
    exact for |q| < 2**q_bits, and P4 is the rest rounded to p bits."""
    bits, parts, rest = p - q_bits, [], _PIO2
    for _ in range(3):
        scale = Fraction(2) ** (rest.numerator.bit_length() - rest.denominator.bit_length() + 1 - bits)
        part = math.floor(rest / scale) * scale      # rest truncated to `bits` significant bits
        parts.append(float(part))
        rest -= part
    return (float(1 / _PIO2), *parts, float(rest))


_TRIG_K32 = _cody_waite(24, 14)        # |x| < 2**14 * pi/2 (P1..P3 end in zero bits: still <= 1 ulp to 32768)
_TRIG_K64 = _cody_waite(53, 23)        # |x| < 2**23 * pi/2 ~ 1.3e7
_TRIG_HUGE = (2.0**24, 2.0**53)        # from here on floats are >= 2 apart: the reduction is abandoned


# ----------------------------------------------------------------------------------------------------------------
# exp, expm1
# ----------------------------------------------------------------------------------------------------------------
@inline
def _expm1_small(r):
    """expm1(r) for |r| <= ~ln2/2: its Taylor series."""
    return r + r * r * _poly(r, _dt(r, _EXPM1_P32, _EXPM1_P64))


@inline
def _exp_reduce(x):
    """(n, expm1(r)) with x = n*ln2 + r, |r| <= ~ln2/2."""
    log2e, ln2_hi, ln2_lo, _, _ = _dt(x, _EXP_K32, _EXP_K64)
    n = _rint(x * log2e)
    return n, _expm1_small((x - n * ln2_hi) - n * ln2_lo)


@inline
def _exp_reduce_split(hi, lo):
    """`_exp_reduce` of x = hi + lo, lo a small correction to hi (erfc's exp(-a*a) with a*a split exactly)."""
    log2e, ln2_hi, ln2_lo, _, _ = _dt(hi, _EXP_K32, _EXP_K64)
    n = _rint((hi + lo) * log2e)
    return n, _expm1_small(((hi - n * ln2_hi) + lo) - n * ln2_lo)


@inline
def _exp_finish(s, n, em, inside):
    """exp(s) = (1 + em) * 2**n where s is `inside` the range (2**n as two factors: subnormal results, and 2**128
    just below overflow); 0 or inf beyond, NaN for NaN. Lanes outside are to compute exp(0): computed at the
    range's ends they would make subnormal products, which cost x86 CPUs a slow microcode assist per vector."""
    zero, one = _k(s, (0.0, 1.0))
    low, high = _pow2_halves(n)
    y = _where(inside, (one + em) * low * high, _where(s > zero, _k(s, _INF), zero))
    return _where(s == s, y, s)


@inline
def _exp2(hi, lo):
    """exp(hi + lo), lo a small correction to hi: float64 erf's tail exp(-a*a + ...), and gauss in float64."""
    _, _, _, x_min, x_max = _dt(hi, _EXP_K32, _EXP_K64)
    zero = _k(hi, 0.0)
    s = hi + lo
    inside = (s >= x_min) & (s <= x_max)
    n, em = _exp_reduce_split(_where(inside, hi, zero), _where(inside, lo, zero))
    return _exp_finish(s, n, em, inside)


@inline
def exp(x):
    """e**x."""
    _, _, _, x_min, x_max = _dt(x, _EXP_K32, _EXP_K64)
    inside = (x >= x_min) & (x <= x_max)
    n, em = _exp_reduce(_where(inside, x, _k(x, 0.0)))
    return _exp_finish(x, n, em, inside)


@inline
def _exp_nonpositive(z):
    """e**z for z <= 0, and 0 for NaN (the caller restores NaN): `exp` for callers that know their argument's
    sign (e**-|x|), without its overflow and NaN cases. Bit for bit `exp`'s values; measured on one core, sigmoid
    1.25x as fast with it. Lanes below the range compute exp(0), as in `_exp_finish`."""
    zero, one = _k(z, (0.0, 1.0))
    _, _, _, x_min, _ = _dt(z, _EXP_K32, _EXP_K64)
    inside = z >= x_min
    n, em = _exp_reduce(_where(inside, z, zero))
    low, high = _pow2_halves(n)
    return _where(inside, (one + em) * low * high, zero)


@inline
def expm1(x):
    """e**x - 1, accurate near 0."""
    zero = _k(x, 0.0)
    _, _, _, _, x_max = _dt(x, _EXP_K32, _EXP_K64)
    x_min = _dt(x, _EXPM1_LOWEST[0], _EXPM1_LOWEST[1])
    xc = _where(x > x_max, x_max, _where(x < x_min, x_min, x))  # NaN stays NaN
    n, em = _exp_reduce(xc)
    y = _expm1_finish(_where(n == n, n, zero), em)
    return _where((x == x) & (x != zero), y, x)                # NaN, +-0


@inline
def _expm1_finish(n, em):
    """e**x - 1 from x = n*ln2 + r and em = expm1(r): 2*(u*em + (u - 1/2)) with u = 2**(n-1), exact steps."""
    half, one, two = _k(em, (0.5, 1.0, 2.0))
    u = _pow2(n - one)
    return two * (u * em + (u - half))


# ----------------------------------------------------------------------------------------------------------------
# log, log1p
# ----------------------------------------------------------------------------------------------------------------
@inline
def _log_kernel(f, k, c):
    """log(1 + f) + k*ln2 + c for sqrt(1/2)-1 <= f < sqrt(2)-1 (fdlibm's evaluation order)."""
    zero, half, two = _k(f, (0.0, 0.5, 2.0))
    ln2_hi, ln2_lo = _dt(f, _LOG_K32, _LOG_K64)
    # for |f| below 2**-26 (2**-54), f*f/2 and what follows are at most 1/4 ulp of f: dropped, which keeps
    # their products (down to f**3) out of the subnormal range, slow on x86 CPUs (softplus's log1p(e**-|x|))
    fs = _where(_fabs(f) < _dt(f, 2.0**-26, 2.0**-54), zero, f)
    s = _fdiv(fs, two + fs)
    z = s * s
    big_r = z * _poly(z, _dt(z, _LOG_P32, _LOG_P64))
    hfsq = half * fs * fs
    return s * (hfsq + big_r) + (k * ln2_lo + c) - hfsq + f + k * ln2_hi


@inline
def _log_special(x, y, at):
    """The value at x = at (0 for log, -1 for log1p) is -inf, below it NaN; +inf and NaN pass through."""
    y = _where(x == at, _k(x, -_INF), y)
    y = _where(x < at, _k(x, _NAN), y)
    return _where(x < _k(x, _INF), y, x)


@inline
def log(x):
    """Natural logarithm."""
    zero, one = _k(x, (0.0, 1.0))
    tiny, scale, log2_scale, _ = _dt(x, _LOGSUB32, _LOGSUB64)
    sub = x < tiny                                             # subnormals: scale into the normal range first
    m, k = _log_reduce(_where(sub, x * scale, x))
    y = _log_kernel(m - one, k + _where(sub, log2_scale, zero), zero)
    return _log_special(x, y, zero)


@inline
def log1p(x):
    """log(1 + x), accurate near 0."""
    zero, one, two = _k(x, (0.0, 1.0, 2.0))
    _, _, _, k_max = _dt(x, _LOGSUB32, _LOGSUB64)
    u = one + x
    m, k = _log_reduce(u)
    # log(1+x) = log(u) + c/u with c = (1+x) - u exactly; when k == 0, f = x itself is exact
    c = _fdiv(_where(k >= two, one - (u - x), x - (u - one)), u)
    c = _where((k < k_max) & (k != zero), c, zero)
    f = _where(k == zero, x, m - one)
    y = _log_special(x, _log_kernel(f, k, c), -one)
    return _where(x == zero, x, y)


# ----------------------------------------------------------------------------------------------------------------
# tanh, sigmoid, dsigmoid, softplus
# ----------------------------------------------------------------------------------------------------------------
@inline
def tanh(x):
    """Hyperbolic tangent: t/(t + 2) with t = expm1(2|x|), sign restored. |x| is clamped where tanh rounds to
    +-1 (NaN too, restored at the end), so the expm1 of [0, 2 clamp] needs none of `expm1`'s range cases."""
    two = _k(x, 2.0)
    clamp = _dt(x, _TANH_ONE[0], _TANH_ONE[1])
    a = _fabs(x)
    a = _where(a < clamp, a, clamp)
    n, em = _exp_reduce(a + a)
    t = _expm1_finish(n, em)
    return _where(x == x, _copysign(_fdiv(t, t + two), x), x)


@inline
def _fabs_to_normal_exp(x):
    """|x|, but at most 80 (float32) / 700 (float64) for x > 0: where exp(-|x|) only adds to 1 (and vanishes in
    the rounding), it stays a normal number instead of a subnormal that costs an x86 assist. For x < 0 the
    result is exp(x) itself, subnormal or not."""
    cap = _dt(x, 80.0, 700.0)
    return _where(x > cap, cap, _fabs(x))


@inline
def sigmoid(x):
    """Logistic 1/(1 + e**-x), from e = exp(-|x|): 1/(1+e) for x >= 0, e/(1+e) below (never overflows)."""
    return _where(x == x, _sigmoid_of(x, _exp_nonpositive(-_fabs_to_normal_exp(x))), x)


@inline
def _sigmoid_of(x, e):
    """sigmoid(x) from e = exp(-|x|): 1/(1+e) for x >= 0, e/(1+e) below."""
    zero, one = _k(x, (0.0, 1.0))
    return _fdiv(_where(x >= zero, one, e), one + e)


@inline
def _small_exp(e):
    """(e < 2**-26 (float32) / 2**-55 (float64), e there replaced by 0): where e is that small, 1 + e rounds to 1
    and e/(1 + e) and e/(1 + e)**2 round to e itself (their relative change 2e is under half an ulp), so the
    arithmetic can run on 0 instead of on an e that may be subnormal (an x86 assist, ~100x slower, per vector)."""
    small = e < _dt(e, 2.0**-26, 2.0**-55)
    return small, _where(small, _k(e, 0.0), e)


@inline
def _slope_of(e):
    """s(x) s(-x) from e = exp(-|x|) (see `dsigmoid`)."""
    one, two, w0, w1 = _k(e, (1.0, 2.0, 0.9714, 0.5))
    small, e_normal = _small_exp(e)
    d = one + e_normal
    t = (one - d) + e_normal                                   # d + t == 1 + e exactly (|e| <= 1)
    hi = d * d
    lo = _fma(d, d, -hi)                                       # hi + lo == d*d exactly
    w = w0 - w1 * e_normal
    q = _fdiv(e_normal, hi)
    return _where(small, e, q - q * (w * (two * t + lo * w)))


@inline
def dsigmoid(x):
    """The logistic derivative s(x) s(-x) = e/(1 + e)**2 with e = exp(-|x|): one exp and one division, where
    the product of two sigmoids costs two of each.

    The rounding errors of d = 1 + e (t) and of d*d (lo) are folded back in, to first order:
    e/(d + t)**2 = q (1 - (2 d t + lo)/d**2) with q = e/d**2, and 1/d ~ w = 0.9714 - e/2 to 3% is plenty for a
    correction of a few 2**-24: 2 ulp instead of 4 for the plain quotient, for two multiply-adds more.
    """
    return _where(x == x, _slope_of(_exp_nonpositive(-_fabs(x))), x)


@inline
def sigmoid_and_slope(x):
    """(sigmoid(x), dsigmoid(x)) from one exp: kernels call it where a formula needs both of the same argument
    (SiLU's derivative s(x) + x s(x) s(-x)). Both are bit for bit the separate functions' values."""
    e = _exp_nonpositive(-_fabs(x))                            # uncapped: for x > 80 sigmoid is 1 either way
    small, e_normal = _small_exp(e)
    nan = x != x
    return (_where(nan, x, _where(small & (x < _k(x, 0.0)), e, _sigmoid_of(x, e_normal))),
            _where(nan, x, _slope_of(e)))


@inline
def softplus(x):
    """log(1 + e**x) = max(x, 0) + log1p(e), e = exp(-|x|) in [0, 1]: log1p on that interval alone, by dtype.
    None of log1p's special cases (x < -1, -1, 0, inf) can occur; NaN is restored at the end."""
    zero = _k(x, 0.0)
    y = _where(x > zero, x, zero) + _log1p_unit_by_dtype(_exp_nonpositive(-_fabs_to_normal_exp(x)))
    return _where(x == x, y, x)


@inline
def _log1p_unit32(x):
    """log(1 + x) for x in [0, 1], float32, without a division: f = x for x < 1/2, else log(1 + x) =
    ln2 + log(1 + f) with f = (x - 1)/2 (exact: Sterbenz), then f + f*f*P(f) on [-1/4, 1/2), P of degree 8.
    The polynomial part is at most 0.4 of the result, so its rounding errors count less than an ulp. Where
    x < 2**-26, log1p(x) rounds to x and the polynomial runs on 0 (no subnormal f*f). Measured on one core
    (n = 2**16): softplus 1.3x as fast as with `_log1p_unit64`'s division and reduction, 2 ulp either way."""
    zero, half, one = _k(x, (0.0, 0.5, 1.0))
    ln2_hi, ln2_lo = _k(x, _LOG_K32)
    above_half = x >= half
    _, x_normal = _small_exp(x)
    f = _where(above_half, (x - one) * half, x)
    fp = _where(above_half, f, x_normal)
    t = (fp * fp) * _poly(fp, _k(x, _SOFTPLUS_P32)) + _where(above_half, ln2_lo, zero)
    return _where(above_half, ln2_hi, zero) + (f + t)


@inline
def _log1p_unit64(x):
    """log(1 + x) for x in [0, 1], float64: log1p's reduction for that interval alone.

    u = 1 + x is in [1, 2], so u = m * 2**k with k 0 or 1. For k = 0, log1p(x) = log(1 + f) with f = x exactly;
    for k = 1, f = m - 1 (exact) and the rounding error c = x - (u - 1) of u is added as c/u, with 1/u on
    [sqrt 2, 2] taken from a line (within 3%: c is below half an ulp of u, so the error stays under 0.05 ulp).
    (A polynomial as in float32 would need degree ~21 here, more work than the one division.)
    """
    zero, one, line_at_0, line_slope = _k(x, (0.0, 1.0, 1.2071, 0.35355))
    u = one + x
    m, k = _log_reduce(u)
    rest = _where(k == zero, zero, (x - (u - one)) * (line_at_0 - line_slope * u))
    return _log_kernel(_where(k == zero, x, m - one), k, rest)


# ----------------------------------------------------------------------------------------------------------------
# erf, erfc
# ----------------------------------------------------------------------------------------------------------------
@inline
def _erf_pieces(x):
    """(a, y, tail): a = |x|; y = the rational P/Q of a's piece; tail = erfc(a) for a >= 1.25 (else junk)."""
    one, c, amax = _k(x, (1.0, 0.5625, _ERF_TAIL_CLAMP))
    a = _fabs(x)
    at = _where(a < amax, a, amax)
    hi = at * at
    lo = _fma(at, at, -hi)                                     # at*at == hi + lo exactly
    v = _where(a < _k(x, _ERF_BOUNDS[0]), x * x, _where(a < _k(x, _ERF_BOUNDS[1]), a - one, _fdiv(one, hi)))
    y = _fdiv(_poly(v, _pick_range(a, _ERF_BOUNDS, _ERF_NUM)), _poly(v, _pick_range(a, _ERF_BOUNDS, _ERF_DEN)))
    tail = _fdiv(_exp2(-hi, (y - c) - lo), at)                 # exp(-a*a - 0.5625 + R/S) / a
    return a, y, tail


@inline
def _erf64(x):
    """Error function, fdlibm's four pieces (the float64 path of `erf`)."""
    one, eight, eighth = _k(x, (1.0, 8.0, 0.125))
    a, y, tail = _erf_pieces(x)
    x8 = x * eight                                             # x + x*y computed at 8x: no subnormal rounding
    small = eighth * (x8 + x8 * y)
    large = _where(a < _k(x, _ERF_BOUNDS[1]), _k(x, _ERX) + y, one - tail)
    r = _where(a < _k(x, _ERF_BOUNDS[0]), small, _copysign(large, x))
    return _where(x == x, r, x)


@inline
def _erfc64(x):
    """Complementary error function, fdlibm's four pieces (the float64 path of `erfc`)."""
    zero, quarter, half, one, two = _k(x, (0.0, 0.25, 0.5, 1.0, 2.0))
    erx = _k(x, _ERX)
    a, y, tail = _erf_pieces(x)
    xy = x * y
    small = _where(x < quarter, one - (x + xy), half - (xy + (x - half)))
    mid = _where(x > zero, (one - erx) - y, one + (erx + y))
    large = _where(x > zero, tail, two - tail)
    r = _where(a < _k(x, _ERF_BOUNDS[0]), small, _where(a < _k(x, _ERF_BOUNDS[1]), mid, large))
    return _where(x == x, r, x)


@inline
def _erfc32_of_abs(x):
    """(|x|, erfc(|x|), exp(-x*x)) in float32: erfc(a) = exp(-a*a) * m, m = t*G(t) ~ erfcx(a), t = 1/(1 + 3a/8);
    erfc is 0 from a ~ 10.055, exp(-a*a) from 10.2."""
    zero, one, p, two_over_p, slope0, amax, gmax, up, down = _k(
        x, (0.0, 1.0, _ERFC_T32, 2.0 / _ERFC_T32, 2.0 / math.sqrt(math.pi) / _ERFC_T32, _ERFC_CLAMP32,
            _GAUSS_CLAMP32, 64.0, 2.0**-64))
    a = _fabs(x)
    at = _where(a < gmax, a, zero)                             # beyond (and NaN): a = 0, replaced by 0 below
    d = _fma(p, at, one)
    t = _fdiv(one, d)
    g = _poly(t, _k(x, _ERFC_G32))
    m = t * g
    # m = erfcx(a(t)) at a(t) = (1/t - 1)/p, which misses at by the roundings of d and 1/d: to first order
    # at - a(t) = (res*d - d_lo)/p with the exact residuals d_lo = 1 + p*at - d and res = 1 - t*d. Uncorrected,
    # erfc would be off by up to 7 ulp (m is 1.3-3x as sensitive to them as t). The correction, plus t*g - m:
    # dm = erfcx'(at) * (at - a(t)) = (2/sqrt(pi) - 2at*m)/p * (res*d - d_lo)
    d_lo = _fma(p, at, one - d)
    res = _fma(-t, d, one)
    dm = _fma(_fma(-(at * two_over_p), m, slope0), _fma(res, d, -d_lo), _fma(t, g, -m))
    hi = at * at
    lo = _fma(at, at, -hi)                                     # at*at == hi + lo exactly
    n, em = _exp_reduce_split(-hi, -lo)
    # (m + dm) * e**r * 2**n, m added last; 2**n (down to 2**-152) as 2**(n+64) * 2**-64, both normal
    scale = _pow2(n + up)
    y = (m + _fma(m, em, _fma(dm, em, dm))) * scale * down
    gauss = (one + em) * scale * down                          # exp(-a*a), bit for bit `gauss`
    return a, _where(a < amax, y, zero), _where(a < gmax, gauss, zero)


@inline
def _erf32(x):
    """Error function in float32: x + x*R(x*x) for |x| < 0.84375, +-(1 - erfc(|x|)) beyond."""
    one = _k(x, 1.0)
    a, y, _ = _erfc32_of_abs(x)
    small = _fma(x, _poly(x * x, _k(x, _ERF_R32)), x)         # one rounding: right for subnormal x too
    r = _where(a < _k(x, _ERF_SMALL32), small, _copysign(one - y, x))
    return _where(x == x, r, x)


@inline
def _erfc32_and_gauss(x):
    """(erfc(x), exp(-x*x)) in float32: erfc(|x|), and 2 - erfc(|x|) for x < 0; exp(-x*x) from erfc's own exp.
    `erfc` and `gauss` each take their half; a kernel that needs both of one argument (the normal CDF and density
    of GELU's derivative) computes the shared exp once, as LLVM merges the identical inlined work."""
    zero, two = _k(x, (0.0, 2.0))
    _, y, gauss = _erfc32_of_abs(x)
    return _where(x == x, _where(x < zero, two - y, y), x), _where(x == x, gauss, x)


@inline
def _erfc32(x):
    """Complementary error function in float32: erfc(|x|), and 2 - erfc(|x|) for x < 0."""
    return _erfc32_and_gauss(x)[0]


@inline
def _gauss32(x):
    """exp(-x*x) in float32: erfc's own exp(-a*a) (erfc's other work is dead code that LLVM removes)."""
    return _erfc32_and_gauss(x)[1]


@inline
def _gauss64(x):
    """exp(-x*x) in float64: exp(-hi - lo) with hi + lo = a*a exactly."""
    cap = _k(x, 40.0)                                          # exp(-1600) is 0; NaN stays NaN
    a = _fabs(x)
    a = _where(a > cap, cap, a)
    hi = a * a
    return _exp2(-hi, -_fma(a, a, -hi))


_OWN_FUNCTION = {"forceinline": True, "error_model": "numpy", "fastmath": {"contract"}}


def _by_dtype(for_float32, for_float64):
    """A function of one float that is `for_float32` or `for_float64` (inline Numba functions) by its argument's
    type, chosen when a kernel is compiled. The chosen one is compiled once per process as a function of its own,
    marked for LLVM to inline into every caller (`forceinline`), so the loop still vectorises; kernels do not
    re-type its body (Numba-level inlining of a typed choice would, at every call site). Its flags are fixed
    (contract only): left unset, Numba would hand it the flags of whichever kernel compiled it first."""

    def by_dtype(x):
        """Typed by its overload."""

    @overload(by_dtype, jit_options=_OWN_FUNCTION)
    def choose(x):
        _require_float(x)
        return (for_float32 if x == types.float32 else for_float64).py_func

    return by_dtype


_erf_by_dtype = _by_dtype(_erf32, _erf64)
_erfc_by_dtype = _by_dtype(_erfc32, _erfc64)
_gauss_by_dtype = _by_dtype(_gauss32, _gauss64)
_log1p_unit_by_dtype = _by_dtype(_log1p_unit32, _log1p_unit64)


@inline
def erf(x):
    """Error function 2/sqrt(pi) * integral of exp(-t*t) from 0 to x."""
    return _erf_by_dtype(x)


@inline
def erfc(x):
    """Complementary error function 1 - erf(x), relatively accurate in the right tail until it underflows."""
    return _erfc_by_dtype(x)


@inline
def gauss(x):
    """exp(-x*x), the Gaussian, from x*x split exactly into hi + lo (an FMA): the exp of the rounded square,
    exp(-(x*x)), would be off by up to x*x * 2**-24 relative (100 ulp near float32's underflow)."""
    return _gauss_by_dtype(x)


# ----------------------------------------------------------------------------------------------------------------
# atan
# ----------------------------------------------------------------------------------------------------------------
@inline
def atan(x):
    """Arc tangent, in (-pi/2, pi/2)."""
    one, two, three_halves = _k(x, (1.0, 2.0, 1.5))
    b0, b1, b2, b3 = _k(x, _ATAN_BOUNDS)
    a = _fabs(x)
    # t = (|x| - center)/(1 + center*|x|) for centers 0, 1/2, 1, 3/2, inf; NaN falls to the last piece
    num = _where(a < b0, a, _where(a < b1, two * a - one, _where(a < b2, a - one,
                                                                    _where(a < b3, a - three_halves, -one))))
    den = _where(a < b0, one, _where(a < b1, two + a, _where(a < b2, a + one,
                                                                   _where(a < b3, one + three_halves * a, a))))
    t = _fdiv(num, den)
    hi, lo = _pick_range(a, _ATAN_BOUNDS, _dt(x, _ATAN_HILO32, _ATAN_HILO64))
    z = t * t
    s = z * _poly(z, _dt(z, _ATAN_P32, _ATAN_P64))
    return _copysign(hi - ((t * s - lo) - t), x)


# ----------------------------------------------------------------------------------------------------------------
# sin, cos
# ----------------------------------------------------------------------------------------------------------------
@inline
def _sin_kernel(r, tail):
    """sin(r + tail) for |r| <= ~pi/4, |tail| <= ulp(r) (fdlibm k_sin.c)."""
    half = _k(r, 0.5)
    s = _dt(r, _SIN_P32, _SIN_P64)
    z = r * r
    v = z * r
    rest = _poly(z, s[1:])
    return r - ((z * (half * tail - v * rest) - tail) - v * s[0])


@inline
def _cos_kernel(r, tail):
    """cos(r + tail) for |r| <= ~pi/4 (fdlibm k_cos.c: 1 - z/2 with its rounding error compensated)."""
    half, one = _k(r, (0.5, 1.0))
    z = r * r
    big_r = z * _poly(z, _dt(r, _COS_P32, _COS_P64))
    hz = half * z
    w = one - hz
    return w + (((one - w) - hz) + (z * big_r - r * tail))


@inline
def _sin_quadrant(x, shift):
    """sin(x + shift*pi/2): Cody-Waite reduction x = q*pi/2 + (r + tail), then the kernel of the quadrant."""
    zero, quarter, one, two, three, four = _k(x, (0.0, 0.25, 1.0, 2.0, 3.0, 4.0))
    inv_pio2, p1, p2, p3, p4 = _dt(x, _TRIG_K32, _TRIG_K64)
    q = _rint(x * inv_pio2) + zero                             # + 0: q is never -0, so x - q*p1 keeps x's sign
    r = x - q * p1                                             # exact
    t = r                                                      # two more exact products; e collects the
    w = q * p2                                                 # rounding errors of the subtractions
    r = t - w
    e = (t - r) - w
    t = r
    w = q * p3
    r = t - w
    e = e + ((t - r) - w)
    w = q * p4 - e                                             # x - q*pi/2 == r - w (to ~2**-(3b+p))
    y0 = r - w
    y1 = (r - y0) - w
    lost = _fabs(x) >= _dt(x, _TRIG_HUGE[0], _TRIG_HUGE[1])  # the reduction means nothing: keep the result
    y0 = _where(lost, x - x, y0)                               # finite (r = 0); x - x is NaN for +-inf
    y1 = _where(lost, zero, y1)
    j = q + shift
    j = j - four * _floor(j * quarter)                         # quadrant 0..3 (exact in floating point)
    odd = (j == one) | (j == three)
    v = _where(odd, _cos_kernel(y0, y1), _sin_kernel(y0, y1))
    return _where(j >= two, -v, v)


@inline
def sin(x):
    """Sine (accurate for |x| <= 25735 in float32, 1.3e7 in float64; see the module docstring beyond)."""
    return _where(x == _k(x, 0.0), x, _sin_quadrant(x, _k(x, 0.0)))


@inline
def cos(x):
    """Cosine (accurate for |x| <= 25735 in float32, 1.3e7 in float64; see the module docstring beyond)."""
    return _sin_quadrant(x, _k(x, 1.0))


# ----------------------------------------------------------------------------------------------------------------
# pow
# ----------------------------------------------------------------------------------------------------------------
@inline
def _pow32(b, e):
    """b**e for float32 b and e, as C99's powf: |b|**e = exp(e * log|b|) evaluated in float64, then the sign and
    the special cases. The product's error (<= 2**-52 * |e log b|, with |e log b| < 104 wherever the float32 result
    is neither 0 nor inf) stays far below a float32 ulp: the result is the correctly rounded one but for double
    rounding (<= 1 ulp)."""
    zero, half, one, two, nan, inf = _k(b, (0.0, 0.5, 1.0, 2.0, math.nan, math.inf))
    m = _fabs(b)
    r = np.float32(exp(np.float64(e) * log(np.float64(m))))
    integer = _floor(e) == e
    odd = integer & (_floor(e * half) * two != e)
    r = _where(odd, _copysign(r, b), r)                    # (-b)**odd = -(b**odd), -0.0 included
    r = _where((b < zero) & (b > -inf) & (not integer), nan, r)  # a negative finite base needs an integer exponent
    return _where((e == zero) | (b == one) | ((m == one) & (_fabs(e) == inf)), one, r)


def pow(b, e):
    """b**e, with C99/NumPy semantics (NaN, inf, signed zeros, negative bases with integer exponents); b and e of
    one float type.

    float32: vectorisable (see `_pow32`), within 1 ulp. float64: the scalar libm pow, which stays exact where
    exp(e * log b) in float64 would lose up to 10 bits (|e log b| up to 745): a float64 loop over pow is not
    vectorised. Chosen by dtype when a kernel is compiled, as erf is (see `_by_dtype`)."""


@overload(pow, jit_options=_OWN_FUNCTION)
def _pow_by_dtype(b, e):
    _require_float(b, e)
    if b != e:
        raise errors.TypingError(f"vmath.pow needs b and e of one float type, not {b} and {e}")
    return _pow32.py_func if b == types.float32 else (lambda b, e: b ** e)
