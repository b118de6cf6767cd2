"""Elementwise primitives, each next to its gradient.

Every backward is written with Tensor ops, so it can be differentiated again. Binary ops broadcast as
NumPy does; their backward sums the gradient back to each input's shape (`sum_to`).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad.autograd import Function
from minigrad.device import array_module, move, special
from minigrad.tensor import DEFAULT_FLOAT, Tensor

Scalar = float | int | bool


def lift(value: Any, like: Tensor) -> Tensor:
    """Turn a Python number or array into a constant Tensor that fits next to `like`.

    A Python number takes the dtype of a float `like` (as in PyTorch: float32 tensor * 2.5 stays
    float32); a Python float next to an integer tensor becomes float32.
    """
    if isinstance(value, Tensor):
        return value
    xp = array_module(like.data)
    if isinstance(value, (bool, int, float)):
        if like.dtype.kind == "f":
            dtype = like.dtype
        elif isinstance(value, float):
            dtype = DEFAULT_FLOAT
        else:
            dtype = None
        return Tensor._wrap(xp.asarray(value, dtype=dtype))
    return Tensor(value, device=like.device)


def _float_for_python_float(t: Tensor, other: Any) -> Tensor:
    """An integer or bool tensor next to a Python float computes in float32, as in PyTorch
    (int64 tensor * 0.5 is float32; NumPy would make it float64). Such tensors never require grad."""
    if isinstance(other, float) and t.dtype.kind in "biu":
        return Tensor._wrap(t.data.astype(DEFAULT_FLOAT))
    return t


def pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    if isinstance(a, Tensor):
        return _float_for_python_float(a, b), lift(b, a)
    return lift(a, b), _float_for_python_float(b, a)


def sum_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum a broadcast gradient back down to `shape` (the adjoint of broadcasting)."""
    if x.shape == shape:
        return x
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1
    )
    from minigrad.ops.reduce import sum as reduce_sum

    return reduce_sum(x, axes, keepdim=True).reshape(shape)


def _grads_to_inputs(fn: Function, *grads: Any) -> tuple[Tensor | None, ...]:
    """Evaluate (lazily) each input's gradient and sum it to that input's shape."""
    out = []
    for needed, x, make in zip(fn.needs_input_grad, fn.inputs, grads):
        out.append(sum_to(make(), x.shape) if needed else None)
    return tuple(out)


# ---- binary ---------------------------------------------------------------------------------------
class Add(Function):
    def forward(self, a, b): return a + b

    def backward(self, g):
        return _grads_to_inputs(self, lambda: g, lambda: g)


class Sub(Function):
    def forward(self, a, b): return a - b

    def backward(self, g):
        return _grads_to_inputs(self, lambda: g, lambda: -g)


class Mul(Function):
    def forward(self, a, b): return a * b

    def backward(self, g):
        a, b = self.inputs
        return _grads_to_inputs(self, lambda: g * b, lambda: g * a)


class Div(Function):
    def forward(self, a, b): return a / b

    def backward(self, g):
        a, b = self.inputs
        return _grads_to_inputs(self, lambda: g / b, lambda: -g * self.output / b)


class Pow(Function):
    """a ** b. d/da = b a^(b-1); d/db = a^b log a, taken as 0 where a == 0 (PyTorch's convention)."""

    def forward(self, a, b): return a ** b

    def backward(self, g):
        a, b = self.inputs

        def grad_exponent():
            positive = a > 0
            xp = array_module(a.data)
            zero_or_nan = Tensor._wrap(xp.where(a.data == 0, 0.0, math.nan).astype(g.dtype))  # log a for a <= 0
            log_a = where(positive, log(where(positive, a, 1.0)), zero_or_nan)
            return g * self.output * log_a

        def grad_base():
            zero_to_zero = (a.data == 0) & (b.data == 0)
            if zero_to_zero.any():  # d(a^0)/da = 0 also at a = 0, where 0 * 0^-1 would warn and be NaN
                return g * (b * where(zero_to_zero, 1.0, a) ** (b - 1))
            return g * (b * a ** (b - 1))

        return _grads_to_inputs(self, grad_base, grad_exponent)


class Maximum(Function):
    """max(a, b); on a tie the gradient is split evenly between a and b (as PyTorch)."""

    def forward(self, a, b): return array_module(a).maximum(a, b)

    def backward(self, g):
        return _split_by_winner(self, g, "greater")


class Minimum(Function):
    def forward(self, a, b): return array_module(a).minimum(a, b)

    def backward(self, g):
        return _split_by_winner(self, g, "less")


