"""Benchmark: when do streaming stores pay? Plain stores against non-temporal ones, each in a process of its own.

A light Numba kernel writes an output of `numba_stream.STREAM_FROM` bytes or more with non-temporal stores
(`minigrad/backends/numba_stream.py`). This measures that choice: for each activation and size, the same kernel
with plain stores (STREAM_FROM set beyond any array) and with streaming stores (STREAM_FROM = 0), timed

- forward alone and backward alone (x's gradient): what a benchmark of one kernel sees;
- three forwards chained, y = f(f(f(x))), and their three backwards, each reading the gradient the one before
  wrote: what a network sees, where the next kernel reads the output at once. A plain store leaves the output
  in the cache for it; a streamed one sends it to memory, to be read back.

Why one process per measurement: a streaming call leaves the memory it wrote out of the cache, and the allocator
hands that memory to whatever runs next, so in one process the order of the variants decides the result
(measured: interleaving them in one process favoured streaming by 2x at 16 MiB). Each child process times one
variant of one activation at one size (keep_freed_memory(), then the median of max(15, 2**25 // n) calls after a
warm-up call); the variants alternate, and `alternations` repeats the whole sequence, so a busy phase of a shared
machine shows as a spread between the runs instead of as a difference between the variants.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

import numpy as np

VARIANTS = {"plain": 1 << 62, "streaming": 0}  # the STREAM_FROM of each variant, in bytes
MEASURES = ("forward", "backward", "3 forwards chained", "3 backwards chained")


@dataclass(frozen=True)
class Result:
    """Median milliseconds per call of one variant of one activation at 2**log2_size float32 elements."""

    name: str
    log2_size: int
    variant: str
    ms: dict[str, float]  # measure -> median ms


def _spec_and_params(name: str):
    from minigrad import activations
    from minigrad.bench.activations import default_params

    spec = activations.get(name)
    return spec, default_params(spec)


def streams(name: str) -> bool:
    """Whether the activation's forward kernel can stream its output (float32, a flat array)."""
    from minigrad.backends.layout import layout_of
    from minigrad.backends.numba_backend import compiled

    spec, params = _spec_and_params(name)
    return bool(compiled(spec, layout_of(spec, params, (1 << 10,)), np.dtype(np.float32), ()).STREAMS)


def measure(name: str, log2_size: int, variant: str) -> dict[str, float]:
    """In this process: median ms of each measure with the variant's stores (changes numba_stream.STREAM_FROM)."""
    from minigrad.backends import numba_stream
    from minigrad.backends.numba_backend import NumbaBackend
    from minigrad.bench.timing import keep_freed_memory, samples, timings

    keep_freed_memory()
    numba_stream.STREAM_FROM = VARIANTS[variant]
    spec, params = _spec_and_params(name)
    n = 1 << log2_size
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(n) * 3).astype(np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    backend = NumbaBackend()

    def f(v: np.ndarray) -> np.ndarray:
        return backend.forward(spec, v, params)

    def df(v: np.ndarray, u: np.ndarray) -> np.ndarray:
        return backend.backward(spec, v, u, params, ("x",))["x"]

    y1, y2 = f(x), f(f(x))
    candidates = {"forward": lambda: f(x), "backward": lambda: df(x, g), "3 forwards chained": lambda: f(f(f(x))),
                  "3 backwards chained": lambda: df(x, df(y1, df(y2, g)))}
    times = timings(samples(candidates, max(15, (1 << 25) // n), rounds=1))  # each: a warm-up call, then all its calls
    return {key: 1e3 * t.median for key, t in times.items()}


def _child(name: str, log2_size: int, variant: str) -> Result:
    command = [sys.executable, "-m", "minigrad.bench.stream", name, str(log2_size), variant]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the measuring process failed ({' '.join(command)}):\n{done.stderr.strip()}")
    return Result(name, log2_size, variant, json.loads(done.stdout.strip().splitlines()[-1]))


def run(names: list[str], log2_sizes: list[int], alternations: int = 2,
        progress: bool = True) -> list[Result]:
    """Every (activation, size, variant), each in a fresh process, the variants alternating, the whole sequence
    `alternations` times over (every second time with the variants in the other order)."""
    from minigrad.plotting import progress as progress_bar

    for name in names:
        if not streams(name):
            raise ValueError(f"{name}'s kernels never stream (their bodies are too heavy: "
                             f"see numba_backend._streams); choose a light activation such as relu or softsign")
    order = list(VARIANTS)
    out = []
    with progress_bar(total=alternations * len(names) * len(log2_sizes) * len(order), enabled=progress,
                      desc="processes") as bar:
        for a in range(alternations):
            for log2_size in log2_sizes:
                for name in names:
                    for variant in order if a % 2 == 0 else order[::-1]:
                        out.append(_child(name, log2_size, variant))
                        bar.update()
    return out


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.2f}" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}-{high:.2f}"


def _size(nbytes: int) -> str:
    return f"{nbytes >> 20} MiB" if nbytes >= 1 << 20 else f"{nbytes >> 10} KiB"


def markdown(results: list[Result]) -> str:
    """One row per activation and size: plain -> streaming ms for each measure (the range over the runs), and
    the speed-up of streaming (ratio of the medians over the runs)."""
    from minigrad.backends import numba_stream

    lines = [f"float32, ms per call, plain stores -> streaming stores (range over the runs); streaming's speed-up. "
             f"The kernels stream from STREAM_FROM = {numba_stream.STREAM_FROM >> 20} MiB of output.", "",
             "| activation | elements | output | " + " | ".join(MEASURES) + " |",
             "|---|---|---|" + "---|" * len(MEASURES)]
    keys = dict.fromkeys((r.name, r.log2_size) for r in results)
    for name, log2_size in keys:
        runs = {v: [r.ms for r in results if (r.name, r.log2_size, r.variant) == (name, log2_size, v)]
                for v in VARIANTS}
        cells = []
        for m in MEASURES:
            plain, streamed = ([ms[m] for ms in runs[v]] for v in VARIANTS)
            cells.append(f"{_span(plain)} -> {_span(streamed)} ({np.median(plain) / np.median(streamed):.2f}x)")
        lines.append(f"| {name} | 2^{log2_size} | {_size(4 << log2_size)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # one measurement, in a process of its own (see `run`): NAME LOG2_SIZE VARIANT
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]), sys.argv[3])))
