"""Smooth ReLUs and self-gated units (catalog family C): a kink smoothed away, or x gated by a function of x.

The classics (softplus, GELU, SiLU/Swish, hardswish, Mish, GoLU, SAU, SmeLU, CRReLU) and the gate math they share
live in `smooth_base.py`; this module adds the units that generalise those gates and let the data shape them: gates
whose range extends beyond (0, 1) (xATLU, xGELU, xSiLU), learnable slope and asymmetry (APA, AGLU), blends and
shifts (SSwish, SG-Blend), gates averaged over Gaussian inputs (MP-GELU), Lipschitz-constrained (LipSwish), a
tanh gate with three learnable coefficients (APTx), Mittag-Leffler gates and sums of shifted copies (PanGu-pi).
Each still reduces to a classic for some parameter values, which the tests check.
"""
from __future__ import annotations

import math

from minigrad.activations import smooth_base
from minigrad.activations.smooth_base import (INF, QUICK_GELU_SCALE, SILU_MIN, SQRT_2, cauchy_angle, cauchy_cdf,
                                              dgelu_exact, dswish, dswish_dbeta, gelu_exact, minimum_of, normal_cdf,
                                              normal_pdf, swish)
from minigrad.activations.spec import NONNEGATIVE, POSITIVE, ActivationSpec, Interval, Param, length

LIPSWISH_SCALE = 1.1


def _softplus_number(v: float) -> float:
    return max(v, 0.0) + math.log1p(math.exp(-abs(v)))


# ---- expanded gating: x [(1 + 2 alpha) g(x) - alpha], gate range (-alpha, 1 + alpha) --------------------
# each gate: (g, d/dx [x g] = g + x g', 2g - 1), written without cancellation in the tails
ATLU_TAIL = -2.0  # left of it u = -1/x <= 1/2, and 30 terms of the series below reach float64 precision
ATLU_TAIL_SERIES = tuple((-1) ** (n + 1) * 2 * n / (2 * n + 1) for n in range(1, 31))


def _atlu_slope(m, x):
    """d/dx [x g(x)] = g + x / (pi (1 + x^2)). For x << 0 the two terms cancel (both ~ 1/(pi |x|)): there, with
    u = -1/x, it equals (arctan u - u / (1 + u^2)) / pi = (u^3 / pi) sum_n (-1)^(n+1) 2n/(2n+1) u^(2n-2)."""
    u = -1.0 / m.minimum(x, ATLU_TAIL)
    z = u * u
    series = ATLU_TAIL_SERIES[-1]
    for c in reversed(ATLU_TAIL_SERIES[:-1]):
        series = series * z + c
    return m.where(x < ATLU_TAIL, z * u * series / math.pi,
                   cauchy_cdf(m, x) + x / (math.pi * (1.0 + x * x)))


def _centred_cauchy_cdf(m, x):
    """2 g - 1 = 2 arctan(x) / pi, from `cauchy_cdf`'s arctan: 2 arctan(-1/x) / pi - 1 left of x = -1, where the
    value is below -1/2 (no cancellation), so that a kernel needing g too calls arctan once for both."""
    left, a = cauchy_angle(m, x)
    return m.where(left, 2.0 * a / math.pi - 1.0, 2.0 * a / math.pi)


ARCTAN_GATE = (cauchy_cdf, _atlu_slope, _centred_cauchy_cdf)
NORMAL_GATE = (normal_cdf, dgelu_exact, lambda m, x: m.erf(x / SQRT_2))
LOGISTIC_GATE = (lambda m, x: m.sigmoid(x), lambda m, x: dswish(m, x, 1.0), lambda m, x: m.tanh(0.5 * x))


