"""`python -m minigrad kernels`: the kernels generated for an activation, to read or to compile by hand.

    python -m minigrad kernels --cuda gelu                 CUDA C of gelu's forward and fused backward kernels
    python -m minigrad kernels --cuda --numba silu elu     ... and the Numba source of the same kernels
    python -m minigrad kernels --cuda prelu --out build/kernels --dtype float64

The CUDA file compiles as it is (`nvcc --ptx -arch=compute_80 gelu_float32.cu`): the device functions holding
the math and plain `__global__` loops over the elements, the loop CuPy wraps around them on a GPU.
"""
from __future__ import annotations

from pathlib import Path


def numba_source(name: str, dtype: str = "float32") -> str:
    """The Python source Numba compiles for `name`'s forward kernel and fused backward kernel (default
    parameters): what the CPU backend runs."""
    from minigrad.backends.cuda_codegen import plan
    from minigrad.backends.numba_backend import kernel_source

    spec, layout, wanted = plan(name)
    return "\n\n".join(f"# ---- {name} {direction}, {dtype} ----\n" + kernel_source(spec, layout, dtype, w)
                       for direction, w in (("forward", ()), ("backward", wanted)))


def kernels_command(names: list[str], cuda: bool, numba: bool, out: str | None = None,
                    dtype: str = "float32") -> list[Path]:
    """Print (or, with `out`, write to `out`/<name>_<dtype>.cu and .py) the generated kernels of each activation
    in `names`: CUDA C with `cuda`, Numba's Python with `numba`. Returns the files written."""
    from minigrad.backends import cuda_codegen

    if not (cuda or numba):
        raise ValueError("choose the kernels to show: --cuda or --numba (or both)")
    written = []
    for name in names:
        texts = ([(".cu", cuda_codegen.source(name, dtype))] if cuda else []) + \
                ([(".py", numba_source(name, dtype))] if numba else [])
        for suffix, text in texts:
            if out is None:
                print(text)
                continue
            path = Path(out) / f"{name}_{dtype}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            written.append(path)
    return written
