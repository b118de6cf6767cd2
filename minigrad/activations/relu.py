"""ReLU family: rectifiers, and what happens when they are clipped, thresholded or randomised (catalog family B).

Each unit is linear on part of the line; they differ in what they do elsewhere (nothing, a leak, a learned or
random slope, a saturating exponential, a cap, a cut to zero) and in the derivative they report at each kink or
jump, which is PyTorch's choice where PyTorch has the function. Two lessons live here:

- A bound on the output is a fault-tolerance device (FT-ClipAct, FitAct/ProAct) or an out-of-distribution
  detector (ReAct, VRA): the same `min`/`where` building blocks, tuned for different jobs. Cutting to zero
  (rather than saturating) makes the unit discontinuous, so finite differences fail across the jump.
- A random unit (rrelu, the stochastic ReLU of Circa) cannot be a pure formula f(x): the noise drawn in the
  forward pass must be reused by the backward pass. These are written as Tensor functions, so autodiff sees the
  noise as a constant, and they draw from `minigrad.random.generator()` (seed it with `minigrad.manual_seed`).
"""
from __future__ import annotations

import math

import numpy as np

from minigrad import ops
from minigrad.activations.spec import NONNEGATIVE, POSITIVE, ActivationSpec, Kink, Param, length
from minigrad.device import array_module
from minigrad.random import generator
from minigrad.tensor import Tensor

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

# x - tanh(x) = sum_n c_n x^(2n+1), n >= 1 (Taylor series of tanh). Below |x| = 1/4 the terms shrink by
# (2x/pi)^2 < 0.026 each, so ten of them reach float64 precision, while x - tanh(x) itself loses all but
# ~log2(x^2/3) of float32's bits to cancellation there.
TANH_SHRINK_SERIES = (1 / 3, -2 / 15, 17 / 315, -62 / 2835, 1382 / 155925, -21844 / 6081075,
                      929569 / 638512875, -6404582 / 10854718875, 443861162 / 1856156927625,
                      -18888466084 / 194896477400625)
TANH_SHRINK_SWITCH = 0.25


def _elu_tail(m, x, alpha):
    """alpha (e^x - 1) for x <= 0; expm1 of min(x, 0) so the unused branch never overflows."""
    return alpha * m.expm1(m.minimum(x, 0.0))


def _clip(m, x, bound):
    return m.minimum(m.maximum(x, 0.0), bound)


def _clip_slope(m, x, bound):
    """1 strictly inside (0, bound), 0 elsewhere: relu6's and hardtanh's convention at both ends."""
    return m.where((x > 0) & (x < bound), 1.0, 0.0)


def _kept(x, bound):
    """FT-ClipAct keeps 0 < x <= bound and zeroes the rest (x = 0 is 0 either way)."""
    return (x > 0) & (x <= bound)


def _fitact_df(m, x, bound, k):
    z = k * (bound - x)
    return m.where(x > 0, m.sigmoid(z) - k * x * m.dsigmoid(z), 0.0)


def _fitact_peak(bound, k) -> float:
    """The largest value of x s(k (bound - x)), x > 0, where k x s(k (x - bound)) = 1 (the left side grows with
    x, so bisection finds it); per-channel bounds peak highest at the largest bound."""
    from scipy.special import expit

    bound, k = float(np.max(np.asarray(bound, dtype=float))), float(k)
    low, high = 0.0, max(bound, 0.0) + 11.0 / k
    for _ in range(200):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if k * mid * expit(k * (mid - bound)) < 1 else (low, mid)
    return float(low * expit(k * (bound - low)))


def _shrunk(m, x, lambd):
    return m.abs(x) > lambd


def _tanhshrink(m, x):
    s = m.minimum(m.maximum(x, -TANH_SHRINK_SWITCH), TANH_SHRINK_SWITCH)
    z = s * s
    series = TANH_SHRINK_SERIES[-1]
    for c in reversed(TANH_SHRINK_SERIES[:-1]):
        series = series * z + c
    return m.where(m.abs(x) < TANH_SHRINK_SWITCH, series * z * s, x - m.tanh(x))


