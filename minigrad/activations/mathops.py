"""The math namespaces `m` that an activation's formulas are written in.

A declaration writes `f(m, x, alpha)` as, say, `m.where(x > 0, x, alpha * m.expm1(m.minimum(x, 0)))`. Run with
`ArrayMath` it computes on NumPy (or CuPy) arrays: the reference. Run with `TensorMath` it builds minigrad Tensor
ops, so a derivative written this way can itself be differentiated (second derivatives, Laplacians). A kernel
backend supplies a third namespace that records the formula as symbols and emits kernel source.

Every namespace offers exactly the names in `FUNCTIONS` plus the constant `pi`; operators (+ - * / ** and
comparisons) come from the values themselves.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import ops
from minigrad.device import array_module, special
from minigrad.ops.elementwise import stable_dsigmoid, stable_sigmoid, stable_softplus
from minigrad.tensor import Tensor

FUNCTIONS = ("exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tanh", "atan", "erf", "erfc", "gauss", "abs",
             "sign", "floor", "maximum", "minimum", "where", "sigmoid", "dsigmoid", "softplus")


class ArrayMath:
    """Formulas on arrays of one float dtype (NumPy on the CPU, CuPy on a GPU)."""

    pi = math.pi

    def __init__(self, xp: Any, dtype: Any):
        self.xp, self.dtype = xp, np.dtype(dtype)

    def exp(self, x): return self.xp.exp(self._array(x))
    def log(self, x): return self.xp.log(self._array(x))
    def log1p(self, x): return self.xp.log1p(self._array(x))
    def expm1(self, x): return self.xp.expm1(self._array(x))
    def sqrt(self, x): return self.xp.sqrt(self._array(x))
    def sin(self, x): return self.xp.sin(self._array(x))
    def cos(self, x): return self.xp.cos(self._array(x))
    def tanh(self, x): return self.xp.tanh(self._array(x))
    def atan(self, x): return self.xp.arctan(self._array(x))
    def erf(self, x): return special("erf", self._array(x))
    def erfc(self, x): return special("erfc", self._array(x))
    def gauss(self, x): return self.xp.exp(-self._array(x) ** 2)
    def abs(self, x): return self.xp.abs(self._array(x))
    def sign(self, x): return self.xp.sign(self._array(x))
    def floor(self, x): return self.xp.floor(self._array(x))
    def maximum(self, a, b): return self.xp.maximum(a, b)
    def minimum(self, a, b): return self.xp.minimum(a, b)
    def sigmoid(self, x): return stable_sigmoid(self._array(x))
    def dsigmoid(self, x): return stable_dsigmoid(self._array(x))
    def softplus(self, x): return stable_softplus(self._array(x))

    def _array(self, x):
        # a Python number (log(lambda) of a constant parameter) would give a float64 result and promote a
        # float32 formula to float64: numbers enter in the formula's dtype
        return self.dtype.type(x) if isinstance(x, (int, float)) else x

    def where(self, condition, a, b):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isfinite(a) and math.isfinite(b):
            # np.where runs ~10x slower than arithmetic on unpredictable masks; with two number branches,
            # a*[c] + b*[not c] is exact (one of the terms is 0) and keeps the formula's dtype
            chosen = condition.astype(self.dtype)
            out = chosen * a
            if b:
                out += (1 - chosen) * b
            return out
        out = self.xp.where(condition, a, b)
        return out.astype(self.dtype, copy=False) if out.dtype.kind == "f" else out


class TensorMath:
    """Formulas on minigrad Tensors: every step is recorded, so the result can be differentiated again."""

    pi = math.pi

    def __init__(self, xp: Any, dtype: Any):
        self.xp, self.dtype = xp, np.dtype(dtype)

    def _tensor(self, value: Any) -> Tensor:
        if isinstance(value, Tensor):
            return value
        return Tensor._wrap(self.xp.asarray(value, dtype=self.dtype))

    def exp(self, x): return ops.exp(self._tensor(x))
    def log(self, x): return ops.log(self._tensor(x))
    def log1p(self, x): return ops.log1p(self._tensor(x))
    def expm1(self, x): return ops.expm1(self._tensor(x))
    def sqrt(self, x): return ops.sqrt(self._tensor(x))
    def sin(self, x): return ops.sin(self._tensor(x))
    def cos(self, x): return ops.cos(self._tensor(x))
    def tanh(self, x): return ops.tanh(self._tensor(x))
    def atan(self, x): return ops.atan(self._tensor(x))
    def erf(self, x): return ops.erf(self._tensor(x))
    def erfc(self, x): return ops.erfc(self._tensor(x))
    def gauss(self, x): return ops.exp(-self._tensor(x) ** 2)
    def abs(self, x): return ops.abs(self._tensor(x))
    def sign(self, x): return ops.sign(self._tensor(x))
    def floor(self, x): return ops.floor(self._tensor(x))
    def maximum(self, a, b): return ops.maximum(self._tensor(a), self._tensor(b))
    def minimum(self, a, b): return ops.minimum(self._tensor(a), self._tensor(b))
    def sigmoid(self, x): return ops.sigmoid(self._tensor(x))
    def dsigmoid(self, x): return ops.sigmoid(self._tensor(x)) * ops.sigmoid(-self._tensor(x))
    def softplus(self, x): return ops.softplus(self._tensor(x))

    def where(self, condition, a, b):
        return ops.where(condition, self._tensor(a), self._tensor(b))


def array_math(x: Any) -> ArrayMath:
    """The array namespace for the array `x` (its library and dtype)."""
    return ArrayMath(array_module(x), x.dtype)
