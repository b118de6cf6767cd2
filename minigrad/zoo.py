"""The activation zoo: every activation of the catalog and its derivative, drawn family by family.

`python -m minigrad zoo` writes overview.png (every pointwise activation at a glance) and one image per family.
Pointwise units show f (solid) and f' (dashed; a surrogate's declared estimator, dotted); gated units are drawn
along the diagonal (both inputs equal to x); vector maps and layers are applied to the ramp x as one vector;
basis families show every basis function.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

import minigrad as mg
from minigrad import activations
from minigrad.activations.spec import FAMILIES, ActivationSpec
from minigrad.diagnostics import evaluate
import minigrad.functional as F

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _ramp(spec: ActivationSpec, n: int = 400) -> np.ndarray:
    low, high = max(spec.x_domain[0], spec.plot_range[0]), min(spec.x_domain[1], spec.plot_range[1])
    return np.linspace(low, high, n)


def curves(spec: ActivationSpec, **params: Any) -> tuple[np.ndarray, list[tuple[np.ndarray, str, str]]]:
    """x and the curves to draw for one activation: (values, style, label) triples. `params` override the
    declared defaults of a pointwise activation."""
    mg.manual_seed(0)
    x = _ramp(spec)
    fn = getattr(F, spec.name)
    if spec.pointwise:
        y, dy = evaluate(spec.name, x, **params)
        return x, [(y, "-", "f"), (dy, ":" if spec.surrogate else "--", "surrogate" if spec.surrogate else "f'")]
    if params:
        raise ValueError(f"{spec.name} is a {spec.kind} activation: it is drawn with its declared parameters only")
    with mg.no_grad():
        if spec.kind == "basis":
            out = fn(mg.tensor(x)).numpy()
            return x, [(out[:, j], "-", "") for j in range(out.shape[-1])]
        if spec.kind == "gated":
            out = fn(mg.tensor(np.stack([x, x], axis=-1))).numpy()
            return x, [(out.reshape(x.size, -1)[:, 0], "-", "f(x, x)")]
        out = _as_one_vector(fn, x, spec)
        return x, [(out, "-", "applied to x as one vector")]


def _as_one_vector(fn, x: np.ndarray, spec: ActivationSpec) -> np.ndarray:
    """fn on the ramp as one row (a map that needs another shape gets the ramp laid out in its input_shape),
    stretched back over the ramp when it returns fewer values than it was given (maxout, pooling maps)."""
    try:
        ramp, out = x, fn(mg.tensor(x[None, :])).numpy().ravel()
    except (ValueError, TypeError):
        ramp = np.linspace(x[0], x[-1], math.prod(spec.input_shape))
        out = fn(mg.tensor(ramp.reshape(spec.input_shape))).numpy().ravel()
    if out.size >= ramp.size:
        return np.interp(x, ramp, out[: ramp.size])
    return np.interp(x, np.linspace(x[0], x[-1], out.size), out)


def panel(ax: Axes, spec: ActivationSpec, small: bool = False, **params: Any) -> None:
    """Draw one activation (f solid, f' dashed) into `ax`, titled by its name, with y limits that ignore the
    outermost 1% of the values (a tail that grows like x^2 would otherwise flatten the interesting part)."""
    x, lines = curves(spec, **params)
    for y, style, label in lines:
        ax.plot(x, y, style, linewidth=1.2 if small else 1.6, label=label or None)
    ax.axhline(0, color="0.8", linewidth=0.6, zorder=0)
    ax.axvline(0, color="0.8", linewidth=0.6, zorder=0)
    ax.set_title(spec.name + (" [?]" if spec.uncertain else ""), fontsize=7 if small else 9)
    ax.tick_params(labelsize=5 if small else 7)
    low, high = np.nanpercentile(np.concatenate([y for y, _, _ in lines]), [1, 99])
    pad = 0.15 * (high - low) + 1e-9
    ax.set_ylim(low - pad, high + pad)


def figure(specs: list[ActivationSpec], title: str, columns: int, small: bool) -> Figure:
    """A grid of panels, one per activation, `columns` wide (see plotting.new_figure: nothing is shown)."""
    from minigrad.plotting import new_figure

    rows = math.ceil(len(specs) / columns)
    size = 1.6 if small else 2.6
    fig = new_figure(figsize=(columns * size, rows * size * 0.8))
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax, spec in zip(axes.flat, specs):
        panel(ax, spec, small)
    for ax in axes.flat[len(specs):]:
        ax.axis("off")
    if not small and axes.flat[0].get_legend_handles_labels()[1]:
        axes.flat[0].legend(fontsize=7, loc="best")
    fig.suptitle(title, fontsize=11 if small else 13)
    fig.tight_layout()
    return fig


def _grid(specs: list[ActivationSpec], title: str, path: Path, columns: int, small: bool) -> Path:
    figure(specs, title, columns, small).savefig(path, dpi=110)
    return path


def draw(out_dir: str | Path, families: list[str] | None = None, progress: bool = True) -> list[Path]:
    """Draw the overview and one image per family (all, or the given ones) into out_dir; returns the files."""
    import matplotlib
    from minigrad.plotting import progress as progress_bar

    matplotlib.use("Agg")  # files only: no window system needed, none started

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    groups = activations.by_family()
    unknown = sorted(set(families or []) - set(groups))
    if unknown:
        raise ValueError(f"unknown families {unknown}; the families are {', '.join(groups)}")
    written = []
    if not families:
        pointwise = [activations.get(n) for n in activations.names("pointwise")]
        written.append(_grid(pointwise, f"The activation zoo: {len(pointwise)} pointwise activations "
                                        "(f solid, f' dashed)", out / "overview.png", columns=10, small=True))
    chosen = families or list(groups)
    for family in progress_bar(chosen, enabled=progress, desc="zoo"):
        specs = sorted(groups[family], key=lambda s: s.name)
        written.append(_grid(specs, FAMILIES[family], out / f"{family}.png", columns=5, small=False))
    return written
