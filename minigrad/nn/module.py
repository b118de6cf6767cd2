"""Module: the base class of every layer and model, as torch.nn.Module.

Assigning a Parameter or a Module to an attribute registers it, in assignment order. That registry is
what `parameters()`, `state_dict()`, `train()`/`eval()`, `to()` and the repr walk, so a model built
from modules needs no bookkeeping of its own.
"""
from __future__ import annotations

import os
import textwrap
from collections import OrderedDict
from typing import Any, Callable, Iterator, Mapping, NamedTuple

import numpy as np

from minigrad import serialization
from minigrad.device import check_device, move
from minigrad.nn.parameter import Parameter
from minigrad.tensor import Tensor


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` skipped: model keys absent from the state, and state keys unused."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _as_array(value: Any) -> Any:
    return value.data if isinstance(value, Tensor) else np.asarray(value)


def _converted(array: Any, device: str | None, dtype: np.dtype | None) -> Any:
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    return array if device is None else move(array, device)


class Module:
    """Base class of layers and models: subclass it, call `super().__init__()`, define `forward`.

        class Affine(nn.Module):
            def __init__(self):
                super().__init__()
                self.scale = nn.Parameter([2.0])
            def forward(self, x):
                return self.scale * x

    Calling the module calls `forward`.
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(): define forward(self, ...) to say what calling it computes"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ---- registration -----------------------------------------------------------------------------
    def _forget(self, name: str) -> None:
        for kind in ("_parameters", "_modules"):
            self.__dict__.get(kind, {}).pop(name, None)
        self.__dict__.pop(name, None)

    def _register(self, kind: str, name: str, value: Any, expected: type) -> None:
        if kind not in self.__dict__:
            raise AttributeError(
                f"cannot assign a {expected.__name__} to {type(self).__name__} before Module.__init__() has run: "
                f"call super().__init__() first in {type(self).__name__}.__init__"
            )
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"a {expected.__name__} name must be a non-empty string without '.', got {name!r}")
        if not isinstance(value, expected):
            raise TypeError(f"{name!r} must be a {expected.__name__}, got {type(value).__name__}")
        self._forget(name)
        self.__dict__[kind][name] = value

    def register_parameter(self, name: str, param: Parameter) -> None:
        """Register `param` under `name` (what `self.name = param` does)."""
        self._register("_parameters", name, param, Parameter)

    def add_module(self, name: str, module: Module) -> None:
        """Register `module` as a child under `name` (what `self.name = module` does)."""
        self._register("_modules", name, module, Module)

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Parameter):
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            self.add_module(name, value)
        else:
            # `self.weight = self.weight * 2` would otherwise silently stop training the weight
            if isinstance(value, Tensor) and name in self.__dict__.get("_parameters", {}):
                raise TypeError(
                    f"cannot assign a plain Tensor to parameter {name!r} of {type(self).__name__}: assign a "
                    f"Parameter, or change its numbers in place with .data"
                )
            self._forget(name)
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        for kind in ("_parameters", "_modules"):
            registry = self.__dict__.get(kind, {})
            if name in registry:
                return registry[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        if name in self.__dict__.get("_parameters", {}) or name in self.__dict__.get("_modules", {}):
            self._forget(name)
        else:
            object.__delattr__(self, name)

    # ---- walking the tree -------------------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their attribute names."""
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every module inside it, depth first, each once, with dotted names ('' for self)."""
        seen: set[int] = set()

        def walk(module: Module, path: str) -> Iterator[tuple[str, Module]]:
            if id(module) in seen:
                return
            seen.add(id(module))
            yield path, module
            for name, child in module._modules.items():
                yield from walk(child, _join(path, name))

        yield from walk(self, prefix)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted path ("layers.0.weight"); a shared parameter comes once."""
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        seen: set[int] = set()
        for path, module in modules:
            for name, param in module._parameters.items():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield _join(path, name), param

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def num_parameters(self) -> int:
        """How many numbers the model learns (the sum of the parameters' sizes)."""
        return sum(param.size for param in self.parameters())

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call `fn` on every sub-module and then on self (e.g. to initialise all Linear layers); returns self."""
        for module in reversed(list(self.modules())):
            fn(module)
        return self

    # ---- modes and gradients ----------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set `.training` on this module and all inside it (layers like dropout act on it); returns self."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode) expects True or False, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """`train(False)`: the mode for evaluation and inference."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Forget the gradients of all parameters (set `.grad` to None), as before each training step."""
        for param in self.parameters():
            param.grad = None

    def to(self, device: str | None = None, dtype: Any = None) -> Module:
        """Move and/or cast every parameter (and its gradient) in place; returns self.

        The Parameter objects stay the same, only their numbers are replaced, so an optimizer built on
        `model.parameters()` before the call still holds them.
        """
        if device is not None:
            check_device(device)
        if dtype is not None:
            dtype = np.dtype(dtype)
            if dtype.kind != "f":
                raise TypeError(f"Module.to: parameters must stay floats (float16, float32, float64), got {dtype}")
        for param in self.parameters():
            param.data = _converted(param.data, device, dtype)
            if param.grad is not None:
                param.grad.data = _converted(param.grad.data, device, dtype)
        return self

    def double(self) -> Module:
        """Every parameter in float64 (as torch's Module.double)."""
        return self.to(dtype=np.float64)

    def float(self) -> Module:
        """Every parameter in float32 (as torch's Module.float)."""
        return self.to(dtype=np.float32)

    # ---- saving and loading -----------------------------------------------------------------------
    def state_dict(self) -> OrderedDict[str, Tensor]:
        """Parameter name -> its numbers, detached (sharing memory, as in PyTorch: save it to keep a snapshot)."""
        return OrderedDict((name, param.detach()) for name, param in self.named_parameters())

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy `state`'s values into the parameters in place.

        `strict=True` requires the keys to match exactly. Shapes and dtypes must match in any case. Every
        problem is reported in one error, naming the keys involved.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict expects a mapping of names to tensors, got {type(state).__name__}")
        own = dict(self.named_parameters())
        missing = [name for name in own if name not in state]
        unexpected = [name for name in state if name not in own]
        problems = []
        if strict and missing:
            problems.append("missing keys: " + ", ".join(missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(unexpected))
        values = {name: _as_array(state[name]) for name in own if name in state}
        for name, value in values.items():
            param = own[name]
            if value.shape != param.shape:
                problems.append(f"{name}: shape {value.shape} in the state_dict, {param.shape} in the model")
            elif value.dtype != param.dtype:
                problems.append(f"{name}: dtype {value.dtype} in the state_dict, {param.dtype} in the model "
                                "(convert the model with .to(dtype=...) first)")
        if problems:
            raise RuntimeError(f"error(s) loading a state_dict into {type(self).__name__}:\n  " + "\n  ".join(problems))
        for name, value in values.items():
            own[name].data[...] = move(value, own[name].device)
        return IncompatibleKeys(missing, unexpected)

    def save(self, path: str | os.PathLike) -> None:
        """Write `state_dict()` to `path` as .npz (see minigrad.save)."""
        serialization.save(self.state_dict(), path)

    def load(self, path: str | os.PathLike, strict: bool = True) -> IncompatibleKeys:
        """Read a file written by `save` into the parameters (see load_state_dict)."""
        return self.load_state_dict(serialization.load(path), strict=strict)

    # ---- printing ---------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The settings shown inside the parentheses of the repr; subclasses override it."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        children = [f"({name}): {module!r}" for name, module in self._modules.items()]
        if not children and "\n" not in extra:
            return f"{type(self).__name__}({extra})"
        lines = (extra.split("\n") if extra else []) + children
        return f"{type(self).__name__}(\n" + textwrap.indent("\n".join(lines), "  ") + "\n)"
