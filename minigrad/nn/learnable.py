"""Learnable activations as named modules, with PyTorch's signatures where PyTorch has the module (PReLU).

    nn.PReLU(num_parameters=64)            one negative slope per channel
    nn.Snake(in_features=64)               one learnable frequency per feature
    nn.PAU(init="gelu")                    a rational P/Q fitted to GELU, then learned
    nn.MixedActivation(["relu", "tanh", "elu"], num_features=64)

Each class but the last is `nn.Activation` of one catalog declaration: the formula, its derivative and the
gradients of its parameters live in the declaration (minigrad/activations); a class here only chooses the
parameters' shapes and their initial values. Per-channel parameters act along dimension 1 of the input, as
torch's PReLU: the features of a (batch, features) input.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from minigrad import activations
from minigrad.activations.mathops import ArrayMath
from minigrad.nn.activation import Activation, resolve
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.ops import stack
from minigrad.tensor import DEFAULT_FLOAT, Tensor


def _count(cls: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{cls}: {name} must be a positive integer, got {value!r}")
    return int(value)


class _Learnable(Activation):
    """Activation(function_name, **params) that shows its constructor's settings in its repr."""

    function_name: str

    def __init__(self, settings: dict[str, Any], learnable: bool = True, dtype: Any = DEFAULT_FLOAT,
                 **params: Any):
        super().__init__(self.function_name, learnable=learnable, dtype=dtype, **params)
        self.settings = settings

    def extra_repr(self) -> str:
        return ", ".join(f"{key}={value!r}" for key, value in self.settings.items())


class PReLU(_Learnable):
    """max(0, x) + a min(0, x) with a learnable slope a, as torch.nn.PReLU: one slope shared by all channels
    (num_parameters=1) or one per channel, each starting at `init`. The weight has shape (num_parameters,)."""

    function_name = "prelu"

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype: Any = DEFAULT_FLOAT):
        num_parameters = _count("PReLU", "num_parameters", num_parameters)
        super().__init__(dict(num_parameters=num_parameters), dtype=dtype, weight=(float(init),) * num_parameters)


class Snake(_Learnable):
    """x + sin^2(alpha x) / alpha (Ziyin et al.; BigVGAN): a linear trend plus a ripple of frequency alpha > 0.

    With `in_features` each feature learns its own alpha (shape (in_features,)); without, one alpha is shared
    (a scalar). learnable=False keeps alpha fixed.
    """

    function_name = "snake"

    def __init__(self, in_features: int | None = None, alpha: float = 1.0, learnable: bool = True,
                 dtype: Any = DEFAULT_FLOAT):
        value: Any = float(alpha)
        if in_features is not None:
            value = (value,) * _count("Snake", "in_features", in_features)
        super().__init__(dict(in_features=in_features, alpha=alpha), learnable=learnable, dtype=dtype, alpha=value)


