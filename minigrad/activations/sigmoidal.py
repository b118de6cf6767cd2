"""Sigmoid-shaped, saturating, threshold and bump units (catalog family A, and the clipped units of B18).

Bounded outputs and derivatives that vanish in both tails: the classic units, and the reason deep networks once
needed careful initialisation. Boundedness is also what these units are chosen for: it bounds per-example
gradients under differential privacy (tempered sigmoid), it maps onto a prescribed output range (scaled sigmoid),
heavy tails keep a soft sorting network monotone (Cauchy, reciprocal and optimal sorting sigmoids), saturating
members keep a sign-constrained network monotone yet expressive (the convex / concave / saturated triplet), and a
bump that is ~0 away from the origin gives sparse outputs *and* sparse gradients (elephant).

Logistic derivatives are s(x) s(-x) (m.dsigmoid), never s (1 - s), which rounds to 0 in float32 once s rounds to
1 (x > ~17). Units with a kink report PyTorch's derivative there.
"""
from __future__ import annotations

import math

import numpy as np

from minigrad import ops
from minigrad.activations.smooth_base import cauchy_cdf
from minigrad.activations.spec import NONNEGATIVE, POSITIVE, ActivationSpec, Interval, Kink, Param
from minigrad.creation import ones_like

# Below x = -50, exp(-exp(-x)) is 0 in both precisions while exp(-x) would overflow at -88.7 (float32).
GUMBEL_FLOOR = -50.0


def _gumbel_exponent(m, x):
    """-x - e^-x, the log of the Gumbel density, with x floored where the function has underflowed anyway."""
    x = m.maximum(x, GUMBEL_FLOOR)
    return -x - m.exp(-x)


def _optimal_knee(m, u):
    """max(|u|, 1/4): the optimal sorting sigmoid is linear inside |u| <= 1/4 and ~1/u outside."""
    return m.maximum(m.abs(u), 0.25)


def _elephant(m, x, a, inner, outer):
    """Evaluate a bump formula on |x/a| <= 1 as inner(q) and beyond as outer(1 / |x/a|).

    Both arguments stay in [0, 1], so |x/a|^d never overflows, whatever d and x are.
    """
    z = m.abs(x / a)
    return m.where(z <= 1.0, inner(m.minimum(z, 1.0)), outer(1.0 / m.maximum(z, 1.0)))


def _over_square(t, q):
    """t / (1 + t q)^2: with t = q^(d-1) it is q^(d-1) / (1 + q^d)^2, and with q = 1 and t = r^d, r^d / (1 + r^d)^2,
    from one power each. (The two sides of elephant's derivative then take their power of one selected base and
    exponent: one pow per element, where q^(d-1) and q^d would be two.)"""
    return t / (1.0 + t * q) ** 2


def _monotone_triplet(x, activation, activation_weights):
    """Split the last dimension into convex / concave / saturated units, as the MonoDense layer does."""
    from minigrad import functional  # the registry is complete once a function runs

    convex = getattr(functional, activation)
    weights = np.asarray(activation_weights, dtype=float)
    if weights.shape != (3,) or weights.sum() <= 0:
        raise ValueError(f"monotone_triplet: activation_weights needs three non-negative numbers, not all 0, "
                         f"got {activation_weights!r}")
    units = x.shape[-1]
    n_convex, n_concave = (int(round(w * units)) for w in weights[:2] / weights.sum())

    def concave(t):
        return -convex(-t)

    def saturated(t):
        # rho shifted left by 1 and down by rho(1) on x <= 0, its point mirror image on x > 0: continuous,
        # monotone, and bounded because rho's flat left part is used on both sides
        at_one = convex(ones_like(t))
        return ops.where(t.data <= 0, convex(t + 1.0) - at_one, concave(t - 1.0) + at_one)

    cuts = [0, n_convex, n_convex + n_concave, units]
    parts = [member(x[..., lo:hi]) for member, lo, hi in zip((convex, concave, saturated), cuts, cuts[1:]) if hi > lo]
    return ops.cat(parts, dim=-1)


