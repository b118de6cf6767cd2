"""The smooth ReLUs and self-gated units everyone uses (catalog family C, first part), and the gate math that
the rest of the family (`smooth.py`, which also lists these) builds on.

Two ideas run through them. Smoothing: softplus, SmeLU and SAU are ReLU convolved with a bump (a logistic
density, a box, a Gaussian), so the kink at 0 becomes a curve of width ~1/beta. Self-gating: GELU, SiLU, Mish and
GoLU are x * g(x) with a gate g rising from 0 to 1, so inputs are weighted by their value rather than switched by
their sign. Such units dip below zero for small negative x (non-monotone, with a minimum the tests check) and tend
to relu in both tails.

Numerics that every formula here follows: sigmoid and softplus in their two-branch forms, 1 - tanh^2 u as
4 s(2u) s(-2u), the normal CDF as erfc(-x/sqrt 2)/2 (no 1 + erf cancellation for x << 0), and products of
exponentials fused into one exponent.
"""
from __future__ import annotations

import math

import numpy as np

from minigrad.activations.mathops import ArrayMath
from minigrad.activations.spec import POSITIVE, ActivationSpec, Kink, Param

SQRT_2 = math.sqrt(2.0)
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
GELU_CUBIC = 0.044715
QUICK_GELU_SCALE = 1.702
W_INV_E = 0.27846454276107380  # Lambert W(1/e): silu's minimum is -W(1/e), at x = -1 - W(1/e)
OMEGA = 0.56714329040978387  # the omega constant W(1): golu's minimum is at x = -OMEGA
MISH_CAP = 40.0  # e^80 < float32's largest; 1 - tanh(softplus(40)) ~ 2e^-80
SILU_MIN = -W_INV_E
GOLU_CLAMP = 30.0  # below x = -30 exp(-e^-x) has underflowed to 0 in every precision
INF = math.inf


# ---- shared pieces ---------------------------------------------------------------------------------------
def normal_pdf(m, x):
    """Standard normal density phi(x) = gauss(x / sqrt 2) / sqrt(2 pi). gauss is even: its argument is written as
    normal_cdf's, -x / sqrt 2, so that a kernel needing both computes them from one exp (in float32 vmath's erfc
    and gauss share it, and the compiler merges the two)."""
    return m.gauss(-x / SQRT_2) * INV_SQRT_2PI


def normal_cdf(m, x):
    """Standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2: accurate to full relative precision in the left tail."""
    return 0.5 * m.erfc(-x / SQRT_2)


def cauchy_angle(m, x):
    """(left, a): left = x < -1, and a = arctan(-1/x) there, arctan(x) elsewhere. The Cauchy CDF and its centred
    form 2 arctan(x)/pi are written from this one arctan of a selected argument (a kernel evaluates both branches
    of a select: an arctan in each would be two per element)."""
    left = x < -1.0
    return left, m.atan(m.where(left, -1.0 / m.minimum(x, -1.0), x))


def cauchy_cdf(m, x):
    """1/2 + arctan(x)/pi; left of x = -1 as arctan(-1/x)/pi, which keeps its relative precision as it -> 0."""
    left, a = cauchy_angle(m, x)
    return m.where(left, a / math.pi, 0.5 + a / math.pi)


def sech2(m, u):
    """1 - tanh(u)^2 = 4 s(2u) s(-2u): keeps its float32 tails where 1 - t^2 rounds to 0."""
    return 4.0 * m.dsigmoid(2.0 * u)


def swish(m, x, beta):
    return x * m.sigmoid(beta * x)


def dswish(m, x, beta):
    """d/dx x s(beta x) = s(beta x) + beta x s(beta x) s(-beta x); never s (1 - s), which rounds to 0 in float32.
    (A kernel computes the sigmoid and its slope s(u) s(-u) of the same u from one exp.)"""
    u = beta * x
    return m.sigmoid(u) + u * m.dsigmoid(u)


def dswish_dbeta(m, x, beta):
    return x * x * m.dsigmoid(beta * x)


def gelu_exact(m, x):
    return x * normal_cdf(m, x)


def dgelu_exact(m, x):
    return normal_cdf(m, x) + x * normal_pdf(m, x)


