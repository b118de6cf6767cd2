"""Normalization-activation layers (catalog family G, and PolyNorm, E11): the nonlinearity and the normalisation
are one operation, so the output at one position depends on statistics of many.

The point for a learner: these are not pointwise. Each output depends on a mean or variance taken over the batch,
over the spatial positions, over a group of channels or over the features; autodiff through those statistics
gives the full Jacobian (try it with gradcheck: it is not diagonal). They are written with Tensor ops only.

Layout is PyTorch's: input (N, C) or (N, C, *spatial), channels on dimension 1. Learnable weights are
parameters that nn.Activation turns into Parameters; give one number (shared by every channel, the default)
or one value per channel, e.g. nn.Activation("evonorm_s0", groups=8, gamma=[1.0] * 64).
"""
from __future__ import annotations

from minigrad import ops
from minigrad.activations.spec import NONNEGATIVE, POSITIVE, ActivationSpec, Param
from minigrad.tensor import Tensor

EVONORM_PAPER = "Evolving Normalization-Activation Layers"
EVONORM_PARAMS = (
    Param("gamma", 1.0, "scale after normalising, one value or one per channel", learnable=True, per_channel=True),
    Param("beta", 0.0, "shift after normalising, one value or one per channel", learnable=True, per_channel=True),
    Param("v", 1.0, "weight of x inside the nonlinearity (v1 of the paper), one value or one per channel",
          learnable=True, per_channel=True),
)
EPS = Param("eps", 1e-5, "added to every variance before the square root", domain=POSITIVE)


def _check(layer: str, x: Tensor, min_ndim: int = 2) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{layer} expects a Tensor, got {type(x).__name__}: wrap it with minigrad.tensor(...)")
    if x.dtype.kind != "f":
        raise TypeError(f"{layer} needs a float tensor, got {x.dtype}")
    if x.ndim < min_ndim:
        raise ValueError(f"{layer} expects an input of shape (N, C) or (N, C, *spatial), got shape {x.shape}")


def _as_tensor(value, x: Tensor) -> Tensor:
    """A parameter (number, sequence or Tensor) as a Tensor of x's dtype; a Tensor keeps its graph."""
    if isinstance(value, Tensor):
        return value.to(dtype=x.dtype)
    return Tensor(value, dtype=x.dtype, device=x.device)


def _per_channel(layer: str, name: str, value, x: Tensor) -> Tensor:
    """One value, or one per channel shaped (C, 1, ..., 1) to broadcast along dimension 1 of x."""
    t = _as_tensor(value, x)
    if t.numel() == 1:
        return t.reshape(())
    channels = x.shape[1]
    if t.shape != (channels,):
        raise ValueError(f"{layer}: {name} has shape {t.shape}; it must hold one value or one per channel "
                         f"(dimension 1 of the input, here {channels})")
    return t.reshape((channels,) + (1,) * (x.ndim - 2))


def _std(x: Tensor, dims: tuple[int, ...], eps: float) -> Tensor:
    """sqrt(biased variance + eps) over dims, kept for broadcasting (the reference implementation's moments)."""
    return ops.sqrt(ops.var(x, dims, keepdim=True, correction=0) + eps)


def _evonorm_b0(x: Tensor, gamma, beta, v, eps: float) -> Tensor:
    _check("evonorm_b0", x)
    gamma, beta, v = (_per_channel("evonorm_b0", n, p, x) for n, p in (("gamma", gamma), ("beta", beta), ("v", v)))
    spatial = tuple(range(2, x.ndim))
    if x.shape[0] == 0:
        raise ValueError("evonorm_b0 takes its variance over the batch: it needs at least one sample, got none")
    batch_std = _std(x, (0,) + spatial, eps)
    # without spatial positions there is no instance to normalise over: use the sample's features instead
    instance_std = _std(x, spatial or (1,), eps)
    return x / ops.maximum(batch_std, v * x + instance_std) * gamma + beta


