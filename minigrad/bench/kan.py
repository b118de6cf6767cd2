"""Benchmark: one training step (forward, backward, Adam) of a B-spline KAN against an MLP of the same parameter
count, timed interleaved in one run.

A KAN layer evaluates G + k basis functions per input and then multiplies (batch, in * (G + k)) by
(in * (G + k), out): as many multiply-adds as an MLP layer with (G + k) times its inputs. So at equal parameter
count the matrix products cost about the same, and what a KAN step pays on top is the basis (forward, and its
derivative in backward), the silu branch and the coefficient scaling. The reference library (pykan) is ~10x
slower than the MLP. Here, on a shared 2-core machine with the numba backend: ~2x for KAN [2, 5, 1] (where
Python's per-op overhead dominates both), ~1-1.3x for [64, 64, 10] at batch 1024, whose equal-size MLP has a
631-wide hidden layer.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

import minigrad as mg
from minigrad import backends, nn
from minigrad.bench.timing import Timing, adam_step, interleaved
from minigrad.nn.kan import KAN

CASES = (((2, 5, 1), 1000), ((64, 64, 10), 1024))


def mlp_parameters(sizes: Sequence[int]) -> int:
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def matching_mlp(width: Sequence[int], parameters: int) -> list[int]:
    """[width[0], h, ..., h, width[-1]] with as many hidden layers as the KAN and the h whose parameter count
    comes closest to `parameters`."""
    def sizes(h: int) -> list[int]:
        return [width[0]] + [h] * (len(width) - 2) + [width[-1]]

    h = 1
    while mlp_parameters(sizes(h + 1)) <= parameters:
        h += 1
    if abs(mlp_parameters(sizes(h + 1)) - parameters) < abs(mlp_parameters(sizes(h)) - parameters):
        h += 1
    return sizes(h)


def _training_step(model: nn.Module, batch: int, n_in: int, n_out: int) -> Callable[[], float]:
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.uniform(-1, 1, (batch, n_in)).astype(np.float32))
    y = mg.tensor(rng.standard_normal((batch, n_out)).astype(np.float32))
    return adam_step(model, x, y, lr=1e-3)


def run(cases: Sequence[tuple[Sequence[int], int]] = CASES, grid: int = 5, k: int = 3,
        repeats: int = 200) -> list[dict]:
    """For each (width, batch): the KAN and the equal-size MLP (silu), their parameter counts and step times."""
    rows = []
    for width, batch in cases:
        kan = KAN(width, grid=grid, k=k, seed=0)
        sizes = matching_mlp(width, kan.num_parameters())
        mg.manual_seed(0)
        mlp = nn.MLP(sizes, activation="silu")
        timings = interleaved({"kan": _training_step(kan, batch, width[0], width[-1]),
                               "mlp": _training_step(mlp, batch, width[0], width[-1])}, repeats)
        rows.append(dict(width=tuple(width), batch=batch, grid=grid, k=k, kan_parameters=kan.num_parameters(),
                         mlp_sizes=sizes, mlp_parameters=mlp.num_parameters(), kan=timings["kan"],
                         mlp=timings["mlp"]))
    return rows


def report(rows: list[dict]) -> str:
    """The rows of `run` as a Markdown table: median [quartiles] per step and the KAN / MLP ratio."""
    def cell(t: Timing) -> str:
        return f"{1e3 * t.median:.3f} ms [{1e3 * t.q1:.3f}, {1e3 * t.q3:.3f}]"

    lines = [f"B-spline KAN vs MLP (silu) of equal parameter count: one training step (forward, backward, Adam), "
             f"float32, {backends.current_name()} backend, median [quartiles] over "
             f"{rows[0]['kan'].repeats if rows else 0} steps",
             "",
             "| KAN width | G | k | batch | parameters | MLP sizes | parameters | KAN step | MLP step | KAN / MLP |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {list(row['width'])} | {row['grid']} | {row['k']} | {row['batch']} | "
                     f"{row['kan_parameters']} | {row['mlp_sizes']} | "
                     f"{row['mlp_parameters']} | {cell(row['kan'])} | {cell(row['mlp'])} | "
                     f"{row['kan'].median / row['mlp'].median:.2f}x |")
    return "\n".join(lines)
