"""Lesson 01: reverse-mode automatic differentiation on scalars.

A `Value` is one number of a computation: its data, the values it was computed from (its parents), the
operation that made it, and after `backward(root)` its gradient d(root)/d(value). minigrad's Tensor works the
same way on arrays; on Python floats the whole algorithm fits on one screen:

1. each operation knows its local derivatives d(out)/d(input) (`local_gradients`);
2. the graph is put in an order where every value comes after the values it was computed from
   (`topological_order`);
3. walking that order backwards, the chain rule multiplies local derivatives and sums them over every path
   from the root (`backward`).
"""
from __future__ import annotations

import math


class Value:
    """A scalar in a computation graph: `data`, `parents`, the operation `op` that made it, and `grad`.

    Supports a + b, a * b, a ** n (n a number), a.exp(), and what follows from them (-a, a - b, a / b).
    """

    def __init__(self, data: float, parents: tuple[Value, ...] = (), op: str = "", exponent: float = 1.0):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.op = op
        self.exponent = exponent  # the n of a ** n

    def __add__(self, other: Value | float) -> Value:
        other = as_value(other)
        return Value(self.data + other.data, (self, other), "add")

    def __mul__(self, other: Value | float) -> Value:
        other = as_value(other)
        return Value(self.data * other.data, (self, other), "mul")

    def __pow__(self, exponent: float) -> Value:
        if isinstance(exponent, Value) or not isinstance(exponent, (int, float)):
            raise TypeError(f"Value ** n needs a number n, got {type(exponent).__name__}")
        return Value(self.data ** exponent, (self,), "pow", float(exponent))

    def exp(self) -> Value:
        return Value(math.exp(self.data), (self,), "exp")

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + -as_value(other)

    def __truediv__(self, other: Value | float) -> Value:
        return self * as_value(other) ** -1.0

    def __radd__(self, other: float) -> Value:
        return as_value(other) + self

    def __rmul__(self, other: float) -> Value:
        return as_value(other) * self

    def __rsub__(self, other: float) -> Value:
        return as_value(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return as_value(other) / self

    def __repr__(self) -> str:
        return f"Value({self.data:.6g}, grad={self.grad:.6g}{', op=' + self.op if self.op else ''})"


def as_value(x: Value | float) -> Value:
    """x itself if it is a Value, else a constant leaf holding the number x."""
    return x if isinstance(x, Value) else Value(x)


def local_gradients(node: Value) -> tuple[float, ...]:
    """The local derivatives d(node)/d(parent), one per parent of `node`, for the operation that made it.

    Goal: the only calculus reverse mode needs; `backward` chains these numbers together.
    Formulas, for the node's op and parents: add (a, b): a + b -> (1, 1); mul (a, b): a b -> (b, a);
    pow (a,) with n = node.exponent: a^n -> (n a^(n-1),); exp (a,): e^a -> (e^a,); a leaf (op "") has no
    parents: ().
    First hint: each factor of a product has the *other* factor as its derivative; the node already holds
    e^a in node.data. Return floats, in the order of node.parents.
    """
    # BEGIN EXERCISE ex01_1 (§1 Reverse mode on one screen)
    if not node.parents:
        return ()
    if node.op == "add":
        return (1.0, 1.0)
    if node.op == "mul":
        a, b = node.parents
        return (b.data, a.data)
    if node.op == "pow":
        (a,) = node.parents
        return (node.exponent * a.data ** (node.exponent - 1.0),)
    if node.op == "exp":
        return (node.data,)
    raise ValueError(f"local_gradients: unknown operation {node.op!r}; the operations are add, mul, pow, exp")
    # END EXERCISE ex01_1


def topological_order(root: Value) -> list[Value]:
    """Every value `root` depends on (root included), each listed once and after all of its parents.

    Goal: the order in which backward may visit the graph (reversed: root first, leaves last).
    Formula: a depth-first search that appends a value once all its parents have been appended (post-order).
    First hint: keep a set of the values already appended (compare with `is`, or keep ids: a value used twice
    must appear once) and use an explicit stack of (value, parents done?) pairs instead of recursion, so that a
    chain of 100,000 operations does not exceed Python's recursion limit.
    """
    # BEGIN EXERCISE ex01_2 (§1 Reverse mode on one screen)
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((parent, False) for parent in reversed(node.parents) if id(parent) not in seen)
    return order
    # END EXERCISE ex01_2


def backward(root: Value) -> None:
    """Set value.grad = d(root)/d(value) for every value `root` depends on.

    Goal: reverse mode — one sweep from the root back to the inputs gives every gradient.
    Formula: root.grad = 1; then for each value v, root first: parent.grad += local * v.grad for each parent,
    with the local derivatives of `local_gradients(v)` (the chain rule, summed over every path).
    First hint: start every gradient at 0 (so that calling backward twice gives the same numbers), visit
    reversed(topological_order(root)), and add with += — a value used twice (y = x * x) gets two contributions.
    """
    # BEGIN EXERCISE ex01_3 (§1 Reverse mode on one screen)
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, local_gradients(node)):
            parent.grad += local * node.grad
    # END EXERCISE ex01_3
