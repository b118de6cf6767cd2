"""Rational, polynomial and other learnable-shape activations (catalog family E).

Instead of choosing an activation, learn its shape: a handful of coefficients per layer (or per channel)
trained with the weights. The families trade expressivity against stability:

- Polynomials (low-degree, Hermite, PolyReLU) are cheap and smooth but grow like x^K, so a deep stack
  "escapes" to inf/NaN unless the initialisation preserves variance - orthonormal Hermite coefficients make
  E[f(z)^2] = sum a_k^2 for z ~ N(0, 1), which is what such an initialisation controls.
- Rationals P(x)/Q(x) (PAU and its relatives) approximate kinks and asymptotes a polynomial cannot, but a
  denominator with real roots is a pole: the "safe" denominators 1 + sum |b_k| |x|^k or 1 + |sum b_k x^k| are
  >= 1, at the price of kinks where the absolute value folds. There the derivative uses sign(0) = 0, what
  PyTorch's autograd of |.| gives (PAU's reference Python code).
- Trigonometric series are bounded and periodic; tropical polynomials are convex, piecewise-linear maxima.

Coefficient vectors are tuples: coefficient k multiplies the k-th basis function, and the gradient with
respect to a coefficient vector is one derivative per coefficient. Polynomials are evaluated by Horner's
rule. The matrix exponential at the end is not pointwise: it maps a square matrix to a square matrix.
"""
from __future__ import annotations

import math
from functools import partial

import numpy as np

from minigrad.activations.spec import POSITIVE, ActivationSpec, Kink, Param, length, nonempty
from minigrad.device import array_module
from minigrad.tensor import Tensor


def _abs(m, c):
    """|c| for a coefficient: a plain number stays a plain number (NumPy would return a float64 scalar, which
    promotes float32 arrays)."""
    return abs(c) if isinstance(c, (int, float)) else m.abs(c)


def _sign(m, c):
    """sign(c), 0 at 0, keeping a plain number plain as _abs does."""
    return float(c > 0) - float(c < 0) if isinstance(c, (int, float)) else m.sign(c)


def _coefficients(vector):
    """The entries of a coefficient vector (a tuple, an array or a Tensor) as a list."""
    return [vector[k] for k in range(len(vector))]


def _horner(c, t):
    """sum_k c_k t^k, as c_0 + t (c_1 + t (c_2 + ...))."""
    value = c[-1]
    for k in range(len(c) - 2, -1, -1):
        value = value * t + c[k]
    return value


def _horner_slope(c, t):
    """d/dt sum_k c_k t^k = sum_k k c_k t^(k-1)."""
    return _horner([k * c[k] for k in range(1, len(c))], t) if len(c) > 1 else 0.0


def _powers(t, count):
    """[1, t, t^2, ..., t^(count-1)]: the gradient of sum_k c_k t^k with respect to each c_k."""
    powers = [1.0]
    for _ in range(1, count):
        powers.append(powers[-1] * t)
    return powers


def _polynomial_range(c, low=-math.inf) -> tuple[float, float]:
    """The hull of sum_k c_k t^k over t in [low, inf): its values at the real critical points, at `low`, and
    its limits at the ends."""
    c = np.trim_zeros(np.asarray(c, dtype=float), "b")
    if c.size <= 1:
        value = float(c[0]) if c.size else 0.0
        return value, value
    poly = np.polynomial.Polynomial(c)
    points = [r.real for r in poly.deriv().roots() if abs(r.imag) < 1e-7 and r.real >= low]
    values = [float(poly(t)) for t in points + ([low] if math.isfinite(low) else [])]
    at_plus_infinity = math.copysign(math.inf, c[-1])
    values.append(at_plus_infinity)
    if not math.isfinite(low):
        values.append(at_plus_infinity if (c.size - 1) % 2 == 0 else -at_plus_infinity)
    return min(values), max(values)


# ---- rationals: P(x) / Q(x) with a denominator >= 1 -----------------------------------------------------
def _rational_parts(m, x, numerator, denominator, version):
    """P, P', Q, Q' and the fold sign(.) of the denominator.

    version "A" (PAU's safe form): Q = 1 + sum_k |b_k| |x|^k, Horner in |x|, Q' = sign(x) d/d|x|.
    version "B": Q = 1 + |A(x)|, A(x) = sum_k b_k x^k, Q' = sign(A) A'(x).
    """
    p, dp = _horner(numerator, x), _horner_slope(numerator, x)
    if version == "A":
        c = [0.0] + [_abs(m, b) for b in _coefficients(denominator)]
        t, fold = m.abs(x), m.sign(x)
        q = 1.0 + _horner(c, t)
    else:
        c = [0.0] + _coefficients(denominator)
        t = x
        fold_argument = _horner(c, x)
        q, fold = 1.0 + m.abs(fold_argument), m.sign(fold_argument)
    return p, dp, q, fold * _horner_slope(c, t), fold


