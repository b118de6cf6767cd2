"""Selection units (catalog family B): the output keeps, drops, reorders or combines inputs by comparing them.

Maxout keeps the largest of a few pieces, TopK and its relatives keep the k largest entries, CATS keeps the
SiLU values above a threshold, GroupSort reorders, mAND fires only when two inputs are both active. The lesson:
a selection is piecewise constant, so the Jacobian is the selection itself (a mask, a one-hot choice, a
permutation) and the gradient reaches only the entries that were selected; entries never selected never
learn ('dead latents'). Ties need a rule, and here it is always the same: the lowest index wins.

There is no sort or top-k Tensor op. The indices are computed from the numbers (`x.data`, NumPy's stable
argsort and argmax, which keep ties in index order) and the values are then gathered with Tensor indexing,
which autodiff differentiates: treating the selection as a constant is exact wherever there is no tie.

GroupSort, MaxMin and Householder only permute or reflect the entries of small groups, so they preserve the
norm and are 1-Lipschitz: the building blocks of provably robust (Lipschitz-constrained) networks.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from minigrad import ops
from minigrad.activations.mathops import ArrayMath
from minigrad.activations.smooth_base import SILU_MIN, W_INV_E, dswish, swish
from minigrad.activations.spec import NONNEGATIVE, ActivationSpec, Interval, Kink, Param
from minigrad.device import array_module
from minigrad.tensor import Tensor

SILU_ARGMIN = -1.0 - W_INV_E
AT_LEAST_ONE = Interval(1.0)


def _silu(m, x):
    return swish(m, x, 1.0)


def _silu_slope(m, x):
    return dswish(m, x, 1.0)


def _cats_kept(m, x, threshold):
    return m.abs(_silu(m, x)) >= threshold


@lru_cache(maxsize=64)
def _cats_edges(threshold: float) -> tuple[float, ...]:
    """Where |silu| crosses the threshold, each as the last float64 on the kept side, so that the declared
    derivative there is exactly what df returns: two crossings around silu's minimum (when it dips below
    -threshold) and one above 0."""
    m = ArrayMath(np, np.float64)

    def kept(x: float) -> bool:
        return bool(_cats_kept(m, np.array([x]), threshold)[0])

    def edge(inside: float, outside: float) -> float:
        while True:
            mid = 0.5 * (inside + outside)
            if mid in (inside, outside):
                return inside
            inside, outside = (mid, outside) if kept(mid) else (inside, mid)

    if threshold <= 0:
        return ()
    dips = [edge(SILU_ARGMIN, -40.0), edge(SILU_ARGMIN, 0.0)] if threshold <= -SILU_MIN else []
    return (*dips, edge(2 * threshold + 2, 0.0))


def _cats_kink(i: int) -> Kink:
    def at(p):
        return _cats_edges(float(p["threshold"]))[i]

    def slope(p):
        return float(_silu_slope(ArrayMath(np, np.float64), np.array([at(p)]))[0])

    return Kink(at, slope, "|silu(x)| = threshold is kept (the CATS code zeroes |silu| < threshold)")


def _grouped(x: Tensor, size: int, name: str, what: str) -> Tensor:
    """x with its last dimension split into groups of `size`: shape (..., n / size, size)."""
    n = x.shape[-1]
    if n % size:
        raise ValueError(f"{name}: the last dimension ({n}) must be a multiple of {what} ({size})")
    return x.reshape(*x.shape[:-1], n // size, size)


def _take_last(x: Tensor, index) -> Tensor:
    """x[..., index] along the last dimension, for an integer array `index` with x's leading shape: a gather
    that autodiff undoes by scattering the gradient back."""
    xp = array_module(x.data)
    lead = tuple(xp.arange(n).reshape((-1,) + (1,) * (index.ndim - 1 - d)) for d, n in enumerate(index.shape[:-1]))
    return x[lead + (index,)]


def _descending(values):
    """Indices that sort the last dimension from largest to smallest; ties keep index order (stable)."""
    return array_module(values).argsort(-values, axis=-1, kind="stable")


def _mask_of(order, keep):
    """A bool mask in the original positions, True where the sorted position is kept."""
    xp = array_module(order)
    mask = xp.zeros(order.shape, dtype=bool)
    xp.put_along_axis(mask, order, xp.broadcast_to(keep, order.shape), axis=-1)
    return mask


def _keep_largest(x: Tensor, k: int, name: str) -> Tensor:
    n = x.shape[-1]
    if k > n:
        raise ValueError(f"{name}: k = {k} is more than the {n} entries it selects from")
    order = _descending(x.data)
    return ops.where(_mask_of(order, array_module(order).arange(n) < k), x, 0.0)


def _maxout(x, pieces):
    grouped = _grouped(x, pieces, "maxout", "pieces")
    winner = grouped.data.argmax(axis=-1)[..., None]  # first maximum on ties
    return _take_last(grouped, winner)[..., 0]


def _kwta(x, k, group_size):
    return _keep_largest(_grouped(x, group_size, "kwta", "group_size"), k, "kwta").reshape(x.shape)


def _top_afa(x, norm):
    acts = ops.relu(x)
    xp = array_module(acts.data)
    order = _descending(acts.data)
    kept_norm = xp.sqrt(xp.cumsum(xp.take_along_axis(acts.data, order, axis=-1) ** 2, axis=-1))
    target = xp.asarray(getattr(norm, "data", norm), dtype=acts.dtype)[..., None]
    count = xp.abs(kept_norm - target).argmin(axis=-1)[..., None] + 1  # the smallest count on ties
    return ops.where(_mask_of(order, xp.arange(x.shape[-1]) < count), acts, 0.0)


def _mand(x, dim):
    d, n = dim % x.ndim, x.shape[dim]
    if n % 2:
        raise ValueError(f"mand: dimension {dim} has {n} entries; it must hold the two inputs u, v as halves")
    u = x[(slice(None),) * d + (slice(0, n // 2),)]
    v = x[(slice(None),) * d + (slice(n // 2, n),)]
    both = (u.data > 0) & (v.data > 0)
    # sqrt only where both are positive: the masked-out branch never sees a negative product or sqrt'(0)
    return ops.where(both, ops.sqrt(ops.where(both, u * v, 1.0)), 0.0)


def _groupsort(x, group_size, name="groupsort"):
    grouped = _grouped(x, group_size, name, "group_size")
    return _take_last(grouped, _descending(grouped.data)).reshape(x.shape)


def _householder(x, theta):
    pairs = _grouped(x, 2, "householder", "2 (it acts on pairs)")
    if not isinstance(theta, Tensor):
        theta = Tensor._wrap(array_module(x.data).asarray(theta, dtype=x.dtype))
    v = ops.stack([ops.cos(theta), ops.sin(theta)]).to(dtype=x.dtype)
    along = (pairs * v).sum(-1, keepdim=True)
    return ops.where(along.data > 0, pairs, pairs - 2 * along * v).reshape(x.shape)


LAST_DIM = "along the last dimension"
LIPSCHITZ_PAPER = "Novel Quadratic Constraints for Extending LipSDP beyond Slope-Restricted Activations"
SAE_TOPK_PAPER = "k-Sparse Autoencoders"

ACTIVATIONS = [
    ActivationSpec(
        name="maxout", family="selection", kind="vector", catalog_id="B8",
        formula="max_j x[..., i, j] over the `pieces` consecutive entries of each unit i " + LAST_DIM,
        derivative="one-hot: the gradient goes to the winning piece (the first one on ties)",
        params=(Param("pieces", 2, "affine pieces per unit (the input's last dimension is units * pieces)",
                      integer=True, domain=AT_LEAST_ONE),),
        fn=_maxout, smooth="C0",
        paper="All you need is a good init",
        notes="Maxout learns its activation: with the pieces w_j^T x + b_j computed by the layer before, each "
              "unit is a convex piecewise-linear function of its input (relu and |x| are 2-piece maxouts). The "
              "output has 1/pieces of the input's last dimension.",
    ),
    ActivationSpec(
        name="cats", family="selection", kind="pointwise", catalog_id="B15",
        formula="silu(x) if |silu(x)| >= threshold, else 0",
        derivative="silu'(x) = s(x) (1 + x s(-x)) where kept, 0 elsewhere",
        params=(Param("threshold", 0.25, "cut on |silu|, calibrated for a target sparsity", domain=NONNEGATIVE),),
        f=lambda m, x, threshold: m.where(_cats_kept(m, x, threshold), _silu(m, x), 0.0),
        df=lambda m, x, threshold: m.where(_cats_kept(m, x, threshold), _silu_slope(m, x), 0.0),
        kinks=tuple(_cats_kink(i) for i in range(3)),
        range=lambda p: (SILU_MIN if p["threshold"] <= -SILU_MIN else 0.0, math.inf),
        monotonic=False, smooth="discontinuous",
        paper="CATS: Contextually-Aware Thresholding for Sparsity in Large Language Models",
        notes="Applied to the gate of a SwiGLU MLP, (cats(x W_gate) * x W_up) W_down: rows of W_up and W_down "
              "whose gate is zeroed need not be read, which a custom kernel turns into speed. CATS computes the "
              "threshold once from a histogram of |silu| on calibration data for a target sparsity (50% keeps "
              "LLM accuracy within 1-2%) and freezes it; the default 0.25 zeroes about half (48%) of standard "
              "normal gate pre-activations. Checked against the authors' code (|silu| < threshold is zeroed).",
    ),
    ActivationSpec(
        name="topk", family="selection", kind="vector", catalog_id="B16",
        formula="x_i if x_i is among the k largest entries " + LAST_DIM + ", else 0",
        derivative="diag(mask of the kept entries); ties go to the lowest index",
        params=(Param("k", 2, "how many entries survive", integer=True, domain=AT_LEAST_ONE),),
        fn=lambda x, k: _keep_largest(x, k, "topk"), smooth="discontinuous",
        paper=SAE_TOPK_PAPER,
        notes="The k-sparse autoencoder's activation: exactly k nonzero latents per input, so sparsity is set "
              "directly instead of through an L1 penalty. TopK SAEs usually apply relu before or after. Only "
              "the kept latents get a gradient: a latent that is never in the top k is dead.",
    ),
    ActivationSpec(
        name="kwta", family="selection", kind="vector", catalog_id="B16",
        formula="x_i if x_i is among the k largest of its group of group_size consecutive entries, else 0",
        derivative="diag(mask of the kept entries); ties go to the lowest index",
        params=(Param("k", 1, "winners per group", integer=True, domain=AT_LEAST_ONE),
                Param("group_size", 3, "entries per competing group (the last dimension is a multiple)",
                      integer=True, domain=AT_LEAST_ONE)),
        fn=_kwta, smooth="discontinuous",
        paper="Task agnostic continual learning with Pairwise layer architecture",
        notes="k-winners-take-all within local groups: k = 1 is the classic winner-take-all (only the maximum "
              "of each group survives); group_size equal to the whole last dimension is topk.",
    ),
    ActivationSpec(
        name="top_afa", family="selection", kind="vector", catalog_id="B16",
        formula="relu(x) on its j largest entries, j chosen per row so that the norm of the kept entries is "
                "closest to `norm`; 0 elsewhere",
        derivative="diag(mask of the kept entries) times relu'(x); the count j is held constant",
        params=(Param("norm", 1.0, "the approximate feature activation: the l2 norm of the dense input, one "
                                   "value or one per row", domain=NONNEGATIVE),),
        fn=_top_afa, smooth="discontinuous",
        paper="Evaluating and Designing Sparse Autoencoders by Approximating Quasi-Orthogonality",
        notes="TopK without a k: under quasi-orthogonal features the l2 norm of the sparse code should match the "
              "norm of the dense embedding it encodes, so top-AFA keeps the largest activations until their "
              "norm is closest to that target. The number of active latents then varies per input.",
        uncertain="The card marks top-AFA [?]. Implemented as in the authors' code (SewoongLee/top-afa-sae, "
                  "TopAFASAE): sort relu(x) descending, cumulative norms, keep the count closest to the target. "
                  "Their code ranks activations scaled by the decoder row norms (1 for the unit-norm decoders "
                  "they train, assumed here) and never selects all entries; here every count is allowed.",
    ),
    ActivationSpec(
        name="mand", family="selection", kind="gated", catalog_id="B17",
        formula="sqrt(u v) if u > 0 and v > 0, else 0; u, v = the two halves of x along dim",
        derivative="d/du = sqrt(v / u) / 2, d/dv = sqrt(u / v) / 2 where both are positive; 0 elsewhere",
        params=(Param("dim", -1, "the dimension holding (u, v) as its two halves", integer=True),),
        fn=_mand, smooth="C0",
        paper="Train Sparse Autoencoders Efficiently by Utilizing Features Correlation",
        notes="A differentiable AND: zero unless both factor activations are active, and then their geometric "
              "mean, so it scales like its inputs. KronSAE applies it to every pair (p_i, q_j) of two small "
              "factor codes, giving an m x n latent grid from m + n encoder outputs; apply mand to "
              "cat(p[:, :, None].expand(...), q[:, None, :].expand(...)) for that outer form. Its derivative "
              "grows without bound as u -> 0+.",
        uncertain="The catalog reconstructs mAND as sqrt(u v) on the active set (card marked [?]); the paper's "
                  "exact definition was not checked. That form is implemented.",
    ),
    ActivationSpec(
        name="groupsort", family="selection", kind="vector", catalog_id="B19",
        formula="each group of group_size consecutive entries sorted in descending order",
        derivative="the sorting permutation (identity order on ties)",
        params=(Param("group_size", 4, "entries per sorted group", integer=True, domain=AT_LEAST_ONE),),
        fn=_groupsort, smooth="C0", input_shape=(4, 8),
        paper=LIPSCHITZ_PAPER,
        notes="A permutation of its input: it preserves the l2 norm and is 1-Lipschitz, and its Jacobian is a "
              "permutation matrix, so gradient norms are preserved too. Unlike relu it is not elementwise and "
              "not slope-restricted, which is why certifying networks built from it needs new quadratic "
              "constraints.",
    ),
    ActivationSpec(
        name="maxmin", family="selection", kind="vector", catalog_id="B19",
        formula="(a, b) -> (max(a, b), min(a, b)) on consecutive pairs",
        derivative="identity or swap of each pair (identity on ties)",
        fn=lambda x: _groupsort(x, 2, "maxmin"), smooth="C0",
        paper=LIPSCHITZ_PAPER,
        notes="GroupSort with groups of 2, the most used 1-Lipschitz activation: norm-preserving, and "
              "max(a, b) alone would be relu(a - b) + b, so no information is lost.",
    ),
    ActivationSpec(
        name="householder", family="selection", kind="vector", catalog_id="B19",
        formula="z if v.z > 0 else (I - 2 v v^T) z on consecutive pairs z, v = (cos theta, sin theta)",
        derivative="I or the reflection I - 2 v v^T on each pair; d/dtheta by autodiff",
        params=(Param("theta", -math.pi / 4, "angle of the reflection direction v", learnable=True),),
        fn=_householder, smooth="C0",
        paper=LIPSCHITZ_PAPER,
        notes="Reflects the half-plane v.z <= 0 onto v.z >= 0: continuous (the reflection fixes the line "
              "v.z = 0), orthogonal on each side, so norm-preserving and 1-Lipschitz with a learnable "
              "direction. theta = -pi/4 (the default) is maxmin.",
    ),
]