def _expanded(gate, label, catalog_name, paper_note, infimum_at_zero_alpha=None):
    """x<label>: the expanded-gating unit of a gate. `infimum_at_zero_alpha` is the unit's lower bound for
    alpha = 0 when it is approached only in a tail (atlu -> -1/pi), where a search finds no minimum."""
    g, slope, centred = gate

    def low_end(p):
        if p["alpha"] < 0:
            return -INF
        if p["alpha"] == 0 and infimum_at_zero_alpha is not None:
            return infimum_at_zero_alpha
        return minimum_of(lambda m, x, alpha: x * ((1.0 + 2.0 * alpha) * g(m, x) - alpha), p)

    return ActivationSpec(
        name=f"x{label}", family="smooth", kind="pointwise", catalog_id="C9",
        formula=f"x [(1 + 2 alpha) g(x) - alpha], g = {catalog_name}: the gate spans (-alpha, 1 + alpha)",
        derivative="(1 + 2 alpha)(g + x g') - alpha; d/dalpha = x (2 g - 1)",
        params=(Param("alpha", 0.0, "how far the gate range extends beyond (0, 1) on each side (0: plain "
                                    f"{label})", learnable=True),),
        f=lambda m, x, alpha: x * ((1.0 + 2.0 * alpha) * g(m, x) - alpha),
        df=lambda m, x, alpha: (1.0 + 2.0 * alpha) * slope(m, x) - alpha,
        dparams={"alpha": lambda m, x, alpha: x * centred(m, x)},
        range=lambda p: (low_end(p), INF),
        monotonic=None if label == "atlu" else False,
        paper="Expanded Gating Ranges Improve Activation Functions",
        notes=f"With alpha > 0 the gate goes negative for very negative x, so the unit grows again there "
              f"(~ alpha |x|): it can pass negative information on. {paper_note} One alpha per MLP block, "
              f"initialised at 0, in the paper.",
    )


# ---- APA / AGLU: exp(-softplus(log lambda - kappa z) / lambda), the authors' stable evaluation ----------
def _apa_parts(m, z, kappa, lambd):
    """(APA(z), softplus(t), s(t)) with t = log(lambda) - kappa z."""
    t = m.log(lambd) - kappa * z
    softplus_t = m.softplus(t)
    return m.exp(-softplus_t / lambd), softplus_t, m.sigmoid(t)


def _apa_grads(m, z, kappa, lambd, times):
    """d/dz, d/dkappa, d/dlambda of `times` * APA(z) for times = 1 (APA) or z (AGLU)."""
    apa, softplus_t, gate = _apa_parts(m, z, kappa, lambd)
    return {"z": apa * times * (kappa / lambd) * gate,
            "kappa": apa * times * (z / lambd) * gate,
            "lambd": apa * times * (softplus_t - gate) / (lambd * lambd)}


KAPPA = Param("kappa", 1.0, "slope of the gate (kappa = 1.702 with lambd = 1 gives the sigmoid GELU)",
              learnable=True, domain=POSITIVE)
LAMBD = Param("lambd", 1.0, "asymmetry: 1 gives the logistic gate, -> 0 the Gumbel gate exp(-e^(-kappa z))",
              learnable=True, domain=POSITIVE)


# ---- SG-Blend ------------------------------------------------------------------------------------------
def _sg_blend(m, x, alpha, beta, gamma):
    return (m.sigmoid(alpha) * (swish(m, x, beta) - gamma)
            + m.sigmoid(-alpha) * swish(m, x, QUICK_GELU_SCALE))


SG_BETA = Param("beta", 1.0, "swish sharpness (the official code clips it to [0.1, 10]; here values outside "
                             "are refused)", learnable=True, domain=Interval(0.1, 10.0))
SG_GAMMA = Param("gamma", 0.0, "downward shift of the swish branch", learnable=True)


# ---- MP-GELU: the mean of GELU(X) for X ~ N(x, variance) -------------------------------------------------
def _mp_gelu(m, x, variance):
    r = m.sqrt(1.0 + variance)
    return x * normal_cdf(m, x / r) + variance * normal_pdf(m, x / r) / r


def _mp_gelu_df(m, x, variance):
    r = m.sqrt(1.0 + variance)
    return normal_cdf(m, x / r) + x * normal_pdf(m, x / r) / (r * r * r)


def _mp_gelu_dvariance(m, x, variance):
    r = m.sqrt(1.0 + variance)
    t = x / r
    return normal_pdf(m, t) * (2.0 + variance - t * t) / (2.0 * r * r * r)


# ---- APTx ----------------------------------------------------------------------------------------------
def _aptx(m, x, alpha, beta, gamma):
    """(alpha + tanh(beta x)) gamma x written as gamma (alpha - 1) x + 2 gamma x s(2 beta x), since
    1 + tanh u = 2 s(2u): a swish plus a linear term, with no 1 + tanh cancellation in the left tail."""
    return gamma * (alpha - 1.0) * x + 2.0 * gamma * swish(m, x, 2.0 * beta)


