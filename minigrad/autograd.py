"""Reverse-mode automatic differentiation.

A `Function` is one differentiable primitive: `forward` computes on raw arrays, `backward` maps the
gradient of the output to gradients of the inputs *using Tensor operations*. Because backward is itself
made of differentiable ops, running it with the graph recorded (`create_graph=True`) gives gradients of
gradients, to any order.

`backward` walks the graph in reverse topological order. The order is found with an explicit stack (no
recursion, so a 100,000-op chain is fine) and is deterministic: parents are visited in argument order.
"""
from __future__ import annotations

import threading
import traceback
import weakref
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from minigrad.device import array_module

if TYPE_CHECKING:
    from minigrad.tensor import Tensor

_state = threading.local()


def is_grad_enabled() -> bool:
    return getattr(_state, "grad_enabled", True)


def is_anomaly_enabled() -> bool:
    return getattr(_state, "anomaly", False)


class _GradMode:
    """Context manager and decorator that sets whether operations are recorded for backward."""

    enabled: bool

    def __enter__(self) -> None:
        self._previous = is_grad_enabled()
        _state.grad_enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        _state.grad_enabled = self._previous

    def __call__(self, fn: Callable) -> Callable:
        mode = type(self)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return fn(*args, **kwargs)

        wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
        return wrapper


class no_grad(_GradMode):
    """Do not record operations: results do not require grad (inference, optimizer updates)."""

    enabled = False


