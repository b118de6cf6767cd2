"""Where generated Numba kernels are kept and how they run: the disk cache, loading, and splitting over cores.

Kernels are generated as Python source, written to a file in the kernel cache and imported from there, so that
Numba's own cache (`cache=True`) can store their machine code beside them: the next process skips compilation.

A kernel is compiled as a plain loop. A large array goes to its parallel driver instead (`parallel_source`): a
Numba `parallel=True` function that cuts the array into one part per core and calls the plain kernel on each, in
OpenMP threads. The driver is thin, so the kernel's body is compiled once for both (a whole kernel written as a
parallel loop costs about three times as long to compile), and it is compiled only when an array is that large.
OpenMP threads wake in C, with no Python in between: measured on 2 cores and 2^22 float32 elements of a
memory-bound kernel, 0.8 ms, where handing one half to a Python thread pool took 1.0 ms (the hand-over and the
collection of the result cost ~0.2 ms, a quarter of the kernel).

Small arrays run on the calling thread: between the matrix products of a training step a parallel launch makes
the workers and the BLAS threads fight over the cores (measured: a 784-256-256-10 MLP step 7x slower on 2 cores
with parallel launches for its small activations). For the same reason the OpenMP threads sleep as soon as a
kernel ends (OMP_WAIT_POLICY=passive, unless set otherwise) instead of spinning for milliseconds on cores that the
BLAS threads of the next matrix product need.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
from pathlib import Path
from types import ModuleType
from typing import Any, Sequence

import numba
import numpy as np

# Fused multiply-add only: NaN and Inf keep their meaning, and nothing reorders vmath's careful arithmetic.
# error_model="numpy": x / 0 is inf as in NumPy, not a ZeroDivisionError check (a branch in every division).
DECORATOR = '@njit(nogil=True, cache=True, fastmath={"contract"}, error_model="numpy")'
PARALLEL_FROM = 1 << 18  # elements; below, waking the other threads costs more than it saves

_modules: dict[str, ModuleType] = {}
_lock = threading.Lock()
_starting = threading.Lock()  # Numba's threading layer starts once, and its fallback layer is not thread-safe
_layer_started = False


def cache_dir() -> Path:
    """Where generated kernels and Numba's machine code live: $MINIGRAD_CACHE_DIR, else ~/.cache/minigrad, else
    a temporary folder (a read-only home still works, it just compiles again in each process)."""
    for candidate in (os.environ.get("MINIGRAD_CACHE_DIR"), Path.home() / ".cache" / "minigrad",
                      Path(tempfile.gettempdir()) / f"minigrad-{os.getuid() if hasattr(os, 'getuid') else 'user'}"):
        if not candidate:
            continue
        path = Path(candidate) / "numba-kernels"
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".writable"
            probe.touch()
            return path
        except OSError:
            continue
    raise RuntimeError("no writable folder for the kernel cache: set MINIGRAD_CACHE_DIR")


def load_source(stem: str, source: str) -> ModuleType:
    """The module of generated `source`, written to the cache as <stem>_<digest>.py (once) and imported once."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    key = f"{stem}_{digest}"
    with _lock:
        module = _modules.get(key)
        if module is None:
            path = cache_dir() / f"{key}.py"
            if not path.exists():  # written whole, then renamed: a concurrent process never reads half a file
                partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                partial.write_text(source)
                os.replace(partial, path)
            name = f"minigrad_kernel_{key}"
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # Numba's disk cache finds the kernel's globals again by module name
            spec.loader.exec_module(module)
            _modules[key] = module
    return module


def parallel_source(kernel: str, sliced: Sequence[str], shared: Sequence[str], sums: Sequence[str] = ()) -> str:
    """The source of `parallel_<kernel>(parts, ...)`, to append to the module of `kernel`: kernel(*sliced, *shared)
    with the `sliced` arrays (same first dimension) cut along it into `parts` parts run in parallel; `shared`
    arguments go whole to every part. (`parts` is an argument: Numba cannot cache a function that asks for the
    thread count itself.) A kernel that returns float64 sums (a tuple of arrays, of the sizes `sums` in terms of the
    arguments) has them added over the parts."""
    call = f"{kernel}({', '.join([f'{a}[lo:hi]' for a in sliced] + list(shared))})"
    lines = ["from numba import prange", "", "",
             "@njit(parallel=True, nogil=True, cache=True)",
             f"def parallel_{kernel}(parts, {', '.join([*sliced, *shared])}):",
             f"    rows = {sliced[0]}.shape[0]"]
    lines += [f"    total{k} = np.zeros((parts, {size}))" for k, size in enumerate(sums)]
    lines += ["    for c in prange(parts):",
              "        lo, hi = rows * c // parts, rows * (c + 1) // parts"]
    if not sums:
        return "\n".join(lines + [f"        {call}"]) + "\n"
    lines += [f"        part = {call}"] + [f"        total{k}[c] = part[{k}]" for k in range(len(sums))]
    lines += [f"    return ({''.join(f'total{k}.sum(axis=0), ' for k in range(len(sums)))})"]
    return "\n".join(lines) + "\n"


def launch(module: ModuleType, kernel: str, sliced: Sequence[np.ndarray], *shared: Any) -> Any:
    """module.<kernel>(*sliced, *shared), over all cores for a large array (module.parallel_<kernel>, see
    `parallel_source`); what the kernel returns (the parameter sums of a backward kernel).

    Outputs among `sliced` are written in place.
    """
    rows = sliced[0].shape[0]
    parts = min(_threads(), rows) if sliced[0].size >= PARALLEL_FROM else 1
    if parts < 2:
        return getattr(module, kernel)(*sliced, *shared)
    parallel = getattr(module, f"parallel_{kernel}")
    if numba.threading_layer() != "workqueue":
        return parallel(parts, *sliced, *shared)
    with _starting:  # Numba's fallback layer, when neither OpenMP nor TBB loads, takes one caller at a time
        return parallel(parts, *sliced, *shared)


def _threads() -> int:
    """Numba's thread count (numba.set_num_threads changes it). The first call starts Numba's threading layer,
    with OMP_WAIT_POLICY=passive unless the user chose a policy: OpenMP reads it then, once; the environment is
    restored at once, so libraries loaded later are not affected."""
    global _layer_started
    if not _layer_started:
        with _starting:
            chosen = "OMP_WAIT_POLICY" in os.environ
            if not chosen:
                os.environ["OMP_WAIT_POLICY"] = "passive"
            try:
                numba.get_num_threads()
            finally:
                if not chosen:
                    del os.environ["OMP_WAIT_POLICY"]
            _layer_started = True
    return numba.get_num_threads()
