"""Timing that survives a shared, noisy machine: many repeats, report the median and the quartiles."""
from __future__ import annotations

import ctypes
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4  # mallopt parameters, from glibc's malloc.h


@dataclass(frozen=True)
class Timing:
    """Seconds per call over `repeats` runs: median and inter-quartile range."""

    median: float
    q1: float
    q3: float
    repeats: int

    def ms(self) -> str:
        return f"{1e3 * self.median:8.3f} ms  [{1e3 * self.q1:.3f}, {1e3 * self.q3:.3f}]"


def keep_freed_memory() -> None:
    """Tell the C allocator (glibc) to keep freed memory in the process instead of returning it to the system.

    Otherwise whichever candidate runs right after one with big temporaries (the NumPy reference) gets its output
    in fresh pages, which the system zeroes on first touch: measured, a 2^22 float32 sigmoid went from 2.1 ms
    to 4.8 ms that way — the order of the candidates, not their kernels. A training loop reuses its memory, and
    so does every candidate after this. Elsewhere than glibc this does nothing.

    The setting holds for the rest of the process: a notebook that runs a benchmark keeps its freed memory from
    then on too, which is harmless (the memory is reused, not lost) but worth knowing when reading its RSS.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_TRIM_THRESHOLD, 2**31 - 1)  # never give the top of the heap back
    libc.mallopt(_M_MMAP_MAX, 0)                # big blocks from the heap too, not from mmap (unmapped on free)


def interleaved(candidates: dict[str, Callable[[], object]], repeats: int, rounds: int = 5) -> dict[str, Timing]:
    """Time every candidate in turn, `rounds` times over, so slow phases of the machine hit them all alike."""
    return timings(samples(candidates, repeats, rounds))


def samples(candidates: dict[str, Callable[[], object]], repeats: int, rounds: int = 5) -> dict[str, list[float]]:
    """Seconds per call of each candidate, timed in turn `rounds` times over (`repeats` calls each in all).

    Each turn starts with one untimed call: the previous candidate's worker threads may still be spinning on the
    cores (OpenMP runtimes, PyTorch's among them, busy-wait for a while after a parallel region), which measured
    here made the next candidate's first call 2x slower.
    """
    per_round = max(1, repeats // rounds)
    out: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            fn()
            for _ in range(per_round):
                start = time.perf_counter()
                fn()
                out[name].append(time.perf_counter() - start)
    return out


def timings(samples: dict[str, list[float]]) -> dict[str, Timing]:
    """Median and quartiles of each candidate's samples."""
    out = {}
    for name, values in samples.items():
        q1, median, q3 = np.percentile(values, [25, 50, 75])
        out[name] = Timing(float(median), float(q1), float(q3), len(values))
    return out


def adam_step(model, x, y, lr: float, backend: str | None = None) -> Callable[[], float]:
    """One full-batch training step to time: Adam(lr) on the mean squared error of model(x) against y, with the
    activations computed by `backend` (the current one if None). Returns the loss."""
    import contextlib

    import minigrad as mg
    from minigrad import optim

    opt = optim.Adam(model.parameters(), lr=lr)

    def step() -> float:
        with mg.use_backend(backend) if backend else contextlib.nullcontext():
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
        return loss.item()

    return step