def _mish_gate(m, x):
    """(p, n, 1/w) with tanh(softplus(x)) = p/w: with n = e^x, (1 + n)^2 = e^(2 sp) gives
    tanh(sp) = ((1 + n)^2 - 1)/((1 + n)^2 + 1) = p/w, p = n(n + 2), w = p + 2. One exp instead of softplus's
    exp and log1p and tanh's expm1. x is capped at MISH_CAP: n(n + 2) stays finite in float32, and beyond it the
    gate's distance to 1 (2/w) and the slope's 4x/n^2 are far below an ulp."""
    n = m.exp(m.minimum(x, MISH_CAP))
    p = n * (n + 2.0)
    return p, n, 1.0 / (p + 2.0)


def _mish(m, x):
    p, _, r = _mish_gate(m, x)
    return x * (p * r)


def _mish_df(m, x):
    """tanh(sp) + x s(x) sech^2(sp) with s(x) = n/(1 + n) and sech^2(sp) = 1 - (p/w)^2 = 4(1 + n)^2/w^2:
    (p + 4x n (1 + n)/w)/w, no cancellation between a tanh and 1."""
    p, n, r = _mish_gate(m, x)
    return (p + 4.0 * x * (n * (n + 1.0) * r)) * r  # n (n + 1)/w <= 1: no overflow in float32


def minimum_of(f, params: dict, low: float = -30.0, high: float = 30.0) -> float:
    """The minimum of f on [low, high] for the range declaration: the best point of a fine grid, polished by
    golden-section search. -inf when the grid minimum sits at an end (f keeps falling towards a tail)."""
    m = ArrayMath(np, np.float64)

    def value(t: float) -> float:
        return float(np.asarray(f(m, np.array([t]), **params)).reshape(-1)[0])

    x = np.linspace(low, high, 6001)
    i = int(np.argmin(f(m, x, **params)))
    if i in (0, x.size - 1):
        return -INF
    a, b = x[i - 1], x[i + 1]
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(80):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        a, b = (a, d) if value(c) < value(d) else (c, b)
    return min(value(a), value(b), value(x[i]))


# ---- GELU -----------------------------------------------------------------------------------------------
def gelu_value(m, x, approximate):
    """x Phi(x), exactly or by the tanh approximation (shared with GEGLU's gate)."""
    if approximate == "tanh":  # 1/2 (1 + tanh u) = s(2u): no cancellation in the left tail
        return x * m.sigmoid(2.0 * SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x))
    return gelu_exact(m, x)


def _gelu_df(m, x, approximate):
    if approximate == "tanh":
        two_u = 2.0 * SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)
        du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * x * x)
        return m.sigmoid(two_u) + 2.0 * x * m.dsigmoid(two_u) * du
    return dgelu_exact(m, x)


# ---- GoLU: the fused exponent x exp(-x - e^-x), with x clamped where everything has underflowed --------
def _golu_f(m, x):
    return x * m.exp(-m.exp(-m.maximum(x, -GOLU_CLAMP)))


def _golu_df(m, x):
    # e = e^-x of the clamped x stays finite (<= e^30), so e exp(-e) is 0, never inf * 0, where exp(-e) underflows
    e = m.exp(-m.maximum(x, -GOLU_CLAMP))
    gate = m.exp(-e)
    return gate + x * (e * gate)


# ---- SAU: leaky relu smoothed by a Gaussian of width sigma --------------------------------------------
def _smoothed_relu(m, x, sigma):
    """E[relu(x + sigma Z)] = x Phi(x/sigma) + sigma phi(x/sigma)."""
    return x * normal_cdf(m, x / sigma) + sigma * normal_pdf(m, x / sigma)


def _sau(m, x, alpha, sigma):
    return alpha * x + (1.0 - alpha) * _smoothed_relu(m, x, sigma)


# ---- SmeLU: relu convolved with a box; written branch-free with a clip ----------------------------------
def _clip(m, x, half_width):
    return m.minimum(m.maximum(x, -half_width), half_width)


GELU_PAPER = "Gaussian Error Linear Units (GELUs)"
SWISH_PAPER = "Searching for Activation Functions"

