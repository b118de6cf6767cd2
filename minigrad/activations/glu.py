"""Gated linear units (catalog family F, and dReLU, B14): the input is split into two halves, a value a and a
gate pre-activation b, and the output is their product a * gate(b).

In a transformer feed-forward block both halves come from one linear layer, x W -> [a | b] (as in PyTorch's
F.glu), so these units take a tensor with an even size along `dim` and return half of it. Two kinds of gate:

- first order, gate(b) = g(b) with g a CDF-like squashing function in (0, 1): GLU (g = sigmoid), and the
  expanded gates of xATGLU / xGEGLU / xSwiGLU, (1 + 2 alpha) g(b) - alpha, whose range (-alpha, 1 + alpha) a
  learned alpha widens;
- second order, gate(b) = b g(b), i.e. an activation of b: ReGLU (relu), GEGLU (gelu), SwiGLU (swish). The
  output then grows quadratically with the input (a b), which is why SwiGLU produces the outliers that break
  FP8 training (Smooth-SwiGLU) and why dReLU = relu(a) relu(b) is far sparser than SwiGLU.

The gradients are those of the product rule, d/da = gate(b) and d/db = a gate'(b), obtained by autodiff.
"""
from __future__ import annotations

import math

from minigrad import ops
from minigrad.activations.mathops import TensorMath
from minigrad.activations.smooth_base import cauchy_cdf, gelu_value, normal_cdf, swish
from minigrad.activations.spec import REAL, ActivationSpec, Param
from minigrad.device import array_module
from minigrad.tensor import Tensor

GLU_PAPER = "GLU Variants Improve Transformer"
EXPANDED_PAPER = "Expanded Gating Ranges Improve Activation Functions"
FP8_E4M3_MAX = 448.0

DIM = Param("dim", -1, "the dimension split into halves: a = first half (value), b = second half (gate)",
            integer=True)
ALPHA = Param("alpha", 0.0, "gate expansion: the gate's range is (-alpha, 1 + alpha); learned, initialised to 0",
              learnable=True)


def _halves(name: str, x: Tensor, dim: int) -> tuple[Tensor, Tensor]:
    """(a, b): the first and second halves of x along dim, as torch.chunk(x, 2, dim)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} expects a Tensor, got {type(x).__name__}: wrap it with minigrad.tensor(...)")
    if x.ndim == 0 or not -x.ndim <= dim < x.ndim:
        raise IndexError(f"{name}: dim={dim} is out of range for an input with {x.ndim} dimensions")
    dim %= x.ndim
    size = x.shape[dim]
    if size % 2:
        raise ValueError(f"{name}: halving dimension must be even, but dimension {dim} has size {size} "
                         f"(input shape {x.shape}); the input holds the value half and the gate half side by side")
    lead = (slice(None),) * dim
    return x[lead + (slice(None, size // 2),)], x[lead + (slice(size // 2, None),)]


def _like(value, x: Tensor):
    """A learnable parameter in x's dtype (nn.Activation stores them in its own dtype); numbers pass as they are."""
    return value.to(dtype=x.dtype) if isinstance(value, Tensor) else value


def _tensor_math(b: Tensor) -> TensorMath:
    return TensorMath(array_module(b.data), b.dtype)


def _normal_cdf(b: Tensor) -> Tensor:
    """Phi(b), the formula GELU's declaration uses (through erfc: no cancellation in the left tail)."""
    return normal_cdf(_tensor_math(b), b)


def _arctan_cdf(b: Tensor) -> Tensor:
    """The Cauchy CDF atan(b) / pi + 1/2, ATLU's gate: it approaches 0 and 1 only like 1/|b|."""
    return cauchy_cdf(_tensor_math(b), b)


def _gated(name: str, gate):
    """fn(x, dim, **params) = a * gate(b, x, **params) with (a, b) the halves of x."""
    def fn(x: Tensor, dim: int, **params) -> Tensor:
        a, b = _halves(name, x, dim)
        return a * gate(b, x, **params)

    return fn


def _swiglu(b: Tensor, x: Tensor, beta: float) -> Tensor:
    return swish(_tensor_math(b), b, beta)


