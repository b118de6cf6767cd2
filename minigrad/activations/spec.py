"""The declaration of an activation: everything known about it, written once.

A pointwise activation is declared by its math in one form, `f(m, x, **params)`, where `m` is a small math
namespace (see `mathops.py`). The same function then runs on NumPy arrays (the reference), on Tensors (a
differentiable derivative, so gradients of gradients work) and, in the kernel backends, on symbols from which
kernel source is generated. Everything else — the Tensor function `F.<name>`, the `nn.Activation` module, the zoo
plots, the docs table and the tests — is derived from the declaration.

Other kinds (gated units, vector-valued maps, normalization layers, basis families) are declared with a Tensor
function `fn(x, **params)` composed of minigrad ops, whose gradients come from autodiff.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

KINDS = ("pointwise", "gated", "vector", "layer", "basis", "estimator")
SMOOTHNESS = ("discontinuous", "C0", "C1", "C2", "Cinf")
FAMILIES = {
    "sigmoidal": "Sigmoid-shaped, saturating, threshold and bump units",
    "relu": "ReLU family: piecewise-linear, clipped, thresholded units",
    "selection": "Selection and sparse units: TopK, GroupSort, CATS, dReLU, mAND",
    "smooth": "Smooth ReLUs and self-gated units",
    "statistics": "Context- and statistics-dependent units",
    "periodic": "Periodic, wavelet and INR nonlinearities",
    "rational": "Rational, polynomial and learnable-shape activations",
    "glu": "Gated linear units",
    "normalization": "Normalization-activation layers",
    "probability": "Probability maps: softmax and its relatives",
    "kan": "KAN basis families",
    "surrogate": "Discrete units and surrogate gradients",
    "identity": "Identity, gates and logic relaxations",
}


@dataclass(frozen=True)
class Interval:
    """The allowed values of a numeric parameter, e.g. Interval(0, inf, closed_low=False) for 'positive'."""

    low: float = -math.inf
    high: float = math.inf
    closed_low: bool = True
    closed_high: bool = True

    def contains(self, value: Any) -> bool:
        v = np.asarray(value, dtype=float)
        above = v >= self.low if self.closed_low else v > self.low
        below = v <= self.high if self.closed_high else v < self.high
        return bool(np.all(above & below))

    def __str__(self) -> str:
        if self == REAL:
            return "any real number"
        if self.high == math.inf:
            return f"{'>=' if self.closed_low else '>'} {self.low:g}"
        if self.low == -math.inf:
            return f"{'<=' if self.closed_high else '<'} {self.high:g}"
        return f"in {'[' if self.closed_low else '('}{self.low:g}, {self.high:g}{']' if self.closed_high else ')'}"


REAL = Interval()
POSITIVE = Interval(0.0, closed_low=False)
NONNEGATIVE = Interval(0.0)


@dataclass(frozen=True)
class Param:
    """One parameter of an activation.

    `default` is a float, a tuple of floats (a coefficient vector, e.g. a rational's numerator) or, for a
    parameter that selects a form rather than a value, one of `choices` (e.g. GELU's approximate="tanh").
    A `learnable` parameter becomes an `nn.Parameter` in `nn.Activation`; its gradient is `dparams[name]`.
    `per_channel` parameters may be vectors that apply along dimension 1 of the input (PyTorch's channel
    dimension, as in PReLU); `integer` ones are counts (a degree, k of TopK); `static` numbers are fixed per call
    and compiled into kernels as constants (a formula may branch on them in Python, e.g. to check their order).
    """

    name: str
    default: Any
    doc: str = ""
    learnable: bool = False
    domain: Interval = REAL
    choices: tuple | None = None
    per_channel: bool = False
    integer: bool = False
    static: bool = False

    @property
    def is_static(self) -> bool:
        """Static parameters shape the computation (a choice, an integer, a dimension, or numbers marked `static`
        such as fixed breakpoints): kernels bake them in as constants, and they carry no gradient."""
        return self.choices is not None or self.integer or self.static

    def check(self, activation: str, value: Any) -> None:
        """Raise ValueError naming the activation, the parameter, the value and what is allowed."""
        if self.choices is not None:
            if value not in self.choices:
                raise ValueError(f"{activation}: {self.name} must be one of {self.choices}, got {value!r}")
            return
        if self.integer:
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not self.domain.contains(value):
                allowed = "" if self.domain == REAL else f" {self.domain}"
                raise ValueError(f"{activation}: {self.name} must be an integer{allowed}, got {value!r}")
            return
        data = getattr(value, "data", value)
        try:
            array = np.asarray(data.get() if hasattr(data, "get") else data, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{activation}: {self.name} must be a number or a float tensor, "
                            f"got {type(value).__name__}") from None
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{activation}: {self.name} must be finite, got {value!r}")
        if not self.domain.contains(array):
            raise ValueError(f"{activation}: {self.name} must be {self.domain}, got {value!r}")


@dataclass(frozen=True)
class Kink:
    """A point where the derivative jumps, and the value the declared derivative takes there.

    `at` and `derivative` are numbers or functions of the parameters (a dict), e.g. hardtanh's kinks at
    min_val and max_val. `convention` says where the value comes from (PyTorch's choice, usually).
    """

    at: float | Callable[[dict], float]
    derivative: float | Callable[[dict], float]
    convention: str = "PyTorch"

    def location(self, params: dict) -> float:
        return float(self.at(params) if callable(self.at) else self.at)

    def value(self, params: dict) -> float:
        return float(self.derivative(params) if callable(self.derivative) else self.derivative)


MathForm = Callable[..., Any]


def length(value: Any) -> int:
    """How many numbers a parameter holds (a number, a sequence, an array or a Tensor)."""
    return int(np.size(getattr(value, "data", value)))


def nonempty(*names: str) -> Callable[[dict], str | None]:
    """A `check` that each named vector parameter holds at least one number (a polynomial's coefficients)."""
    def check(params: dict) -> str | None:
        empty = [name for name in names if length(params[name]) == 0]
        return f"{', '.join(empty)} must hold at least one coefficient, got none" if empty else None

    return check


@dataclass(frozen=True)
class ActivationSpec:
    """An activation function, declared once. See the module docstring for how the forms are used.

    Pointwise activations give `f` and `df` (d f / d x, written in the same math namespace, so it can be
    differentiated again) and, for each learnable parameter, `dparams[name]` (d f / d param). A `surrogate`
    activation's `df` is the declared estimator (straight-through and friends), not the true derivative.
    Other kinds give `fn`, a function of Tensors; the tests feed it a float64 input of `input_shape`.
    `x_domain` narrows where f is defined or tested (e.g. a basis on [-1, 1]); `plot_range` is the window the
    zoo draws (narrow for high frequencies such as SIREN's sin(30 x)). `check` states what no single parameter
    can (lengths that must agree, an order): given the bound parameters it returns what is wrong, or None.
    """

    name: str
    family: str
    kind: str
    formula: str
    paper: str
    catalog_id: str
    params: tuple[Param, ...] = ()
    f: MathForm | None = None
    df: MathForm | None = None
    dparams: dict[str, MathForm] = field(default_factory=dict)
    fn: Callable[..., Any] | None = None
    derivative: str = ""
    kinks: tuple[Kink, ...] = ()
    range: tuple[float, float] | Callable[[dict], tuple[float, float]] = (-math.inf, math.inf)
    monotonic: bool | None = None
    smooth: str = "Cinf"
    symmetry: str | None = None
    surrogate: bool = False
    stochastic: bool = False
    x_domain: tuple[float, float] = (-math.inf, math.inf)
    input_shape: tuple[int, ...] = (4, 6)
    plot_range: tuple[float, float] = (-7.0, 7.0)
    torch: str | None = None
    jax: str | None = None
    notes: str = ""
    uncertain: str = ""
    check: Callable[[dict], str | None] | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.kind not in KINDS:
            problems.append(f"kind {self.kind!r} is not one of {KINDS}")
        if self.family not in FAMILIES:
            problems.append(f"family {self.family!r} is not one of {sorted(FAMILIES)}")
        if self.smooth not in SMOOTHNESS:
            problems.append(f"smooth {self.smooth!r} is not one of {SMOOTHNESS}")
        if self.symmetry not in (None, "odd", "even"):
            problems.append(f"symmetry must be None, 'odd' or 'even', got {self.symmetry!r}")
        if self.kind == "pointwise":
            if self.f is None or self.df is None:
                problems.append("a pointwise activation needs both f and df")
            missing = [name for name in self.learnable if name not in self.dparams]
            if missing:
                problems.append(f"learnable parameters without a gradient in dparams: {missing}")
        elif self.fn is None:
            problems.append(f"a {self.kind} activation needs fn")
        if problems:
            raise ValueError(f"declaration of {self.name!r}: " + "; ".join(problems))

    @property
    def pointwise(self) -> bool:
        return self.kind == "pointwise"

    @property
    def learnable(self) -> tuple[str, ...]:
        """The names of the parameters a model may train, in declaration order."""
        return tuple(p.name for p in self.params if p.learnable)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def range_for(self, params: dict) -> tuple[float, float]:
        """The closed hull of the values f takes, for these parameters."""
        low, high = self.range(params) if callable(self.range) else self.range
        return float(low), float(high)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def bind(self, params: dict[str, Any]) -> dict[str, Any]:
        """The full parameter set: defaults overridden by `params`, each checked, then together (`check`);
        unknown names are refused."""
        known = {p.name for p in self.params}
        unknown = sorted(set(params) - known)
        if unknown:
            allowed = ", ".join(sorted(known)) or "none"
            raise TypeError(f"{self.name}: unexpected parameter(s) {', '.join(unknown)}; its parameters: {allowed}")
        bound = {**self.defaults(), **params}
        for p in self.params:
            p.check(self.name, bound[p.name])
        problem = self.check(bound) if self.check is not None else None
        if problem:
            raise ValueError(f"{self.name}: {problem}")
        return bound