def _rational(m, x, numerator, denominator, version="A"):
    p, _, q, _, _ = _rational_parts(m, x, numerator, denominator, version)
    return p / q


def _rational_slope(m, x, numerator, denominator, version="A"):
    """(P/Q)' = P'/Q - (P/Q) (Q'/Q): no Q^2, which would overflow float32 in the tails first."""
    p, dp, q, dq, _ = _rational_parts(m, x, numerator, denominator, version)
    return dp / q - (p / q) * (dq / q)


def _rational_dnumerator(m, x, numerator, denominator, version="A"):
    """d/da_k = x^k / Q."""
    _, _, q, _, _ = _rational_parts(m, x, numerator, denominator, version)
    return [power / q for power in _powers(x, len(numerator))]


def _rational_ddenominator(m, x, numerator, denominator, version="A"):
    """d/db_k = -(P/Q)/Q dQ/db_k, with dQ/db_k = sign(b_k) |x|^k (A) or sign(A(x)) x^k (B)."""
    p, _, q, _, fold = _rational_parts(m, x, numerator, denominator, version)
    scale = -(p / q) / q
    if version == "A":
        return [scale * _sign(m, b) * power
                for b, power in zip(_coefficients(denominator), _powers(m.abs(x), len(denominator) + 1)[1:])]
    return [scale * fold * power for power in _powers(x, len(denominator) + 1)[1:]]


# ---- NoRA: a frozen rational plus a rank-1 update shared across channels ------------------------------------
def _nora_coefficients(numerator, denominator, numerator_scale, numerator_direction, denominator_scale,
                       denominator_direction):
    """a + u v and b + s t: per-channel scales u, s times shared directions v, t."""
    a = [numerator[k] + numerator_scale * numerator_direction[k] for k in range(len(numerator))]
    b = [denominator[k] + denominator_scale * denominator_direction[k] for k in range(len(denominator))]
    return a, b


def _nora_check(p: dict) -> str | None:
    """Each direction has one entry per coefficient it moves."""
    for coefficients, direction in (("numerator", "numerator_direction"), ("denominator", "denominator_direction")):
        if length(p[direction]) != length(p[coefficients]):
            return (f"{direction} needs one entry per {coefficients} coefficient ({length(p[coefficients])}), "
                    f"got {length(p[direction])}")
    return nonempty("numerator")(p)


def _nora(m, x, **p):
    return _rational(m, x, *_nora_coefficients(**p))


def _nora_slope(m, x, **p):
    return _rational_slope(m, x, *_nora_coefficients(**p))


def _nora_dnumerator(m, x, **p):
    return _rational_dnumerator(m, x, *_nora_coefficients(**p))


def _nora_ddenominator(m, x, **p):
    return _rational_ddenominator(m, x, *_nora_coefficients(**p))


NORA_GRADIENTS = {
    "numerator_scale": lambda m, x, **p: sum(v * d for v, d in zip(_coefficients(p["numerator_direction"]),
                                                                   _nora_dnumerator(m, x, **p))),
    "numerator_direction": lambda m, x, **p: [p["numerator_scale"] * d for d in _nora_dnumerator(m, x, **p)],
    "denominator_scale": lambda m, x, **p: sum(t * d for t, d in zip(_coefficients(p["denominator_direction"]),
                                                                     _nora_ddenominator(m, x, **p))),
    "denominator_direction": lambda m, x, **p: [p["denominator_scale"] * d for d in _nora_ddenominator(m, x, **p)],
}


# ---- orthonormal Hermite, trigonometric and tropical series -------------------------------------------------
def _hermite_basis(x, count):
    """h_k = He_k / sqrt(k!), orthonormal under N(0, 1): h_(k+1) = (x h_k - sqrt(k) h_(k-1)) / sqrt(k + 1)."""
    basis = [1.0, x]
    for k in range(1, count - 1):
        basis.append((x * basis[k] - math.sqrt(k) * basis[k - 1]) / math.sqrt(k + 1))
    return basis[:count]


