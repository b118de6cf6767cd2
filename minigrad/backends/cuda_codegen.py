"""CUDA C kernels generated from the declarations: the same formula graphs as the Numba kernels, in C.

For an activation, a float type and a parameter layout (see `layout.py`), `kernel(...)` gives:

- a device function holding the math, one statement per node of the formula's graph (`codegen.body` with a
  CUDA target): `mg_elu_forward_<hash>_math(const float v_x, const float v_alpha, float& out)`, or for the
  fused backward `mg_elu_backward_<hash>_math(v_x, v_g, params..., float& g_x, ...)` with g_x = g * f'(x) and
  one per-element product g * df/dp per parameter gradient, summed afterwards (g_weight for PReLU's slope);
- the pieces of a `cupy.ElementwiseKernel` that calls it: typed parameters, output parameters and the operation.

float32 kernels stay in float32: CUDA's single-precision functions (expf, log1pf, erff, tanhf, sinf, ...) and
constants written with the suffix f, so that nothing is promoted to double. Selects are C's ternary (only the
chosen branch runs), `maximum`/`minimum` propagate NaN as NumPy does, and sigmoid/softplus are the two-branch
forms that never overflow.

`global_function` writes the same kernel as a plain `__global__` loop over the elements, the loop CuPy wraps
around an ElementwiseKernel's operation, and `translation_unit` gathers kernels into one compilable file: what
`python -m minigrad kernels --cuda` prints, what the tests compile for the GPU (nvcc or NVRTC) and, with small
C++ stand-ins for the CUDA-only names, with g++ to run the kernels' math on the CPU.
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from minigrad.activations.spec import ActivationSpec
from minigrad.backends import codegen
from minigrad.backends.layout import Layout, graphs, in_kernel_order, layout_of

CTYPES = {"float32": "float", "float64": "double"}

_FUNCTIONS = ("exp", "expm1", "log", "log1p", "tanh", "erf", "erfc", "sin", "cos", "atan", "sqrt", "floor")
# functions every kernel's preamble defines (see `prelude`)
_PRELUDE_FUNCTIONS = ("sigmoid", "dsigmoid", "softplus", "gauss", "maximum", "minimum", "sign")


def _ctype(dtype: Any) -> str:
    name = np.dtype(dtype).name
    if name not in CTYPES:
        raise TypeError(f"CUDA kernels are generated for float32 and float64, got {name}")
    return CTYPES[name]


def target(dtype: Any) -> codegen.Target:
    """How CUDA C writes each operation in kernels of `dtype`: float32 calls expf, float64 exp, and so on."""
    suffix = "f" if _ctype(dtype) == "float" else ""
    calls = {name: f"{name}{suffix}" for name in _FUNCTIONS}
    calls.update({name: f"mg_{name}" for name in _PRELUDE_FUNCTIONS}, abs=f"fabs{suffix}")
    return codegen.Target(calls=calls, where="({0} ? {1} : {2})", negation="(!{0})", power=f"pow{suffix}({{0}}, {{1}})")


def literal(value: float, dtype: Any) -> str:
    """`value` as a C constant of the kernel's type: 0.5f in float32 kernels (the float32 number nearest to it,
    as NumPy's float32(value)), 0.5 in float64 ones; infinities and NaN by their bits."""
    ctype = _ctype(dtype)
    if ctype == "float":
        with np.errstate(over="ignore"):
            value = float(np.float32(value))
    if math.isnan(value):
        return "__int_as_float(0x7fc00000)" if ctype == "float" else "__longlong_as_double(0x7ff8000000000000LL)"
    if math.isinf(value):
        bits = "__int_as_float(0x7f800000)" if ctype == "float" else "__longlong_as_double(0x7ff0000000000000LL)"
        return f"(-{bits})" if value < 0 else bits
    if ctype == "float":
        return f"{np.float32(value)!s}f"  # the shortest text that reads back as this float32
    return repr(value)