def _split_by_winner(fn: Function, g: Tensor, wins: str) -> tuple[Tensor | None, ...]:
    a, b = fn.inputs
    xp = array_module(a.data)
    share_a = getattr(xp, wins)(a.data, b.data) + 0.5 * (a.data == b.data)
    share_a = Tensor._wrap(share_a.astype(g.dtype, copy=False))
    return _grads_to_inputs(fn, lambda: g * share_a, lambda: g * (1 - share_a))


class Where(Function):
    """condition ? a : b, elementwise. The condition is a constant bool tensor."""

    def forward(self, condition, a, b): return array_module(a).where(condition, a, b)

    def backward(self, g):
        condition = self.inputs[0]
        return _grads_to_inputs(self, None, lambda: where(condition, g, 0.0), lambda: where(condition, 0.0, g))


# ---- unary ----------------------------------------------------------------------------------------
class Neg(Function):
    def forward(self, x): return -x
    def backward(self, g): return -g


class Exp(Function):
    def forward(self, x): return array_module(x).exp(x)
    def backward(self, g): return g * self.output


class Log(Function):
    def forward(self, x): return array_module(x).log(x)
    def backward(self, g): return g / self.inputs[0]


class Log1p(Function):
    def forward(self, x): return array_module(x).log1p(x)
    def backward(self, g): return g / (1 + self.inputs[0])


class Expm1(Function):
    def forward(self, x): return array_module(x).expm1(x)
    def backward(self, g): return g * (self.output + 1)


class Sqrt(Function):
    def forward(self, x): return array_module(x).sqrt(x)
    def backward(self, g): return g / (2 * self.output)


class Sin(Function):
    def forward(self, x): return array_module(x).sin(x)
    def backward(self, g): return g * cos(self.inputs[0])


class Cos(Function):
    def forward(self, x): return array_module(x).cos(x)
    def backward(self, g): return -g * sin(self.inputs[0])


class Relu(Function):
    """max(x, 0), with relu'(0) = 0 (PyTorch's convention). Backward multiplies by the mask x > 0."""

    def forward(self, x): return array_module(x).maximum(x, 0)
    def backward(self, g): return g * (self.inputs[0] > 0)


def stable_sigmoid(x: Any) -> Any:
    """1 / (1 + e^-x) of an array, as e^-|x| based branches: e^-|x| <= 1 never overflows."""
    xp = array_module(x)
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def stable_dsigmoid(x: Any) -> Any:
    """sigmoid'(x) = s(x) s(-x) of an array, as e / (1 + e)^2 with e = e^-|x|: one exp, and none of the
    cancellation of s (1 - s), which rounds to 0 in float32 once s rounds to 1 (x > ~17)."""
    xp = array_module(x)
    e = xp.exp(-xp.abs(x))
    return e / ((1 + e) * (1 + e))


def stable_softplus(x: Any) -> Any:
    """log(1 + e^x) of an array as max(x, 0) + log1p(e^-|x|): no overflow, full precision in both tails."""
    xp = array_module(x)
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


class Sigmoid(Function):
    """1 / (1 + e^-x), evaluated without overflow; derivative s(x) s(-x), accurate in both tails."""

    def forward(self, x): return stable_sigmoid(x)

    def backward(self, g):
        return g * self.output * sigmoid(-self.inputs[0])


class Softplus(Function):
    """log(1 + e^x) as max(x, 0) + log1p(e^-|x|): no overflow; derivative sigmoid(x), smooth at 0."""

    def forward(self, x): return stable_softplus(x)

    def backward(self, g):
        return g * sigmoid(self.inputs[0])


class Tanh(Function):
    """tanh x; derivative 1 - tanh^2 x written as 4 s(2x) s(-2x), which keeps float32 tails accurate."""

    def forward(self, x): return array_module(x).tanh(x)

    def backward(self, g):
        two_x = 2 * self.inputs[0]
        return g * 4 * sigmoid(two_x) * sigmoid(-two_x)


class Erf(Function):
    """erf x = 2/sqrt(pi) * integral_0^x e^(-t^2) dt."""

    def forward(self, x): return special("erf", x)

    def backward(self, g):
        x = self.inputs[0]
        return g * (2 / math.sqrt(math.pi)) * exp(-x * x)


class Erfc(Function):
    """erfc x = 1 - erf x, computed directly: 1 - erf(x) loses every digit once erf(x) rounds to 1 (x > ~6)."""

    def forward(self, x): return special("erfc", x)

    def backward(self, g):
        x = self.inputs[0]
        return g * (-2 / math.sqrt(math.pi)) * exp(-x * x)


class Atan(Function):
    """arctan x, with derivative 1 / (1 + x^2)."""

    def forward(self, x): return array_module(x).arctan(x)
    def backward(self, g): return g / (1 + self.inputs[0] * self.inputs[0])


class Abs(Function):
    """|x|, with d|x|/dx = sign(x) and 0 at x = 0 (PyTorch's convention)."""

    def forward(self, x): return array_module(x).abs(x)
    def backward(self, g): return g * sign(self.inputs[0])


