"""From a traced formula to the statements of a kernel body, in any kernel language.

Each node of the formula's graph becomes one statement `tN = op(args)`, in dependency order, so shared
subexpressions are computed once. A select whose two branches call the same costly function (arctan, pow...) is
first rewritten to call it once, on a selected argument (`share_across_selects`). Constants are hoisted out of
the loop and created in the kernel's dtype by the caller: a float32 kernel never touches a float64 (a bare 0.5
would promote the whole expression to float64).

The order and the sharing are the same for every kernel language; a `Target` says only how one operation is
written: Numba's Python (`NUMBA`) or CUDA C (`cuda_codegen.py` makes one target per float type).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from minigrad.activations.mathops import FUNCTIONS
from minigrad.backends.symbolic import BINARY, Expr, node, schedule, substitute

# nodes whose value is a truth value: a typed language declares them bool
TRUTH_VALUED = frozenset({"lt", "le", "gt", "ge", "eq", "ne", "and", "or", "not"})
# the functions that cost more than a few instructions (a polynomial, a range reduction, a division or more)
COSTLY = frozenset(FUNCTIONS) - {"abs", "sign", "floor", "maximum", "minimum", "where", "sqrt"}


@dataclass(frozen=True)
class Target:
    """How a kernel language writes the operations of a formula.

    `calls` maps each m.<name> function to the function the kernel calls; `where`, `negation` and `power` are
    format strings of a select (condition {0}, value if true {1}, value if false {2}), of a logical not, and of
    x ** y with an exponent that is not a small constant. Arithmetic and comparisons are written alike in Python
    and C (& and | on truth values: no short-circuit branch in a vectorised loop). `pairs` names functions that
    compute two m.<name> functions of the same argument at once, returning both (a tuple): sigmoid(t) and
    dsigmoid(t) share their exp. Only where the separate functions differ in form is a pair needed (sigmoid caps
    |t|, dsigmoid does not): identical work, as erfc(t) and gauss(t) share in float32 or sin(t) and cos(t) in
    every dtype, the compiler merges by itself once the functions are inlined.
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
        "erfc": "vm.erfc", "gauss": "vm.gauss", "sin": "vm.sin", "cos": "vm.cos", "atan": "vm.atan",
        "sqrt": "math.sqrt", "floor": "math.floor", "abs": "abs",
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
    outputs = share_across_selects(outputs)
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


def costly(e: Expr) -> bool:
    """Whether a node is a call of a costly function (an x ** y that is not unrolled included)."""
    return e.op in COSTLY or (e.op == "pow" and not _unrolled(e.args[1]))


def share_across_selects(outputs: dict[str, Expr]) -> dict[str, Expr]:
    """The same formulas, where a select whose two branches call one function, f(a) in one and f(b) in the other,
    calls it once: f(where(c, a, b)) serves both branches (where c holds, it is f(a), elsewhere f(b); the same for
    each argument of a function of two, as x ** y).

    A vectorised kernel evaluates both branches of every select, so a formula written per region (the Cauchy CDF
    as arctan(-1/x)/pi for x < -1, 1/2 + arctan(x)/pi above: no cancellation in the tail) would pay for each
    branch's arctan on every element. The values are the same, bit for bit. A rewrite is kept only where it lowers
    the number of costly calls in the kernel (f(a) may be needed elsewhere too); repeated until none does.
    """
    count = sum(map(costly, schedule(outputs.values())))
    improved = True
    while improved:
        improved = False
        for rewritten in _select_rewrites(outputs):
            fewer = sum(map(costly, schedule(rewritten.values())))
            if fewer < count:
                outputs, count, improved = rewritten, fewer, True
                break
    return outputs


def _select_rewrites(outputs: dict[str, Expr]):
    """Each way of calling one function once for both branches of one select (lazily: the first good one wins)."""
    for select in schedule(outputs.values()):
        if select.op != "where":
            continue
        condition, yes, no = select.args
        calls_no = [e for e in schedule([no]) if costly(e)]
        for a in filter(costly, schedule([yes])):
            for b in calls_no:
                if a is b or a.op != b.op:
                    continue
                shared = node(a.op, *(p if p is q else node("where", condition, p, q) for p, q in zip(a.args, b.args)))
                both = node("where", condition, *substitute([yes], {id(a): shared}), *substitute([no], {id(b): shared}))
                yield dict(zip(outputs, substitute(list(outputs.values()), {id(select): both})))


def _unrolled(exponent: Expr) -> bool:
    """Whether x ** exponent is written without a pow call: a square root or a product of up to four x."""
    e = exponent.value
    return exponent.op == "const" and (e == 0.5 or (float(e).is_integer() and 1 <= e <= 4))


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
    if op == "pow" and _unrolled(e.args[1]):
        exponent = e.args[1].value
        if exponent == 0.5:
            return f"{target.calls['sqrt']}({args[0]})"
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