class enable_grad(_GradMode):
    """Record operations again inside a `no_grad` block."""

    enabled = True


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise as soon as an op turns finite inputs into NaN/Inf, in forward or in backward.

    The error names the op, the pass, and (for backward) where in your code the op was called.
    """
    previous = is_anomaly_enabled()
    _state.anomaly = True
    try:
        yield
    finally:
        _state.anomaly = previous


def _all_finite(arrays: Sequence[Any]) -> bool:
    return all(bool(array_module(a).isfinite(a).all()) for a in arrays if a.dtype.kind in "fc")


class Function:
    """Base class of differentiable primitives. Subclasses define `forward` and `backward`.

    `forward(*arrays, **params)` may store on `self` whatever backward needs; `backward(grad)` returns
    one gradient per input (a Tensor, or None where `self.needs_input_grad[i]` is False), built from
    Tensor ops. `self.inputs` are the input Tensors and `self.output` the result.
    """

    inputs: tuple[Tensor, ...]
    needs_input_grad: tuple[bool, ...]

    def forward(self, *arrays: Any, **params: Any) -> Any:
        raise NotImplementedError

    def backward(self, grad: Tensor) -> Tensor | None | tuple[Tensor | None, ...]:
        raise NotImplementedError

    @property
    def output(self) -> Tensor:
        return self._output()

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        from minigrad.tensor import Tensor

        if len(inputs) > 1 and any(type(t.data) is not type(inputs[0].data) for t in inputs) and \
                len({array_module(t.data) for t in inputs}) > 1:
            raise TypeError(
                f"{cls.__name__}: cannot mix CPU (NumPy) and CUDA (CuPy) tensors; move them to one "
                "device first with .to('cpu') or .to('cuda')"
            )
        fn = cls()
        try:
            data = fn.forward(*(t.data for t in inputs), **params)
        except ValueError as e:
            shapes = " and ".join(str(t.shape) for t in inputs)
            raise ValueError(f"{cls.__name__}: inputs of shapes {shapes} do not fit together ({e})") from None
        anomaly = is_anomaly_enabled()
        if (anomaly and not getattr(_state, "in_backward", False) and not _all_finite([data])
                and _all_finite([t.data for t in inputs])):
            raise FloatingPointError(f"{cls.__name__} produced NaN or Inf in forward from finite inputs")
        needs_input_grad = tuple(t._requires_grad for t in inputs)
        requires_grad = True in needs_input_grad and is_grad_enabled()
        out = Tensor._wrap(data, requires_grad)
        if requires_grad:
            fn.inputs = inputs
            fn.needs_input_grad = needs_input_grad
            fn._output = weakref.ref(out)
            fn.released = False
            if anomaly:
                fn.trace = "".join(traceback.format_stack()[:-2])
            out._ctx = fn
        return out

    def grads_for_inputs(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        if self.released:
            raise RuntimeError(
                f"trying to backward through {type(self).__name__} a second time: its graph was freed "
                "by the first backward; pass retain_graph=True to the first call if you need to"
            )
        previous = getattr(_state, "in_backward", False)
        _state.in_backward = True  # ops run by backward are checked below, as this op's backward
        try:
            grads = self.backward(grad)
        finally:
            _state.in_backward = previous
        grads = list(grads) if isinstance(grads, tuple) else [grads]
        for i, (x, g) in enumerate(zip(self.inputs, grads)):
            if g is None or not self.needs_input_grad[i]:
                continue
            if g.dtype != x.dtype and g.dtype.kind == x.dtype.kind == "f":
                # type promotion in forward (float32 op float64 -> float64): the gradient goes back in
                # the input's own dtype, as in PyTorch
                grads[i] = g = g.to(dtype=x.dtype)
            if g.shape != x.shape or g.dtype != x.dtype:
                raise AssertionError(
                    f"{type(self).__name__}.backward returned a gradient of shape {g.shape} {g.dtype} "
                    f"for input {i} of shape {x.shape} {x.dtype}"
                )
            if is_anomaly_enabled() and not _all_finite([g.data]) and _all_finite([grad.data, x.data]):
                raise FloatingPointError(
                    f"{type(self).__name__} produced NaN or Inf in backward (gradient of input {i}) "
                    f"from finite values; the op was called here:\n{getattr(self, 'trace', '')}"
                )
        return tuple(grads)


def topological_order(roots: Sequence[Tensor]) -> list[Tensor]:
    """Every tensor that requires grad and leads to `roots`, inputs before the ops that use them."""
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False) for root in reversed(roots)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        if node._ctx is not None:
            stack.extend((p, False) for p in reversed(node._ctx.inputs) if p.requires_grad)
    return order


def _as_tuple(x: Any) -> tuple:
    return tuple(x) if isinstance(x, (list, tuple)) else (x,)


def _initial_grads(outputs: tuple[Tensor, ...], grad_outputs: tuple) -> list[Tensor]:
    from minigrad.tensor import Tensor

    if len(grad_outputs) != len(outputs):
        raise ValueError(f"got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    grads = []
    for out, g in zip(outputs, grad_outputs):
        if not out.requires_grad:
            raise RuntimeError(
                "backward through a tensor that does not require grad: it was computed under no_grad() "
                "or only from tensors with requires_grad=False"
            )
        if g is None:
            if out.size != 1:
                raise RuntimeError(
                    f"backward of a non-scalar tensor of shape {out.shape} needs a gradient: pass "
                    "grad= of the same shape, or reduce to a scalar first (e.g. .sum())"
                )
            g = Tensor._wrap(array_module(out.data).ones_like(out.data), False)
        elif not isinstance(g, Tensor):
            g = Tensor(g, dtype=out.dtype, device=out.device)
        if g.shape != out.shape:
            raise RuntimeError(f"gradient of shape {g.shape} does not match the tensor's shape {out.shape}")
        grads.append(g)
    return grads


def _propagate(outputs, grad_outputs, retain_graph, create_graph, on_leaf) -> dict[int, Tensor]:
    """Push gradients from `outputs` to every tensor behind them; returns id -> accumulated grad."""
    grads: dict[int, Tensor] = {}
    for out, g in zip(outputs, _initial_grads(outputs, grad_outputs)):
        grads[id(out)] = grads[id(out)] + g if id(out) in grads else g
    mode = enable_grad() if create_graph else no_grad()
    with mode:
        for node in reversed(topological_order(outputs)):
            g = grads.get(id(node))
            if g is None:
                continue
            if node._ctx is None or node._retains_grad:
                on_leaf(node, g)
            if node._ctx is None:
                continue
            for x, gx in zip(node._ctx.inputs, node._ctx.grads_for_inputs(g)):
                if gx is not None and x.requires_grad:
                    grads[id(x)] = grads[id(x)] + gx if id(x) in grads else gx
            if not retain_graph:
                node._ctx.released = True
    return grads


def _memory_owner(array):
    """What owns the memory of `array`: the end of its chain of views, an array or the buffer that the first
    array was made over (a Numba kernel's result ends in the memory record Numba allocated it with)."""
    while getattr(array, "base", None) is not None:
        array = array.base
    return array


def _writeable(array) -> bool:
    return getattr(array.flags, "writeable", True)  # CuPy arrays have no read-only flag


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None, create_graph: bool = False) -> None:
    """Accumulate d(tensors)/d(leaf) into `.grad` of every leaf that requires grad."""
    from minigrad.tensor import Tensor

    outputs = _as_tuple(tensors)
    grad_outputs = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(outputs)

    # Each .grad gets memory of its own, so an in-place update of one cannot corrupt another or the
    # caller's grad_tensors. Copying every time costs as much as a small layer's backward, so a gradient
    # keeps its array unless it is a broadcast view or its memory was already handed out.
    handed_out = {id(_memory_owner(g.data)) for g in grad_outputs if isinstance(g, Tensor)}

    def accumulate(node: Tensor, g: Tensor) -> None:
        if node.grad is not None:
            node.grad = node.grad + g
        elif create_graph:
            node.grad = g
        else:
            owner = _memory_owner(g.data)
            shared = id(owner) in handed_out or 0 in g.data.strides or not _writeable(g.data)
            node.grad = Tensor._wrap(g.data.copy(), False) if shared else g
            handed_out.add(id(owner))

    retain = create_graph if retain_graph is None else retain_graph
    _propagate(outputs, grad_outputs, retain, create_graph, accumulate)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """d(outputs)/d(inputs) as a tuple, one per input, without touching `.grad`.

    With `create_graph=True` the result is itself differentiable: call `grad` on it again for
    second derivatives, Hessian-vector products or a network's Laplacian.
    """
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    for i, x in enumerate(inputs):
        if not x.requires_grad:
            raise RuntimeError(f"input {i} of grad() does not require grad, so it has no gradient")
    retain = create_graph if retain_graph is None else retain_graph
    grads = _propagate(outputs, grad_outputs, retain, create_graph, lambda node, g: None)
    result = tuple(grads.get(id(x)) for x in inputs)
    for i, g in enumerate(result):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"input {i} of grad() was not used to compute the outputs; pass allow_unused=True "
                "to get None for it"
            )
    return result