class Cast(Function):
    def forward(self, x, dtype): return x.astype(dtype)
    def backward(self, g): return Cast.apply(g, dtype=self.inputs[0].dtype)


class ToDevice(Function):
    def forward(self, x, device): return move(x, device)
    def backward(self, g): return ToDevice.apply(g, device=self.inputs[0].device)


# ---- the functions learners call ------------------------------------------------------------------
def add(a, b) -> Tensor: return Add.apply(*pair(a, b))
def sub(a, b) -> Tensor: return Sub.apply(*pair(a, b))
def mul(a, b) -> Tensor: return Mul.apply(*pair(a, b))
def div(a, b) -> Tensor: return Div.apply(*pair(a, b))
def pow(a, b) -> Tensor: return Pow.apply(*pair(a, b))
def maximum(a, b) -> Tensor: return Maximum.apply(*pair(a, b))
def minimum(a, b) -> Tensor: return Minimum.apply(*pair(a, b))
def neg(x: Tensor) -> Tensor: return Neg.apply(x)
def exp(x: Tensor) -> Tensor: return Exp.apply(x)
def log(x: Tensor) -> Tensor: return Log.apply(x)
def log1p(x: Tensor) -> Tensor: return Log1p.apply(x)
def expm1(x: Tensor) -> Tensor: return Expm1.apply(x)
def sqrt(x: Tensor) -> Tensor: return Sqrt.apply(x)
def sin(x: Tensor) -> Tensor: return Sin.apply(x)
def cos(x: Tensor) -> Tensor: return Cos.apply(x)
def tanh(x: Tensor) -> Tensor: return Tanh.apply(x)
def sigmoid(x: Tensor) -> Tensor: return Sigmoid.apply(x)
def softplus(x: Tensor) -> Tensor: return Softplus.apply(x)
def erf(x: Tensor) -> Tensor: return Erf.apply(x)
def erfc(x: Tensor) -> Tensor: return Erfc.apply(x)
def atan(x: Tensor) -> Tensor: return Atan.apply(x)
def abs(x: Tensor) -> Tensor: return Abs.apply(x)
def cast(x: Tensor, dtype: Any) -> Tensor: return Cast.apply(x, dtype=np.dtype(dtype))
def to_device(x: Tensor, device: str) -> Tensor: return ToDevice.apply(x, device=device)


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elementwise `a if condition else b`; gradients flow to the branch that was taken."""
    if isinstance(condition, Tensor):
        condition = condition.data
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        # two numbers, as torch.where(c, 1.0, 0.0): a float32 tensor (int64 for two ints) where the condition is
        floating = isinstance(a, float) or isinstance(b, float)
        a = Tensor._wrap(array_module(condition).asarray(a, dtype=DEFAULT_FLOAT if floating else np.int64))
    a, b = pair(a, b)
    condition = Tensor._wrap(array_module(a.data).asarray(condition, dtype=bool))
    return Where.apply(condition, a, b)


def relu(x: Tensor) -> Tensor: return Relu.apply(x)


def clip(x: Tensor, min: Scalar | Tensor | None = None, max: Scalar | Tensor | None = None) -> Tensor:
    """Clamp x into [min, max]; the gradient is 1 inside and on the bounds, 0 outside (as torch.clamp)."""
    if min is None and max is None:
        raise ValueError("clip needs at least one of min and max")
    if min is not None:
        x = where(x < min, min, x)
    if max is not None:
        x = where(x > max, max, x)
    return x


def sign(x: Tensor) -> Tensor:
    """-1, 0 or +1. A constant: it passes no gradient."""
    return Tensor._wrap(array_module(x.data).sign(x.data))


def floor(x: Tensor) -> Tensor:
    """The largest integer <= x. Piecewise constant: it passes no gradient."""
    return Tensor._wrap(array_module(x.data).floor(x.data))


def logical(a: Tensor, b: Any, name: str) -> Tensor:
    """&, | and ~ of bool tensors (NumPy ufunc `name`; b is None for `not`); carries no gradient."""
    operands = [a] if b is None else list(pair(a, b))
    if any(t.dtype.kind != "b" for t in operands):
        raise TypeError(f"{name} needs bool tensors (comparisons such as x > 0), got "
                        f"{', '.join(str(t.dtype) for t in operands)}")
    return Tensor._wrap(getattr(array_module(a.data), name)(*(t.data for t in operands)))


def compare(a: Any, b: Any, name: str) -> Tensor:
    """An elementwise comparison (NumPy ufunc `name`) as a bool tensor; carries no gradient."""
    a, b = pair(a, b)
    return Tensor._wrap(getattr(array_module(a.data), name)(a.data, b.data))