def _matrix_check(p: dict) -> str | None:
    breakpoints = list(p["breakpoints"])
    if breakpoints != sorted(breakpoints) or length(p["levels"]) != len(breakpoints) + 1:
        return (f"needs increasing breakpoints and one level per interval (len(breakpoints) + 1 = "
                f"{len(breakpoints) + 1}), got breakpoints {tuple(breakpoints)} and {length(p['levels'])} levels")
    return None


def _slope(m, x, levels, breakpoints):
    """The diagonal entry D(x): levels[j] on [breakpoints[j-1], breakpoints[j]), levels[0] below the first."""
    slope = levels[0]
    for j, s in enumerate(breakpoints):
        slope = m.where(x >= s, levels[j + 1], slope)
    return slope


def _intervals(x, breakpoints):
    edges = (-math.inf, *breakpoints, math.inf)
    return [(x >= low) & (x < high) for low, high in zip(edges[:-1], edges[1:])]


def _piecewise_linear_range(levels, breakpoints) -> tuple[float, float]:
    """Closed hull of t_j x over each interval [s_(j-1), s_j] (infinite ends included)."""
    edges = (-math.inf, *breakpoints, math.inf)
    values = []
    for t, low, high in zip(levels, edges[:-1], edges[1:]):
        t = float(t)
        values += [0.0] if t == 0 else [t * low, t * high]
    return min(values), max(values)


def _uniform_like(x: Tensor, low: float, high: float) -> Tensor:
    """U(low, high) noise of x's shape, dtype and device, from minigrad's seeded generator (a constant)."""
    noise = generator().uniform(low, high, size=x.shape)
    return Tensor._wrap(array_module(x.data).asarray(noise, dtype=x.dtype))


def _rrelu(x, lower, upper, training):
    if lower > upper:
        raise ValueError(f"rrelu: lower must not exceed upper, got lower={lower}, upper={upper}")
    slope = _uniform_like(x, lower, upper) if training else (lower + upper) / 2
    return ops.where(x > 0, x, x * slope)


def _stochastic_relu(x, delta):
    noisy_sign_test = (x.data + _uniform_like(x, -delta, delta).data) > 0
    return ops.where(noisy_sign_test, x, 0.0)


BOUND = Param("bound", 6.0, "the bound T on the output (profiled per layer on fault-free runs)", domain=POSITIVE)
LAMBD = Param("lambd", 0.5, "the half-width of the dead zone around 0", domain=NONNEGATIVE)
FAULT_PAPER = ("FT-ClipAct: Resilience Analysis of Deep Neural Networks and Improving their Fault Tolerance "
               "using Clipped Activation")
PYTORCH_PAPER = "PyTorch: An Imperative Style, High-Performance Deep Learning Library"