def _hermite_slope(m, x, coefficients):
    """h_k' = sqrt(k) h_(k-1) (from He_k' = k He_(k-1))."""
    basis = _hermite_basis(x, len(coefficients))
    return sum(coefficients[k] * math.sqrt(k) * basis[k - 1] for k in range(1, len(coefficients)))


def _hermite_range(p: dict) -> tuple[float, float]:
    scaled = [a / math.sqrt(math.factorial(k)) for k, a in enumerate(p["coefficients"])]
    return _polynomial_range(np.polynomial.hermite_e.herme2poly(scaled))


def _harmonics(m, x, degree: int) -> list:
    """[(cos kx, sin kx) for k = 0..degree], from one cosine and sine by the angle-addition rule
    cos((k+1)x) = cos kx cos x - sin kx sin x, sin((k+1)x) = sin kx cos x + cos kx sin x: a rotation, whose
    rounding errors add up to about k ulp (absolute), where cos(k*x) itself would first round k*x (an error of
    k |x| ulp in the angle: 3e-3 at x = 1e4 in float32). One range reduction (a kernel's cos x and sin x share
    theirs: the compiler merges the identical work) instead of one for each of the 2 degree terms."""
    c, s = m.cos(x), m.sin(x)
    pairs = [(1.0, 0.0), (c, s)]
    while len(pairs) <= degree:
        ck, sk = pairs[-1]
        pairs.append((ck * c - sk * s, sk * c + ck * s))
    return pairs[:degree + 1]


def _fourier_check(p: dict) -> str | None:
    if length(p["a"]) != length(p["b"]) + 1:
        return (f"a holds a_0..a_K and b holds b_1..b_K, so a needs one entry more than b; got {length(p['a'])} "
                f"and {length(p['b'])}")
    return None


def _fourier(m, x, a, b):
    waves = _harmonics(m, x, len(b))
    return a[0] + sum(a[k] * waves[k][0] + b[k - 1] * waves[k][1] for k in range(1, len(a)))


def _fourier_slope(m, x, a, b):
    waves = _harmonics(m, x, len(b))
    return sum(k * (b[k - 1] * waves[k][0] - a[k] * waves[k][1]) for k in range(1, len(a)))


def _fourier_bound(p: dict) -> tuple[float, float]:
    """|f| <= |a_0| + sum_k sqrt(a_k^2 + b_k^2): each harmonic is an amplitude times a shifted cosine."""
    bound = abs(p["a"][0]) + sum(math.hypot(a, b) for a, b in zip(p["a"][1:], p["b"]))
    return -bound, bound


def _tropical_max(m, x, coefficients):
    """max_k (a_k + k x) and the index of the first maximal term (ties go to the lower slope, as torch.max)."""
    best, index = coefficients[0], 0.0
    for k in range(1, len(coefficients)):
        term = coefficients[k] + k * x
        index = m.where(term > best, float(k), index)
        best = m.maximum(best, term)
    return best, index


def _tropical_scale(coefficients):
    """sqrt(2) / K, the normalisation of the authors' reference implementation (torchortho)."""
    return math.sqrt(2) / (len(coefficients) - 1)


def _tropical_first_kink(p: dict) -> float:
    a = p["coefficients"]
    return min((a[0] - a[k]) / k for k in range(1, len(a)))


def _poly_relu_slope(m, x, coefficients):
    return m.where(x > 0, _horner_slope(coefficients, m.maximum(x, 0.0)), 0.0)


# ---- the matrix exponential ---------------------------------------------------------------------------------
TAYLOR_DEGREE = 16  # after scaling to norm <= 1/2 the truncation error is < 0.5^17 / 17! ~ 2e-20


def _matrix_exp(x):
    """exp(X) by scaling and squaring: exp(X) = exp(X / 2^s)^(2^s) with ||X / 2^s||_1 <= 1/2, the small
    exponential from its Taylor series by Horner's rule. Only matmuls and sums: autodiff differentiates it."""
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"matrix_exp needs square matrices in the last two dimensions, got shape {x.shape}")
    xp = array_module(x.data)
    norm = float(xp.abs(x.data).sum(axis=-2).max()) if x.data.size else 0.0  # the 1-norm: largest column sum
    if not math.isfinite(norm):
        raise ValueError("matrix_exp: the input has non-finite entries")
    squarings = math.ceil(math.log2(norm)) + 1 if norm > 0.5 else 0
    a = x * (0.5 ** squarings)
    eye = Tensor._wrap(xp.eye(x.shape[-1], dtype=x.dtype))
    result = eye
    for k in range(TAYLOR_DEGREE, 0, -1):
        result = eye + (a @ result) / k
    for _ in range(squarings):
        result = result @ result
    return result


