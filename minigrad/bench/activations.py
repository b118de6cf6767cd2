"""Benchmark: forward and backward throughput of every pointwise activation, per backend, against memory speed.

For each activation on n float32 elements: the NumPy reference, the Numba kernels and PyTorch's CPU kernel (when
torch is installed and has the function), timed interleaved, medians over repeats spread over three passes of the
whole table, each in its own random order. Throughput is reported in elements/s and in GB/s of memory traffic
(forward reads x and writes y: 8 bytes per element; backward reads x and g and writes the gradient: 12), next to
the machine's memory-copy bandwidth (8 bytes per element, the median of one measurement per pass), which an
elementwise kernel with ordinary stores cannot beat. The copy is a kernel of its own, cut over the cores by the
same parallel driver as the activations' kernels (`copy_kernel`). np.copyto runs on one thread: on a 2-core machine
it moved 0.65-0.92x as much as this copy, measured side by side, and kernels on both cores passed it (ReLU at
120-160% of it). A learnable activation gets a third direction, "parameters": the backward pass for x and every
learnable parameter (the same 12 bytes per element: the parameters' gradients are sums).

With device="cuda" (CuPy and a GPU needed) the same table compares, on the GPU, the reference formulas on CuPy
arrays (one kernel launch and one temporary array per operation) with the generated CUDA kernels, against the
device's copy bandwidth; each call is timed to the end of its kernels. Use large arrays there (2^26 elements):
at 2^22 a kernel takes microseconds and the launch overhead dominates.
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
from minigrad.backends.reference import NumpyBackend
from minigrad.bench.timing import keep_freed_memory, samples, timings

BYTES = {"forward": 8, "backward": 12, "parameters": 12}
# the whole table is measured this many times over, each pass with a share of the repeats and the rows in a new
# random order: a busy phase of a shared machine (a minute or two, or one that recurs) then moves a part of every
# row's samples, not all of a few rows'
PASSES = 3
# device -> (the reference, the generated kernels): the two backends each table compares
PAIRS = {"cpu": ("numpy", "numba"), "cuda": ("cupy-arrays", "cupy")}
LABELS = {"numpy": "NumPy", "numba": "Numba", "cupy-arrays": "CuPy arrays", "cupy": "CUDA kernels",
          "pytorch": "PyTorch"}


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


def default_params(spec) -> dict:
    """The activation's default parameters, lists as tuples (the form the kernels take)."""
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in spec.defaults().items()}


def _kernels(device: str):
    if device == "cpu":
        from minigrad.backends.numba_backend import NumbaBackend

        return NumbaBackend()
    from minigrad.backends.cupy_backend import CupyBackend

    return CupyBackend()


def directions(spec) -> tuple[str, ...]:
    """What is timed for an activation: forward, backward (x only) and, if it learns, "parameters"."""
    return ("forward", "backward") + (("parameters",) if spec.learnable else ())


def _candidates(spec, x, g, direction: str, device: str = "cpu") -> dict[str, Callable[[], object]]:
    params = default_params(spec)
    reference, kernels = NumpyBackend(), _kernels(device)
    base, fused = PAIRS[device]
    if direction == "forward":
        out = {base: lambda: reference.forward(spec, x, params), fused: lambda: kernels.forward(spec, x, params)}
    else:
        wanted = ("x",) + (spec.learnable if direction == "parameters" else ())
        out = {base: lambda: reference.backward(spec, x, g, params, wanted),
               fused: lambda: kernels.backward(spec, x, g, params, wanted)}
    if device == "cuda":
        return _synchronised(out)
    fn = _torch_function(spec)
    if fn is not None and direction != "parameters":
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


def _gpu():
    """The cupy module, once it is sure there is a GPU; else a RuntimeError saying what is missing."""
    from minigrad.backends.cupy_backend import require_gpu

    try:
        require_gpu()
    except (ImportError, RuntimeError) as e:
        raise RuntimeError(f"bench activations --device cuda needs CuPy and a GPU: {e}") from None
    import cupy

    return cupy


def _synchronised(candidates: dict[str, Callable[[], object]]) -> dict[str, Callable[[], object]]:
    """Each GPU call made to return only when its kernels have finished (launches are asynchronous)."""
    device = _gpu().cuda.Device()
    return {name: (lambda fn=fn: (fn(), device.synchronize())) for name, fn in candidates.items()}


def copy_kernel() -> Callable[[np.ndarray, np.ndarray], None]:
    """copy(src, dst): dst[:] = src for 1-D arrays of one dtype, a large array over all cores, in the threads and
    through the driver the activations' kernels use (`numba_runtime`): what the hardware allows them."""
    from minigrad.backends.numba_runtime import DECORATOR, launch, load_source, parallel_source

    source = "\n".join(["import numpy as np", "from numba import njit", "", "", DECORATOR, "def kernel(src, dst):",
                        "    for t in range(src.size):", "        dst[t] = src[t]", "", ""])
    module = load_source("copy", source + parallel_source("kernel", ["src", "dst"], []))
    return lambda src, dst: launch(module, "kernel", (src, dst))