def prelude(dtype: Any) -> str:
    """The device functions the kernels of `dtype` call: NaN-propagating maximum/minimum, sign, the
    overflow-free two-branch sigmoid, its derivative and softplus, and the Gaussian exp(-x*x)."""
    t, s = _ctype(dtype), "f" if _ctype(dtype) == "float" else ""
    zero, one = literal(0.0, dtype), literal(1.0, dtype)
    inline = f"__device__ __forceinline__ {t}"
    return "\n".join([
        f"{inline} mg_maximum(const {t} a, const {t} b) {{ return ((a > b) | (a != a)) ? a : b; }}",
        f"{inline} mg_minimum(const {t} a, const {t} b) {{ return ((a < b) | (a != a)) ? a : b; }}",
        f"{inline} mg_sign(const {t} a) {{ return (a != a) ? a : ({t})((a > {zero}) - (a < {zero})); }}",
        f"{inline} mg_sigmoid(const {t} x) {{ const {t} e = exp{s}(-fabs{s}(x)); "
        f"return ((x >= {zero}) ? {one} : e) / ({one} + e); }}",
        # s(x) s(-x) = e/(1 + e)^2 with the roundings of d = 1 + e and d*d folded back in, as vmath.dsigmoid
        f"{inline} mg_dsigmoid(const {t} x) {{ const {t} e = exp{s}(-fabs{s}(x)); const {t} d = {one} + e; "
        f"const {t} t = ({one} - d) + e; const {t} hi = d * d; const {t} lo = fma{s}(d, d, -hi); "
        f"const {t} w = {literal(0.9714, dtype)} - {literal(0.5, dtype)} * e; const {t} q = e / hi; "
        f"return q - q * (w * ({literal(2.0, dtype)} * t + lo * w)); }}",
        f"{inline} mg_softplus(const {t} x) {{ return ((x > {zero}) ? x : {zero}) + log1p{s}(exp{s}(-fabs{s}(x))); }}",
        # exp(-x*x) from the exact square hi + lo: exp(-hi) (1 - lo), as vmath.gauss (|x| capped: no inf - inf)
        f"{inline} mg_gauss(const {t} x) {{ {t} a = fabs{s}(x); a = (a > {literal(1e4, dtype)}) ? "
        f"{literal(1e4, dtype)} : a; const {t} hi = a * a; return exp{s}(-hi) * ({one} - fma{s}(a, a, -hi)); }}",
        "",
    ])


@dataclass(frozen=True)
class Kernel:
    """One generated kernel: a device function with the math, and the ElementwiseKernel that calls it.

    `inputs` lists (kind, name) in call order, kind being "array" (read per element), "scalar", "raw" (a whole
    array: a per-channel or coefficient vector) or "index" (an int64: the per-channel index arithmetic);
    `outputs` names the arrays written per element. An ElementwiseKernel is called with the inputs, then the
    outputs; `operation` is its loop body, in which `i` is the element's flat index.
    """

    name: str
    dtype: str
    inputs: tuple[tuple[str, str], ...]
    outputs: tuple[str, ...]
    device_function: str
    operation: str

    @property
    def ctype(self) -> str:
        return CTYPES[self.dtype]

    @property
    def in_params(self) -> str:
        """ElementwiseKernel's in_params, e.g. "float32 x, float32 p_alpha, raw float32 p_weight, int64 inner"."""
        kinds = {"array": self.dtype, "scalar": self.dtype, "raw": f"raw {self.dtype}", "index": "int64"}
        return ", ".join(f"{kinds[kind]} {name}" for kind, name in self.inputs)

    @property
    def out_params(self) -> str:
        return ", ".join(f"{self.dtype} {name}" for name in self.outputs)

    @property
    def preamble(self) -> str:
        return prelude(self.dtype) + "\n" + self.device_function


def kernel(spec: ActivationSpec, layout: Layout, dtype: Any, wanted: tuple[str, ...] = ()) -> Kernel:
    """The forward kernel (wanted == ()) or the fused backward kernel for the gradients in `wanted` ("x" and
    parameter names) of `spec`, in `dtype` (float32 or float64), for parameters laid out as `layout`."""
    dtype_name = np.dtype(dtype).name
    t = _ctype(dtype)
    wanted = in_kernel_order(wanted)
    formulas = graphs(spec, layout, wanted)
    code = codegen.body(formulas, target(dtype))
    if wanted:
        results = {f"g_{key}": f"v_g * {code.results[key]}" for key in formulas}
    else:
        results = {"out": code.results["out"]}

    values = [("x", "x")] + ([("g", "g")] if wanted else [])
    values += [(name, f"p_{name}") for name in layout.scalars]
    values += [(name, f"p_{name}[c]") for name in layout.channels]
    values += [(f"{name}_{k}", f"p_{name}[{k}]") for name, size in layout.vectors for k in range(size)]
    text = " ".join([expression for _, expression in code.statements] + list(results.values()))
    used = set(re.findall(r"\bk\d+\b", text))  # an unrolled power's exponent is a constant no statement reads
    lines = [f"    const {t} {name} = {literal(value, dtype)};" for name, value in code.constants if name in used]
    lines += [f"    const {'bool' if name in code.truths else t} {name} = {expression};"
              for name, expression in code.statements]
    lines += [f"    {name} = {expression};" for name, expression in results.items()]
    signature = [f"const {t} v_{name}" for name, _ in values] + [f"{t}& {name}" for name in results]
    body = "(" + ", ".join(signature) + ") {\n" + "\n".join(lines) + "\n}\n"

    inputs = [("array", "x")] + ([("array", "g")] if wanted else [])
    inputs += [("scalar", f"p_{p}") for p in layout.scalars]
    inputs += [("raw", f"p_{p}") for p in layout.channels + tuple(v for v, _ in layout.vectors)]
    inputs += [("index", "inner"), ("index", "channels")] if layout.channels else []
    arguments = [argument for _, argument in values] + list(results)
    channel = "const long long c = (i / inner) % channels;\n" if layout.channels else ""

    # the name tells kernels apart by everything they compile to: two layouts can share a device function
    direction = "backward" if wanted else "forward"
    digest = hashlib.sha256(f"{dtype_name} {body} {inputs} {arguments}".encode()).hexdigest()[:10]
    name = f"mg_{spec.name}_{direction}_{digest}"
    call = f"{name}_math({', '.join(arguments)});"
    header = f"// {spec.name} {direction}, {dtype_name}\n__device__ __forceinline__ void {name}_math"
    return Kernel(name, dtype_name, tuple(inputs), tuple(results), header + body, channel + call)