ACTIVATIONS = [
    ActivationSpec(
        name="softplus", family="smooth", kind="pointwise", catalog_id="C1",
        formula="log(1 + e^(beta x)) / beta; x where beta x > threshold",
        derivative="s(beta x); 1 where beta x > threshold",
        params=(Param("beta", 1.0, "sharpness: softplus tends to relu as beta grows", domain=POSITIVE),
                Param("threshold", 20.0, "above beta x = threshold the function is taken as x (as PyTorch)")),
        f=lambda m, x, beta, threshold: m.where(beta * x > threshold, x, m.softplus(beta * x) / beta),
        df=lambda m, x, beta, threshold: m.where(beta * x > threshold, 1.0, m.sigmoid(beta * x)),
        range=(0.0, INF), monotonic=True,
        paper="Deep Sparse Rectifier Neural Networks", torch="torch.nn.functional.softplus",
        jax="jax.nn.softplus",
        notes="Evaluated as max(t, 0) + log1p(e^-|t|), t = beta x: no overflow. The threshold switch makes a "
              "jump of at most e^-threshold / beta; set threshold high to get the smooth function everywhere.",
    ),
    ActivationSpec(
        name="gelu", family="smooth", kind="pointwise", catalog_id="C2",
        formula="x Phi(x) = x/2 (1 + erf(x / sqrt 2)) (approximate='none'); "
                "x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (approximate='tanh')",
        derivative="exact: Phi(x) + x phi(x), phi(x) = e^(-x^2/2) / sqrt(2 pi) the normal density; tanh form: "
                   "1/2 (1 + tanh u) + x/2 (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2), "
                   "u = sqrt(2/pi) (x + 0.044715 x^3)",
        params=(Param("approximate", "none", "which formula: the exact erf form ('none') or the tanh "
                                             "approximation of BERT and GPT-2 ('tanh')", choices=("none", "tanh")),),
        f=gelu_value, df=_gelu_df,
        range=lambda p: (minimum_of(gelu_value, p), INF), monotonic=False,
        paper=GELU_PAPER, torch="torch.nn.functional.gelu", jax="jax.nn.gelu(x, approximate=False)",
        notes="Weights x by Phi(x), the chance that a standard normal falls below x, instead of gating by the "
              "sign: smooth, non-monotone, minimum -0.16997 at x = -0.75179, gelu(x) - relu(x) -> 0 in both "
              "tails. Phi is evaluated as erfc(-x/sqrt 2) / 2: 1 + erf(x/sqrt 2) cancels to 0 for x << 0. The "
              "tanh form is evaluated as x s(2u) (the same number as 1/2 (1 + tanh u)) and differs from the "
              "exact one by at most 4.7e-4 (near |x| = 2.70); the sigmoid form is quick_gelu. Beware: "
              "jax.nn.gelu defaults to approximate=True, PyTorch to approximate='none'.",
    ),
    ActivationSpec(
        name="quick_gelu", family="smooth", kind="pointwise", catalog_id="C2",
        formula="x s(1.702 x), s = sigmoid: the sigmoid approximation of GELU",
        derivative="s(1.702 x) (1 + 1.702 x s(-1.702 x))",
        f=lambda m, x: swish(m, x, QUICK_GELU_SCALE), df=lambda m, x: dswish(m, x, QUICK_GELU_SCALE),
        range=(SILU_MIN / QUICK_GELU_SCALE, INF), monotonic=False, paper=GELU_PAPER,
        notes="Swish with beta = 1.702 (the 'QuickGELU' of CLIP): one exp instead of erf, within 2.0e-2 of the "
              "exact GELU (largest near |x| = 2.27). Minimum -0.27846 / 1.702 = -0.16361.",
    ),
    ActivationSpec(
        name="silu", family="smooth", kind="pointwise", catalog_id="C3",
        formula="x s(x) = x / (1 + e^-x), s = sigmoid",
        derivative="s(x) (1 + x s(-x)) = s(x) + x s(x) s(-x)",
        f=lambda m, x: swish(m, x, 1.0), df=lambda m, x: dswish(m, x, 1.0),
        range=(SILU_MIN, INF), monotonic=False,
        paper=SWISH_PAPER, torch="torch.nn.functional.silu", jax="jax.nn.silu",
        notes="The input gates itself through the logistic sigmoid (swish with beta = 1). Minimum -W(1/e) = "
              "-0.27846 at x = -1 - W(1/e) = -1.27846 (W: Lambert's function); silu(x) - relu(x) -> 0 in both "
              "tails; the derivative overshoots 1 (max 1.0998 at x = 2.3994). The two-branch sigmoid never "
              "overflows, where x / (1 + e^-x) warns for x < -88.7 in float32.",
    ),
    ActivationSpec(
        name="swish", family="smooth", kind="pointwise", catalog_id="C3",
        formula="x s(beta x), s = sigmoid",
        derivative="s(beta x) (1 + beta x s(-beta x)); d/dbeta = x^2 s(beta x) s(-beta x)",
        params=(Param("beta", 1.0, "gate sharpness: -> inf gives relu, 0 gives x/2, 1 gives silu",
                      learnable=True),),
        f=swish, df=dswish, dparams={"beta": dswish_dbeta},
        range=lambda p: ((SILU_MIN / p["beta"], INF) if p["beta"] > 0 else
                         (-INF, SILU_MIN / p["beta"]) if p["beta"] < 0 else (-INF, INF)),
        monotonic=False, paper=SWISH_PAPER,
        notes="swish(x; beta) = silu(beta x) / beta, so its minimum is -0.27846 / beta. The learnable beta "
              "interpolates between a linear unit (beta = 0) and relu (beta -> inf).",
    ),
    ActivationSpec(
        name="hardswish", family="smooth", kind="pointwise", catalog_id="C3",
        formula="x relu6(x + 3) / 6: 0 for x <= -3, x (x + 3) / 6 for -3 <= x <= 3, x for x >= 3",
        derivative="0 for x <= -3, (2x + 3) / 6 for -3 < x < 3, 1 for x >= 3",
        f=lambda m, x: x * m.minimum(m.maximum(x + 3.0, 0.0), 6.0) / 6.0,
        df=lambda m, x: m.where(x <= -3.0, 0.0, m.where(x < 3.0, x / 3.0 + 0.5, 1.0)),
        kinks=(Kink(-3.0, 0.0), Kink(3.0, 1.0)), range=(-0.375, INF), monotonic=False, smooth="C0",
        paper="Searching for MobileNetV3", torch="torch.nn.functional.hardswish", jax="jax.nn.hard_swish",
        notes="Swish with the sigmoid replaced by the piecewise-linear relu6(x + 3) / 6: no exp, cheap on mobile "
              "hardware. Minimum -0.375 at x = -1.5. At the kinks the derivative is that of the outer pieces, "
              "hardswish'(-3) = 0 and hardswish'(3) = 1, as PyTorch's backward returns.",
    ),
    ActivationSpec(
        name="mish", family="smooth", kind="pointwise", catalog_id="C4",
        formula="x tanh(softplus(x)) = x tanh(log(1 + e^x))",
        derivative="tanh(sp(x)) + x s(x) (1 - tanh^2(sp(x))), sp = softplus, s = sigmoid = sp'",
        f=_mish, df=_mish_df,
        range=lambda p: (minimum_of(_mish, p), INF), monotonic=False,
        paper="Mish: A Self Regularized Non-Monotonic Activation Function", torch="torch.nn.functional.mish",
        notes="A self-gated unit whose gate tanh(softplus(x)) is steeper than silu's: minimum -0.30884 at "
              "x = -1.19243. The gate is evaluated in closed form, tanh(sp(x)) = (n^2 + 2n) / (n^2 + 2n + 2) with "
              "n = e^x: one exp for the value and one for the derivative (sech^2(sp) = 4(1 + n)^2 / w^2, w the "
              "denominator). n^2 would overflow float32 for x > ~44, so x is capped at 40, where the gate is 1 "
              "to float64 precision.",
    ),
    ActivationSpec(
        name="golu", family="smooth", kind="pointwise", catalog_id="C5",
        formula="x exp(-exp(-x)): x times the Gumbel (Gompertz) CDF",
        derivative="exp(-e^-x) (1 + x e^-x) = exp(-e^-x) + x exp(-x - e^-x)",
        f=_golu_f, df=_golu_df,
        range=(-OMEGA * math.exp(-1.0 / OMEGA), INF), monotonic=False,
        paper="Gompertz Linear Units: Leveraging Asymmetry for Enhanced Learning Dynamics",
        notes="An asymmetric gate: exp(-e^-x) is 1/e at 0, creeps up on the left and saturates fast on the right. "
              "Minimum -W(1) e^(-1/W(1)) = -0.09726 at x = -W(1) = -0.56714. For x << 0, e^-x overflows and "
              "x e^-x exp(-e^-x) would be (-big) inf 0 = NaN: x is clamped at -30 inside the exponentials, where "
              "every term has long underflowed to 0 and e^-x = e^30 is still finite, so the derivative is "
              "exp(-e)(1 + x e) with e = e^-x from two exponentials.",
    ),
    ActivationSpec(
        name="sau", family="smooth", kind="pointwise", catalog_id="C6",
        formula="E[leaky_relu(x + sigma Z)], Z ~ N(0, 1) = alpha x + (1 - alpha)(x Phi(x/sigma) + sigma phi(x/sigma))",
        derivative="alpha + (1 - alpha) Phi(x/sigma); d/dsigma = (1 - alpha) phi(x/sigma); "
                   "d/dalpha = x - x Phi(x/sigma) - sigma phi(x/sigma)",
        params=(Param("alpha", 0.01, "leaky slope for x << 0", learnable=True),
                Param("sigma", 1.0, "width of the Gaussian smoothing; -> 0 recovers leaky_relu", learnable=True,
                      domain=POSITIVE)),
        f=_sau,
        df=lambda m, x, alpha, sigma: alpha + (1.0 - alpha) * normal_cdf(m, x / sigma),
        dparams={"alpha": lambda m, x, alpha, sigma: x - _smoothed_relu(m, x, sigma),
                 "sigma": lambda m, x, alpha, sigma: (1.0 - alpha) * normal_pdf(m, x / sigma)},
        range=lambda p: (-INF if p["alpha"] > 0 else 0.0 if p["alpha"] == 0 else minimum_of(_sau, p), INF),
        monotonic=True, paper="SAU: Smooth activation function using convolution with approximate identities",
        notes="Smoothing a kink is a convolution: leaky relu averaged over a Gaussian of width sigma, so the "
              "slope rises from alpha to 1 along the normal CDF (monotonic for 0 <= alpha <= 1). With alpha = 0 "
              "it is the Gaussian-smoothed relu x Phi(x/sigma) + sigma phi(x/sigma).",
        uncertain="The catalog derives the closed form itself [P] and marks the trainability of sigma [?]; "
                  "whether the paper trains alpha, sigma or both, and its defaults, are unverified. Both are "
                  "declared learnable (pass learnable=False to nn.Activation to fix them); alpha = 0.01 follows "
                  "the card's example, sigma = 1 is our choice.",
    ),
    ActivationSpec(
        name="smelu", family="smooth", kind="pointwise", catalog_id="C7",
        formula="0 for x <= -beta, (x + beta)^2 / (4 beta) for |x| <= beta, x for x >= beta",
        derivative="0 for x <= -beta, (x + beta) / (2 beta) for |x| <= beta, 1 for x >= beta",
        params=(Param("beta", 2.0, "half-width of the quadratic transition", domain=POSITIVE),),
        f=lambda m, x, beta: (_clip(m, x, beta) + beta) ** 2 / (4.0 * beta) + m.maximum(x - beta, 0.0),
        df=lambda m, x, beta: (_clip(m, x, beta) + beta) / (2.0 * beta),
        range=(0.0, INF), monotonic=True, smooth="C1",
        paper="Smooth activations and reproducibility in deep networks",
        notes="relu convolved with a box of width 2 beta: a quadratic joins the flat and the slope-1 pieces with "
              "a continuous derivative (an asymmetric Huber function). No exp: as cheap as relu, yet smooth "
              "enough to make repeated trainings agree more. Written branch-free: (clip(x, -beta, beta) + "
              "beta)^2 / (4 beta) + max(x - beta, 0). The second derivative jumps at x = +-beta. There is no "
              "canonical beta (implementations use 1 to 2). The paper's generalized SmeLU and RESCU have no "
              "formula in the catalog and are not declared.",
    ),
    ActivationSpec(
        name="crrelu", family="smooth", kind="pointwise", catalog_id="C8",
        formula="max(0, x) + epsilon x e^(-x^2/2)",
        derivative="H(x) + epsilon (1 - x^2) e^(-x^2/2), H(0) = 0; d/depsilon = x e^(-x^2/2)",
        params=(Param("epsilon", 0.01, "size of the correction term", learnable=True),),
        f=lambda m, x, epsilon: m.maximum(x, 0.0) + epsilon * x * m.gauss(x / SQRT_2),
        df=lambda m, x, epsilon: m.where(x > 0, 1.0, 0.0) + epsilon * (1.0 - x * x) * m.gauss(x / SQRT_2),
        dparams={"epsilon": lambda m, x, epsilon: x * m.gauss(x / SQRT_2)},
        kinks=(Kink(0.0, lambda p: p["epsilon"], convention="relu'(0) = 0, as PyTorch's relu"),),
        range=lambda p: (-max(p["epsilon"], 0.0) * math.exp(-0.5), INF), monotonic=False, smooth="C0",
        paper="A Method on Searching Better Activation Functions",
        notes="relu plus a small learned correction epsilon x e^(-x^2/2) from the entropy-functional method: "
              "left slope epsilon, right slope 1 + epsilon at the kink, and a shallow dip of -epsilon e^(-1/2) "
              "at x = -1 (range stated for epsilon >= -1).",
    ),
]
