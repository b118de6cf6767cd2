"""Probability maps: softmax and its relatives (catalog family H).

Each maps a vector of scores to a point of the probability simplex (or, for the ordinal and multi-level units, to
ordered class probabilities or levels). They differ in three ways a learner should see side by side:

- sharpness: a temperature tau divides the scores (tau -> 0: argmax, gradients ~ 1/tau; tau -> inf: uniform);
- the nonlinearity before normalising: exp (softmax), softplus (softplus attention), a power of 2 + q (SDM);
- sparsity: softmax is never exactly 0, sparsemax (a Euclidean projection) is, and the straight-through Gumbel
  softmax is exactly one-hot in forward while its backward is the soft gradient.

Vector-valued: each output depends on a whole slice of the input, so they are written with Tensor ops and
differentiated by autodiff. Random units draw from `minigrad.random.generator()` (seed with manual_seed).
"""
from __future__ import annotations

import math

import numpy as np

from minigrad import ops
from minigrad.activations.spec import NONNEGATIVE, POSITIVE, ActivationSpec, Param
from minigrad.device import array_module
from minigrad.random import generator
from minigrad.tensor import Tensor

SOFTMAX_PAPER = "Activation Functions in Deep Learning: A Comprehensive Survey and Benchmark"
TEMPERATURE_PAPER = "Is Temperature Sample Efficient for Softmax Gaussian Mixture of Experts?"

DIM = Param("dim", -1, "the dimension that sums to one", integer=True)
TAU = Param("tau", 1.0, "temperature: the scores are divided by tau", domain=POSITIVE)


def _like(value, x: Tensor):
    """A Tensor parameter in x's dtype; numbers pass as they are."""
    return value.to(dtype=x.dtype) if isinstance(value, Tensor) else value


def _draw(x: Tensor, sample) -> Tensor:
    """A constant Tensor of x's shape, dtype and device from `sample(rng, shape)` (float64 NumPy draws)."""
    return Tensor(sample(generator(), x.shape), dtype=x.dtype, device=x.device)


def _along(x: Tensor, dim: int, values):
    """`values` (one per position along dim) shaped to broadcast against x along dim."""
    shape = [1] * x.ndim
    shape[dim] = x.shape[dim]
    return values.reshape(shape)


def _temperature_softmax(x: Tensor, tau: float, dim: int) -> Tensor:
    return ops.softmax(x / tau, dim)


def _dense_to_sparse_gate(x: Tensor, tau: float, activation: str, dim: int) -> Tensor:
    squash = ops.tanh if activation == "tanh" else ops.sigmoid
    return ops.softmax(squash(x) / tau, dim)


def _sparse_noisy_softmax(x: Tensor, tau: float, noise: float, dim: int) -> Tensor:
    eps = _draw(x, lambda rng, shape: rng.standard_normal(shape))
    return ops.softmax((x + noise * eps) / tau, dim)


def _gumbel_softmax(x: Tensor, tau: float, hard: bool, dim: int) -> Tensor:
    # -log E with E ~ Exp(1) is Gumbel(0, 1), the law of -log(-log U), without U's double log; E is kept off 0
    gumbel = _draw(x, lambda rng, shape: -np.log(np.maximum(rng.standard_exponential(shape), 1e-300)))
    soft = ops.softmax((x + gumbel) / tau, dim)
    if not hard:
        return soft
    xp = array_module(x.data)
    dim %= x.ndim
    winner = soft.data.argmax(axis=dim)
    one_hot = (_along(x, dim, xp.arange(x.shape[dim])) == xp.expand_dims(winner, dim)).astype(x.dtype)
    # straight through: forward soft + (one_hot - soft) = one_hot exactly (IEEE rounding), backward soft's gradient
    return soft + Tensor._wrap(one_hot - soft.data)


def _sparsemax(x: Tensor, dim: int) -> Tensor:
    xp = array_module(x.data)
    dim %= x.ndim
    z = -xp.sort(-x.data, axis=dim)
    k = _along(x, dim, xp.arange(1, x.shape[dim] + 1, dtype=x.dtype))
    # the support is the largest k with 1 + k z_(k) > z_(1) + ... + z_(k); ties at z_(k) join it together
    size = (1 + k * z > xp.cumsum(z, axis=dim)).sum(axis=dim, keepdims=True)
    support = x.data >= xp.take_along_axis(z, size - 1, axis=dim)
    # tau as a Tensor function of x with the support held fixed: autodiff then gives the exact Jacobian
    # diag(s) - s s^T / |S|. where(), not x * mask, so that masked -inf scores give 0, not NaN
    tau = (ops.where(support, x, 0.0).sum(dim, keepdim=True) - 1.0) / size.astype(x.dtype)
    return ops.where(support, x - tau, 0.0)


