"""What the CUDA tests compile (every variant of every pointwise activation) and how they read the PTX; the
compilers and the CPU harness themselves are minigrad.backends.cuda_check."""
from __future__ import annotations

import functools
import re

import numpy as np

from minigrad import activations
from minigrad.backends import cuda_codegen
from minigrad.backends.layout import layout_of

from backend_parity import POINTWISE, params_of



def choice_variants(spec) -> list[dict]:
    """The defaults, and every other value of each choice (each compiles into a different kernel)."""
    base = params_of(spec)
    return [base] + [{**base, p.name: c} for p in spec.params for c in p.choices or () if c != p.default]


def per_channel_variants(spec) -> list[dict]:
    """Each per-channel parameter given one value per channel (3 channels, around its default)."""
    base = params_of(spec)
    return [{**base, p.name: float(np.ravel(p.default)[0]) + np.array([-0.1, 0.0, 0.1])}
            for p in spec.params if p.per_channel]


@functools.cache
def kernels(dtype: str) -> tuple[cuda_codegen.Kernel, ...]:
    """Forward and fused backward kernels of every variant of every pointwise activation."""
    found = []
    for name in POINTWISE:
        spec = activations.get(name)
        wanted = ("x",) + spec.learnable
        for params in choice_variants(spec) + per_channel_variants(spec):
            layout = layout_of(spec, params, (4, 3, 5))
            found += [cuda_codegen.kernel(spec, layout, dtype), cuda_codegen.kernel(spec, layout, dtype, wanted)]
    return tuple(found)


# --- reading PTX ---------------------------------------------------------------------------------------------------

_DEFINITION = re.compile(r"^(?:\.visible\s+|\.weak\s+)*\.(entry|func)\s+(?:\([^)]*\)\s*)?(\w+)\(", re.M)
_CALL = re.compile(r"call(?:\.uni)?\s+(?:\([^)]*\),\s*)?(\w+)")


def ptx_functions(ptx: str) -> dict[str, tuple[str, str]]:
    """Each function defined in `ptx` -> ("entry" for a kernel or "func", its body)."""
    found = list(_DEFINITION.finditer(ptx))
    ends = [m.start() for m in found[1:]] + [len(ptx)]
    return {m.group(2): (m.group(1), ptx[m.end():end]) for m, end in zip(found, ends) if "{" in ptx[m.end():end]}


def computes_in_double(functions: dict[str, tuple[str, str]], name: str) -> bool:
    """Whether the PTX function `name`, or a function it calls, has a double-precision operand."""
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        seen.add(current)
        body = functions[current][1]
        if ".f64" in body:
            return True
        pending += [f for f in _CALL.findall(body) if f in functions and f not in seen]
    return False


# --- for the CPU: the same source through the C++ compiler, called with ctypes ------------------------------------
