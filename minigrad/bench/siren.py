"""Benchmark: training steps per second of a SIREN fitting an image, on each CPU backend.

One step is the full-batch forward pass over every pixel of a size x size image, the backward pass and an Adam
update, for Siren(2, 256, hidden_layers=3, 1) in float32 (4 sine layers of width 256 and a linear output). The
backend computes the sines and their derivatives; the matrix products are NumPy's (BLAS) on every backend, and
they do most of the arithmetic: (size^2 x 256) @ (256 x 256) three times per hidden layer per step.
"""
from __future__ import annotations

from typing import Callable, Sequence

import minigrad as mg
from minigrad import backends
from minigrad.bench.timing import Timing, adam_step, interleaved
from minigrad.datasets.images import image
from minigrad.inr import coordinate_grid
from minigrad.nn.siren import Siren


def siren_step(size: int, hidden_features: int = 256, hidden_layers: int = 3,
               backend: str = "numpy") -> Callable[[], float]:
    """One Adam step (lr 1e-4) of a SIREN on the size x size camera image, computed with `backend`."""
    mg.manual_seed(0)
    model = Siren(2, hidden_features, hidden_layers, 1)
    coords = coordinate_grid(size, size)
    target = mg.tensor(image("camera", size).reshape(-1, 1), dtype=mg.float32)
    return adam_step(model, coords, target, lr=1e-4, backend=backend)


def run(sizes: Sequence[int] = (64, 256), repeats: int = 10, hidden_features: int = 256, hidden_layers: int = 3,
        backend_names: Sequence[str] = backends.NAMES) -> dict[tuple[int, str], Timing]:
    """Seconds per training step for each (image size, backend), backends interleaved per size.

    A backend that cannot load (Numba not installed) is left out. The first call of each step is not timed, so a
    Numba kernel's compilation is not counted.
    """
    usable = [name for name in backend_names if backends.available()[name] == "available"]
    timings: dict[tuple[int, str], Timing] = {}
    for size in sizes:
        candidates = {name: siren_step(size, hidden_features, hidden_layers, name) for name in usable}
        for name, timing in interleaved(candidates, repeats, rounds=min(5, repeats)).items():
            timings[size, name] = timing
    return timings


def report(timings: dict[tuple[int, str], Timing], hidden_features: int = 256, hidden_layers: int = 3) -> str:
    """A Markdown table: image size, backend, time per step (median and quartiles), steps per second."""
    repeats = next(iter(timings.values())).repeats if timings else 0
    lines = [f"SIREN 2-{'-'.join([str(hidden_features)] * (hidden_layers + 1))}-1, float32, Adam, full batch "
             f"(median [quartiles] over {repeats} steps)", "",
             "| image | backend | time per step | steps/s |", "|---|---|---|---|"]
    for (size, name), timing in timings.items():
        lines.append(f"| {size}x{size} | {name} | {timing.ms().strip()} | {1.0 / timing.median:.2f} |")
    return "\n".join(lines)