def _sdm(x: Tensor, q, d, dim: int) -> Tensor:
    q, d = _like(q, x), _like(d, x)
    log_base = ops.log(2.0 + q) if isinstance(q, Tensor) else math.log(2.0 + q)
    return ops.softmax(x * (d * log_base), dim)


def _ordinal_softmax(x: Tensor, thresholds) -> Tensor:
    theta = thresholds.to(dtype=x.dtype) if isinstance(thresholds, Tensor) else Tensor(
        thresholds, dtype=x.dtype, device=x.device)
    if theta.ndim != 1 or theta.shape[0] < 1 or not bool((theta.data[1:] > theta.data[:-1]).all()):
        raise ValueError(f"ordinal_softmax: thresholds must be a non-empty, strictly increasing vector, "
                         f"got {theta.data.tolist()}")
    a = theta - x.unsqueeze(-1)  # theta_k - s: P(y <= k) = sigmoid(a_k)
    # P(y = k) = s(a_k) - s(a_(k-1)) = s(a_k) s(-a_(k-1)) (1 - e^(theta_(k-1) - theta_k)): no cancellation of
    # two probabilities that both round to 1
    middle = ops.sigmoid(a[..., 1:]) * ops.sigmoid(-a[..., :-1]) * -ops.expm1(theta[:-1] - theta[1:])
    return ops.cat([ops.sigmoid(a[..., :1]), middle, ops.sigmoid(-a[..., -1:])], -1)


def _softplus_attention(x: Tensor, dim: int) -> Tensor:
    # softplus(s) / sum softplus = softmax(log softplus(s)), and softmax never divides 0 by 0. Below s = -30,
    # softplus(s) = e^s to 1e-13, so log softplus(s) = s there (and masked -inf scores give weight 0)
    log_softplus = ops.where(x > -30.0, ops.log(ops.softplus(ops.maximum(x, -30.0))), x)
    return ops.softmax(log_softplus, dim)


def _multi_level(m, x, thresholds):
    return sum(m.sigmoid(x - thresholds[k]) for k in range(len(thresholds)))


def _step_slopes(m, x, thresholds) -> list:
    """s(x - t_k) s(t_k - x) for each threshold t_k: the slope of each step of the staircase (m.dsigmoid: one exp
    per step, shared with the step's own sigmoid where a kernel needs both)."""
    return [m.dsigmoid(x - thresholds[k]) for k in range(len(thresholds))]


