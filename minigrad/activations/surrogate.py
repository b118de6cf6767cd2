"""Discrete units and surrogate gradients (catalog A7-A9, B9, D7, J2, C15 and the few-bit backward of section 2.9).

A step, a sign or a square wave has derivative 0 almost everywhere: backpropagation through it learns nothing.
These declarations keep the forward exactly as it is and declare a different backward: `df` is an estimator,
not the derivative (`surrogate=True`), and the gradient minigrad returns is upstream * df, exactly. Checking them
against finite differences is meaningless; they are checked against the declared rule.

The same decoupling also runs the other way: ReGELU2/ReSiLU2 and the few-bit backward keep a smooth forward
(GELU, SiLU) and replace its derivative by a staircase of 2^b levels, so backpropagation needs only a b-bit code
of each input instead of the input itself.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from minigrad import activations, ops
from minigrad.activations.mathops import ArrayMath
from minigrad.activations.smooth_base import SILU_MIN
from minigrad.activations.spec import NONNEGATIVE, POSITIVE, ActivationSpec, Interval, Kink, Param
from minigrad.device import array_module
from minigrad.random import generator
from minigrad.tensor import Tensor

# The minima of GELU and SiLU: the lower ends of the ranges of the units that keep them as their forward
GELU_MIN = -0.1699712074799037
# ReGELU2 / ReSiLU2: h'(x) = sum_i a_i [x > c_i], constants of the authors' CUDA kernels (sum a_i = 1)
REGELU2_A = (-0.04922261145617846, 1.0979632065417297, -0.048740595085551286)
REGELU2_C = (-3.1858810036855245, -0.001178821281161997, 3.190832613414926)
RESILU2_A = (-0.04060357190528599, 1.080925428529668, -0.040321856624382146)
RESILU2_C = (-6.3050461001646445, -0.0008684942046214787, 6.325815242089708)
# The few-bit dynamic programme weighs f' at these points (midpoints of a 0.01 grid on [-6, 6]) by the N(0, 1)
# density and places its cuts between them, on the grid; the grid is symmetric, so are the cuts for odd f' - 1/2
FEW_BIT_GRID = (np.arange(-600, 600) + 0.5) / 100

ESTIMATOR = Param("estimator", "identity", "backward rule: identity (straight-through: the gradient passes "
                                           "unchanged) or sigmoid (times s'(x), the sigmoid-adjusted variant)",
                  choices=("identity", "sigmoid"))
BPNN_PAPER = "Estimating or Propagating Gradients Through Stochastic Neurons for Conditional Computation"
APPROX_BP_PAPER = "Reducing Fine-Tuning Memory Overhead by Approximate and Memory-Sharing Backpropagation"


def _straight_through(m, x, estimator):
    """The straight-through estimator of a step at 0: 1, or the sigmoid's slope s(x) s(-x)."""
    return 1.0 if estimator == "identity" else m.dsigmoid(x)


def _staircase(m, x, base, cuts, jumps):
    """base + sum_i jumps_i [x > cuts_i]: a derivative with len(cuts) + 1 levels, so log2 of that many bits per
    element are all that backward needs to keep."""
    out = base
    for cut, jump in zip(cuts, jumps):
        out = out + m.where(x > cut, jump, 0.0)
    return out


def _forward_of(name: str):
    """The forward formula of another family's declaration (at its default parameters): GELU stays GELU."""
    def f(m, x, **_):
        spec = activations.get(name)
        return spec.f(m, x, **spec.defaults())
    return f


