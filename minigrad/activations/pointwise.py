"""Applying a declared activation to Tensors: one autograd Function serves every pointwise activation.

Forward evaluates the declaration's `f` with the current backend (see `minigrad.backends`). Backward multiplies
the upstream gradient by `df` (and by `dparams[name]` for each parameter that needs a gradient), again with the
backend — unless the graph is being recorded (`create_graph=True`): then those derivatives are evaluated with
Tensor ops, so that they can be differentiated again. A float16 tensor, and its parameters, go through the float32
kernels, and the results are rounded to float16 once (as PyTorch computes half precision on the CPU).

The product is taken as it is on every backend, g * df also where df is 0: an infinite or NaN upstream gradient
gives NaN there, as PyTorch's smooth functions do where their derivative underflows to 0 (sigmoid, ELU, GELU far to
the left). PyTorch's piecewise-linear ones (ReLU, hardtanh, the shrinks) select instead, and return 0 on their flat
pieces. Masking here would cost every NumPy backward a select (~10x its multiplication on a random mask), to change
only gradients that are already infinite or NaN: the gradient through ReLU of a finite upstream gradient is the
same in both.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import backends, ops
from minigrad.activations.mathops import TensorMath
from minigrad.activations.spec import ActivationSpec
from minigrad.autograd import Function, is_grad_enabled
from minigrad.backends.layout import computed_in
from minigrad.device import array_module
from minigrad.tensor import Tensor


class Pointwise(Function):
    """y = f(x, params) elementwise; dy/dx = df, dy/dparam = dparams[param] (summed over the elements)."""

    def forward(self, x, *tensor_params, spec: ActivationSpec, names: tuple[str, ...], constants: dict):
        self.spec, self.names, self.constants = spec, names, constants
        params = {**constants, **{name: computed_in(p) for name, p in zip(names, tensor_params)}}
        return backends.current(x).forward(spec, computed_in(x), params).astype(x.dtype, copy=False)

    def backward(self, g: Tensor):
        x, *params = self.inputs
        wanted = tuple(name for name, needed in zip(("x",) + self.names, self.needs_input_grad) if needed)
        if not is_grad_enabled():
            arrays = {**self.constants, **{name: computed_in(p.data) for name, p in zip(self.names, params)}}
            grads = backends.current(x.data).backward(self.spec, computed_in(x.data), computed_in(g.data), arrays,
                                                      wanted)
            return tuple(Tensor._wrap(grads[name].astype(t.dtype, copy=False)) if name in grads else None
                         for name, t in zip(("x",) + self.names, self.inputs))
        return self._differentiable_backward(g, wanted)

    def _differentiable_backward(self, g: Tensor, wanted: tuple[str, ...]):
        """The same derivatives as Tensor ops, recorded, so that they can be differentiated again."""
        x, *params = self.inputs
        m = TensorMath(array_module(x.data), x.dtype)
        kwargs = {**self.constants, **dict(zip(self.names, params))}
        grads = [g * _tensor(self.spec.df(m, x, **kwargs), x) if "x" in wanted else None]
        for name, param in zip(self.names, params):
            if name not in wanted:
                grads.append(None)
                continue
            d = self.spec.dparams[name](m, x, **kwargs)
            if isinstance(d, (list, tuple)):  # a coefficient vector: one derivative per coefficient
                grads.append(ops.stack([(g * _tensor(dk, x)).sum() for dk in d]).to(dtype=param.dtype))
            else:
                grads.append(ops.sum_to(g * _tensor(d, x), param.shape))
        return tuple(grads)


def _tensor(value: Any, like: Tensor) -> Tensor:
    """A formula's result as a Tensor (a derivative may be a plain number, e.g. 1 on a linear piece)."""
    if isinstance(value, Tensor):
        return value
    return Tensor._wrap(array_module(like.data).full(like.shape, value, dtype=like.dtype))


def _check_input(spec: ActivationSpec, x: Any) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{spec.name} expects a Tensor, got {type(x).__name__}: wrap it with minigrad.tensor(...)")
    if x.dtype.kind != "f":
        raise TypeError(f"{spec.name} needs a float tensor, got {x.dtype}: convert it with .float() or .double()")


def _channel_shaped(spec: ActivationSpec, name: str, value: Tensor, x: Tensor) -> Tensor:
    """A per-channel parameter of shape (C,) applied along dimension 1 of x, as in torch's PReLU."""
    if value.ndim == 0 or value.numel() == 1:
        return value.reshape(())
    channels = x.shape[1] if x.ndim >= 2 else 1
    if value.ndim != 1 or value.shape[0] != channels:
        raise ValueError(f"{spec.name}: {name} has shape {value.shape}; it must hold one value or one per channel "
                         f"(dimension 1 of the input, here {channels})")
    return value.reshape((channels,) + (1,) * (x.ndim - 2))


def apply(spec: ActivationSpec, x: Tensor, **params: Any) -> Tensor:
    """spec applied to x with `params` (defaults for the rest): what `minigrad.functional.<name>` calls."""
    bound = spec.bind(params)
    _check_input(spec, x)
    if not spec.pointwise:
        return spec.fn(x, **bound)
    names, tensors, constants = [], [], {}
    for p in spec.params:
        value = bound[p.name]
        if p.per_channel and not isinstance(value, Tensor) and np.ndim(value) > 0:
            value = Tensor(np.asarray(value, dtype=x.dtype), device=x.device)
        if isinstance(value, Tensor):
            value = value.to(dtype=x.dtype) if value.dtype != x.dtype else value
            names.append(p.name)
            tensors.append(_channel_shaped(spec, p.name, value, x) if p.per_channel else value)
        elif isinstance(value, (tuple, list, np.ndarray)):
            constants[p.name] = tuple(float(v) for v in np.ravel(value))
        else:
            constants[p.name] = value
    return Pointwise.apply(x, *tensors, spec=spec, names=tuple(names), constants=constants)