def _sorting_sigmoid_note(slope: str, tail: str) -> str:
    return (f"Relaxes a conditional swap in a sorting network: min(a, b) -> a f(b - a) + b (1 - f(b - a)). "
            f"The derivative decays like {tail}, slower than the logistic's e^-|x|; that heavy tail is what makes "
            f"the relaxed sorting network monotone (the logistic sigmoid is not). f(-x) = 1 - f(x), f'(0) = {slope}.")


BETA = Param("beta", 1.0, "steepness (inverse temperature) of the soft comparison", domain=POSITIVE)
SORTING_PAPER = "Monotonic Differentiable Sorting Networks"

ACTIVATIONS = [
    ActivationSpec(
        name="sigmoid", family="sigmoidal", kind="pointwise", catalog_id="A1",
        formula="1 / (1 + e^-x)", derivative="s(x) s(-x)",
        f=lambda m, x: m.sigmoid(x),
        df=lambda m, x: m.dsigmoid(x),
        range=(0.0, 1.0), monotonic=True,
        paper="Searching for Activation Functions", torch="torch.sigmoid", jax="jax.nn.sigmoid",
        notes="s(0) = 1/2, maximum slope 1/4 at 0; not zero-centred. Two-branch evaluation never overflows.",
    ),
    ActivationSpec(
        name="tanh", family="sigmoidal", kind="pointwise", catalog_id="A2",
        formula="(e^x - e^-x) / (e^x + e^-x) = 2 s(2x) - 1", derivative="1 - tanh(x)^2 = 4 s(2x) s(-2x)",
        f=lambda m, x: m.tanh(x),
        df=lambda m, x: 4.0 * m.dsigmoid(2.0 * x),
        range=(-1.0, 1.0), monotonic=True, symmetry="odd",
        paper="Neural Networks Fail to Learn Periodic Functions and How to Fix It", torch="torch.tanh",
        jax="jax.numpy.tanh",
        notes="Zero-centred, slope 1 at 0. The derivative from sigmoids keeps its float32 tails (1 - t^2 is 0 "
              "once t rounds to 1).",
    ),
    ActivationSpec(
        name="tempered_sigmoid", family="sigmoidal", kind="pointwise", catalog_id="A3",
        formula="scale * s(inverse_temp * x) - offset",
        derivative="scale * inverse_temp * s(Tx) s(-Tx); d/dscale = s(Tx), d/dinverse_temp = scale x s(Tx) s(-Tx), "
                   "d/doffset = -1",
        params=(Param("scale", 2.0, "height of the output range", learnable=True, domain=POSITIVE),
                Param("inverse_temp", 2.0, "inverse temperature T: slope of the logistic at 0 is T/4",
                      learnable=True, domain=POSITIVE),
                Param("offset", 1.0, "shift of the output range", learnable=True)),
        f=lambda m, x, scale, inverse_temp, offset: scale * m.sigmoid(inverse_temp * x) - offset,
        df=lambda m, x, scale, inverse_temp, offset: scale * inverse_temp * m.dsigmoid(inverse_temp * x),
        dparams={
            "scale": lambda m, x, scale, inverse_temp, offset: m.sigmoid(inverse_temp * x),
            "inverse_temp": lambda m, x, scale, inverse_temp, offset:
                scale * x * m.dsigmoid(inverse_temp * x),
            "offset": lambda m, x, scale, inverse_temp, offset: -1.0,
        },
        range=lambda p: (-p["offset"], p["scale"] - p["offset"]), monotonic=True,
        paper="Tempered Sigmoid Activations for Deep Learning with Differential Privacy",
        notes="(scale, inverse_temp, offset) = (1, 1, 0) is the sigmoid, (2, 2, 1) — the defaults of the paper's "
              "own JAX snippet — is tanh. The paper tunes them as hyperparameters (pass learnable=False to "
              "nn.Activation to do the same). Bounded outputs bound the gradient norm before DP-SGD clips it, "
              "so less signal is clipped away than with ReLU.",
    ),
    ActivationSpec(
        name="scaled_sigmoid", family="sigmoidal", kind="pointwise", catalog_id="A4",
        formula="low + (high - low) * s(x / tau)", derivative="(high - low) / tau * s(x/tau) s(-x/tau)",
        params=(Param("low", 0.0, "the output value as x -> -inf"),
                Param("high", 1.0, "the output value as x -> +inf"),
                Param("tau", 1.0, "input scale: the transition is ~4 tau wide", domain=POSITIVE)),
        f=lambda m, x, low, high, tau: low + (high - low) * m.sigmoid(x / tau),
        df=lambda m, x, low, high, tau: (high - low) / tau * m.dsigmoid(x / tau),
        range=lambda p: (min(p["low"], p["high"]), max(p["low"], p["high"])), monotonic=True,
        paper="Instant3D: Instant Text-to-3D Generation",
        notes="Maps onto a prescribed output range, e.g. a physiological blood-pressure range or a colour range. "
              "Instant3D reports more than 10x faster convergence than the plain sigmoid with its scaled sigmoid.",
        uncertain="The catalog gives only this generic form: the exact scaling constants of Instant3D's "
                  "scaled-sigmoid (and of BBP-Net's) are not in the sources. Implemented: low + (high - low) "
                  "s(x / tau), which with the defaults (0, 1, 1) is the plain sigmoid; monotonic as declared "
                  "only for high >= low.",
    ),
    ActivationSpec(
        name="gumbel", family="sigmoidal", kind="pointwise", catalog_id="A5",
        formula="exp(-exp(-x)) (the Gumbel CDF)", derivative="exp(-x - exp(-x))",
        f=lambda m, x: m.exp(-m.exp(-m.maximum(x, GUMBEL_FLOOR))),
        df=lambda m, x: m.exp(_gumbel_exponent(m, x)),
        range=(0.0, 1.0), monotonic=True,
        paper="Long-tailed Instance Segmentation using Gumbel Optimized Loss",
        notes="Asymmetric: gumbel(0) = 1/e; it approaches 1 like 1 - e^-x but 0 doubly exponentially fast, which "
              "suits rare classes (GOL replaces sigmoid/softmax with it). It is the gate of GoLU. The derivative "
              "is one fused exponential: e^-x * exp(-e^-x) would be inf * 0 = NaN for x < -88.7 in float32.",
    ),
    ActivationSpec(
        name="cauchy_sigmoid", family="sigmoidal", kind="pointwise", catalog_id="A6",
        formula="atan(beta x) / pi + 1/2 (the Cauchy CDF); for beta x < -1 as atan(-1/(beta x)) / pi, which does "
                "not cancel", derivative="beta / (pi (1 + (beta x)^2))",
        params=(BETA,),
        f=lambda m, x, beta: cauchy_cdf(m, beta * x),
        df=lambda m, x, beta: beta / (m.pi * (1.0 + (beta * x) ** 2)),
        range=(0.0, 1.0), monotonic=True, paper=SORTING_PAPER,
        notes=_sorting_sigmoid_note("beta / pi", "1 / (pi beta x^2)"),
    ),
    ActivationSpec(
        name="reciprocal_sigmoid", family="sigmoidal", kind="pointwise", catalog_id="A6",
        formula="beta x / (1 + 2 beta |x|) + 1/2, evaluated as (1/2 + beta (x + |x|)) / (1 + 2 beta |x|)", derivative="beta / (1 + 2 beta |x|)^2",
        params=(BETA,),
        f=lambda m, x, beta: (0.5 + beta * (x + m.abs(x))) / (1.0 + 2.0 * m.abs(beta * x)),
        df=lambda m, x, beta: beta / (1.0 + 2.0 * m.abs(beta * x)) ** 2,
        range=(0.0, 1.0), monotonic=True, smooth="C1", paper=SORTING_PAPER,
        notes=_sorting_sigmoid_note("beta", "1 / (4 beta x^2)") + " The second derivative jumps at 0 (C1). The authors' "
              "diffsort code writes it as (v / (2 + |v|) + 1) / 2 with v = steepness x: the same curve with "
              "beta = steepness / 4.",
    ),
    ActivationSpec(
        name="optimal_sigmoid", family="sigmoidal", kind="pointwise", catalog_id="A6",
        formula="-1/(16 beta x) for beta x < -1/4; beta x + 1/2 for |beta x| <= 1/4; 1 - 1/(16 beta x) above",
        derivative="beta for |beta x| <= 1/4, 1 / (16 beta x^2) outside",
        params=(BETA,),
        f=lambda m, x, beta: m.where(beta * x < -0.25, 0.0625 / _optimal_knee(m, beta * x),
                                     m.where(beta * x > 0.25, 1.0 - 0.0625 / _optimal_knee(m, beta * x),
                                             beta * x + 0.5)),
        df=lambda m, x, beta: beta * (0.25 / _optimal_knee(m, beta * x)) ** 2,
        range=(0.0, 1.0), monotonic=True, smooth="C1", paper=SORTING_PAPER,
        notes=_sorting_sigmoid_note("beta", "1 / (16 beta x^2)") + " The authors derive it as the optimal "
              "monotonicity-preserving sigmoid (the smallest error bound for the relaxed sort). Linear in the middle, so only C1 at "
              "|beta x| = 1/4 (its second derivative jumps there). Evaluated branch-free with |beta x| floored at "
              "1/4, so x = 0 never divides by zero.",
    ),
    ActivationSpec(
        name="elephant", family="sigmoidal", kind="pointwise", catalog_id="A10",
        formula="1 / (1 + |x/a|^d)", derivative="-(d/x) f (1 - f) = -sign(x) (d/a) |x/a|^(d-1) / (1 + |x/a|^d)^2",
        params=(Param("a", 1.0, "width: f(+-a) = 1/2", domain=POSITIVE),
                Param("d", 4.0, "steepness of the flanks (an even integer makes f C-infinity at 0)",
                      domain=Interval(1.0, closed_low=False))),
        f=lambda m, x, a, d: _elephant(m, x, a, lambda q: 1.0 / (1.0 + q ** d), lambda r: r ** d / (1.0 + r ** d)),
        df=lambda m, x, a, d: -m.sign(x) * (d / a) * _elephant(
            m, x, a, lambda q: _over_square(q ** (d - 1.0), q), lambda r: r * _over_square(r ** d, 1.0)),
        range=(0.0, 1.0), monotonic=False, symmetry="even",
        paper="Elephant Neural Networks: Born to Be a Continual Learner",
        notes="A bump: f(0) = 1, f(+-a) = 1/2, and both f and f' are ~0 for |x| >> a, so an update only touches "
              "the units whose input falls near 0: sparse outputs and sparse gradients, the claimed mechanism "
              "against catastrophic forgetting. Inputs must be initialised inside |x| <~ a or nothing learns. "
              "Written on |x/a| <= 1 and on a/|x| <= 1 separately: the textbook |x/a|^d overflows for large d.",
        uncertain="The paper's (a, d) vary by experiment and are not in the catalog; the defaults (1, 4) follow "
                  "third-party reference code (which also uses (2, 8)).",
    ),
    ActivationSpec(
        name="hardtanh", family="sigmoidal", kind="pointwise", catalog_id="B18",
        formula="min(max(x, min_val), max_val)", derivative="1 for min_val < x < max_val, else 0",
        params=(Param("min_val", -1.0, "lower end of the linear region"),
                Param("max_val", 1.0, "upper end of the linear region (must exceed min_val)")),
        f=lambda m, x, min_val, max_val: m.minimum(m.maximum(x, min_val), max_val),
        df=lambda m, x, min_val, max_val: m.where((x > min_val) & (x < max_val), 1.0, 0.0),
        kinks=(Kink(lambda p: p["min_val"], 0.0), Kink(lambda p: p["max_val"], 0.0)),
        range=lambda p: (p["min_val"], p["max_val"]), monotonic=True, smooth="C0",
        paper="Constrained Monotonic Neural Networks", torch="torch.nn.functional.hardtanh",
        jax="jax.nn.hard_tanh",
        notes="With the defaults it is the saturated member of ReLU's constrained-monotone triplet: relu(x + 1) - 1 "
              "for x <= 0 and 1 - relu(1 - x) above. Also the straight-through estimator's window for sign units.",
    ),
    ActivationSpec(
        name="concave_relu", family="sigmoidal", kind="pointwise", catalog_id="B18",
        formula="-relu(-x) = min(x, 0)", derivative="1 for x < 0, 0 for x >= 0",
        f=lambda m, x: m.minimum(x, 0.0),
        df=lambda m, x: m.where(x < 0, 1.0, 0.0),
        kinks=(Kink(0.0, 0.0, convention="relu'(0) = 0 through -relu(-x)"),), range=(-math.inf, 0.0),
        monotonic=True, smooth="C0",
        paper="Constrained Monotonic Neural Networks",
        notes="The concave member of ReLU's constrained-monotone triplet (relu is the convex one, hardtanh the "
              "saturated one). Monotone but concave: a network with non-negative weights and only convex units "
              "can only build convex functions; adding this mirror image removes that restriction.",
    ),
    ActivationSpec(
        name="monotone_triplet", family="sigmoidal", kind="vector", catalog_id="B18",
        formula="last dimension split by activation_weights into rho(x) | -rho(-x) | "
                "rho(x + 1) - rho(1) for x <= 0, rho(1) - rho(1 - x) for x > 0",
        derivative="the members' derivatives, each on its own slice of units",
        params=(Param("activation", "relu", "the convex, monotone, non-saturating unit rho",
                      choices=("relu", "elu", "softplus")),
                Param("activation_weights", (7.0, 7.0, 2.0), "relative numbers of convex, concave and saturated "
                      "units (each count is rounded, the saturated units take the rest)", domain=NONNEGATIVE)),
        fn=_monotone_triplet, input_shape=(4, 16),
        paper="Constrained Monotonic Neural Networks",
        notes="With sign-constrained weights (|W| for increasing inputs) every member keeps the network monotone; "
              "mixing convex, concave and bounded units lets it approximate any monotone function. The split "
              "follows the authors' MonoDense layer (default weights 7:7:2).",
    ),
    ActivationSpec(
        name="hardsigmoid", family="sigmoidal", kind="pointwise", catalog_id="A1",
        formula="min(max(x/6 + 1/2, 0), 1) = relu6(x + 3) / 6", derivative="1/6 for -3 < x < 3, else 0",
        f=lambda m, x: m.minimum(m.maximum(x / 6.0 + 0.5, 0.0), 1.0),
        df=lambda m, x: m.where((x > -3.0) & (x < 3.0), 1.0 / 6.0, 0.0),
        kinks=(Kink(-3.0, 0.0), Kink(3.0, 0.0)), range=(0.0, 1.0), monotonic=True, smooth="C0",
        paper="Searching for MobileNetV3", torch="torch.nn.functional.hardsigmoid", jax="jax.nn.hard_sigmoid",
        notes="A piecewise-linear sigmoid without exp: cheap on mobile hardware. Its slope 1/6 is smaller than the "
              "sigmoid's 1/4 at 0, and it saturates exactly, so gradients are exactly 0 for |x| >= 3.",
    ),
    ActivationSpec(
        name="logsigmoid", family="sigmoidal", kind="pointwise", catalog_id="A1",
        formula="log s(x) = -softplus(-x)", derivative="s(-x)",
        f=lambda m, x: -m.softplus(-x),
        df=lambda m, x: m.sigmoid(-x),
        range=(-math.inf, 0.0), monotonic=True,
        paper="Activation Functions in Deep Learning: A Comprehensive Survey and Benchmark",
        torch="torch.nn.functional.logsigmoid", jax="jax.nn.log_sigmoid",
        notes="Never log(sigmoid(x)): sigmoid underflows to 0 below x ~ -104 (float32), giving log(0) = -inf, "
              "while log s(x) ~ x there. Concave; it is the log-likelihood term of binary cross-entropy.",
    ),
    ActivationSpec(
        name="softsign", family="sigmoidal", kind="pointwise", catalog_id="A2",
        formula="x / (1 + |x|)", derivative="1 / (1 + |x|)^2",
        f=lambda m, x: x / (1.0 + m.abs(x)),
        df=lambda m, x: 1.0 / (1.0 + m.abs(x)) ** 2,
        range=(-1.0, 1.0), monotonic=True, smooth="C1", symmetry="odd",
        paper="Understanding the difficulty of training deep feedforward neural networks",
        torch="torch.nn.functional.softsign", jax="jax.nn.soft_sign",
        notes="tanh-shaped but with polynomial tails: it saturates like 1 - 1/|x| instead of 1 - 2e^-2|x|, so "
              "gradients vanish more slowly. Its second derivative jumps at 0 (C1).",
    ),
]