ACTIVATIONS = [
    ActivationSpec(
        name="relu", family="relu", kind="pointwise", catalog_id="B1",
        formula="max(0, x)", derivative="1 for x > 0, 0 for x <= 0",
        f=lambda m, x: m.maximum(x, 0.0),
        df=lambda m, x: m.where(x > 0, 1.0, 0.0),
        kinks=(Kink(0.0, 0.0),), range=(0.0, math.inf), monotonic=True, smooth="C0",
        paper="Deep Sparse Rectifier Neural Networks", torch="torch.nn.functional.relu", jax="jax.nn.relu",
        notes="Positively homogeneous: relu(c x) = c relu(x) for c > 0. Any value in [0, 1] at 0 is a Clarke "
              "subgradient; 0 is what PyTorch, JAX and TensorFlow return.",
    ),
    ActivationSpec(
        name="leaky_relu", family="relu", kind="pointwise", catalog_id="B2",
        formula="x for x >= 0, negative_slope * x for x < 0",
        derivative="1 for x > 0, negative_slope for x <= 0",
        params=(Param("negative_slope", 0.01, "slope for x < 0"),),
        f=lambda m, x, negative_slope: m.where(x > 0, x, negative_slope * x),
        df=lambda m, x, negative_slope: m.where(x > 0, 1.0, negative_slope),
        kinks=(Kink(0.0, lambda p: p["negative_slope"]),), monotonic=True, smooth="C0",
        paper="Rectifier Nonlinearities Improve Neural Network Acoustic Models",
        torch="torch.nn.functional.leaky_relu", jax="jax.nn.leaky_relu",
        notes="Monotonic for negative_slope >= 0 (the default); no unit can die.",
    ),
    ActivationSpec(
        name="rrelu", family="relu", kind="estimator", catalog_id="B2",
        formula="x for x > 0, a x otherwise; training: a ~ U(lower, upper) per element and call; "
                "eval: a = (lower + upper) / 2",
        derivative="1 for x > 0, the drawn slope a for x <= 0 (autodiff, with a held constant)",
        params=(Param("lower", 1 / 8, "smallest random negative slope"),
                Param("upper", 1 / 3, "largest random negative slope"),
                Param("training", False, "draw a random slope per element (True) or use the mean slope",
                      choices=(False, True))),
        fn=_rrelu, stochastic=True, range=(-math.inf, math.inf), monotonic=True, smooth="C0",
        paper="Empirical Evaluation of Rectified Activations in Convolutional Network",
        torch="torch.nn.functional.rrelu",
        notes="Randomized leaky ReLU: the random slope is a regulariser, like dropout for the negative side; "
              "at evaluation it is leaky_relu with the mean slope. As in torch.nn.functional.rrelu, training "
              "defaults to False. Declared as a Tensor function (kind 'estimator') because the slope drawn in "
              "the forward pass must be the one the backward pass uses.",
    ),
    ActivationSpec(
        name="prelu", family="relu", kind="pointwise", catalog_id="B3",
        formula="max(0, x) + weight * min(0, x)", derivative="1 for x > 0, weight for x <= 0; d/dweight = min(0, x)",
        params=(Param("weight", 0.25, "learned slope for x < 0, one value or one per channel (dimension 1)",
                      learnable=True, per_channel=True),),
        f=lambda m, x, weight: m.maximum(x, 0.0) + weight * m.minimum(x, 0.0),
        df=lambda m, x, weight: m.where(x > 0, 1.0, weight),
        dparams={"weight": lambda m, x, weight: m.minimum(x, 0.0)},
        kinks=(Kink(0.0, lambda p: p["weight"]),), monotonic=True, smooth="C0",
        paper="Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification",
        torch="torch.nn.functional.prelu",
        notes="Monotonic only while weight >= 0; weight = -1 gives |x|, which lets a single neuron solve XOR.",
    ),
    ActivationSpec(
        name="relu6", family="relu", kind="pointwise", catalog_id="B4",
        formula="min(max(0, x), 6)", derivative="1 for 0 < x < 6, else 0",
        f=lambda m, x: _clip(m, x, 6.0),
        df=lambda m, x: _clip_slope(m, x, 6.0),
        kinks=(Kink(0.0, 0.0), Kink(6.0, 0.0)), range=(0.0, 6.0), monotonic=True, smooth="C0",
        paper="MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications",
        torch="torch.nn.functional.relu6", jax="jax.nn.relu6",
    ),
    ActivationSpec(
        name="clipped_relu", family="relu", kind="pointwise", catalog_id="B5",
        formula="min(max(0, x), bound)", derivative="1 for 0 < x < bound, else 0",
        params=(BOUND,),
        f=_clip, df=_clip_slope,
        kinks=(Kink(0.0, 0.0), Kink(lambda p: p["bound"], 0.0)), range=lambda p: (0.0, p["bound"]),
        monotonic=True, smooth="C0",
        paper=FAULT_PAPER, torch="torch.nn.functional.hardtanh(x, 0.0, bound)",
        notes="The saturating clip (range restriction, as in Ranger): a fault that makes x huge (a flipped "
              "exponent bit gives ~1e38) is cut to bound instead of propagating. relu6 is clipped_relu with "
              "bound = 6; the kink values follow relu6 and hardtanh (0 at both ends).",
    ),
    ActivationSpec(
        name="clip_act", family="relu", kind="pointwise", catalog_id="B5",
        formula="x for 0 <= x <= bound, 0 otherwise", derivative="1 for 0 < x <= bound, else 0",
        params=(BOUND,),
        f=lambda m, x, bound: m.where(_kept(x, bound), x, 0.0),
        df=lambda m, x, bound: m.where(_kept(x, bound), 1.0, 0.0),
        kinks=(Kink(0.0, 0.0, "as relu"), Kink(lambda p: p["bound"], 1.0, "x = bound is kept, x > bound zeroed")),
        range=lambda p: (0.0, p["bound"]), monotonic=False, smooth="discontinuous",
        paper=FAULT_PAPER,
        notes="FT-ClipAct zeroes an activation above the bound instead of saturating it: an out-of-range value "
              "is taken as a fault, and 0 is the value that disturbs the next layer least. The jump at bound "
              "makes finite differences meaningless there. Checked against the ProAct authors' toolbox "
              "(reliable-relu-toolbox, bounded_relu_zero: x > bound set to 0, then ReLU).",
    ),
    ActivationSpec(
        name="fitact", family="relu", kind="pointwise", catalog_id="B5",
        formula="max(0, x) s(k (bound - x))",
        derivative="H(x) s(z) - k max(0, x) s(z) s(-z), z = k (bound - x); d/dbound = k max(0, x) s(z) s(-z)",
        params=(Param("bound", 6.0, "learned bound, one value or one per channel (dimension 1): FitAct's "
                                    "neuron-wise bound", learnable=True, per_channel=True),
                Param("k", 20.0, "sharpness of the soft cut at bound", domain=POSITIVE)),
        f=lambda m, x, bound, k: m.maximum(x, 0.0) * m.sigmoid(k * (bound - x)),
        df=_fitact_df,
        dparams={"bound": lambda m, x, bound, k: k * m.maximum(x, 0.0) * m.sigmoid(k * (bound - x))
                 * m.sigmoid(k * (x - bound))},
        kinks=(Kink(0.0, 0.0, "as relu"),), range=lambda p: (0.0, _fitact_peak(p["bound"], p["k"])),
        monotonic=False, smooth="C0",
        paper="FitAct: Error Resilient Deep Neural Networks via Fine-Grained Post-Trainable Activation Functions",
        notes="clip_act with a bound that can be learned: the hard cut at the bound is replaced by a sigmoid "
              "gate, so d f / d bound exists. FitAct learns one bound per neuron in a short post-training phase "
              "(weights frozen); ProAct ('ProAct: Progressive Training for Hybrid Clipped Activation Function to "
              "Enhance Resilience of DNNs') uses the same unit with neuron-wise bounds in the last layer and "
              "layer-wise ones elsewhere, trained layer by layer. Those are training procedures around this "
              "function; pass bound=[...] (one per channel) for the neuron-wise version.",
        uncertain="The abstracts do not give the bounded function. Implemented the form of the ProAct authors' "
                  "toolbox (reliable-relu-toolbox: bounded_relu_fitact and bounded_hyrelu_proact both compute "
                  "max(0, x - x s(20 (x - bound))) = max(0, x) s(20 (bound - x))), with k = 20 as a parameter; "
                  "the original FitAct code was not checked.",
    ),
    ActivationSpec(
        name="elu", family="relu", kind="pointwise", catalog_id="B6",
        formula="x for x > 0, alpha (e^x - 1) for x <= 0", derivative="1 for x > 0, alpha e^x for x <= 0",
        params=(Param("alpha", 1.0, "magnitude of the negative saturation", domain=NONNEGATIVE),),
        f=lambda m, x, alpha: m.where(x > 0, x, _elu_tail(m, x, alpha)),
        df=lambda m, x, alpha: m.where(x > 0, 1.0, alpha * m.exp(m.minimum(x, 0.0))),
        kinks=(Kink(0.0, lambda p: p["alpha"]),), range=lambda p: (-p["alpha"], math.inf), monotonic=True,
        smooth="C1",
        paper="Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)",
        torch="torch.nn.functional.elu", jax="jax.nn.elu",
        notes="C1 for alpha = 1 (the default, declared here); only C0 for any other alpha.",
    ),
    ActivationSpec(
        name="selu", family="relu", kind="pointwise", catalog_id="B7",
        formula="scale * (x for x > 0, alpha (e^x - 1) for x <= 0), alpha = 1.6733, scale = 1.0507",
        derivative="scale for x > 0, scale alpha e^x for x <= 0",
        f=lambda m, x: SELU_SCALE * m.where(x > 0, x, _elu_tail(m, x, SELU_ALPHA)),
        df=lambda m, x: SELU_SCALE * m.where(x > 0, 1.0, SELU_ALPHA * m.exp(m.minimum(x, 0.0))),
        kinks=(Kink(0.0, SELU_SCALE * SELU_ALPHA),), range=(-SELU_SCALE * SELU_ALPHA, math.inf),
        monotonic=True, smooth="C0",
        paper="Self-Normalizing Neural Networks", torch="torch.nn.functional.selu", jax="jax.nn.selu",
        notes="With LeCun-normal weights, (mean, variance) = (0, 1) is an attracting fixed point of each layer.",
    ),
    ActivationSpec(
        name="celu", family="relu", kind="pointwise", catalog_id="B6",
        formula="max(0, x) + min(0, alpha (e^(x/alpha) - 1))", derivative="1 for x > 0, e^(x/alpha) for x <= 0",
        params=(Param("alpha", 1.0, "scale of the negative saturation", domain=POSITIVE),),
        f=lambda m, x, alpha: m.where(x > 0, x, _elu_tail(m, x / alpha, alpha)),
        df=lambda m, x, alpha: m.where(x > 0, 1.0, m.exp(m.minimum(x, 0.0) / alpha)),
        kinks=(Kink(0.0, 1.0),), range=lambda p: (-p["alpha"], math.inf), monotonic=True, smooth="C1",
        paper="Continuously Differentiable Exponential Linear Units", torch="torch.nn.functional.celu",
        jax="jax.nn.celu",
        notes="ELU rescaled so that its derivative is continuous at 0 for every alpha.",
    ),
    ActivationSpec(
        name="stochastic_relu", family="relu", kind="estimator", catalog_id="B10",
        formula="x 1[x + e > 0], e ~ U(-delta, delta) per element and call",
        derivative="1[x + e > 0], the mask of the noisy sign test (autodiff, with e held constant)",
        params=(Param("delta", 0.1, "the largest error of the sign test (what truncation drops)",
                      domain=NONNEGATIVE),),
        fn=_stochastic_relu, stochastic=True, range=(-math.inf, math.inf), smooth="discontinuous",
        paper="Circa: Stochastic ReLUs for Private Deep Learning",
        notes="In private inference the ReLU's sign test runs on secret shares; Circa truncates their low bits, "
              "which makes the test wrong only when |x| < delta: a small positive value may be zeroed, a small "
              "negative one may pass. The error of the output is therefore below delta, which the network "
              "tolerates (the paper reports up to 4.7x less storage and 3x faster ReLUs without accuracy loss). "
              "delta = 0 is relu. Declared as a Tensor function (kind 'estimator'): the noise drawn in the forward "
              "pass must be the one the backward mask uses.",
        uncertain="Circa's fault model depends on its fixed-point share arithmetic; implemented the catalog's "
                  "teaching model, a sign test perturbed by uniform noise on (-delta, delta), whose faults occur "
                  "exactly when |x| < delta.",
    ),
    ActivationSpec(
        name="react", family="relu", kind="pointwise", catalog_id="B11",
        formula="min(x, threshold)", derivative="1 for x <= threshold, 0 above",
        params=(Param("threshold", 1.0, "the cap c: a high percentile (e.g. the 90th) of in-distribution "
                                        "activations"),),
        f=lambda m, x, threshold: m.minimum(x, threshold),
        df=lambda m, x, threshold: m.where(x > threshold, 0.0, 1.0),
        kinks=(Kink(lambda p: p["threshold"], 1.0, "torch.clamp(max=c) passes the gradient at x = c"),),
        range=lambda p: (-math.inf, p["threshold"]), monotonic=True, smooth="C0",
        paper="ReAct: Out-of-distribution Detection With Rectified Activations",
        torch="torch.clamp(x, max=threshold)",
        notes="Applied after training to the penultimate layer: out-of-distribution inputs produce a few "
              "abnormally large activations, which dominate the logits; capping them lowers OOD confidence far "
              "more than in-distribution confidence. The cap is computed once on in-distribution data and frozen; "
              "no backward is needed at test time.",
    ),
    ActivationSpec(
        name="vra", family="relu", kind="pointwise", catalog_id="B11",
        formula="0 for x < alpha, x + gamma for alpha <= x <= beta, beta for x > beta",
        derivative="1 for alpha <= x <= beta, else 0",
        params=(Param("alpha", 0.5, "lower cut: below it activations are zeroed (an ID quantile)"),
                Param("beta", 1.0, "upper cut: above it activations are set to beta (an ID quantile)"),
                Param("gamma", 0.5, "the boost added to the kept middle range")),
        f=lambda m, x, alpha, beta, gamma: m.where(x < alpha, 0.0, m.where(x > beta, beta, x + gamma)),
        df=lambda m, x, alpha, beta, gamma: m.where((x >= alpha) & (x <= beta), 1.0, 0.0),
        kinks=(Kink(lambda p: p["alpha"], 1.0, "x = alpha is kept"), Kink(lambda p: p["beta"], 1.0,
                                                                         "x = beta is kept")),
        range=lambda p: (min(0.0, p["alpha"] + p["gamma"], p["beta"]), max(0.0, p["beta"] + p["gamma"], p["beta"])),
        monotonic=False, smooth="discontinuous",
        paper="VRA: Variational Rectified Activation for Out-of-distribution Detection",
        notes="ReAct only caps high activations; VRA's variational analysis says the best OOD-separating "
              "operation also suppresses abnormally low ones and amplifies the middle range. alpha and beta are "
              "quantiles of in-distribution penultimate activations; the defaults here are placeholders. Checked "
              "against the authors' code (zeroQiaoba/VRA, models/resnet.py, mode 'clip2'); test-time only.",
    ),
    ActivationSpec(
        name="matrix_activation", family="relu", kind="pointwise", catalog_id="B12",
        formula="D(x) x with D(x) = levels[j] for x in [breakpoints[j-1], breakpoints[j])",
        derivative="levels[j] on interval j; d/dlevels[j] = x 1[x in interval j]",
        params=(Param("levels", (0.0, 0.0, 1.0, 1.0), "the learned value t_j of D on each interval",
                      learnable=True),
                Param("breakpoints", (-1.0, 0.0, 1.0), "fixed, increasing interval ends s_j", static=True)),
        check=_matrix_check,
        f=lambda m, x, levels, breakpoints: _slope(m, x, levels, breakpoints) * x,
        df=_slope,
        dparams={"levels": lambda m, x, levels, breakpoints: [m.where(inside, x, 0.0)
                                                              for inside in _intervals(x, breakpoints)]},
        kinks=tuple(Kink(lambda p, i=i: p["breakpoints"][i], lambda p, i=i: p["levels"][i + 1],
                         "a breakpoint belongs to the interval on its right") for i in range(3)),
        range=lambda p: _piecewise_linear_range(p["levels"], p["breakpoints"]), monotonic=None, smooth="C0",
        paper="Neural networks with trainable matrix activation functions",
        notes="The activation is a matrix-vector product D(x) x, built from comparisons and multiplications "
              "only; its entries are trained with the weights. The default levels make it relu (t = 0 left of "
              "0, 1 right of it); once the levels differ across a nonzero breakpoint the function jumps there. "
              "Monotonic only while all levels are >= 0.",
        uncertain="Only the diagonal form, with one set of levels shared by all neurons, is implemented: the "
                  "paper's entries t_(i,j) may differ per neuron i and it also has a tri-diagonal variant (D mixes "
                  "neighbouring neurons); breakpoints are fixed, as in the catalog card.",
    ),
    ActivationSpec(
        name="relu_squared", family="relu", kind="pointwise", catalog_id="B13",
        formula="max(0, x)^2", derivative="2 max(0, x)",
        f=lambda m, x: m.maximum(x, 0.0) ** 2,
        df=lambda m, x: 2.0 * m.maximum(x, 0.0),
        range=(0.0, math.inf), monotonic=True, smooth="C1",
        paper="Primer: Searching for Efficient Transformers for Language Modeling",
        notes="Convex, exact zeros below 0 (activation sparsity), quadratic growth above.",
    ),
    ActivationSpec(
        name="threshold", family="relu", kind="pointwise", catalog_id="B1",
        formula="x for x > threshold, value otherwise", derivative="1 for x > threshold, else 0",
        params=(Param("threshold", 1.0, "inputs at or below it are replaced"),
                Param("value", 0.0, "what replaces them")),
        f=lambda m, x, threshold, value: m.where(x > threshold, x, value),
        df=lambda m, x, threshold, value: m.where(x > threshold, 1.0, 0.0),
        kinks=(Kink(lambda p: p["threshold"], 0.0),),
        range=lambda p: (min(p["value"], p["threshold"]), math.inf), monotonic=None, smooth="discontinuous",
        paper=PYTORCH_PAPER, torch="torch.nn.functional.threshold",
        notes="PyTorch's threshold has no defaults; the ones here (threshold 1, value 0) give a thresholded ReLU "
              "that zeroes small activations, and threshold(x, 0, 0) is relu. It jumps at the threshold unless "
              "value = threshold, and is monotonic while value <= threshold.",
    ),
    ActivationSpec(
        name="hardshrink", family="relu", kind="pointwise", catalog_id="B1",
        formula="x for |x| > lambd, 0 otherwise", derivative="1 for |x| > lambd, else 0",
        params=(LAMBD,),
        f=lambda m, x, lambd: m.where(_shrunk(m, x, lambd), x, 0.0),
        df=lambda m, x, lambd: m.where(_shrunk(m, x, lambd), 1.0, 0.0),
        kinks=(Kink(lambda p: -p["lambd"], 0.0), Kink(lambda p: p["lambd"], 0.0)),
        monotonic=True, smooth="discontinuous", symmetry="odd",
        paper="Ideal spatial adaptation by wavelet shrinkage", torch="torch.nn.functional.hardshrink",
        notes="Hard thresholding: small coefficients are taken as noise and removed, large ones kept as they "
              "are. It jumps by lambd at +-lambd.",
    ),
    ActivationSpec(
        name="softshrink", family="relu", kind="pointwise", catalog_id="B1",
        formula="x - lambd for x > lambd, x + lambd for x < -lambd, 0 otherwise",
        derivative="1 for |x| > lambd, else 0",
        params=(LAMBD,),
        f=lambda m, x, lambd: m.where(_shrunk(m, x, lambd), x - lambd * m.sign(x), 0.0),
        df=lambda m, x, lambd: m.where(_shrunk(m, x, lambd), 1.0, 0.0),
        kinks=(Kink(lambda p: -p["lambd"], 0.0), Kink(lambda p: p["lambd"], 0.0)),
        monotonic=True, smooth="C0", symmetry="odd",
        paper="De-noising by soft-thresholding", torch="torch.nn.functional.softshrink",
        notes="Soft thresholding, the proximal operator of lambd |x|: what an L1 penalty does to one "
              "coefficient. Continuous, unlike hardshrink; relu(x - lambd) - relu(-x - lambd).",
    ),
    ActivationSpec(
        name="tanhshrink", family="relu", kind="pointwise", catalog_id="B1",
        formula="x - tanh(x)", derivative="tanh(x)^2",
        f=_tanhshrink,
        df=lambda m, x: m.tanh(x) ** 2,
        monotonic=True, symmetry="odd",
        paper=PYTORCH_PAPER, torch="torch.nn.functional.tanhshrink",
        notes="Flat (cubic, x^3/3) near 0 and x -+ 1 in the tails. Near 0, x - tanh(x) cancels almost every "
              "bit, so |x| < 1/4 is evaluated from the Taylor series of tanh instead.",
    ),
]