def global_function(k: Kernel) -> str:
    """The kernel as a plain `extern "C" __global__` grid-stride loop over n contiguous elements, the way CuPy
    wraps an ElementwiseKernel's operation (arrays read into variables named as the parameters, outputs bound
    by reference); arguments in the ElementwiseKernel's order, then n."""
    t = k.ctype
    declarations = {"array": f"const {t}* _raw_{{}}", "scalar": f"const {t} {{}}", "raw": f"const {t}* {{}}",
                    "index": "const long long {}"}
    params = [declarations[kind].format(name) for kind, name in k.inputs]
    params += [f"{t}* _raw_{name}" for name in k.outputs] + ["const long long n"]
    loads = [f"const {t} {name} = _raw_{name}[i];" for kind, name in k.inputs if kind == "array"]
    loads += [f"{t}& {name} = _raw_{name}[i];" for name in k.outputs]
    return (f'extern "C" __global__ void {k.name}({", ".join(params)}) {{\n'
            "    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;"
            " i += (long long)blockDim.x * gridDim.x) {\n"
            + "".join(f"        {line}\n" for line in loads)
            + "".join(f"        {line}\n" for line in k.operation.splitlines())
            + "    }\n}\n")


def translation_unit(kernels: list[Kernel]) -> str:
    """One CUDA C file holding `kernels` (each once): the preludes of their types, their device functions and
    their `__global__` loops."""
    named: dict[str, Kernel] = {}
    for k in kernels:
        if named.setdefault(k.name, k) != k:
            raise ValueError(f"two different kernels are named {k.name}")
    unique = list(named.values())
    dtypes = sorted({k.dtype for k in unique})
    parts = [prelude(dtype) for dtype in dtypes]
    parts += [k.device_function + "\n" + global_function(k) for k in unique]
    return "\n".join(parts)


def plan(name: str, params: dict[str, Any] | None = None) -> tuple[ActivationSpec, Layout, tuple[str, ...]]:
    """What the kernels of the activation `name` are generated from: its declaration, the layout of `params`
    (declared defaults for the rest; lists are coefficient vectors, except for per-channel parameters, where they
    hold one value per channel) and the gradients the backward kernel computes (x and every learnable parameter)."""
    from minigrad import activations

    spec = activations.get(name)
    if not spec.pointwise:
        raise ValueError(f"{name} is a {spec.kind} activation; kernels are generated for pointwise ones only")
    bound = spec.bind(params or {})
    for p in spec.params:
        value = bound[p.name]
        if isinstance(value, (list, tuple, np.ndarray)):
            bound[p.name] = np.asarray(value, dtype=np.float64) if p.per_channel else tuple(np.ravel(value).tolist())
    wanted = ("x",) + spec.learnable
    return spec, layout_of(spec, bound, (1, 1, 1)), wanted


def source(name: str, dtype: str = "float32", params: dict[str, Any] | None = None) -> str:
    """The CUDA C of `name`'s forward kernel and fused backward kernel (gradients for x and every learnable
    parameter), for float32 or float64 and the given parameter values (defaults otherwise): per-channel values
    select the per-channel layout, static ones (choices, counts) are compiled in."""
    spec, layout, wanted = plan(name, params)
    return translation_unit([kernel(spec, layout, dtype, ()), kernel(spec, layout, dtype, wanted)])
