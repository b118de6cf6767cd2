"""Benchmark: forward and backward throughput of every pointwise activation, per backend, against memory speed.

For each activation on n float32 elements: the NumPy reference, the Numba kernels and PyTorch's CPU kernel (when
torch is installed and has the function), timed interleaved, medians over repeats. Throughput is reported in
elements/s and in GB/s of memory traffic (forward reads x and writes y: 8 bytes per element; backward reads x and
g and writes the gradient: 12), next to the machine's memory-copy bandwidth (np.copyto: 8 bytes per element),
which no elementwise kernel can beat.
"""
from __future__ import annotations

import csv
import importlib
import inspect
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from minigrad import activations
from minigrad.backends.numba_backend import NumbaBackend
from minigrad.backends.reference import NumpyBackend
from minigrad.bench.timing import interleaved

BYTES = {"forward": 8, "backward": 12}


@dataclass(frozen=True)
class Row:
    name: str
    direction: str
    seconds: dict[str, float]  # backend -> median seconds per call

    def throughput(self, backend: str, n: int) -> float:
        return n / self.seconds[backend]


def _torch_function(spec) -> Callable | None:
    if not spec.torch:
        return None
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        return None
    target = torch
    for part in spec.torch.split(".")[1:]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return None if inspect.isclass(target) else target  # torch.nn.Identity is a module, not a function


def _params(spec) -> dict:
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in spec.defaults().items()}


def _candidates(spec, x: np.ndarray, g: np.ndarray, direction: str) -> dict[str, Callable[[], object]]:
    params = _params(spec)
    numba, reference = NumbaBackend(), NumpyBackend()
    if direction == "forward":
        out = {"numpy": lambda: reference.forward(spec, x, params), "numba": lambda: numba.forward(spec, x, params)}
    else:
        out = {"numpy": lambda: reference.backward(spec, x, g, params, ("x",)),
               "numba": lambda: numba.backward(spec, x, g, params, ("x",))}
    fn = _torch_function(spec)
    if fn is not None:
        import torch

        xt, gt = torch.from_numpy(x), torch.from_numpy(g)
        # same names and defaults as torch; a per-channel parameter (prelu's weight) is a tensor there
        kwargs = {p.name: torch.tensor(params[p.name], dtype=xt.dtype) if p.per_channel else params[p.name]
                  for p in spec.params}
        if direction == "forward":
            out["pytorch"] = lambda: fn(xt, **kwargs)
        else:
            xg = xt.clone().requires_grad_(True)
            y = fn(xg, **kwargs)
            out["pytorch"] = lambda: torch.autograd.grad(y, xg, gt, retain_graph=True)
    return out


def copy_bandwidth(n: int, repeats: int) -> float:
    """Bytes per second that np.copyto moves (read + write) for n float32 elements: the memory limit."""
    src, dst = np.ones(n, np.float32), np.empty(n, np.float32)
    seconds = interleaved({"copy": lambda: np.copyto(dst, src)}, repeats)["copy"].median
    return 8 * n / seconds


def run(names: list[str] | None = None, log2_size: int = 22, repeats: int = 20,
        progress: bool = True) -> tuple[list[Row], float, int]:
    """Median seconds per call for each activation, direction and backend; and the copy bandwidth."""
    from tqdm import tqdm

    n = 1 << log2_size
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(n) * 3).astype(np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    chosen = names or [s for s in activations.names("pointwise") if not activations.get(s).stochastic]
    rows = []
    for name in tqdm(chosen, desc="activations", disable=not progress):
        spec = activations.get(name)
        for direction in ("forward", "backward"):
            timings = interleaved(_candidates(spec, x, g, direction), repeats)
            rows.append(Row(name, direction, {k: t.median for k, t in timings.items()}))
    return rows, copy_bandwidth(n, repeats), n


def _geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def summary(rows: list[Row]) -> dict[str, float]:
    """Geometric means of the speed-ups: Numba over NumPy, and Numba over PyTorch where PyTorch has the function."""
    out = {}
    for direction in ("forward", "backward"):
        chosen = [r for r in rows if r.direction == direction]
        out[f"numba/numpy {direction}"] = _geomean([r.seconds["numpy"] / r.seconds["numba"] for r in chosen])
        torch_rows = [r for r in chosen if "pytorch" in r.seconds]
        if torch_rows:
            out[f"numba/pytorch {direction}"] = _geomean([r.seconds["pytorch"] / r.seconds["numba"] for r in torch_rows])
    return out


def markdown(rows: list[Row], bandwidth: float, n: int) -> str:
    lines = [f"{n} float32 elements; memory copy {bandwidth / 1e9:.1f} GB/s. Throughput in G elements/s "
             "(and % of copy bandwidth for Numba).", "",
             "| activation | direction | NumPy | Numba | PyTorch | Numba % of copy | Numba / NumPy | Numba / PyTorch |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        rate = {k: r.throughput(k, n) / 1e9 for k in r.seconds}
        share = 100 * BYTES[r.direction] * r.throughput("numba", n) / bandwidth
        torch_cells = (f"{rate['pytorch']:.2f}", f"{r.seconds['pytorch'] / r.seconds['numba']:.2f}x") \
            if "pytorch" in r.seconds else ("–", "–")
        lines.append(f"| {r.name} | {r.direction} | {rate['numpy']:.3f} | {rate['numba']:.2f} | {torch_cells[0]} | "
                     f"{share:.0f}% | {r.seconds['numpy'] / r.seconds['numba']:.1f}x | {torch_cells[1]} |")
    lines += ["", "| geometric mean | speed-up |", "|---|---|"]
    lines += [f"| {k} | {v:.2f}x |" for k, v in summary(rows).items()]
    return "\n".join(lines) + "\n"


def write(rows: list[Row], bandwidth: float, n: int, out_dir: str | Path) -> list[Path]:
    """table.md, table.csv and throughput.png in out_dir."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "table.md").write_text(markdown(rows, bandwidth, n))
    with open(out / "table.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["activation", "direction", "backend", "seconds", "elements_per_s", "gb_per_s"])
        for r in rows:
            for backend, seconds in r.seconds.items():
                writer.writerow([r.name, r.direction, backend, f"{seconds:.6g}", f"{n / seconds:.6g}",
                                 f"{BYTES[r.direction] * n / seconds / 1e9:.4g}"])
    return [out / "table.md", out / "table.csv", _plot(rows, bandwidth, n, out / "throughput.png")]


def _plot(rows: list[Row], bandwidth: float, n: int, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, figsize=(max(10, 0.22 * len(rows)), 8), sharex=True)
    for ax, direction in zip(axes, ("forward", "backward")):
        chosen = [r for r in rows if r.direction == direction]
        positions = np.arange(len(chosen))
        for offset, backend in zip((-0.27, 0, 0.27), ("numpy", "numba", "pytorch")):
            values = [r.throughput(backend, n) / 1e9 if backend in r.seconds else 0 for r in chosen]
            ax.bar(positions + offset, values, width=0.27, label=backend)
        ax.axhline(bandwidth / BYTES[direction] / 1e9, color="k", linestyle="--", linewidth=1,
                   label="memory-copy limit")
        ax.set_ylabel(f"{direction}\nG elements/s")
        ax.set_xticks(positions, [r.name for r in chosen], rotation=90, fontsize=7)
        ax.legend(fontsize=8)
    fig.suptitle(f"Activation throughput, {n} float32 elements")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
