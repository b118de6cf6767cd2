"""Formulas as expression graphs: the third math namespace, from which kernel source is generated.

Running a declaration's `f(m, x, **params)` with `m = SymbolMath()` and symbols for x and the parameters records
what it computes instead of computing it. Identical subexpressions are shared (hash-consing), so the graph is a
DAG whose nodes a kernel evaluates once each, in order: `schedule(outputs)` lists them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

from minigrad.activations.mathops import FUNCTIONS

# "and"/"or" are & and | on booleans: no short-circuit branch in a vectorised loop
BINARY = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**",
          "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!=", "and": "&", "or": "|"}


@dataclass(frozen=True, eq=False)
class Expr:
    """One node: an operation (`op`) on argument nodes, or a leaf (`const` with a value, `var` with a name)."""

    op: str
    args: tuple[Expr, ...] = ()
    value: Any = None

    # arithmetic builds new nodes; Python numbers become constants
    def __add__(self, other): return node("add", self, other)
    def __radd__(self, other): return node("add", other, self)
    def __sub__(self, other): return node("sub", self, other)
    def __rsub__(self, other): return node("sub", other, self)
    def __mul__(self, other): return node("mul", self, other)
    def __rmul__(self, other): return node("mul", other, self)
    def __truediv__(self, other): return node("div", self, other)
    def __rtruediv__(self, other): return node("div", other, self)
    def __pow__(self, other): return node("pow", self, other)
    def __rpow__(self, other): return node("pow", other, self)
    def __neg__(self): return node("neg", self)
    def __pos__(self): return self
    def __lt__(self, other): return node("lt", self, other)
    def __le__(self, other): return node("le", self, other)
    def __gt__(self, other): return node("gt", self, other)
    def __ge__(self, other): return node("ge", self, other)
    def __eq__(self, other): return node("eq", self, other)  # type: ignore[override]
    def __ne__(self, other): return node("ne", self, other)  # type: ignore[override]
    def __and__(self, other): return node("and", self, other)
    def __rand__(self, other): return node("and", other, self)
    def __or__(self, other): return node("or", self, other)
    def __ror__(self, other): return node("or", other, self)
    def __invert__(self): return node("not", self)
    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise TypeError("a formula branched on a symbolic value with Python `if`/`and`/`or`; use m.where(...) "
                        "and the operators & | ~, which kernels can compile")


_INTERNED: dict[tuple, Expr] = {}


def const(value: float) -> Expr:
    return _intern(("const", float(value)), lambda: Expr("const", value=float(value)))


def var(name: str) -> Expr:
    return _intern(("var", name), lambda: Expr("var", value=name))


def lift(value: Any) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, (bool, int, float)):
        return const(value)
    raise TypeError(f"a formula used a {type(value).__name__} ({value!r}); kernels support numbers and m.* functions")


def node(op: str, *args: Any) -> Expr:
    """The node op(args), shared with any identical node built before."""
    args = tuple(lift(a) for a in args)
    return _intern((op, *(id(a) for a in args)), lambda: Expr(op, args))


def _intern(key: tuple, make) -> Expr:
    found = _INTERNED.get(key)
    if found is None:
        found = _INTERNED[key] = make()
    return found


class SymbolMath:
    """The math namespace that records: m.exp(x) is the node exp(x)."""

    pi = math.pi

    def __getattr__(self, name: str):
        if name not in FUNCTIONS:
            raise AttributeError(f"{name} is not one of the math functions a formula may use: {', '.join(FUNCTIONS)}")
        return lambda *args: node(name, *args)


def schedule(outputs: Iterable[Expr]) -> list[Expr]:
    """Every node the outputs need, each after its arguments, each once (iterative: formulas can be deep)."""
    order: list[Expr] = []
    seen: set[int] = set()
    for root in outputs:
        stack = [(root, False)]
        while stack:
            expr, expanded = stack.pop()
            if id(expr) in seen:
                continue
            if expanded or not expr.args:
                seen.add(id(expr))
                order.append(expr)
                continue
            stack.append((expr, True))
            stack.extend((a, False) for a in reversed(expr.args) if id(a) not in seen)
    return order


def substitute(roots: list[Expr], replacements: dict[int, Expr]) -> list[Expr]:
    """The graphs `roots` with each node whose id is in `replacements` replaced (and every node above rebuilt)."""
    new: dict[int, Expr] = {}
    for e in schedule(roots):
        if id(e) in replacements:
            new[id(e)] = replacements[id(e)]
        elif e.args and any(new[id(a)] is not a for a in e.args):
            new[id(e)] = node(e.op, *(new[id(a)] for a in e.args))
        else:
            new[id(e)] = e
    return [new[id(r)] for r in roots]


def trace(spec, form, params: dict[str, Any]) -> Expr | list[Expr]:
    """The graph of one declared form of `spec` (a list of graphs for a coefficient vector's derivatives).

    x and every numeric parameter become variables: a number a scalar variable, a tuple (a coefficient vector)
    one variable per coefficient (`a_0`, `a_1`, ...); static parameters (choices, integers) are used as they
    are, since they select the formula.
    """
    symbols = {}
    for p in spec.params:
        value = params[p.name]
        if p.is_static:
            symbols[p.name] = value
        elif isinstance(value, tuple):
            symbols[p.name] = tuple(var(f"{p.name}_{k}") for k in range(len(value)))
        else:
            symbols[p.name] = var(p.name)
    result = form(SymbolMath(), var("x"), **symbols)
    return [lift(r) for r in result] if isinstance(result, (list, tuple)) else lift(result)
