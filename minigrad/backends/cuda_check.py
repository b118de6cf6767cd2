"""Checking generated CUDA kernels on a machine without a GPU, twice over.

1. For the GPU: the source is compiled to PTX for a GPU architecture, by nvcc when it is on PATH, else by NVRTC
   (the CUDA runtime compiler, from the system or the nvidia-cuda-nvrtc-cu12 wheel) through ctypes. That proves
   the kernels are valid CUDA for that architecture; it does not run them.
2. For their math: the same source compiled by the host C++ compiler, with small stand-ins for CUDA's own names
   (one "thread" runs the whole grid-stride loop), loaded with ctypes and called on NumPy arrays. Run through
   `CupyBackend(launch=cpu_launcher(...))` it computes exactly what the GPU kernels compute, in IEEE arithmetic
   (never -ffast-math), so it can be compared with the float64 reference here.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import glob
import hashlib
import importlib.util
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import numpy as np

from minigrad.backends import cuda_codegen

ARCHITECTURES = ("compute_80", "compute_90")

# CUDA's names in plain C++: one thread (block 0, thread 0, one thread per block, one block) runs the whole
# grid-stride loop; the bit casts CUDA offers as intrinsics, with memcpy.
STANDINS = r"""
#include <math.h>
#include <string.h>
#define __global__
#define __device__
#define __forceinline__ inline
struct mg_index { unsigned int x; };
static const mg_index threadIdx = {0}, blockIdx = {0}, blockDim = {1}, gridDim = {1};
static inline float __int_as_float(int bits) { float f; memcpy(&f, &bits, sizeof f); return f; }
static inline double __longlong_as_double(long long bits) { double d; memcpy(&d, &bits, sizeof d); return d; }
"""



# --- for the GPU: PTX from nvcc or NVRTC --------------------------------------------------------------------------

def _nvrtc_library() -> str | None:
    """libnvrtc from the system, a CUDA toolkit, or the nvidia-cuda-nvrtc-cu12 wheel."""
    candidates = [ctypes.util.find_library("nvrtc")]
    wheel = importlib.util.find_spec("nvidia.cuda_nvrtc") if importlib.util.find_spec("nvidia") else None
    if wheel is not None and wheel.submodule_search_locations:
        candidates += sorted(glob.glob(os.path.join(wheel.submodule_search_locations[0], "lib", "libnvrtc.so*")))
    for home in (os.environ.get("CUDA_HOME"), "/usr/local/cuda"):
        if home:
            candidates += sorted(glob.glob(os.path.join(home, "lib64", "libnvrtc.so*")))
    return next((c for c in candidates if c and "builtins" not in c and "alt" not in c), None)


def gpu_compiler() -> tuple[str, Callable[[str, str, Path], str]]:
    """(a description, compile(source, architecture, folder) -> PTX): nvcc when it is on PATH, else NVRTC.
    Raises RuntimeError, saying what to install, when there is neither."""
    nvcc = shutil.which("nvcc")
    if nvcc:
        return f"nvcc ({nvcc})", lambda source, arch, folder: _nvcc(nvcc, source, arch, folder)
    library = _nvrtc_library()
    if library:
        return f"NVRTC ({library})", lambda source, arch, folder: _nvrtc(library, source, arch)
    raise RuntimeError("no CUDA compiler to check the generated kernels with: put nvcc (the CUDA toolkit) on PATH "
                       "or pip install nvidia-cuda-nvrtc-cu12")


def _digest(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def _nvcc(nvcc: str, source: str, arch: str, folder: Path) -> str:
    path = folder / f"kernels_{arch}_{_digest(source)}.cu"
    path.write_text(source)
    # -O1: what this checks (the source is valid CUDA and lowers to PTX for the architecture) needs no more, and it
    # is 3x faster than the default -O3
    result = subprocess.run([nvcc, "--ptx", f"-arch={arch}", "-Xcicc", "-O1", "--Werror", "all-warnings", str(path),
                             "-o", str(path.with_suffix(".ptx"))], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"nvcc -arch={arch} failed:\n{result.stderr[-4000:]}")
    return path.with_suffix(".ptx").read_text()


def _nvrtc(library: str, source: str, arch: str) -> str:
    lib = ctypes.CDLL(library)
    program = ctypes.c_void_p()
    if lib.nvrtcCreateProgram(ctypes.byref(program), source.encode(), b"kernels.cu", 0, None, None):
        raise RuntimeError("nvrtcCreateProgram failed")
    try:
        options = (ctypes.c_char_p * 1)(f"-arch={arch}".encode())
        failed = lib.nvrtcCompileProgram(program, 1, options)
        size = ctypes.c_size_t()
        lib.nvrtcGetProgramLogSize(program, ctypes.byref(size))
        log = ctypes.create_string_buffer(size.value)
        lib.nvrtcGetProgramLog(program, log)
        if failed or "warning" in log.value.decode():
            raise RuntimeError(f"NVRTC -arch={arch} failed:\n{log.value.decode()[-4000:]}")
        lib.nvrtcGetPTXSize(program, ctypes.byref(size))
        ptx = ctypes.create_string_buffer(size.value)
        lib.nvrtcGetPTX(program, ptx)
        return ptx.value.decode()
    finally:
        lib.nvrtcDestroyProgram(ctypes.byref(program))


# --- for the CPU: the same source through the C++ compiler, called with ctypes ------------------------------------

def cpu_library(source: str, folder: Path) -> ctypes.CDLL:
    """`source` compiled with the stand-ins into a shared library (-O2, IEEE arithmetic: no -ffast-math)."""
    compiler = shutil.which("g++") or shutil.which("gcc")
    if compiler is None:
        raise RuntimeError("no C++ compiler (g++ or gcc) to run the CUDA kernels' math on the CPU")
    path = folder / f"kernels_{_digest(source)}.cu"
    path.write_text(STANDINS + source)
    result = subprocess.run([compiler, "-O2", "-Wall", "-Werror", "-shared", "-fPIC", "-x", "c++", str(path),
                             "-o", str(path.with_suffix(".so"))], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{compiler} failed:\n{result.stderr[-4000:]}")
    return ctypes.CDLL(str(path.with_suffix(".so")))


def cpu_launcher(libraries: dict[str, ctypes.CDLL]) -> Callable[[cuda_codegen.Kernel], Callable[..., None]]:
    """What CupyBackend(launch=...) needs: a kernel -> a function called like its ElementwiseKernel (inputs,
    then outputs; NumPy arrays), running the compiled `__global__` loop over all elements. `libraries` holds the
    compiled kernels per dtype."""
    def launch(kernel: cuda_codegen.Kernel) -> Callable[..., None]:
        try:
            function = getattr(libraries[kernel.dtype], kernel.name)
        except AttributeError:
            raise KeyError(f"{kernel.name} was not compiled for the CPU: pass it to cpu_library") from None
        dtype = np.dtype(kernel.dtype)
        scalar = ctypes.c_float if kernel.ctype == "float" else ctypes.c_double

        def pointer(array: Any) -> ctypes.c_void_p:
            assert isinstance(array, np.ndarray) and array.dtype == dtype and array.flags.c_contiguous, \
                f"{kernel.name}: expected a contiguous {dtype} array, got {type(array).__name__} {array.dtype}"
            return ctypes.c_void_p(array.ctypes.data)

        convert = {"array": pointer, "raw": pointer, "scalar": lambda v: scalar(float(v)),
                   "index": lambda v: ctypes.c_longlong(int(v))}

        def run(*args: Any) -> None:
            assert len(args) == len(kernel.inputs) + len(kernel.outputs), kernel.name
            inputs, outputs = args[:len(kernel.inputs)], args[len(kernel.inputs):]
            assert all(o.shape == inputs[0].shape for o in outputs)
            function(*(convert[kind](a) for (kind, _), a in zip(kernel.inputs, inputs)),
                     *(pointer(o) for o in outputs), ctypes.c_longlong(inputs[0].size))

        return run

    return launch