# ---- Mittag-Leffler gate: 1 / (1 + E_ab(-x)), E_ab by its power series -------------------------------
def _mittag_leffler(m, z, a, b, terms):
    """(E_ab(z), E_ab'(z)) from sum_k z^k / Gamma(a k + b), by Horner's rule for the value and its derivative."""
    value, slope = 0.0, 0.0
    for k in reversed(range(terms)):
        slope = slope * z + value
        value = value * z + math.exp(-math.lgamma(a * k + b))
    return value, slope


def _ml_gated(m, x, a, b, terms):
    return x / (1.0 + _mittag_leffler(m, -x, a, b, terms)[0])


def _ml_gated_df(m, x, a, b, terms):
    value, slope = _mittag_leffler(m, -x, a, b, terms)
    gate = 1.0 / (1.0 + value)
    return gate + x * slope * gate * gate


ML_DOMAIN = (-4.0, 4.0)
# a and b are fixed per call, as choices: the series' coefficients 1/Gamma(a k + b) are computed in Python (the
# math namespace has no Gamma function), so kernels bake them in as constants
ML_A = (0.5, 0.75, 1.0)
ML_B = (0.5, 0.75, 1.0, 1.5, 2.0)


# ---- series-informed activation: sum_i a_i base(x + b_i) -------------------------------------------------
SERIES_BASES = {"gelu": (gelu_exact, dgelu_exact),
                "silu": (lambda m, x: swish(m, x, 1.0), lambda m, x: dswish(m, x, 1.0))}


def _series_check(p: dict) -> str | None:
    if length(p["a"]) != length(p["b"]) or length(p["a"]) == 0:
        return f"a and b need one entry per term, at least one term, got {length(p['a'])} and {length(p['b'])}"
    return None


def _series(m, x, a, b, base, derivative=False):
    fn = SERIES_BASES[base][1 if derivative else 0]
    return sum(a[i] * fn(m, x + b[i]) for i in range(len(a)))


SG_PAPER = "SG-Blend: Learning an Interpolation Between Improved Swish and GELU for Robust Neural Representations"