@functools.lru_cache(maxsize=None)
def few_bit_levels(function: str, bits: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The 2^bits - 1 cuts and 2^bits levels of the piecewise-constant approximation q of f' (f = the catalog's
    `function`) that minimises the N(0, 1)-weighted squared error sum w(x) (f'(x) - q(x))^2 on FEW_BIT_GRID.

    Dynamic programming over the grid: best[j] is the least error of x[:j] cut into the pieces placed so far; a
    piece's best level is the weighted mean of f' over it, so its error comes from prefix sums in O(1).
    """
    x = FEW_BIT_GRID
    spec = activations.get(function)
    slope = np.broadcast_to(spec.df(ArrayMath(np, np.float64), x, **spec.defaults()), x.shape)
    weight = np.exp(-0.5 * x * x)
    w, s, q = (np.concatenate([[0.0], np.cumsum(v)]) for v in (weight, weight * slope, weight * slope ** 2))
    start, stop = np.arange(x.size + 1)[:, None], np.arange(x.size + 1)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.where(stop > start, q[stop] - q[start] - (s[stop] - s[start]) ** 2 / (w[stop] - w[start]), np.inf)
    best, choices = error[0], []
    for _ in range(2 ** bits - 1):
        total = best[:, None] + error
        choices.append(total.argmin(axis=0))
        best = total[choices[-1], np.arange(x.size + 1)]
    bounds = [x.size]
    for choice in reversed(choices):
        bounds.append(int(choice[bounds[-1]]))
    bounds = [0] + bounds[::-1]
    levels = tuple(float((s[b] - s[a]) / (w[b] - w[a])) for a, b in zip(bounds[:-1], bounds[1:]))
    cuts = tuple(float((x[b - 1] + x[b]) / 2) for b in bounds[1:-1])
    return cuts, levels


def _few_bit_derivative(m, x, function, bits):
    cuts, levels = few_bit_levels(function, bits)
    return _staircase(m, x, levels[0], cuts, np.diff(levels).tolist())


def _binary_stochastic(x: Tensor, estimator: str) -> Tensor:
    p = ops.sigmoid(x)
    xp = array_module(x.data)
    h = Tensor._wrap(xp.asarray(xp.asarray(generator().random(x.shape)) < p.data, dtype=x.dtype))
    # carrier - carrier.detach() is exactly 0 forward and has carrier's gradient backward: h in value, the
    # estimator in gradient
    carrier = x if estimator == "identity" else p
    return h + (carrier - carrier.detach())


ACTIVATIONS = [
    ActivationSpec(
        name="heaviside", family="surrogate", kind="pointwise", catalog_id="A7",
        formula="H(x - threshold) = 1 for x >= threshold, else 0",
        derivative="straight-through: 1 (estimator='identity') or s(x - threshold) s(threshold - x) ('sigmoid')",
        params=(Param("threshold", 0.0, "where the unit fires"), ESTIMATOR),
        f=lambda m, x, threshold, estimator: m.where(x >= threshold, 1.0, 0.0),
        df=lambda m, x, threshold, estimator: _straight_through(m, x - threshold, estimator),
        kinks=(Kink(lambda p: p["threshold"], lambda p: 1.0 if p["estimator"] == "identity" else 0.25,
                    convention="straight-through estimator"),),
        range=(0.0, 1.0), monotonic=True, smooth="discontinuous", surrogate=True,
        paper="Apuntes de Redes Neuronales Artificiales",
        torch="torch.heaviside(x - threshold, torch.tensor(1.0)) (forward only)",
        notes="The McCulloch-Pitts threshold unit. Its true derivative is 0 away from the threshold (a Dirac delta "
              "at it), so the perceptron and delta rules trained on the pre-activation instead; modern networks "
              "declare a surrogate. H(threshold) = 1 here; torch.heaviside takes that value as an argument.",
    ),
    ActivationSpec(
        name="ste_sign", family="surrogate", kind="pointwise", catalog_id="A8",
        formula="+1 for x >= threshold, -1 for x < threshold",
        derivative="straight-through with the hardtanh clip: 1 for |x - threshold| <= clip_value, else 0",
        params=(Param("threshold", 0.0, "binarisation threshold (learned in ReActNet, per instance in INSTA-BNN)"),
                Param("clip_value", 1.0, "the gradient passes only where |x - threshold| <= clip_value",
                      domain=POSITIVE)),
        f=lambda m, x, threshold, clip_value: m.where(x >= threshold, 1.0, -1.0),
        df=lambda m, x, threshold, clip_value: m.where(m.abs(x - threshold) <= clip_value, 1.0, 0.0),
        kinks=(Kink(lambda p: p["threshold"], 1.0, convention="straight-through"),
               Kink(lambda p: p["threshold"] - p["clip_value"], 1.0, convention="BinaryNet: |x| <= 1 passes"),
               Kink(lambda p: p["threshold"] + p["clip_value"], 1.0, convention="BinaryNet: |x| <= 1 passes")),
        range=(-1.0, 1.0), monotonic=True, smooth="discontinuous", surrogate=True,
        paper="INSTA-BNN: Binary Neural Network with INSTAnce-aware Threshold",
        notes="The binary activation of BNNs (BinaryConnect/BinaryNet, Courbariaux and Hubara et al.): sign(0) "
              "is +1 so that every code is +-1 (np.sign(0) = 0 is not a binary code). Backward is the derivative "
              "of hardtanh: the straight-through estimator, cut off where the input is saturated. Larq calls it "
              "SteSign(clip_value=1.0).",
    ),
    ActivationSpec(
        name="binary_stochastic", family="surrogate", kind="estimator", catalog_id="A9",
        formula="h = [u < s(x)], u ~ U(0, 1) drawn per element, so E[h] = s(x)",
        derivative="straight-through: 1 (estimator='identity', 'copy the gradient to the sigmoid argument') or "
                   "s(x) s(-x) ('sigmoid')",
        params=(ESTIMATOR,), fn=_binary_stochastic, range=(0.0, 1.0), smooth="discontinuous", surrogate=True,
        stochastic=True, paper=BPNN_PAPER,
        notes="A binary stochastic neuron: a sparse gater that outputs an actual 0 most of the time (conditional "
              "computation). The paper compares four gradient estimators: REINFORCE ((L - c)(h - s(x)), unbiased "
              "but needs the loss and a baseline c), decomposing into a stochastic binary part times a smooth "
              "part, noise injection, and straight-through; the straight-through ones are local rules and are "
              "the two declared here. Random numbers come from minigrad.random (seed with minigrad.manual_seed).",
    ),
    ActivationSpec(
        name="helu", family="surrogate", kind="pointwise", catalog_id="B9",
        formula="max(0, x) forward (inference is a one-bit sign test)",
        derivative="surrogate: 1 for x > -alpha, else 0 (the backward threshold sits below the forward one)",
        params=(Param("alpha", 0.05, "how far below 0 the backward threshold sits", domain=NONNEGATIVE),),
        f=lambda m, x, alpha: m.maximum(x, 0.0),
        df=lambda m, x, alpha: m.where(x > -alpha, 1.0, 0.0),
        kinks=(Kink(lambda p: -p["alpha"], 0.0, convention="HeLU reference code: gradient where x > -alpha"),),
        range=(0.0, math.inf), monotonic=True, smooth="C0", surrogate=True,
        paper="Hysteresis Activation Function for Efficient Inference",
        notes="Hysteresis ReLU: slightly negative units (-alpha < x <= 0) still receive gradient, so they can come "
              "back instead of dying, while inference stays a plain ReLU. At the forward kink x = 0 the declared "
              "derivative is 1, where relu' takes 0. alpha = 0 gives ReLU with relu'(0) = 0.",
    ),
    ActivationSpec(
        name="biper", family="surrogate", plot_range=(-0.5, 0.5), kind="pointwise", catalog_id="D7",
        formula="sign(sin(freq x)): a square wave of period 2 pi / freq, +1 where sin(freq x) >= 0",
        derivative="surrogate: freq cos(freq x), the derivative of the same-period sine",
        params=(Param("freq", 30.0, "angular frequency omega_0 (the reference code's default)", domain=POSITIVE),),
        f=lambda m, x, freq: m.where(m.sin(freq * x) >= 0, 1.0, -1.0),
        df=lambda m, x, freq: freq * m.cos(freq * x),
        kinks=(Kink(0.0, lambda p: p["freq"], convention="BiPer: derivative of sin(freq x)"),),
        range=(-1.0, 1.0), monotonic=False, smooth="discontinuous", surrogate=True,
        paper="BiPer: Binary Neural Networks using a Periodic Function",
        notes="Binary periodic weights: the backward is the exact derivative of sin(freq x), the smooth wave whose "
              "sign the forward takes, so forward and backward disagree less than sign with a straight-through "
              "estimator. The reference code trains with sin(freq w) first and binarises in a second stage; "
              "freq controls the quantisation error.",
    ),
    ActivationSpec(
        name="trainable_gate", family="surrogate", kind="pointwise", catalog_id="J2",
        formula="b(w) = 1 for w > 0, 0 for w <= 0: a 0/1 gate on a channel, w its gate parameter",
        derivative="surrogate: 1, the derivative of TG(w) = b(w) + (M w - floor(M w)) / M for every M",
        f=lambda m, x: m.where(x > 0, 1.0, 0.0),
        df=lambda m, x: 1.0,
        kinks=(Kink(0.0, 1.0, convention="trainable gate: shaping function 1"),),
        range=(0.0, 1.0), monotonic=True, smooth="discontinuous", surrogate=True,
        paper="Plug-in, Trainable Gate for Streamlining Arbitrary Neural Networks",
        notes="Multiply a channel by the gate and train w with the weights: pruning becomes part of fine-tuning. "
              "The trick: adding the sawtooth s_M(w) = (M w - floor(M w)) / M, which is below 1/M but has slope 1, "
              "gives a function within 1/M of the step whose derivative is 1 almost everywhere; this is its "
              "M -> infinity limit. A shaping function g(w) multiplying the sawtooth sets any other gradient.",
        uncertain="The card marks the shaping function [?]. Implemented: the basic trainable gate (shaping "
                  "function 1) in its M -> infinity limit, with the gate closed at w = 0.",
    ),
    ActivationSpec(
        name="regelu2", family="surrogate", kind="pointwise", catalog_id="C15",
        formula="exact GELU x Phi(x) forward",
        derivative="surrogate: sum_i a_i [x > c_i], a = (-0.0492, 1.0980, -0.0487), c = (-3.1859, -0.0012, 3.1908): "
                   "the derivative of sum_i a_i relu(x - c_i)",
        f=_forward_of("gelu"),
        df=lambda m, x: _staircase(m, x, 0.0, REGELU2_C, REGELU2_A),
        range=(GELU_MIN, math.inf), monotonic=False, smooth="Cinf", surrogate=True, paper=APPROX_BP_PAPER,
        notes="Approximate backpropagation: the backward of GELU is replaced by that of a combination of three "
              "ReLUs fitted to GELU (sum a_i = 1, sum a_i c_i = 0), whose derivative takes 4 values, so a 2-bit "
              "code per element replaces the stored input. At each c_i the declared derivative is the lower "
              "step, as in the authors' kernels (x > c_i). Up to ~30% less peak memory in fine-tuning.",
    ),
    ActivationSpec(
        name="resilu2", family="surrogate", kind="pointwise", catalog_id="C15",
        formula="exact SiLU x s(x) forward",
        derivative="surrogate: sum_i a_i [x > c_i], a = (-0.0406, 1.0809, -0.0403), c = (-6.3050, -0.0009, 6.3258)",
        f=_forward_of("silu"),
        df=lambda m, x: _staircase(m, x, 0.0, RESILU2_C, RESILU2_A),
        range=(SILU_MIN, math.inf), monotonic=False, smooth="Cinf", surrogate=True, paper=APPROX_BP_PAPER,
        notes="ReGELU2's construction for SiLU: a 2-bit code of the input is all that backward keeps.",
    ),
    ActivationSpec(
        name="few_bit", family="surrogate", kind="pointwise", catalog_id="C15",
        formula="exact GELU or SiLU (function) forward",
        derivative="surrogate: the piecewise-constant q with 2^bits levels closest to f' in N(0, 1)-weighted "
                   "least squares (few_bit_levels gives its cuts and levels)",
        params=(Param("function", "gelu", "the forward", choices=("gelu", "silu")),
                Param("bits", 2, "bits of the stored code: 2^bits levels", integer=True, domain=Interval(1, 4))),
        f=lambda m, x, function, bits: _forward_of(function)(m, x),
        df=_few_bit_derivative,
        range=lambda p: (GELU_MIN if p["function"] == "gelu" else SILU_MIN, math.inf), monotonic=False,
        smooth="Cinf", surrogate=True,
        paper="Few-Bit Backward: Quantized Gradients of Activation Functions for Memory Footprint Reduction",
        notes="Every pointwise nonlinearity stores its input for backward; storing a b-bit code of the derivative "
              "is enough. The levels are the weighted means of f' between optimal cuts (dynamic programming); 2-3 "
              "bits train like the exact derivative, 1 bit degrades GELU.",
        uncertain="The paper's own tables of cuts and levels are not in the catalog: they are computed here by the "
                  "documented dynamic programme, with cuts on a 0.01 grid over [-6, 6] weighted by the N(0, 1) "
                  "density, so they may differ slightly from the published ones.",
    ),
]