def round_e4m3(v):
    """v (a NumPy or CuPy array) rounded to the nearest float8 E4M3 number, in v's dtype: 3 mantissa bits,
    normal exponents -6..8, subnormal step 2^-9, largest value 448. E4M3 has no infinity: magnitudes that round
    beyond 448 overflow to NaN, as a cast to float8_e4m3fn does."""
    xp = array_module(v)
    exponent = xp.floor(xp.log2(xp.maximum(xp.abs(v), 2.0 ** -6)))
    step = 2.0 ** (exponent - 3)
    rounded = xp.round(v / step) * step  # half to even, as the hardware rounds
    return xp.where(xp.abs(rounded) > FP8_E4M3_MAX, xp.nan, rounded).astype(v.dtype)


def _smooth_swiglu(x: Tensor, dim: int, quantize: str) -> Tensor:
    """s^-1 Q(s a swish(b)), s = 448 / max |a swish(b)| per channel, the max taken over every other dimension."""
    a, b = _halves("smooth_swiglu", x, dim)
    gate = _swiglu(b, x, 1.0)
    if a.numel() == 0:  # an empty batch: no peak to scale by, and nothing to scale
        return a * gate
    xp = array_module(x.data)
    others = tuple(i for i in range(a.ndim) if i != dim % a.ndim)
    peak = xp.abs(a.data * gate.data).max(axis=others, keepdims=True)
    # a constant per step, as the running max is in FP8 training: no gradient flows through the scale
    scale = Tensor._wrap((FP8_E4M3_MAX / xp.where(peak > 0, peak, 1.0)).astype(x.dtype))
    scaled = (a * scale) * gate
    if quantize == "e4m3":
        # fake quantisation: forward rounds, backward passes the gradient straight through
        scaled = scaled + Tensor._wrap(round_e4m3(scaled.data) - scaled.data)
    return scaled / scale


def _dreglu(x: Tensor, dim: int) -> Tensor:
    a, b = _halves("dreglu", x, dim)
    return ops.relu(a) * ops.relu(b)


def _spec(name: str, catalog_id: str, formula: str, derivative: str, fn, **fields) -> ActivationSpec:
    fields.setdefault("paper", GLU_PAPER)
    fields.setdefault("smooth", "Cinf")
    fields.setdefault("range", (-math.inf, math.inf))
    return ActivationSpec(name=name, family="glu", kind="gated", catalog_id=catalog_id, formula=formula,
                          derivative=derivative, fn=fn, monotonic=fields.pop("monotonic", False), **fields)


def _xglu(name: str, cdf, g: str, dg: str, notes: str) -> ActivationSpec:
    """An expanded-gate first-order GLU: a * ((1 + 2 alpha) g(b) - alpha), g the CDF-like gate `cdf`."""
    return _spec(
        name, "F3", f"a * ((1 + 2 alpha) {g} - alpha), (a, b) = halves of the input along dim",
        f"d/da = (1 + 2 alpha) {g} - alpha, d/db = a (1 + 2 alpha) {dg}, d/dalpha = a (2 {g} - 1)",
        _gated(name, lambda b, x, alpha: (1.0 + 2.0 * _like(alpha, x)) * cdf(b) - _like(alpha, x)),
        params=(DIM, ALPHA), paper=EXPANDED_PAPER, notes=notes)


