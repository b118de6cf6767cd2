"""Activation: the Module for any activation of the catalog (or any function), plus torch-style ReLU, Tanh, Sigmoid."""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from minigrad import activations, functional
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.tensor import DEFAULT_FLOAT, Tensor


def resolve(name: str) -> Callable[..., Tensor]:
    """`minigrad.functional.<name>` for a declared activation; a ValueError suggests close names otherwise."""
    return getattr(functional, activations.get(name).name)


class Activation(Module):
    """y = f(x, **params) for the activation `name` (or any callable f), applied elementwise or along `dim`.

        nn.Activation("gelu", approximate="tanh")
        nn.Activation("prelu", weight=[0.25] * 16)      # learnable, one slope per channel
        nn.Activation("snake", alpha=2.0, learnable=False)
        nn.Activation(lambda x: x.sin())

    The declaration's learnable parameters become `Parameter`s of the module (initialised from `params` or the
    declared default) unless `learnable=False`; the rest are fixed hyperparameters. Parameters are checked when
    the module is built, not at the first call.
    """

    def __init__(self, name: str | Callable[..., Tensor], learnable: bool = True, dtype: Any = DEFAULT_FLOAT,
                 **params: Any):
        super().__init__()
        if isinstance(name, type) and issubclass(name, Module):
            raise TypeError(f"Activation got the class {name.__name__}: pass an instance, {name.__name__}()")
        if isinstance(name, str):
            self.fn = resolve(name)
        elif callable(name):
            self.fn = name
        else:
            raise TypeError(f"Activation needs an activation name (str) or a callable, got {type(name).__name__}")
        self.name = name if isinstance(name, str) else getattr(name, "__name__", repr(name))
        self._check_params(params)
        self.learned: tuple[str, ...] = ()
        # a declaration with a `training` switch (rrelu, stochastic units) follows the module's train()/eval()
        # mode unless the switch is fixed by hand
        self.follows_mode = isinstance(name, str) and "training" not in params and any(
            p.name == "training" for p in activations.get(name).params)
        if isinstance(name, str) and learnable:
            spec = activations.get(name)
            bound = spec.bind(params)
            self.learned = spec.learnable
            for key in self.learned:
                setattr(self, key, Parameter(np.array(bound[key], dtype=dtype)))
                params.pop(key, None)
        self.params = params

    def _check_params(self, params: dict[str, Any]) -> None:
        try:
            signature = inspect.signature(self.fn)
        except (TypeError, ValueError):
            return  # NumPy ufuncs and some builtins publish no signature to check against
        try:
            signature.bind(None, **params)
        except TypeError as e:
            raise TypeError(f"Activation({self.name!r}): {e}; {self.name} takes {signature}") from None

    def forward(self, x: Tensor) -> Tensor:
        params = {**self.params, **{key: getattr(self, key) for key in self.learned}}
        if self.follows_mode:
            params["training"] = self.training
        return self.fn(x, **params)

    def extra_repr(self) -> str:
        return ", ".join([repr(self.name)] + [f"{k}={v!r}" for k, v in self.params.items()])


class _Fixed(Activation):
    """An Activation whose function is fixed by the class, as torch.nn's one-class-per-activation modules."""

    function_name: str

    def __init__(self) -> None:
        super().__init__(self.function_name)

    def extra_repr(self) -> str:
        return ""


class ReLU(_Fixed):
    """max(x, 0), as torch.nn.ReLU."""

    function_name = "relu"


class Tanh(_Fixed):
    """tanh x = (e^x - e^-x) / (e^x + e^-x), as torch.nn.Tanh."""

    function_name = "tanh"


class Sigmoid(_Fixed):
    """1 / (1 + e^-x), as torch.nn.Sigmoid."""

    function_name = "sigmoid"
