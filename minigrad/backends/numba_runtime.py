"""Where generated Numba kernels are kept and how they run: the disk cache, loading, and splitting over cores.

Kernels are generated as Python source, written to a file in the kernel cache and imported from there, so that
Numba's own cache (`cache=True`) can store their machine code beside them: the next process skips compilation.

Kernels are compiled as plain loops that release the GIL (`nogil=True`), not as Numba `parallel=True` loops:
a parallel loop costs about three times as long to compile, and a large array is simply cut into one slice per
core, each run by a worker thread. Small arrays run on the calling thread: between the matrix products of a
training step a parallel launch makes the workers and the BLAS threads fight over the cores (measured: a
784-256-256-10 MLP step 7x slower on 2 cores with parallel launches for its small activations).
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Sequence

import numba
import numpy as np

# Fused multiply-add only: NaN and Inf keep their meaning, and nothing reorders vmath's careful arithmetic.
# error_model="numpy": x / 0 is inf as in NumPy, not a ZeroDivisionError check (a branch in every division).
DECORATOR = '@njit(nogil=True, cache=True, fastmath={"contract"}, error_model="numpy")'
PARALLEL_FROM = 1 << 18  # elements; below, waking the other threads costs more than it saves

_modules: dict[str, ModuleType] = {}
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


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


def workers() -> int:
    """How many slices a large array is cut into: Numba's thread count (NUMBA_NUM_THREADS, else the cores)."""
    return max(1, numba.config.NUMBA_NUM_THREADS)


def launch(kernel: Callable[..., Any], sliced: Sequence[np.ndarray], *shared: Any) -> list[Any]:
    """kernel(*sliced, *shared), with the `sliced` arrays (same first dimension) cut along it over the cores;
    what each slice's call returned (the sums of a backward kernel), in slice order.

    Every slice is a view, so outputs among `sliced` are written in place; `shared` arguments (parameters,
    tables) go whole to every call.
    """
    rows = sliced[0].shape[0]
    parts = min(workers(), rows)
    if sliced[0].size < PARALLEL_FROM or parts < 2:
        return [kernel(*sliced, *shared)]
    bounds = np.linspace(0, rows, parts + 1).astype(np.int64)
    pool = _thread_pool()
    futures = [pool.submit(kernel, *(a[lo:hi] for a in sliced), *shared) for lo, hi in zip(bounds[1:-1], bounds[2:])]
    first = kernel(*(a[:bounds[1]] for a in sliced), *shared)  # the calling thread takes the first slice itself
    return [first] + [future.result() for future in futures]


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, workers() - 1), thread_name_prefix="minigrad-kernel")
    return _pool