ACTIVATIONS = [
    _spec(
        "glu", "F1", "a * sigmoid(b), (a, b) = halves of the input along dim",
        "d/da = s(b), d/db = a s(b) s(-b)",
        _gated("glu", lambda b, x: ops.sigmoid(b)), params=(DIM,),
        torch="torch.nn.functional.glu", jax="jax.nn.glu",
        notes="The original gated linear unit (Dauphin et al.): a first-order gate, so the output is linear in a "
              "and bounded by |a|. The sigmoid gate is the SECOND half, as in PyTorch.",
    ),
    _spec(
        "bilinear", "F1", "a * b, (a, b) = halves of the input along dim", "d/da = b, d/db = a",
        _gated("bilinear", lambda b, x: b), params=(DIM,),
        notes="Shazeer's 'Bilinear' GLU with the identity as gate: no nonlinearity other than the product, yet "
              "it trains nearly as well as GEGLU. Not torch.nn.functional.bilinear, which is a bilinear layer "
              "x1^T A x2 + b with weights.",
    ),
    _spec(
        "reglu", "F1", "a * relu(b), (a, b) = halves of the input along dim",
        "d/da = relu(b), d/db = a for b > 0, 0 for b <= 0",
        _gated("reglu", lambda b, x: ops.relu(b)), params=(DIM,), smooth="C0",
        notes="At b = 0 the gate's derivative is taken as 0, ReLU's PyTorch convention. Exactly zero wherever "
              "b <= 0: the sparsity that ReLU-gated FFNs exploit.",
    ),
    _spec(
        "geglu", "F1", "a * gelu(b) = a * b * Phi(b), (a, b) = halves of the input along dim",
        "d/da = b Phi(b), d/db = a (Phi(b) + b phi(b))",
        _gated("geglu", lambda b, x, approximate: gelu_value(_tensor_math(b), b, approximate)),
        params=(DIM, Param("approximate", "none", "GELU's form: exact erf, or the tanh approximation",
                           choices=("none", "tanh"))),
        notes="The gate is GELU with PyTorch's approximate choices; Phi is evaluated through erfc so its left "
              "tail does not cancel to 0.",
    ),
    _spec(
        "swiglu", "F1", "a * swish_beta(b) = a * b * sigmoid(beta b), (a, b) = halves of the input along dim",
        "d/da = b s(beta b), d/db = a (s(beta b) + beta b s(beta b) s(-beta b))",
        _gated("swiglu", _swiglu),
        params=(DIM, Param("beta", 1.0, "swish sharpness; beta = 1 is SiLU, Shazeer's choice", domain=REAL)),
        notes="The FFN of LLaMA, PaLM and most current LLMs, with d_ff reduced to 2/3 to keep the parameter "
              "count of a plain FFN. Quadratic for large inputs (a b), which amplifies outliers.",
    ),
    _spec(
        "smooth_swiglu", "F2",
        "s^-1 Q(s * a * swish(b)), s = 448 / max|a swish(b)| per channel; equals swiglu when Q is the identity",
        "as swiglu (s is a per-step constant; with quantize='e4m3' Q passes the gradient straight through)",
        _smooth_swiglu,
        params=(DIM, Param("quantize", "none", "Q: 'none' (exact arithmetic) or rounding to float8 E4M3 "
                                               "(emulated in NumPy)", choices=("none", "e4m3"))),
        paper="Scaling FP8 training to trillion-token LLMs",
        notes="The same function as SwiGLU in exact arithmetic: only the range seen by the FP8 quantiser "
              "changes. Each output channel (along dim) is scaled so that its largest magnitude over every "
              "other dimension is 448, E4M3's largest number; Q rounds there and the scale is divided out "
              "again (in a network, 1/s is folded into the next weight matrix). The paper takes s from a "
              "running max; here it is the max of the current batch. Compare glu.round_e4m3(swiglu(x).data) "
              "on an outlier channel: without the scale its values leave E4M3's range and become NaN.",
    ),
    _xglu("xatglu", _arctan_cdf, "(atan(b) / pi + 1/2)", "/ (pi (1 + b^2))",
          "A first-order GLU with the arctan (Cauchy CDF) gate of xATLU. The paper finds expanded gates help "
          "first-order GLUs (xATGLU best) but not second-order ones such as GEGLU and SwiGLU."),
    _xglu("xgeglu", _normal_cdf, "Phi(b)", "phi(b)",
          "First order: the gate is Phi(b), not gelu(b) = b Phi(b). With alpha = 0 the gate lies in (0, 1); a "
          "learned alpha > 0 lets it go negative and above 1."),
    _xglu("xswiglu", ops.sigmoid, "s(b)", "s(b) s(-b)",
          "First order: with alpha = 0 it is exactly glu. (1 + 2 alpha) s(b) - alpha = "
          "(1/2 + alpha) tanh(b/2) + 1/2."),
    _spec(
        "dreglu", "B14", "relu(a) * relu(b), (a, b) = halves of the input along dim",
        "d/da = [a > 0] relu(b), d/db = [b > 0] relu(a)",
        _dreglu, params=(DIM,), smooth="C0", range=(0.0, math.inf), monotonic=True,
        paper="Turbo Sparse: Achieving LLM SOTA Performance with Minimal Activated Parameters",
        notes="dReLU: both the gate and the value go through ReLU, so the output is 0 unless BOTH halves are "
              "positive (about a quarter of the entries for symmetric inputs, versus none for SwiGLU). "
              "Non-decreasing in every input; derivative 0 at 0 (ReLU's convention).",
    ),
]