# ---- defaults -------------------------------------------------------------------------------------------------
# rational_activations (the PAU authors' library), Rational(approx_func="leaky_relu", degrees=(5, 4), version="A"):
# a least-squares fit of leaky_relu(x, 0.01) on [-3, 3] with the safe denominator.
LEAKY_NUMERATOR = (0.029792778657264946, 0.6183735264987601, 2.323309062531321, 3.051936237265109,
                   1.4854203263828845, 0.2510244961111299)
LEAKY_DENOMINATOR = (-1.1419548357285474, 4.393159974992486, 0.8714712309957245, 0.34719662339598834)
# The least-squares quadratic fit of ReLU under x ~ N(0, 1): its Hermite projection of degree 2,
# E[relu] = E[relu He_2] = 1/sqrt(2 pi), E[relu x] = 1/2, so relu ~ c + x/2 + c x^2 with c = 1/(2 sqrt(2 pi)).
RELU_QUADRATIC = (1 / (2 * math.sqrt(2 * math.pi)), 0.5, 1 / (2 * math.sqrt(2 * math.pi)))
# torchortho's HermiteActivation(degree=3) initial coefficients, c_0 = sqrt(1 - 1/3!)/sqrt(e), c_k = 1/sqrt(e) on
# the basis He_k / k!, rewritten for the orthonormal basis He_k / sqrt(k!): a_k = c_k / sqrt(k!).
HERMITE_DEFAULT = (math.sqrt((1 - 1 / 6) / math.e),) + tuple(1 / math.sqrt(math.e * math.factorial(k))
                                                            for k in range(1, 4))
# torchortho's FourierActivation(degree=3) init, c_0 + sum_k c cos(k x - pi/4) / k! with c = 1/sqrt(I_0(2)),
# rewritten as a_k cos(kx) + b_k sin(kx): a_k = b_k = c / (sqrt(2) k!).
FOURIER_GAIN = 0.66232645879
FOURIER_COS = (FOURIER_GAIN * math.sqrt(1 - 1 / math.factorial(3) ** 2),) + tuple(
    FOURIER_GAIN / (math.sqrt(2) * math.factorial(k)) for k in range(1, 4))
FOURIER_SIN = FOURIER_COS[1:]

SIGN_CONVENTION = "sign(0) = 0, the autograd of |x| in PyTorch (PAU's reference Python implementation)"
PAU_PAPER = "Padé Activation Units: End-to-end Learning of Flexible Activation Functions in Deep Networks"
ORTHO_PAPER = "Polynomial, trigonometric, and tropical activations"
RATIONAL_NOTE = ("Behaves like (a_m / b_n) x^(m - n) for large |x|: linear for degrees (5, 4). The default "
                 "coefficients fit leaky_relu(x, 0.01) on [-3, 3] (rational_activations' leaky_relu init for the "
                 "safe denominator); outside that interval the fit drifts to slope a_5/b_4 ~ 0.72. ")
RATIONAL_PARAMS = (
    Param("numerator", LEAKY_NUMERATOR, "numerator coefficients a_0..a_m", learnable=True),
    Param("denominator", LEAKY_DENOMINATOR, "denominator coefficients b_1..b_n", learnable=True),
)
RATIONAL_FORMS = dict(  # what pau and rational share: the forms, the kink at 0, the properties
    check=nonempty("numerator"),
    f=_rational, df=_rational_slope, dparams={"numerator": _rational_dnumerator, "denominator": _rational_ddenominator},
    kinks=(Kink(0.0, lambda p: p["numerator"][1], convention=SIGN_CONVENTION),), monotonic=None, smooth="C0",
)

