"""Diagnostics: the numbers a lesson reads off a network while it trains.

    stats = diagnostics.layer_statistics(model, x, loss_fn=lambda out: F.cross_entropy(out, y))
    diagnostics.dead_fraction(hidden)                 # units that output the same value for the whole batch
    diagnostics.saturation_fraction(pre, "tanh")      # pre-activations where |tanh'| < 0.01
    freqs, amplitude = diagnostics.spectrum(signal, sample_rate)

Every function accepts NumPy arrays or Tensors (read without their graph) and computes in float64. Arrays of
activations are laid out as (batch, units...): axis 0 runs over the samples of one batch.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from minigrad import activations
from minigrad.activations.mathops import ArrayMath
from minigrad.autograd import enable_grad, grad
from minigrad.nn.activation import Activation
from minigrad.nn.container import Sequential
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


def _array(values: Any) -> np.ndarray:
    """float64 host copy of an array or a Tensor (a Tensor's graph is ignored)."""
    if isinstance(values, Tensor):
        values = values.detach().numpy()
    return np.asarray(values, dtype=np.float64)


def _batch(values: Any, fn: str, minimum: int = 1) -> np.ndarray:
    array = _array(values)
    if array.ndim < 2 or array.shape[0] < minimum:
        raise ValueError(f"{fn} expects values of shape (batch, units...) with a batch of at least {minimum}, "
                         f"got shape {array.shape}")
    return array


def evaluate(activation: str, x: Any, **params: Any) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) of a pointwise activation of the catalog, from its declaration, in float64.

    `params` override the declared defaults (and are checked against the declaration). For a surrogate unit
    (sign, step, ...) f' is its declared estimator, the slope backward uses, not the true derivative.
    """
    spec = activations.get(activation)
    if not spec.pointwise:
        raise ValueError(f"{activation} is a {spec.kind} activation: only pointwise ones have an elementwise "
                         f"derivative; pointwise activations: minigrad.activations.names('pointwise')")
    bound = {k: tuple(v) if isinstance(v, list) else v for k, v in spec.bind(params).items()}
    m, x = ArrayMath(np, np.float64), _array(x)
    return (np.broadcast_to(spec.f(m, x, **bound), x.shape).copy(),
            np.broadcast_to(spec.df(m, x, **bound), x.shape).copy())


def dead_units(values: Any, threshold: float | None = None, atol: float = 0.0) -> np.ndarray:
    """Which units never respond over a batch: a boolean array of shape values.shape[1:].

    - Activations (threshold=None): unit j is dead when max_i a_ij - min_i a_ij <= atol, flat over the batch. A
      dead ReLU outputs 0 for every sample; a sigmoid saturated at 1 outputs 1. Either way the unit passes the
      same value for every input, so it carries no information about the input (needs a batch of >= 2).
    - Pre-activations (threshold=t): unit j is dead when z_ij <= t for every sample i. For ReLU (t = 0) that is
      the unit whose input never reaches the linear part: its gradient is 0 on the whole batch, so no
      gradient step can revive it (on this batch).
    """
    if threshold is None:
        array = _batch(values, "dead_units", minimum=2)
        return np.ptp(array, axis=0) <= atol
    return np.all(_batch(values, "dead_units") <= threshold, axis=0)


def dead_fraction(values: Any, threshold: float | None = None, atol: float = 0.0) -> float:
    """The fraction of units that are dead on this batch, in [0, 1] (see `dead_units` for the definition)."""
    return float(np.mean(dead_units(values, threshold, atol)))


def sparsity(values: Any, atol: float = 0.0) -> float:
    """The fraction of entries with |a| <= atol, in [0, 1]: exact zeros by default (ReLU's sparsity), or the
    magnitude-threshold sparsity of units that are never exactly 0 (GELU, SiLU) with atol > 0."""
    array = _array(values)
    if array.size == 0:
        raise ValueError("sparsity of an empty array is undefined")
    return float(np.mean(np.abs(array) <= atol))


def saturation_fraction(pre_activations: Any, activation: str | None = None, eps: float = 1e-2,
                        threshold: float | None = None, **params: Any) -> float:
    """The fraction of pre-activations z in the saturated region of the activation, in [0, 1].

    With `activation` (a pointwise catalog name, parameters in `params`): the fraction where |f'(z)| < eps, with
    f' the declaration's derivative - where backward multiplies the gradient by almost nothing. (For ReLU it
    is the fraction of z <= 0, as relu'(0) = 0; for tanh and eps = 0.01, |z| > 2.99.) With `threshold`
    instead: the fraction where |z| >= threshold. Give exactly one of the two.
    """
    if (activation is None) == (threshold is None):
        raise ValueError("saturation_fraction: give either an activation name (saturated where |f'(z)| < eps) "
                         "or a threshold (saturated where |z| >= threshold), not both and not neither")
    z = _array(pre_activations)
    if z.size == 0:
        raise ValueError("saturation_fraction of an empty array is undefined")
    if threshold is not None:
        return float(np.mean(np.abs(z) >= threshold))
    if not eps > 0:
        raise ValueError(f"saturation_fraction: eps must be > 0, got {eps!r}")
    return float(np.mean(np.abs(evaluate(activation, z, **params)[1]) < eps))


def _layers(model: Sequential, prefix: str = "") -> list[tuple[str, Module]]:
    """The modules a Sequential applies in order, nested Sequentials opened, with dotted names."""
    layers = []
    for name, child in model.named_children():
        path = f"{prefix}.{name}" if prefix else name
        layers += _layers(child, path) if isinstance(child, Sequential) else [(path, child)]
    return layers


def _norm(g: Tensor | None) -> float | None:
    return None if g is None else float(np.linalg.norm(_array(g)))


def layer_statistics(model: Sequential, x: Any,
                     loss_fn: Callable[[Tensor], Tensor] | None = None) -> list[dict[str, Any]]:
    """Statistics of every layer's output on one batch `x`, for signal-propagation and gradient-flow plots.

    The model must be a Sequential (an MLP is one); its layers are run one by one. Each entry holds
    `name` (the dotted path, as in named_modules), `kind` (the class, or the activation's name), `shape`,
    `mean`, `std` and `fraction_zero` of the output a, and, when `loss_fn(output)` gives a scalar loss L:
    `grad_norm` = ||dL/da||_2, the backward signal reaching that layer, and `param_grad_norm` = the norm of dL/dθ
    over the layer's own parameters θ (None for a layer without parameters). Without loss_fn both are None.
    Gradients are computed with minigrad.grad, so the parameters' .grad are left as they were.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"layer_statistics walks a Sequential (nn.MLP is one) layer by layer, got "
                        f"{type(model).__name__}")
    layers = _layers(model)
    params = {name: list(layer.parameters()) for name, layer in layers}
    dtype = next(model.parameters()).dtype if any(params.values()) else None
    with enable_grad():
        h = (x.detach() if isinstance(x, Tensor) else Tensor(x, dtype=dtype)).requires_grad_()
        outputs = []
        for _, layer in layers:
            h = layer(h)
            outputs.append(h)
        grads_out: list[Tensor | None] = [None] * len(layers)
        grads_param: dict[str, list[Tensor | None]] = {}
        if loss_fn is not None:
            loss = loss_fn(h)
            if not isinstance(loss, Tensor) or loss.size != 1:
                raise ValueError(f"layer_statistics: loss_fn must return a scalar Tensor, got "
                                 f"{getattr(loss, 'shape', type(loss).__name__)}")
            flat = [p for name, _ in layers for p in params[name]]
            grads = grad(loss, outputs + flat, allow_unused=True)
            grads_out, rest = list(grads[:len(outputs)]), iter(grads[len(outputs):])
            grads_param = {name: [next(rest) for _ in params[name]] for name, _ in layers}
    stats = []
    for (name, layer), out, g in zip(layers, outputs, grads_out):
        a = _array(out)
        own = [p for p in grads_param.get(name, []) if p is not None]
        stats.append(dict(
            name=name, kind=layer.name if isinstance(layer, Activation) else type(layer).__name__,
            shape=a.shape, mean=float(a.mean()), std=float(a.std()), fraction_zero=float(np.mean(a == 0)),
            grad_norm=_norm(g),
            param_grad_norm=float(np.sqrt(sum(_norm(p) ** 2 for p in own))) if own else None,
        ))
    return stats


def spectrum(signal: Any, sample_rate: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The one-sided amplitude spectrum of a real 1-D signal: (frequencies, amplitudes), numpy.fft.rfft based.

    With X_k = sum_t x_t e^(-2 pi i k t / n), the amplitude is |X_0| / n at frequency 0 (the mean, ReLU's "DC
    term"), 2 |X_k| / n at f_k = k sample_rate / n and |X_(n/2)| / n at the Nyquist frequency: a sinusoid
    A cos(2 pi f t + phase) whose frequency f falls on a bin shows up as A at f. Frequencies are in cycles per
    unit of 1 / sample_rate (Hz for samples per second). No window is applied: a frequency between bins leaks
    into its neighbours.
    """
    x = _array(signal)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"spectrum expects a 1-D signal of at least 2 samples, got shape {x.shape}")
    if not (np.isfinite(sample_rate) and sample_rate > 0):
        raise ValueError(f"spectrum: sample_rate must be a finite number > 0, got {sample_rate!r}")
    n = x.size
    amplitude = np.abs(np.fft.rfft(x)) / n
    amplitude[1:] *= 2
    if n % 2 == 0:
        amplitude[-1] /= 2
    return np.fft.rfftfreq(n, d=1.0 / sample_rate), amplitude