def copy_bandwidth(n: int, repeats: int, device: str = "cpu") -> float:
    """Bytes per second that a copy moves (read + write) for n float32 elements on `device`: the memory limit
    (on the CPU by `copy_kernel`, over all cores)."""
    xp = np if device == "cpu" else _gpu()
    src, dst = xp.ones(n, np.float32), xp.empty(n, np.float32)
    if device == "cpu":
        kernel = copy_kernel()
        copy = {"copy": lambda: kernel(src, dst)}
    else:
        copy = _synchronised({"copy": lambda: xp.copyto(dst, src)})
    return 8 * n / timings(samples(copy, repeats))["copy"].median


def run(names: list[str] | None = None, log2_size: int = 22, repeats: int = 20,
        progress: bool = True, device: str = "cpu") -> tuple[list[Row], float, int]:
    """Median seconds per call for each activation, direction and backend on `device` ("cpu" or "cuda"); and the
    copy bandwidth."""
    from minigrad.plotting import progress as progress_bar

    if device not in PAIRS:
        raise ValueError(f"unknown device {device!r}: expected one of {', '.join(PAIRS)}")
    keep_freed_memory()
    n = 1 << log2_size
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(n) * 3).astype(np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    if device == "cuda":
        x, g = _gpu().asarray(x), _gpu().asarray(g)
    chosen = names or [s for s in activations.names("pointwise") if not activations.get(s).stochastic]
    rows = [(name, direction) for name in chosen for direction in directions(activations.get(name))]
    passes = min(PASSES, repeats)
    times: dict[tuple[str, str], dict[str, list[float]]] = {row: {} for row in rows}
    copies = []
    with progress_bar(total=passes * len(rows), enabled=progress, desc="activations") as bar:
        for p in range(passes):
            share = repeats // passes + (p < repeats % passes)
            for i in rng.permutation(len(rows)):
                name, direction = rows[i]
                candidates = _candidates(activations.get(name), x, g, direction, device)
                for backend, values in samples(candidates, share, rounds=min(5, share)).items():
                    times[name, direction].setdefault(backend, []).extend(values)
                bar.update()
            copies.append(copy_bandwidth(n, share, device))
    table = [Row(name, direction, {k: t.median for k, t in timings(times[name, direction]).items()})
             for name, direction in rows]
    return table, float(np.median(copies)), n


def pair(rows: list[Row]) -> tuple[str, str]:
    """(the reference, the kernels) that `rows` compare."""
    return next(p for p in PAIRS.values() if rows and p[1] in rows[0].seconds)


def _present(rows: list[Row]) -> list[str]:
    """The directions among `rows`, in BYTES' order."""
    return [d for d in BYTES if any(r.direction == d for r in rows)]


def _geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def summary(rows: list[Row]) -> dict[str, float]:
    """Geometric means of the speed-ups: the kernels (Numba on the CPU) over the reference (NumPy), and over
    PyTorch where PyTorch has the function."""
    base, fused = pair(rows)
    out = {}
    for direction in _present(rows):
        chosen = [r for r in rows if r.direction == direction]
        out[f"{fused}/{base} {direction}"] = _geomean([r.seconds[base] / r.seconds[fused] for r in chosen])
        torch_rows = [r for r in chosen if "pytorch" in r.seconds]
        if torch_rows:
            out[f"{fused}/pytorch {direction}"] = _geomean([r.seconds["pytorch"] / r.seconds[fused] for r in torch_rows])
    return out


def markdown(rows: list[Row], bandwidth: float, n: int) -> str:
    base, fused = pair(rows)
    b, f = LABELS[base], LABELS[fused]
    lines = [f"{n} float32 elements; memory copy {bandwidth / 1e9:.1f} GB/s. Throughput in G elements/s "
             f"(and % of copy bandwidth for {f}).", "",
             f"| activation | direction | {b} | {f} | PyTorch | {f} % of copy | {f} / {b} | {f} / PyTorch |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        rate = {k: r.throughput(k, n) / 1e9 for k in r.seconds}
        share = 100 * BYTES[r.direction] * r.throughput(fused, n) / bandwidth
        torch_cells = (f"{rate['pytorch']:.2f}", f"{r.seconds['pytorch'] / r.seconds[fused]:.2f}x") \
            if "pytorch" in r.seconds else ("–", "–")
        lines.append(f"| {r.name} | {r.direction} | {rate[base]:.3f} | {rate[fused]:.2f} | {torch_cells[0]} | "
                     f"{share:.0f}% | {r.seconds[base] / r.seconds[fused]:.1f}x | {torch_cells[1]} |")
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

    shown = _present(rows)
    fig, axes = plt.subplots(len(shown), 1, figsize=(max(10, 0.11 * len(rows)), 4 * len(shown)), squeeze=False)
    for ax, direction in zip(axes[:, 0], shown):
        chosen = [r for r in rows if r.direction == direction]
        positions = np.arange(len(chosen))
        timed = [b for b in pair(rows) + ("pytorch",) if any(b in r.seconds for r in chosen)]
        for offset, backend in zip((-0.27, 0, 0.27), timed):
            values = [r.throughput(backend, n) / 1e9 if backend in r.seconds else 0 for r in chosen]
            ax.bar(positions + offset, values, width=0.27, label=LABELS[backend])
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
