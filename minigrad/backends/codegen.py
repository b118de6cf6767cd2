"""From a traced formula to the statements of a kernel body, in any kernel language.

Each node of the formula's graph becomes one statement `tN = op(args)`, in dependency order, so shared
subexpressions are computed once. Constants are hoisted out of the loop and created in the kernel's dtype by the
caller: a float32 kernel never touches a float64 (a bare 0.5 would promote the whole expression to float64).

The order and the sharing are the same for every kernel language; a `Target` says only how one operation is
written: Numba's Python (`NUMBA`) or CUDA C (`cuda_codegen.py` makes one target per float type).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from minigrad.backends.symbolic import BINARY, Expr, schedule

# nodes whose value is a truth value: a typed language declares them bool
TRUTH_VALUED = frozenset({"lt", "le", "gt", "ge", "eq", "ne", "and", "or", "not"})


@dataclass(frozen=True)
class Target:
    """How a kernel language writes the operations of a formula.

    `calls` maps each m.<name> function to the function the kernel calls; `where`, `negation` and `power` are
    format strings of a select (condition {0}, value if true {1}, value if false {2}), of a logical not, and of
    x ** y with an exponent that is not a small constant. Arithmetic and comparisons are written alike in Python
    and C (& and | on truth values: no short-circuit branch in a vectorised loop). `pairs` names functions that
    compute two m.<name> functions of the same argument at once, returning both (a tuple): sigmoid(t) and
    dsigmoid(t) share their exp.
    """

    calls: dict[str, str]
    where: str
    negation: str
    power: str
    pairs: dict[tuple[str, str], str] = field(default_factory=dict)


NUMBA = Target(
    calls={  # m.<name> -> the vectorisable scalar function the generated Numba code calls
        "exp": "vm.exp", "expm1": "vm.expm1", "log": "vm.log", "log1p": "vm.log1p", "tanh": "vm.tanh",
        "sigmoid": "vm.sigmoid", "dsigmoid": "vm.dsigmoid", "softplus": "vm.softplus", "erf": "vm.erf",
        "erfc": "vm.erfc", "sin": "vm.sin", "cos": "vm.cos", "atan": "vm.atan", "sqrt": "math.sqrt",
        "floor": "math.floor", "abs": "abs",
        "maximum": "_maximum", "minimum": "_minimum", "sign": "np.sign",
    },
    where="({1} if {0} else {2})",
    negation="(not {0})",
    power="vm.pow({0}, {1})",
    pairs={("sigmoid", "dsigmoid"): "vm.sigmoid_and_slope"},
)


@dataclass(frozen=True)
class Body:
    """Statements computing some named outputs from the variables `v_<name>` and the constants `k<N>`.

    `truths` names the statements whose value is a truth value (a comparison, & | or not of them, or a select
    between two truth values); every other statement is a number of the kernel's dtype.
    """

    constants: list[tuple[str, float]]
    statements: list[tuple[str, str]]
    results: dict[str, str]
    truths: frozenset[str] = frozenset()


def body(outputs: dict[str, Expr], target: Target = NUMBA) -> Body:
    """The statements that compute `outputs` (name -> formula graph), written for `target`."""
    names: dict[int, str] = {}
    constants: dict[float, str] = {}
    statements: list[tuple[str, str]] = []
    truths: set[str] = set()
    order = schedule(outputs.values())
    partner = _paired(order, target)
    for e in order:
        if e.op == "const":
            names[id(e)] = constants.setdefault(e.value, f"k{len(constants)}")
        elif e.op == "var":
            names[id(e)] = f"v_{e.value}"
        elif id(e) in partner:  # both values at once, when the first of the two is needed
            first, second, function = partner[id(e)]
            if id(first) not in names:
                pair = f"t{len(statements)}"
                statements.append((pair, f"{function}({names[id(e.args[0])]})"))
                names[id(first)], names[id(second)] = f"{pair}[0]", f"{pair}[1]"
        else:
            names[id(e)] = name = f"t{len(statements)}"
            args = [names[id(a)] for a in e.args]
            statements.append((name, _render(e, args, target)))
            if e.op in TRUTH_VALUED or (e.op == "where" and args[1] in truths and args[2] in truths):
                truths.add(name)
    results = {key: names[id(expr)] for key, expr in outputs.items()}
    return Body([(name, value) for value, name in constants.items()], statements, results, frozenset(truths))


def _paired(order: list[Expr], target: Target) -> dict[int, tuple[Expr, Expr, str]]:
    """For each node that the target computes together with another (same argument, a pair in `target.pairs`):
    (the pair's first node, its second, the function computing both)."""
    by_call = {(e.op, id(e.args[0])): e for e in order if len(e.args) == 1}
    found = {}
    for (op_a, op_b), function in target.pairs.items():
        for (op, arg), a in by_call.items():
            b = by_call.get((op_b, arg))
            if op == op_a and b is not None:
                found[id(a)] = found[id(b)] = (a, b, function)
    return found


def _render(e: Expr, args: list[str], target: Target) -> str:
    op = e.op
    if op == "pow" and e.args[1].op == "const":
        exponent = e.args[1].value
        if exponent == 0.5:
            return f"{target.calls['sqrt']}({args[0]})"
        if exponent == int(exponent) and 1 <= exponent <= 4:  # unrolled: no pow call in the loop
            return "(" + " * ".join([args[0]] * int(exponent)) + ")"
    if op == "pow":
        return target.power.format(*args)
    if op == "neg":
        return f"(-{args[0]})"
    if op == "where":
        return target.where.format(*args)
    if op == "not":
        return target.negation.format(*args)
    if op in BINARY:
        return f"({args[0]} {BINARY[op]} {args[1]})"
    return f"{target.calls[op]}({', '.join(args)})"