def rational_fit(target: str, numerator_degree: int = 5, denominator_degree: int = 4,
                 interval: tuple[float, float] = (-3.0, 3.0), points: int = 201,
                 **params: Any) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Coefficients (a_0..a_m, b_1..b_n) of the PAU rational P(x) / (1 + sum_k |b_k| |x|^k) closest to the catalog
    activation `target` (with `params`) in least squares on `points` evenly spaced x in `interval`.

    Only |b_k| matters, so the fit takes b_k >= 0. It starts from the linearised problem
    P(x) - f(x) sum_k b_k |x|^k = f(x) (linear in a and b, solved with b >= 0), then minimises the true squared
    error of P/Q - f (scipy's trust-region reflective method), with the Jacobian from the pau declaration's
    parameter gradients.
    """
    from scipy.optimize import least_squares, lsq_linear

    from minigrad.diagnostics import evaluate

    m_degree = _count("rational_fit", "numerator_degree", numerator_degree)
    n_degree = _count("rational_fit", "denominator_degree", denominator_degree)
    low, high = interval
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"rational_fit: interval must be finite (low, high) with low < high, got {interval!r}")
    x = np.linspace(low, high, _count("rational_fit", "points", points))
    f = evaluate(target, x, **params)[0]
    powers = x[:, None] ** np.arange(m_degree + 1)
    folded = np.abs(x)[:, None] ** np.arange(1, n_degree + 1)
    bounds = (np.r_[np.full(m_degree + 1, -np.inf), np.zeros(n_degree)], np.inf)
    start = lsq_linear(np.hstack([powers, -f[:, None] * folded]), f, bounds=bounds).x
    pau, m = activations.get("pau"), ArrayMath(np, np.float64)

    def split(c: np.ndarray) -> dict[str, tuple[float, ...]]:
        return dict(numerator=tuple(c[:m_degree + 1]), denominator=tuple(c[m_degree + 1:]))

    def jacobian(c: np.ndarray) -> np.ndarray:
        grads = [pau.dparams[name](m, x, **split(c)) for name in ("numerator", "denominator")]
        return np.stack([np.broadcast_to(g, x.shape) for g in grads[0] + grads[1]], axis=1)

    # the method keeps every iterate strictly inside the bounds: b_k > 0, where d/db_k is the smooth one
    fit = least_squares(lambda c: pau.f(m, x, **split(c)) - f, start, jac=jacobian, bounds=bounds, method="trf")
    coefficients = split(fit.x)
    return coefficients["numerator"], coefficients["denominator"]


class PAU(_Learnable):
    """The Padé activation unit P(x) / Q(x) = (sum_j a_j x^j) / (1 + sum_k |b_k| |x|^k), all coefficients learned.

    The safe denominator is >= 1: no poles. `init` is the name of a catalog activation to start from (the
    rational closest to it on [-3, 3], see `rational_fit`; "leaky_relu" at the default degrees (5, 4) takes the
    declared coefficients, the authors' fit of leaky_relu(x, 0.01)) or explicit coefficients
    (numerator a_0..a_m, denominator b_1..b_n), whose lengths then set the degrees.
    """

    function_name = "pau"

    def __init__(self, numerator_degree: int = 5, denominator_degree: int = 4,
                 init: str | tuple[Sequence[float], Sequence[float]] = "leaky_relu", dtype: Any = DEFAULT_FLOAT):
        declared = activations.get("pau").defaults()
        if not isinstance(init, str):
            if not (isinstance(init, (tuple, list)) and len(init) == 2 and all(len(part) for part in init)):
                raise TypeError(f"PAU: init must be an activation name or a pair (numerator, denominator) of "
                                f"non-empty coefficient sequences, got {init!r}")
            numerator, denominator = (tuple(float(c) for c in part) for part in init)
        elif init == "leaky_relu" and (numerator_degree, denominator_degree) == (
                len(declared["numerator"]) - 1, len(declared["denominator"])):
            numerator, denominator = declared["numerator"], declared["denominator"]
        else:
            numerator, denominator = rational_fit(init, numerator_degree, denominator_degree)
        super().__init__(dict(numerator_degree=len(numerator) - 1, denominator_degree=len(denominator),
                              init=init if isinstance(init, str) else "given"),
                         dtype=dtype, numerator=numerator, denominator=denominator)


class _AdaptiveParametric(_Learnable):
    """APA and AGLU: the two units of one paper, with the same two learnable parameters."""

    def __init__(self, kappa: float = 1.0, lambd: float = 1.0, dtype: Any = DEFAULT_FLOAT):
        super().__init__(dict(kappa=kappa, lambd=lambd), dtype=dtype, kappa=kappa, lambd=lambd)


class APA(_AdaptiveParametric):
    """The adaptive parametric activation (1 + lambd e^(-kappa x))^(-1/lambd): a sigmoid with learnable slope
    kappa > 0 and asymmetry lambd > 0 (lambd = kappa = 1: the logistic sigmoid; lambd -> 0: the Gumbel CDF)."""

    function_name = "apa"


class AGLU(_AdaptiveParametric):
    """x APA(x), the self-gated unit of APA: lambd = kappa = 1 is SiLU, lambd -> 0 with kappa = 1 is GoLU."""

    function_name = "aglu"


class _Expanded(_Learnable):
    """The expanded-gating units: x [(1 + 2 alpha) g(x) - alpha] for a gate g, alpha learned (0 at the start)."""

    def __init__(self, alpha: float = 0.0, dtype: Any = DEFAULT_FLOAT):
        super().__init__(dict(alpha=alpha), dtype=dtype, alpha=alpha)


class XATLU(_Expanded):
    """x (g(x) + alpha (2 g(x) - 1)) with the arctan gate g(x) = 1/2 + arctan(x)/pi: the gate's range
    (-alpha, 1 + alpha) is learned (expanded gating ranges); alpha = 0 is ATLU."""

    function_name = "xatlu"


class XGELU(_Expanded):
    """xGELU: the expanded gate of XATLU with the normal CDF Phi as g; alpha = 0 is GELU."""

    function_name = "xgelu"


class XSiLU(_Expanded):
    """xSiLU: the expanded gate of XATLU with the logistic sigmoid as g; alpha = 0 is SiLU."""

    function_name = "xsilu"


SMART_MIXED = ("relu", "sigmoid", "tanh", "leaky_relu", "elu", "selu")


class MixedActivation(Module):
    """y_j = sum_k w_jk f_k(x_j), w_j = softmax(logits_j): each of `num_features` neurons learns its own mixture
    of the catalog activations `names` (SmartMixed's candidates by default), starting from the uniform one.

    `logits` has shape (num_features, len(names)) and acts along dimension 1 of the input (num_features = 1:
    one mixture for all). With hard=True the forward pass uses each neuron's favourite activation alone (the
    one-hot of argmax w_j) while the gradient is the soft mixture's (straight-through), SmartMixed's second
    phase; `selection()` names each neuron's favourite.
    """

    def __init__(self, names: Sequence[str] = SMART_MIXED, num_features: int = 1, hard: bool = False,
                 dtype: Any = DEFAULT_FLOAT):
        super().__init__()
        names = [names] if isinstance(names, str) else list(names)
        not_pointwise = [name for name in names if not activations.get(name).pointwise]
        if not names or not_pointwise:
            raise ValueError(f"MixedActivation mixes pointwise activations, at least one; got {names}"
                             + (f", of which {not_pointwise} are not pointwise" if not_pointwise else ""))
        self.names = tuple(names)
        self.functions = [resolve(name) for name in names]
        self.num_features = _count("MixedActivation", "num_features", num_features)
        self.hard = bool(hard)
        self.logits = Parameter(np.zeros((self.num_features, len(names)), dtype=dtype))

    def weights(self) -> Tensor:
        """w = softmax(logits) per neuron, shape (num_features, len(names)); one-hot (straight-through) if hard."""
        soft = self.logits.softmax(-1)
        if not self.hard:
            return soft
        chosen = np.eye(len(self.names), dtype=soft.dtype)[self.logits.data.argmax(-1)]
        return Tensor(chosen) + (soft - soft.detach())

    def selection(self) -> list[str]:
        """The name of each neuron's largest weight."""
        return [self.names[k] for k in self.logits.data.argmax(-1)]

    def forward(self, x: Tensor) -> Tensor:
        if self.num_features > 1 and (x.ndim < 2 or x.shape[1] != self.num_features):
            raise ValueError(f"MixedActivation(num_features={self.num_features}) mixes along dimension 1 of "
                             f"the input, which must have {self.num_features} entries; got shape {x.shape}")
        w = self.weights().to(dtype=x.dtype)
        if self.num_features > 1:
            w = w.reshape((self.num_features,) + (1,) * (x.ndim - 2) + (len(self.names),))
        return (stack([f(x) for f in self.functions], dim=-1) * w).sum(-1)

    def extra_repr(self) -> str:
        return f"names={list(self.names)}, num_features={self.num_features}, hard={self.hard}"
