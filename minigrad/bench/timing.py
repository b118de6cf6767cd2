"""Timing that survives a shared, noisy machine: many repeats, report the median and the quartiles."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Timing:
    """Seconds per call over `repeats` runs: median and inter-quartile range."""

    median: float
    q1: float
    q3: float
    repeats: int

    def ms(self) -> str:
        return f"{1e3 * self.median:8.3f} ms  [{1e3 * self.q1:.3f}, {1e3 * self.q3:.3f}]"


def interleaved(candidates: dict[str, Callable[[], object]], repeats: int, rounds: int = 5) -> dict[str, Timing]:
    """Time every candidate in turn, `rounds` times over, so slow phases of the machine hit them all alike."""
    per_round = max(1, repeats // rounds)
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for fn in candidates.values():
        fn()
    for _ in range(rounds):
        for name, fn in candidates.items():
            for _ in range(per_round):
                start = time.perf_counter()
                fn()
                samples[name].append(time.perf_counter() - start)
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