ACTIVATIONS = smooth_base.ACTIVATIONS + [
    ActivationSpec(
        name="atlu", family="smooth", kind="pointwise", catalog_id="C9",
        formula="x (1/2 + arctan(x) / pi)", derivative="1/2 + arctan(x) / pi + x / (pi (1 + x^2))",
        f=lambda m, x: x * cauchy_cdf(m, x), df=_atlu_slope,
        range=(-1.0 / math.pi, INF), monotonic=True,
        paper="Expanded Gating Ranges Improve Activation Functions",
        notes="A self-gated unit whose gate is the Cauchy CDF: convex (f'' = 2 / (pi (1 + x^2)^2) > 0) and "
              "increasing, tending to -1/pi as x -> -inf; arctan is cheap and needs no overflow care. The base "
              "of xatlu.",
    ),
    _expanded(ARCTAN_GATE, "atlu", "1/2 + arctan(x)/pi",
              "The paper's best unit: xatlu beat xgelu and xsilu in transformer MLPs.", -1.0 / math.pi),
    _expanded(NORMAL_GATE, "gelu", "Phi (the normal CDF)", "alpha = 0 gives gelu."),
    _expanded(LOGISTIC_GATE, "silu", "s (the logistic sigmoid)", "alpha = 0 gives silu."),
    ActivationSpec(
        name="apa", family="smooth", kind="pointwise", catalog_id="C10",
        formula="(1 + lambd e^(-kappa x))^(-1/lambd) = exp(-softplus(log lambd - kappa x) / lambd)",
        derivative="kappa e^(-kappa x) (1 + lambd e^(-kappa x))^(-1/lambd - 1) = APA (kappa/lambd) s(t), "
                   "t = log lambd - kappa x; d/dkappa = APA (x/lambd) s(t); "
                   "d/dlambd = APA (softplus(t) - s(t)) / lambd^2",
        params=(KAPPA, LAMBD),
        f=lambda m, x, kappa, lambd: _apa_parts(m, x, kappa, lambd)[0],
        df=lambda m, x, kappa, lambd: _apa_grads(m, x, kappa, lambd, 1.0)["z"],
        dparams={"kappa": lambda m, x, kappa, lambd: _apa_grads(m, x, kappa, lambd, 1.0)["kappa"],
                 "lambd": lambda m, x, kappa, lambd: _apa_grads(m, x, kappa, lambd, 1.0)["lambd"]},
        range=(0.0, 1.0), monotonic=True, paper="Adaptive Parametric Activation",
        notes="A learnable sigmoid: lambd = kappa = 1 is the logistic sigmoid, lambd -> 0 the Gumbel CDF "
              "exp(-e^(-kappa x)) (asymmetric, the gate of golu). The power form overflows for kappa x << 0; the "
              "authors' softplus form never does. lambd must stay > 0 (their code clamps it at 1e-4).",
    ),
    ActivationSpec(
        name="aglu", family="smooth", kind="pointwise", catalog_id="C10",
        formula="x APA(x) = x (1 + lambd e^(-kappa x))^(-1/lambd)",
        derivative="APA (1 + x (kappa/lambd) s(t)), t = log lambd - kappa x; d/dkappa = APA x^2 s(t) / lambd; "
                   "d/dlambd = x APA (softplus(t) - s(t)) / lambd^2",
        params=(KAPPA, LAMBD),
        f=lambda m, x, kappa, lambd: x * _apa_parts(m, x, kappa, lambd)[0],
        df=lambda m, x, kappa, lambd: _apa_parts(m, x, kappa, lambd)[0] + _apa_grads(m, x, kappa, lambd, x)["z"],
        dparams={"kappa": lambda m, x, kappa, lambd: _apa_grads(m, x, kappa, lambd, x)["kappa"],
                 "lambd": lambda m, x, kappa, lambd: _apa_grads(m, x, kappa, lambd, x)["lambd"]},
        range=lambda p: ((SILU_MIN / p["kappa"] if p["lambd"] == 1 else
                          minimum_of(lambda m, x: x * _apa_parts(m, x, p["kappa"], p["lambd"])[0], {})), INF),
        monotonic=False, paper="Adaptive Parametric Activation",
        notes="The self-gated unit of APA: lambd = kappa = 1 gives silu, kappa = 1.702 with lambd = 1 the "
              "sigmoid GELU, lambd -> 0 with kappa = 1 golu. Learning kappa and lambd lets each layer pick its "
              "gate's slope and asymmetry.",
    ),
    ActivationSpec(
        name="sswish", family="smooth", kind="pointwise", catalog_id="C12",
        formula="x s(beta x) - gamma",
        derivative="s(beta x) (1 + beta x s(-beta x)); d/dbeta = x^2 s(beta x) s(-beta x); d/dgamma = -1",
        params=(SG_BETA, SG_GAMMA),
        f=lambda m, x, beta, gamma: swish(m, x, beta) - gamma,
        df=lambda m, x, beta, gamma: dswish(m, x, beta),
        dparams={"beta": lambda m, x, beta, gamma: dswish_dbeta(m, x, beta),
                 "gamma": lambda m, x, beta, gamma: -1.0},
        range=lambda p: (SILU_MIN / p["beta"] - p["gamma"], INF), monotonic=False, paper=SG_PAPER,
        notes="A learnably shifted swish, the first branch of sg_blend.",
        uncertain="The paper's abstract calls SSwish a 'first-order symmetric variant of Swish', but its released "
                  "code computes x s(beta x) - gamma; the code's form is declared.",
    ),
    ActivationSpec(
        name="sg_blend", family="smooth", kind="pointwise", catalog_id="C12",
        formula="s(alpha) sswish(x) + s(-alpha) x s(1.702 x), sswish(x) = x s(beta x) - gamma",
        derivative="s(alpha) sswish'(x) + s(-alpha) quick_gelu'(x); d/dalpha = s(alpha) s(-alpha) "
                   "(sswish(x) - quick_gelu(x)); d/dbeta = s(alpha) x^2 s(beta x) s(-beta x); d/dgamma = -s(alpha)",
        params=(Param("alpha", 0.0, "blend logit: s(alpha) weighs sswish, s(-alpha) the sigmoid GELU",
                      learnable=True), SG_BETA, SG_GAMMA),
        f=_sg_blend,
        df=lambda m, x, alpha, beta, gamma: (m.sigmoid(alpha) * dswish(m, x, beta)
                                             + m.sigmoid(-alpha) * dswish(m, x, QUICK_GELU_SCALE)),
        dparams={"alpha": lambda m, x, alpha, beta, gamma: m.dsigmoid(alpha) * (
                     swish(m, x, beta) - gamma - swish(m, x, QUICK_GELU_SCALE)),
                 "beta": lambda m, x, alpha, beta, gamma: m.sigmoid(alpha) * dswish_dbeta(m, x, beta),
                 "gamma": lambda m, x, alpha, beta, gamma: -m.sigmoid(alpha)},
        range=lambda p: (minimum_of(_sg_blend, p), INF), monotonic=False, paper=SG_PAPER,
        notes="A learned interpolation between a shifted swish and the sigmoid GELU; at alpha = 0 (the released "
              "initialisation, despite its comment 'start with GELU') each gets weight 1/2.",
    ),
    ActivationSpec(
        name="mp_gelu", family="smooth", kind="pointwise", catalog_id="C14",
        formula="E[GELU(X)], X ~ N(x, variance) = x Phi(t) + variance phi(t) / r, r = sqrt(1 + variance), t = x / r",
        derivative="Phi(t) + t phi(t) / (1 + variance); d/dvariance = phi(t) (2 + variance - t^2) / (2 r^3)",
        params=(Param("variance", 1.0, "variance of the Gaussian pre-activation (0 gives gelu)",
                      domain=NONNEGATIVE),),
        f=_mp_gelu, df=_mp_gelu_df, dparams={"variance": _mp_gelu_dvariance},
        range=lambda p: (minimum_of(_mp_gelu, p), INF), monotonic=False,
        paper="MP-GELU Bayesian Neural Networks: Moment Propagation by GELU Nonlinearity",
        notes="Moment propagation: a Bayesian layer hands on Gaussian pre-activations N(mean, variance), and "
              "GELU's expected output has this closed form (Stein's lemma), so no sampling is needed. With "
              "variance = 0 it is gelu; more variance smooths it further.",
        uncertain="The card gives only the first-moment identity [P] and marks the paper's exact MP-GELU "
                  "(its second-moment map) [?]. Declared: the exact mean map x -> E[GELU(X)] with the variance as "
                  "one parameter (a number or a scalar tensor, not one per element as a Bayesian layer would "
                  "propagate); the propagated output variance is not part of this declaration.",
    ),
    ActivationSpec(
        name="lipswish", family="smooth", kind="pointwise", catalog_id="C16",
        formula="x s(b x) / 1.1, b = softplus(beta)",
        derivative="s(b x) (1 + b x s(-b x)) / 1.1; d/dbeta = x^2 s(b x) s(-b x) s(beta) / 1.1",
        params=(Param("beta", 0.5, "raw sharpness; the unit uses softplus(beta) > 0", learnable=True),),
        f=lambda m, x, beta: swish(m, x, m.softplus(beta)) / LIPSWISH_SCALE,
        df=lambda m, x, beta: dswish(m, x, m.softplus(beta)) / LIPSWISH_SCALE,
        dparams={"beta": lambda m, x, beta: dswish_dbeta(m, x, m.softplus(beta)) * m.sigmoid(beta) / LIPSWISH_SCALE},
        range=lambda p: (SILU_MIN / (LIPSWISH_SCALE * _softplus_number(p["beta"])), INF), monotonic=False,
        paper="Residual Flows for Invertible Generative Modeling",
        notes="Swish's slope never exceeds 1.0998 whatever its sharpness, so dividing by 1.1 makes it "
              "1-Lipschitz: what an invertible residual block x + g(x) needs. The paper prefers it to ELU or "
              "softplus to avoid derivative saturation (its abstract's words).",
        uncertain="The unit is described, not named, in the paper's abstract; the form (softplus-reparametrised "
                  "beta, division by 1.1) is the catalog's [P] reading of the Residual Flows code, and the raw "
                  "initial value 0.5 is unverified.",
    ),
    ActivationSpec(
        name="aptx", family="smooth", kind="pointwise", catalog_id="C17",
        formula="(alpha + tanh(beta x)) gamma x",
        derivative="gamma (alpha + tanh(beta x)) + gamma beta x sech^2(beta x); d/dalpha = gamma x; "
                   "d/dbeta = gamma x^2 sech^2(beta x); d/dgamma = (alpha + tanh(beta x)) x",
        params=(Param("alpha", 1.0, "offset of the tanh gate", learnable=True),
                Param("beta", 1.0, "sharpness of the tanh gate", learnable=True),
                Param("gamma", 0.5, "output scale", learnable=True)),
        f=_aptx,
        df=lambda m, x, alpha, beta, gamma: gamma * (alpha - 1.0) + 2.0 * gamma * dswish(m, x, 2.0 * beta),
        dparams={"alpha": lambda m, x, alpha, beta, gamma: gamma * x,
                 "beta": lambda m, x, alpha, beta, gamma: 4.0 * gamma * dswish_dbeta(m, x, 2.0 * beta),
                 "gamma": lambda m, x, alpha, beta, gamma: (alpha - 1.0) * x + 2.0 * swish(m, x, 2.0 * beta)},
        range=lambda p: (minimum_of(_aptx, p), INF), monotonic=False,
        paper="APTx Neuron: A Unified Trainable Neuron Architecture Integrating Activation and Computation",
        notes="With the defaults, (1 + tanh x) x / 2 = x s(2x) = silu(2x) / 2: minimum -0.13923 at x = -0.63923. "
              "The APTx Neuron fuses this unit with the linear map, y = sum_i (alpha_i + tanh(beta_i x_i)) "
              "gamma_i x_i + delta, with every coefficient trained.",
    ),
    ActivationSpec(
        name="mittag_leffler_gated", family="smooth", kind="pointwise", catalog_id="C18",
        formula="x / (1 + E_ab(-x)), E_ab(z) = sum_k z^k / Gamma(a k + b) (two-parameter Mittag-Leffler function)",
        derivative="1 / (1 + E_ab(-x)) + x E_ab'(-x) / (1 + E_ab(-x))^2",
        params=(Param("a", 1.0, "Mittag-Leffler order (a = b = 1: E is exp and the unit is silu)",
                      choices=ML_A),
                Param("b", 1.0, "second Mittag-Leffler parameter; b >= a keeps the gate in (0, 1)",
                      choices=ML_B),
                Param("terms", 40, "number of power-series terms (a < 1 needs more: ~120 for a = 0.5)",
                      integer=True, domain=Interval(1.0))),
        f=_ml_gated, df=_ml_gated_df,
        range=lambda p: (minimum_of(_ml_gated, p, *ML_DOMAIN), INF), monotonic=False, x_domain=ML_DOMAIN,
        paper="Unification of popular artificial neural network activation functions",
        notes="The logistic gate 1 / (1 + e^-x) rewritten with E_11 = exp and generalised: E_ab(-x) is completely "
              "monotone for 0 < a <= 1, b >= a, so the gate stays in (0, 1). Other identities: E_21(-z^2) = "
              "cos z, E_22(-z^2) = sin(z) / z. Accuracy: the truncated series is summed as a polynomial, and for "
              "x > 0 its alternating terms cancel. With a = b = 1 and 40 terms it is accurate to ~1e-13 "
              "(float64) and a few float32 ulp for |x| <= 4, the declared x_domain; outside it, or for smaller a, "
              "results degrade (a robust evaluator such as Garrappa's would be needed).",
        uncertain="The card marks the paper's gate parametrisation [?]. Declared: the logistic gate with e^-x "
                  "replaced by E_ab(-x), which contains silu (a = b = 1) and keeps the gate in (0, 1). The paper "
                  "learns (a, b); here they are fixed choices, because Gamma and digamma are not in the math "
                  "namespace.",
    ),
    ActivationSpec(
        name="series_informed", family="smooth", kind="pointwise", catalog_id="C19",
        formula="sum_i a_i base(x + b_i), base = gelu or silu",
        derivative="sum_i a_i base'(x + b_i); d/da_i = base(x + b_i); d/db_i = a_i base'(x + b_i)",
        params=(Param("a", (0.25, 0.25, 0.25, 0.25), "weight of each shifted copy", learnable=True),
                Param("b", (-1.5, -0.5, 0.5, 1.5), "shift of each copy", learnable=True),
                Param("base", "gelu", "the activation that is shifted and summed", choices=tuple(SERIES_BASES))),
        check=_series_check,
        f=_series, df=lambda m, x, a, b, base: _series(m, x, a, b, base, derivative=True),
        dparams={"a": lambda m, x, a, b, base: [SERIES_BASES[base][0](m, x + b[i]) for i in range(len(b))],
                 "b": lambda m, x, a, b, base: [a[i] * SERIES_BASES[base][1](m, x + b[i]) for i in range(len(a))]},
        range=lambda p: (minimum_of(_series, p), INF), monotonic=None,
        paper="PanGu-π: Enhancing Language Model Architectures via Nonlinearity Compensation",
        notes="A sum of shifted, scaled copies of one activation: more nonlinearity per neuron for n extra "
              "evaluations, learned shifts and weights. With weights summing to 1 and sum a_i b_i = 0 (the "
              "defaults) it tends to x for large x, like its base.",
        uncertain="The card marks the form [P] and asks to verify the base activation and n. Declared: the "
                  "single-sum form with a choice of gelu (default) or silu as base; the default n = 4, weights "
                  "and shifts are illustrative, not the paper's.",
    ),
]