def _evonorm_s0(x: Tensor, gamma, beta, v, groups: int, eps: float) -> Tensor:
    _check("evonorm_s0", x)
    channels = x.shape[1]
    if channels % groups:
        raise ValueError(f"evonorm_s0: groups={groups} must divide the {channels} channels of the input "
                         f"(shape {x.shape}); pass groups=...")
    gamma, beta, v = (_per_channel("evonorm_s0", n, p, x) for n, p in (("gamma", gamma), ("beta", beta), ("v", v)))
    grouped = (x.shape[0], groups, channels // groups) + x.shape[2:]
    group_std = _std(x.reshape(grouped), tuple(range(2, len(grouped))), eps)
    swish = x * ops.sigmoid(v * x)
    return (swish.reshape(grouped) / group_std).reshape(x.shape) * gamma + beta


def _gdn(x: Tensor, beta, gamma, alpha: float, epsilon: float) -> Tensor:
    _check("gdn", x)
    beta = _per_channel("gdn", "beta", beta, x)
    gamma = _as_tensor(gamma, x)
    powered = x * x if alpha == 2 else ops.abs(x) ** alpha
    if gamma.numel() == 1:
        pooled = gamma.reshape(()) * powered
    elif gamma.shape == (x.shape[1], x.shape[1]):
        # sum_j gamma_ij |x_j|^alpha at every position: channels moved last, times gamma^T, moved back
        pooled = (powered.transpose(1, -1) @ gamma.T).transpose(1, -1)
    else:
        raise ValueError(f"gdn: gamma has shape {gamma.shape}; it must be one number g (meaning g times the "
                         f"identity) or a ({x.shape[1]}, {x.shape[1]}) matrix over the channels")
    return x / (beta + pooled) ** epsilon


def _polynorm(x: Tensor, weight, bias, eps: float) -> Tensor:
    _check("polynorm", x, min_ndim=1)
    weight, bias = _as_tensor(weight, x), _as_tensor(bias, x)
    out, power = bias, x
    for i in range(weight.numel()):
        rms = ops.sqrt(ops.mean(power * power, -1, keepdim=True) + eps)
        out = out + weight[i] * (power / rms)
        power = power * x
    return out


ACTIVATIONS = [
    ActivationSpec(
        name="evonorm_b0", family="normalization", kind="layer", catalog_id="G1",
        formula="x / max(sqrt(var_batch(x) + eps), v x + sqrt(var_instance(x) + eps)) * gamma + beta",
        derivative="by autodiff through both variances; max routes the gradient to the larger branch",
        params=(*EVONORM_PARAMS, EPS), fn=_evonorm_b0, smooth="C0", input_shape=(4, 3, 5),
        paper=EVONORM_PAPER,
        notes="var_batch is taken per channel over the batch and the spatial positions (as BatchNorm), "
              "var_instance per sample and channel over the spatial positions (as InstanceNorm); for an (N, C) "
              "input, which has no spatial positions, var_instance is taken over the C features of each sample. "
              "Both are biased variances, as in the reference code. Batch statistics of the current batch only: "
              "the running averages a network needs at inference are not kept by this function. Where v x is "
              "negative enough the batch branch wins and the layer is BatchNorm without centring, x / std_batch; "
              "elsewhere, since the denominator exceeds v x, the output never exceeds gamma / v + beta (gamma, v > 0).",
    ),
    ActivationSpec(
        name="evonorm_s0", family="normalization", kind="layer", catalog_id="G1",
        formula="x sigmoid(v x) / sqrt(var_group(x) + eps) * gamma + beta",
        derivative="by autodiff through the group variance",
        params=(*EVONORM_PARAMS,
                Param("groups", 32, "channel groups for the variance; must divide C", integer=True,
                      domain=POSITIVE),
                EPS),
        fn=_evonorm_s0, input_shape=(2, 32, 3), paper=EVONORM_PAPER,
        notes="A swish numerator over a GroupNorm denominator: var_group is the biased variance of each sample "
              "over one group of C / groups channels and all spatial positions. No batch statistics, so it "
              "behaves the same in training and inference and for any batch size. For an (N, C) input the group "
              "is C / groups features.",
    ),
    ActivationSpec(
        name="gdn", family="normalization", kind="layer", catalog_id="G2",
        formula="y_i = x_i / (beta_i + sum_j gamma_ij |x_j|^alpha)^epsilon over the channels j at each position",
        derivative="quotient and chain rule over the channels: a full Jacobian within each position",
        params=(Param("beta", 1.0, "offset, one value or one per channel", learnable=True, per_channel=True,
                      domain=POSITIVE),
                Param("gamma", 0.1, "pooling weights: a number g means g times the identity (each channel divided "
                                    "by itself), a (C, C) matrix pools across channels", learnable=True,
                      domain=NONNEGATIVE),
                Param("alpha", 2.0, "exponent of |x_j|", domain=POSITIVE),
                Param("epsilon", 0.5, "outer exponent", domain=POSITIVE)),
        fn=_gdn, input_shape=(3, 4, 2),
        paper="Density Modeling of Images using a Generalized Normalization Transformation",
        notes="With alpha = 2, epsilon = 1/2 (the defaults) it is the common form x_i / sqrt(beta_i + sum_j "
              "gamma_ij x_j^2); the defaults beta = 1, gamma = 0.1 I are Balle et al.'s initialisation. beta > 0 "
              "and gamma >= 0 are checked at every call: a training loop must keep them there (Balle et al. "
              "reparametrise them). For alpha <= 1, |x|^alpha has no derivative at 0.",
    ),
    ActivationSpec(
        name="polynorm", family="normalization", kind="layer", catalog_id="E11",
        formula="sum_i weight[i-1] N(x^i) + bias, i = 1..len(weight), N(u) = u / sqrt(mean(u^2) + eps) "
                "over the last dimension",
        derivative="by autodiff through each RMS normalisation (a full Jacobian over the last dimension)",
        params=(Param("weight", (1 / 3, 1 / 3, 1 / 3), "coefficient of each normalised power x, x^2, x^3, ...; "
                                                       "its length is the degree", learnable=True),
                Param("bias", 0.0, "added to the sum", learnable=True),
                Param("eps", 1e-6, "added to the mean square before the square root", domain=POSITIVE)),
        fn=_polynorm,
        paper="Polynomial Composition Activations: Unleashing the Dynamics of Large Language Models",
        notes="Each power is RMS-normalised over the hidden (last) dimension before mixing, so x^3 cannot "
              "dominate by magnitude, and the output does not change when x is multiplied by any c > 0 (up to "
              "eps); c < 0 flips the odd powers. The PolyCom reference code stores the weights highest power first; here "
              "weight[0] multiplies N(x), as in the catalog's sum. Used by Motif-2.6B.",
    ),
]