ACTIVATIONS = [
    ActivationSpec(
        name="pau", family="rational", kind="pointwise", catalog_id="E1",
        formula="(sum_j a_j x^j) / (1 + sum_k |b_k| |x|^k), j = 0..5, k = 1..4",
        derivative="P'/Q - (P/Q) Q'/Q, Q' = sign(x) sum_k k |b_k| |x|^(k-1); d/da_j = x^j / Q; "
                   "d/db_k = -(P/Q^2) sign(b_k) |x|^k",
        params=RATIONAL_PARAMS, **RATIONAL_FORMS,
        paper=PAU_PAPER,
        notes=RATIONAL_NOTE + "The safe denominator is >= 1, so there are no poles; |b_1| |x| folds at x = 0, a "
              "kink unless a_0 b_1 = 0. PAU's first release initialised with the similar 'pade_optimized_"
              "leakyrelu' coefficients (fitted for 1 + |sum b_k x^k|); its CUDA kernel takes sign(+0) = +1.",
        uncertain="The card gives 1 + |sum_k b_k x^k| and flags the denominator variants [?]; implemented is "
                  "the safe form 1 + sum_k |b_k| |x|^k of PAU's reference kernels (the 'rational' declaration "
                  "offers both).",
    ),
    ActivationSpec(
        name="rational", family="rational", kind="pointwise", catalog_id="E2",
        formula="(sum_j a_j x^j) / Q(x); version A: Q = 1 + sum_k |b_k| |x|^k, version B: Q = 1 + |sum_k b_k x^k|",
        derivative="P'/Q - (P/Q) Q'/Q; A: Q' = sign(x) sum_k k |b_k| |x|^(k-1), B: Q' = sign(A) A'(x), "
                   "A = sum_k b_k x^k",
        params=RATIONAL_PARAMS + (Param("version", "A", "the safe denominator (rational_activations' versions)",
                                        choices=("A", "B")),),
        **RATIONAL_FORMS,
        paper="Adaptive Rational Activations to Boost Deep Reinforcement Learning",
        notes=RATIONAL_NOTE + "A recurrent rational is one such activation shared by all the residual blocks of "
              "a network (rationals are closed under residual connections): use one nn.Activation('rational') "
              "module in every block and its coefficient gradients add up over the uses. With version B the "
              "denominator folds wherever A(x) changes sign, not only at 0; the default coefficients are the "
              "version-A fit, so pass coefficients fitted for B with it.",
        uncertain="The card gives only 'the rational family of E1'; implemented is the rational_activations "
                  "library's Rational with its denominator versions A (default) and B, with its leaky_relu "
                  "initialisation for version A.",
    ),
    ActivationSpec(
        name="nora", family="rational", kind="pointwise", catalog_id="E3",
        formula="P(x) / Q(x) as pau, with coefficients a + u v and b + s t: frozen a, b; per-channel scales u, s; "
                "shared directions v, t",
        derivative="as pau with the effective coefficients; d/du = sum_k v_k dF/da_k, d/dv_k = u dF/da_k, "
                   "d/ds = sum_k t_k dF/db_k, d/dt_k = s dF/db_k",
        params=(Param("numerator", LEAKY_NUMERATOR, "the frozen (pretrained) numerator coefficients"),
                Param("denominator", LEAKY_DENOMINATOR, "the frozen (pretrained) denominator coefficients"),
                Param("numerator_scale", 0.0, "u: one value or one per channel (dimension 1)", learnable=True,
                      per_channel=True),
                Param("numerator_direction", (1.0,) * 6, "v: the shared numerator update direction",
                      learnable=True),
                Param("denominator_scale", 0.0, "s: one value or one per channel (dimension 1)", learnable=True,
                      per_channel=True),
                Param("denominator_direction", (1.0,) * 4, "t: the shared denominator update direction",
                      learnable=True)),
        check=_nora_check,
        f=_nora, df=_nora_slope, dparams=NORA_GRADIENTS,
        kinks=(Kink(0.0, lambda p: p["numerator"][1] + p["numerator_scale"] * p["numerator_direction"][1],
                    convention=SIGN_CONVENTION),),
        monotonic=None, smooth="C0",
        paper="Don't Forget the Nonlinearity: Unlocking Activation Functions in Efficient Fine-Tuning",
        notes="Parameter-efficient fine-tuning of the nonlinearity: a pretrained rational stays frozen and only "
              "a low-rank update of the (channels x coefficients) matrix is trained, here u v^T + s t^T - "
              "2C + 10 numbers per layer. As in LoRA one factor starts at zero (the scales), so training starts "
              "from the pretrained activation and the scales get the first gradients.",
        uncertain="The card gives NoRA only in words (group-wise rationals, structured low-rank deltas). "
                  "Implemented: rank 1, one group per channel, PAU's safe denominator; the directions start at "
                  "ones (NoRA's own initialisation of the factors is not in the card).",
    ),
    ActivationSpec(
        name="cauchy", family="rational", kind="pointwise", catalog_id="E5",
        formula="(lambda1 x + lambda2) / (x^2 + d^2)",
        derivative="(lambda1 - 2 x f) / (x^2 + d^2) = (lambda1 (d^2 - x^2) - 2 lambda2 x) / (x^2 + d^2)^2; "
                   "d/dlambda1 = x / (x^2 + d^2), d/dlambda2 = 1 / (x^2 + d^2), d/dd = -2 d f / (x^2 + d^2)",
        params=(Param("lambda1", 1.0, "weight of the odd part x / (x^2 + d^2)", learnable=True),
                Param("lambda2", 1.0, "weight of the even part 1 / (x^2 + d^2)", learnable=True),
                Param("d", 1.0, "width; d -> 0 makes a pole at 0", learnable=True, domain=POSITIVE)),
        f=lambda m, x, lambda1, lambda2, d: (lambda1 * x + lambda2) / (x * x + d * d),
        df=lambda m, x, lambda1, lambda2, d: (lambda1 - 2.0 * x * (lambda1 * x + lambda2) / (x * x + d * d))
        / (x * x + d * d),
        dparams={"lambda1": lambda m, x, lambda1, lambda2, d: x / (x * x + d * d),
                 "lambda2": lambda m, x, lambda1, lambda2, d: 1.0 / (x * x + d * d),
                 "d": lambda m, x, lambda1, lambda2, d: -2.0 * d * (lambda1 * x + lambda2) / (x * x + d * d) ** 2},
        range=lambda p: ((p["lambda2"] - math.hypot(p["lambda2"], p["lambda1"] * p["d"])) / (2 * p["d"] ** 2),
                         (p["lambda2"] + math.hypot(p["lambda2"], p["lambda1"] * p["d"])) / (2 * p["d"] ** 2)),
        monotonic=False, paper="Cauchy activation function and XNet",
        notes="XNet's activation, built from the Cauchy kernel 1/(x - z) of complex analysis: localised (-> 0 as "
              "|x| -> inf), bounded, with extremes (lambda2 +- sqrt(lambda2^2 + lambda1^2 d^2)) / (2 d^2). The "
              "width d must stay away from 0 (a pole): the card suggests learning d^2 = softplus(.) + eps.",
    ),
    ActivationSpec(
        name="polynomial", family="rational", kind="pointwise", catalog_id="E6",
        formula="sum_k c_k x^k", derivative="sum_k k c_k x^(k-1); d/dc_k = x^k",
        params=(Param("coefficients", RELU_QUADRATIC, "c_0..c_K", learnable=True),),
        check=nonempty("coefficients"),
        f=lambda m, x, coefficients: _horner(coefficients, x),
        df=lambda m, x, coefficients: _horner_slope(coefficients, x),
        dparams={"coefficients": lambda m, x, coefficients: _powers(x, len(coefficients))},
        range=lambda p: _polynomial_range(p["coefficients"]), monotonic=None,
        paper="Sisyphus: A Cautionary Tale of Using Low-Degree Polynomial Activations in Privacy-Preserving "
              "Deep Learning",
        notes="The activations homomorphic encryption can evaluate (only + and x). The default is the quadratic "
              "closest to ReLU in L2(N(0, 1)), 0.1995 + x/2 + 0.1995 x^2; x^2 alone is CryptoNets' square "
              "activation. Composed over depth the degree multiplies (K^depth): once |x| leaves the fitted "
              "interval, values escape to inf and then NaN (Sisyphus' 'escaping activation' problem).",
        uncertain="The card names the family (e.g. x^2, fitted quadratic ReLU) without one fit; the default is "
                  "this catalog's least-squares fit of ReLU under a standard normal input.",
    ),
    ActivationSpec(
        name="hermite", family="rational", kind="pointwise", catalog_id="E7",
        formula="sum_k a_k He_k(x) / sqrt(k!)  (probabilists' Hermite polynomials, orthonormal under N(0, 1))",
        derivative="sum_(k>=1) a_k sqrt(k) He_(k-1)(x) / sqrt((k-1)!); d/da_k = He_k(x) / sqrt(k!)",
        params=(Param("coefficients", HERMITE_DEFAULT, "a_0..a_K", learnable=True),),
        f=lambda m, x, coefficients: sum(a * h for a, h in zip(coefficients, _hermite_basis(x, len(coefficients)))),
        df=_hermite_slope,
        dparams={"coefficients": lambda m, x, coefficients: _hermite_basis(x, len(coefficients))},
        range=_hermite_range, monotonic=None, paper=ORTHO_PAPER,
        notes="Orthonormality gives E[f(z)] = a_0 and E[f(z)^2] = sum a_k^2 for z ~ N(0, 1): choosing the "
              "coefficients sets the output moments, the variance-preserving initialisation that lets deep "
              "polynomial networks train without clamping. Evaluated by the three-term recurrence. The default "
              "is the authors' initialisation for degree 3, a_k = 1/sqrt(e k!) (a_0 = sqrt((1 - 1/3!)/e)), "
              "whose second moment sum a_k^2 = 2.5/e tends to 1 as the degree grows.",
        uncertain="The card's variance-preserving rule is marked [P, verify]; the default follows the authors' "
                  "torchortho library (which uses the basis He_k / k!), rewritten for the orthonormal basis.",
    ),
    ActivationSpec(
        name="fourier", family="rational", kind="pointwise", catalog_id="E8",
        formula="a_0 + sum_k (a_k cos(k x) + b_k sin(k x)), k = 1..K",
        derivative="sum_k k (b_k cos(k x) - a_k sin(k x)); d/da_k = cos(k x), d/db_k = sin(k x)",
        params=(Param("a", FOURIER_COS, "a_0..a_K: the constant and the cosine coefficients", learnable=True),
                Param("b", FOURIER_SIN, "b_1..b_K: the sine coefficients", learnable=True)),
        check=_fourier_check,
        f=_fourier, df=_fourier_slope,
        dparams={"a": lambda m, x, a, b: [c for c, _ in _harmonics(m, x, len(b))],
                 "b": lambda m, x, a, b: [s for _, s in _harmonics(m, x, len(b))[1:]]},
        range=_fourier_bound,
        monotonic=False, paper=ORTHO_PAPER,
        notes="A learnable truncated Fourier series: bounded and 2 pi-periodic. The range is the bound "
              "|a_0| + sum_k sqrt(a_k^2 + b_k^2). For z ~ N(0, 1), E[cos^2(k z)] = (1 + e^(-2k^2))/2 and "
              "E[sin^2(k z)] = (1 - e^(-2k^2))/2 give the output variance an initialisation controls. The "
              "default is the authors' initialisation for degree 3: c cos(k x - pi/4) / k! with "
              "c = 1/sqrt(I_0(2)) (the gain of GELU), plus a constant. cos(k x) and sin(k x) come from one "
              "cosine and sine by angle addition (a rotation per k): one range reduction for all harmonics.",
        uncertain="The card marks the normalisation [P]; the default follows the authors' torchortho library "
                  "with its learnable frequencies fixed to k.",
    ),
    ActivationSpec(
        name="tropical", family="rational", kind="pointwise", catalog_id="E9",
        formula="(sqrt(2) / K) max_k (a_k + k x), k = 0..K",
        derivative="(sqrt(2) / K) k*, k* the slope of the first maximal term; d/da_k = sqrt(2)/K [k = k*]",
        params=(Param("coefficients", (1.0, 1.0, 1.0, 1.0), "a_0..a_K (K >= 1)", learnable=True),),
        check=nonempty("coefficients"),
        f=lambda m, x, coefficients: _tropical_scale(coefficients) * _tropical_max(m, x, coefficients)[0],
        df=lambda m, x, coefficients: _tropical_scale(coefficients) * _tropical_max(m, x, coefficients)[1],
        dparams={"coefficients": lambda m, x, coefficients: [
            m.where(_tropical_max(m, x, coefficients)[1] == k, _tropical_scale(coefficients), 0.0)
            for k in range(len(coefficients))]},
        kinks=(Kink(_tropical_first_kink, 0.0, convention="ties go to the lowest slope (the first maximal term, "
                                                          "as torch.max)"),),
        range=lambda p: (_tropical_scale(p["coefficients"]) * p["coefficients"][0], math.inf),
        monotonic=True, smooth="C0", paper=ORTHO_PAPER,
        notes="The tropical polynomial of sum a_k x^k (+ becomes max, x becomes +): a convex, piecewise-linear "
              "maximum of lines with slopes 0..K, so it is non-decreasing and bounded below by "
              "(sqrt(2)/K) a_0. The authors initialise all a_k = 1, which makes it sqrt(2)/K + sqrt(2) relu(x); "
              "training moves the breakpoints (a_(k-1) - a_k) apart.",
        uncertain="The card marks the normalisation [P, verify]; the factor sqrt(2)/K is the authors' torchortho "
                  "implementation's.",
    ),
    ActivationSpec(
        name="poly_relu", family="rational", kind="pointwise", catalog_id="E10",
        formula="sum_i a_i relu(x)^i, i = 0..3",
        derivative="sum_(i>=1) i a_i relu(x)^(i-1) for x > 0, 0 for x <= 0; d/da_i = relu(x)^i",
        params=(Param("coefficients", (0.0, 1 / 3, 1 / 3, 1 / 3), "a_0..a_r", learnable=True),),
        check=nonempty("coefficients"),
        f=lambda m, x, coefficients: _horner(coefficients, m.maximum(x, 0.0)),
        df=_poly_relu_slope,
        dparams={"coefficients": lambda m, x, coefficients: _powers(m.maximum(x, 0.0), len(coefficients))},
        kinks=(Kink(0.0, 0.0),),
        range=lambda p: _polynomial_range(p["coefficients"], low=0.0), monotonic=None, smooth="C0",
        paper="Polynomial Composition Activations: Unleashing the Dynamics of Large Language Models",
        notes="PolyCom's PolyReLU: a polynomial of relu(x), default (relu + relu^2 + relu^3)/3 as in the "
              "reference code (weights 1/3, bias 0). C0 at 0 unless a_1 = 0; cubic growth (watch float16).",
    ),
    ActivationSpec(
        name="paon", family="rational", kind="pointwise", catalog_id="E12",
        formula="(sum_j a_j x^j) / (1 + |sum_k b_k x^k|)",
        derivative="P'/Q - (P/Q) sign(A) A'/Q, A = sum_k b_k x^k; d/da_j = x^j / Q; "
                   "d/db_k = -(P/Q^2) sign(A) x^k",
        params=(Param("numerator", (0.0, 1.0, 0.0, 1 / 15), "numerator coefficients a_0..a_m", learnable=True),
                Param("denominator", (0.0, 0.4), "denominator coefficients b_1..b_n", learnable=True)),
        check=nonempty("numerator"),
        f=partial(_rational, version="B"), df=partial(_rational_slope, version="B"),
        dparams={"numerator": partial(_rational_dnumerator, version="B"),
                 "denominator": partial(_rational_ddenominator, version="B")},
        monotonic=None, smooth="C0",
        paper="PAON: A New Neuron Model using Padé Approximants",
        notes="The pointwise part of a Padé neuron: numerator and denominator of different orders, with the "
              "safe denominator of PAU (the neuron also learns a weight per power, which a Linear layer before "
              "it provides here). The default is the [3/2] Padé approximant of tanh, (x + x^3/15) / (1 + "
              "2x^2/5), which is smooth (A >= 0); learned denominators fold where A(x) changes sign.",
        uncertain="The card describes PAON in words. Implemented: a rational with denominator 1 + |sum b_k x^k|; "
                  "the default (tanh's Padé approximant) is this catalog's choice.",
    ),
    ActivationSpec(
        name="matrix_exp", family="rational", kind="vector", catalog_id="E13",
        formula="exp(X) = sum_n X^n / n! for square X (the last two dimensions)",
        derivative="the Frechet derivative of expm, here by autodiff through scaling and squaring",
        fn=_matrix_exp, input_shape=(2, 3, 3),
        paper="Analytical Solution of a Three-layer Network with a Matrix Exponential Activation Function",
        torch="torch.linalg.matrix_exp", jax="jax.scipy.linalg.expm",
        notes="The activation of f(X) = W3 exp(W2 exp(W1 X)) on square matrices X (the W's are the network's "
              "layers). exp(X) exp(-X) = I and det exp(X) = e^(trace X); entries overflow for large ||X||. "
              "Computed as exp(X/2^s)^(2^s) with a degree-16 Taylor polynomial once ||X/2^s||_1 <= 1/2.",
        uncertain="The card gives the three-layer network; declared here is its activation, the matrix "
                  "exponential (real matrices; the paper allows complex ones).",
    ),
]