ACTIVATIONS = [
    ActivationSpec(
        name="softmax", family="probability", kind="vector", catalog_id="H1",
        formula="p_i = e^(x_i) / sum_j e^(x_j) along dim",
        derivative="J = diag(p) - p p^T; vector-Jacobian product p * (v - <v, p>)",
        params=(DIM,), fn=ops.softmax, range=(0.0, 1.0),
        paper=SOFTMAX_PAPER, torch="torch.nn.functional.softmax", jax="jax.nn.softmax",
        notes="Shift-invariant; computed as e^(x - max x) / sum, so it never overflows.",
    ),
    ActivationSpec(
        name="log_softmax", family="probability", kind="vector", catalog_id="H1",
        formula="x_i - log sum_j e^(x_j) along dim", derivative="v - p sum(v)",
        params=(DIM,), fn=ops.log_softmax, range=(-float("inf"), 0.0),
        paper=SOFTMAX_PAPER, torch="torch.nn.functional.log_softmax", jax="jax.nn.log_softmax",
        notes="Never log(softmax(x)), which underflows to log(0) = -inf for very negative logits.",
    ),
    ActivationSpec(
        name="temperature_softmax", family="probability", kind="vector", catalog_id="H2",
        formula="softmax(x / tau) along dim", derivative="J = (diag(p) - p p^T) / tau",
        params=(TAU, DIM), fn=_temperature_softmax, range=(0.0, 1.0), paper=TEMPERATURE_PAPER,
        notes="tau -> 0 tends to the one-hot argmax (gradients grow like 1/tau, then vanish once saturated); "
              "tau -> infinity to the uniform distribution. Dense-to-sparse MoE gating anneals tau during "
              "training.",
    ),
    ActivationSpec(
        name="dense_to_sparse_gate", family="probability", kind="vector", catalog_id="H2",
        formula="softmax(act(x) / tau) along dim, act = tanh or sigmoid",
        derivative="J = (diag(p) - p p^T) diag(act'(x)) / tau",
        params=(TAU, Param("activation", "tanh", "the activation applied to the router's scores before the "
                                                "softmax", choices=("tanh", "sigmoid")), DIM),
        fn=_dense_to_sparse_gate, range=(0.0, 1.0), paper=TEMPERATURE_PAPER,
        notes="The activation dense-to-sparse gate: x is the router's linear output W h, passed through an "
              "activation before the temperature softmax. The paper shows that with the plain temperature gate "
              "tau interacts with the router's parameters and estimation can be as slow as O(1 / log n); an "
              "activation whose derivatives are linearly independent (tanh, sigmoid; not relu) restores "
              "polynomial rates.",
    ),
    ActivationSpec(
        name="sparse_noisy_softmax", family="probability", kind="vector", catalog_id="H3",
        formula="softmax((x + noise * eps) / tau) along dim, eps ~ N(0, 1) drawn at every call",
        derivative="as temperature_softmax, with respect to the noisy scores",
        params=(TAU, Param("noise", 1.0, "standard deviation of the Gaussian noise added to the scores",
                           domain=NONNEGATIVE), DIM),
        fn=_sparse_noisy_softmax, range=(0.0, 1.0), stochastic=True,
        paper="Small Temperature is All You Need for Differentiable Architecture Search",
        notes="With a small tau the softmax is nearly one-hot (a sparse architecture distribution) and its "
              "gradient saturates; the noise keeps moving which entry wins, so gradients keep reaching the "
              "others. The paper anneals tau exponentially, tau_t = tau_0 (tau_end / tau_0)^(t / T).",
        uncertain="The catalog (and the paper's abstract) give only 'small temperature plus injected noise to "
                  "avoid gradient saturation'; the exact noise model is not known. Implemented: additive "
                  "Gaussian noise of standard deviation `noise` on the scores before the temperature softmax "
                  "(the noisy-gating form); the defaults tau = 1, noise = 1 are not from the paper.",
    ),
    ActivationSpec(
        name="gumbel_softmax", family="probability", kind="vector", catalog_id="H4",
        formula="y = softmax((x + g) / tau), g_i = -log(-log u_i), u_i ~ U(0, 1); hard: one_hot(argmax y) "
                "in forward",
        derivative="as temperature_softmax with respect to x + g; with hard=True the soft y's gradient "
                   "(straight-through)",
        params=(TAU, Param("hard", False, "return the one-hot sample, differentiated as the soft one",
                           choices=(False, True)), DIM),
        fn=_gumbel_softmax, range=(0.0, 1.0), stochastic=True,
        paper="Categorical Reparameterization with Gumbel-Softmax",
        torch="torch.nn.functional.gumbel_softmax",
        notes="x are unnormalised log-probabilities log pi. argmax(x + g) is an exact sample of the "
              "categorical distribution pi (the Gumbel-max trick); the softmax relaxes it, tending to the "
              "one-hot sample as tau -> 0 while the gradient's variance grows. The Gumbel noise is drawn as "
              "-log E, E ~ Exp(1), as PyTorch does. PyTorch's deprecated, unused eps argument is left out.",
    ),
    ActivationSpec(
        name="sparsemax", family="probability", kind="vector", catalog_id="H5",
        formula="argmin_{p in simplex} ||p - x||^2 = max(x - tau(x), 0), tau(x) = (sum_{j in S} x_j - 1) / |S|",
        derivative="J = diag(s) - s s^T / |S|, s the indicator of the support S; VJP s * (v - mean_S(v))",
        params=(DIM,), fn=_sparsemax, range=(0.0, 1.0), smooth="C0",
        paper="From Softmax to Sparsemax: A Sparse Model of Attention and Multi-Label Classification",
        notes="The Euclidean projection onto the simplex: piecewise linear, with exact zeros outside the "
              "support. The support is found by sorting (O(n log n) per row, done on the data); tau is then "
              "written as a Tensor function of x so autodiff gives the exact Jacobian. Like softmax it is "
              "shift-invariant, but unlike softmax it is not scale-free: sparsemax(c x) becomes sparser as c "
              "grows.",
    ),
    ActivationSpec(
        name="sdm", family="probability", kind="vector", catalog_id="H6",
        formula="p_i = (2 + q)^(d x_i) / sum_j (2 + q)^(d x_j) = softmax(d log(2 + q) x) along dim",
        derivative="as temperature_softmax with 1 / tau = d log(2 + q) (q, d held constant)",
        params=(Param("q", 0.0, "Similarity: how many consecutive nearest training exemplars are correctly "
                                "predicted (a number, or a Tensor broadcastable against the input)",
                      domain=NONNEGATIVE),
                Param("d", 1.0, "Distance to the training distribution as a quantile, 1 = typical "
                                "(a number, or a Tensor broadcastable against the input)", domain=NONNEGATIVE),
                DIM),
        fn=_sdm, range=(0.0, 1.0), paper="Similarity-Distance-Magnitude Activations",
        notes="Softmax uses only the Magnitude of the logits. SDM sharpens the distribution when the input "
              "resembles correctly predicted training data (q large, d near 1) and flattens it towards uniform "
              "far from it (d -> 0). q = 0, d = 1 is a base-2 softmax. q and d come from a nearest-neighbour "
              "search over training representations, which is not part of the function.",
        uncertain="The catalog marks the formula [?]: it gives p_i proportional to (2 + q)^(d z_i) as an example. "
                  "That form is implemented, with q and d supplied by the caller; how the paper computes q and "
                  "d (and any further rescaling) is not reproduced.",
    ),
    ActivationSpec(
        name="ordinal_softmax", family="probability", kind="vector", catalog_id="H7",
        formula="P(y <= k) = sigmoid(theta_k - x), P(y = k) = P(y <= k) - P(y <= k - 1), k = 1..K; "
                "output: a new last dimension of K = len(thresholds) + 1 class probabilities",
        derivative="dP(y<=k)/dx = -s(theta_k - x) s(x - theta_k); by autodiff through the differences",
        params=(Param("thresholds", (-1.0, 0.0, 1.0), "the ordered cut points theta_1 < ... < theta_(K-1)",
                      learnable=True),),
        fn=_ordinal_softmax, range=(0.0, 1.0), input_shape=(3, 2),
        paper="Constructing interval variables via faceted Rasch measurement and multitask deep learning: "
              "a hate speech application",
        notes="Each entry of the input is one score per example on an ordered scale; the classes are the "
              "intervals between the cut points. Increasing the score moves mass to higher classes, which a "
              "softmax over K unrelated logits cannot express. A learned theta must stay ordered (parametrise "
              "it as a cumulative sum of softplus steps); an unordered one is refused.",
        uncertain="The catalog marks the form [?]: the paper's abstract names an 'ordinal softmax' paired with an "
                  "ordinal cross-entropy without giving it. Implemented: the cumulative-link (proportional "
                  "odds) form P(y <= k) = sigmoid(theta_k - f(x)) the catalog suggests.",
    ),
    ActivationSpec(
        name="multi_level", family="probability", kind="pointwise", catalog_id="H8",
        formula="sum_k sigmoid(x - thresholds[k]): a smooth staircase from 0 to len(thresholds)",
        derivative="sum_k s(x - t_k) s(t_k - x); d/dt_k = -s(x - t_k) s(t_k - x)",
        params=(Param("thresholds", (-4.0, 0.0, 4.0), "where the output climbs from one level to the next",
                      learnable=True),),
        f=_multi_level, df=lambda m, x, thresholds: sum(_step_slopes(m, x, thresholds)),
        dparams={"thresholds": lambda m, x, thresholds: [-slope for slope in _step_slopes(m, x, thresholds)]},
        range=lambda p: (0.0, float(len(p["thresholds"]))), monotonic=True,
        paper="Hierarchical multi-class segmentation of glioma images using networks with multi-level "
              "activation function",
        notes="One output per pixel encodes nested classes as levels: > 0.5 whole tumour, > 1.5 tumour core, "
              "> 2.5 enhancing tumour. A pixel can reach a deeper level only by passing the outer ones, so the "
              "nesting is built into the output rather than learned, as it must be with a softmax over "
              "mutually exclusive classes.",
        uncertain="The catalog marks the form [?] ('several thresholds / sum of shifted sigmoids'); the papers' "
                  "exact function (steepness, normalisation, threshold values) is not known. Implemented: the sum "
                  "of unit-slope sigmoids the catalog names, with illustrative thresholds -4, 0, 4.",
    ),
    ActivationSpec(
        name="softplus_attention", family="probability", kind="vector", catalog_id="H9",
        formula="w_i = softplus(x_i) / sum_j softplus(x_j) along dim",
        derivative="dw_i/dx_j = (delta_ij s(x_i) - w_i s(x_j)) / sum_k softplus(x_k)",
        params=(DIM,), fn=_softplus_attention, range=(0.0, 1.0),
        paper="Softplus Attention with Re-weighting Boosts Length Extrapolation in Large Language Models",
        notes="Softmax is exp followed by l1 normalisation; replacing exp by softplus grows only linearly in "
              "large scores, so no single score dominates as the context gets long. Unlike softmax it is not "
              "shift-invariant. Computed as softmax(log softplus(x)), which equals the ratio and never "
              "divides 0 by 0 when every score is very negative.",
        uncertain="The paper also scales the scores by a length-dependent factor from invariance entropy and "
                  "re-weights (sharpens) the result without fine-tuning; the catalog marks both forms [?], so "
                  "only the softplus + l1 normalisation core is implemented: scale the scores before calling.",
    ),
]
