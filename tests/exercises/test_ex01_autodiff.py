"""Exercises ex01_1-3: local derivatives, topological order and backward of the scalar autodiff engine.

Each result is compared with minigrad's Tensor autograd on the same expression and with finite differences.
"""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.course.hints import assert_close

POINTS = [(2.0, -3.0), (-0.5, 1.5), (1.5, 0.25)]


def expression(x, y):
    """exp(x y) + x^3 / y - x: every operation of the exercise, x used several times (Values or Tensors)."""
    return (x * y).exp() + x ** 3 * y ** -1 - x


def node(exercise, op, *data, exponent=1.0):
    parents = tuple(exercise.Value(d) for d in data)
    if op == "pow":
        return parents[0] ** exponent
    if op == "exp":
        return parents[0].exp()
    return parents[0] + parents[1] if op == "add" else parents[0] * parents[1]


@pytest.mark.ex01_1
@pytest.mark.parametrize("a, b", POINTS)
def test_local_gradients_of_add_and_mul(exercise, a, b):
    assert_close(exercise.local_gradients(node(exercise, "add", a, b)), [1.0, 1.0], "local_gradients of a + b",
                 at={"a": [a, a], "b": [b, b]}, hint="d(a + b)/da = d(a + b)/db = 1, whatever a and b are")
    assert_close(exercise.local_gradients(node(exercise, "mul", a, b)), [b, a], "local_gradients of a * b",
                 at={"a": [a, a], "b": [b, b]}, hint="d(a b)/da = b and d(a b)/db = a: each factor's derivative is "
                                                     "the other factor, in the order of node.parents")


@pytest.mark.ex01_1
def test_a_leaf_has_no_local_gradients(exercise):
    got = exercise.local_gradients(exercise.Value(2.0))
    assert got == (), f"local_gradients of a leaf (a Value made from a number) should be (), got {got!r}"


@pytest.mark.ex01_1
@pytest.mark.parametrize("a, n", [(1.5, 2.0), (2.0, 3.0), (0.7, -1.0), (3.0, 0.5), (1.2, -2.5)])
def test_local_gradient_of_pow(exercise, a, n):
    assert_close(exercise.local_gradients(node(exercise, "pow", a, exponent=n)), [n * a ** (n - 1)],
                 f"local_gradients of a ** {n:g}", at={"a": [a]},
                 hint="d(a^n)/da = n a^(n-1), with n = node.exponent and a = node.parents[0].data")


@pytest.mark.ex01_1
@pytest.mark.parametrize("a", [-2.0, 0.0, 1.5])
def test_local_gradient_of_exp(exercise, a):
    assert_close(exercise.local_gradients(node(exercise, "exp", a)), [math.exp(a)], "local_gradients of exp(a)",
                 at={"a": [a]}, hint="d(e^a)/da = e^a, which the node already holds in node.data")


def chain(exercise, length):
    x = exercise.Value(0.5)
    y = x
    for _ in range(length):
        y = y * 1.0
    return x, y


def graph(exercise):
    """A diamond: y = (x * 2) * (x + 1), x used twice, plus a constant leaf."""
    x = exercise.Value(1.5)
    a, b = x * 2.0, x + 1.0
    return x, a * b


@pytest.mark.ex01_2
def test_topological_order_lists_every_value_once_after_its_parents(exercise):
    x, y = graph(exercise)
    order = exercise.topological_order(y)
    ids = [id(v) for v in order]
    assert len(ids) == len(set(ids)), (f"topological_order listed a value twice ({len(ids)} entries for "
                                       f"{len(set(ids))} values): x is used by two operations but must appear once")
    assert len(order) == 6, f"topological_order found {len(order)} values, the graph of (x*2)*(x+1) has 6"
    position = {id(v): i for i, v in enumerate(order)}
    for value in order:
        for parent in value.parents:
            assert position[id(parent)] < position[id(value)], (
                f"topological_order put {value!r} before its parent {parent!r}: every value must come after the "
                "values it was computed from")
    assert order[-1] is y, "topological_order must end with the root"


@pytest.mark.ex01_2
def test_topological_order_needs_no_recursion(exercise):
    x, y = chain(exercise, 20_000)
    try:
        order = exercise.topological_order(y)
    except RecursionError:
        pytest.fail("topological_order exceeded Python's recursion limit on a chain of 20,000 operations.\n"
                    "Hint: replace the recursion by a loop over an explicit stack of (value, parents done?) pairs")
    assert len(order) == 40_001 and order[0] is x and order[-1] is y, (
        "topological_order of a chain x -> ... -> y must list its 40,001 values (20,000 products and their "
        "constant factors), the input x first and y last")


@pytest.mark.ex01_3
@pytest.mark.parametrize("x0, y0", POINTS)
def test_backward_matches_minigrad(exercise, x0, y0):
    x, y = exercise.Value(x0), exercise.Value(y0)
    out = expression(x, y)
    exercise.backward(out)
    tx, ty = (mg.tensor(v, dtype=mg.float64, requires_grad=True) for v in (x0, y0))
    expression(tx, ty).backward()
    assert_close([x.grad, y.grad], [tx.grad.item(), ty.grad.item()], "backward's [x.grad, y.grad] for "
                 "exp(x y) + x^3 / y - x", at={"x": [x0, x0], "y": [y0, y0]}, rtol=1e-10,
                 hint="set root.grad = 1, visit reversed(topological_order(root)), and add each path's share with "
                      "+= (x appears in three terms)")


@pytest.mark.ex01_3
def test_backward_accumulates_over_paths_and_can_run_twice(exercise):
    x = exercise.Value(3.0)
    square = x * x
    for attempt in ("first", "second"):
        exercise.backward(square)
        assert_close(x.grad, 6.0, f"x.grad after the {attempt} backward of x * x", at={"x": 3.0},
                     hint="x reaches x * x along two edges: add both contributions (+=), and reset every grad "
                          "to 0 at the start of backward so that a second call gives the same number")


@pytest.mark.ex01_3
def test_backward_agrees_with_finite_differences(exercise):
    def f(v):
        return expression(exercise.Value(v[0]), exercise.Value(v[1])).data

    point = np.array([0.8, -1.3])
    x, y = exercise.Value(point[0]), exercise.Value(point[1])
    exercise.backward(expression(x, y))
    h = 1e-6
    numeric = [(f(point + h * e) - f(point - h * e)) / (2 * h) for e in np.eye(2)]
    assert_close([x.grad, y.grad], numeric, "backward's gradient", at={"x": point[:1].repeat(2)}, rtol=1e-6)
