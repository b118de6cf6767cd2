"""Plotting for the lessons: each returns a matplotlib Figure and never opens a window.

    plotting.activation("snake", alpha=2.0)                  # f and f' from the catalog
    plotting.training_curves({"relu": losses_relu, "gelu": losses_gelu}, log=True)
    plotting.gradient_flow(diagnostics.layer_statistics(model, x, loss_fn))
    plotting.image_grid({"target": img, "SIREN": fit}), plotting.decision_boundary(model, x, y)
    for step in plotting.progress(range(steps)): ...

Figures are made by pyplot and closed at once (`new_figure`): pyplot neither shows them nor keeps them alive, a
notebook displays a returned figure exactly once, and without a display (the Agg backend) everything works the
same. Save one with `fig.savefig(path)`. Every function that draws on one axes also accepts `ax=` to draw into
an existing figure.
"""
from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from minigrad import activations, zoo
from minigrad.autograd import no_grad
from minigrad.lessons import quick_mode
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _host(values: Any) -> np.ndarray:
    return values.detach().numpy() if isinstance(values, Tensor) else np.asarray(values)


def new_figure(**kwargs: Any) -> Figure:
    """plt.figure(**kwargs), closed at once.

    Made by pyplot, the figure gets the active backend's canvas: in a notebook that turns the inline backend on,
    which is what displays a figure returned by a cell. Closed, it is no longer pyplot's, so pyplot does not
    display it a second time at the end of the cell, nor keep it alive after the caller drops it.
    """
    import matplotlib.pyplot as plt

    fig = plt.figure(**kwargs)
    plt.close(fig)
    return fig


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """`ax` and its figure, or a new figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    fig = new_figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def activation(name: str, ax: Axes | None = None, **params: Any) -> Figure:
    """One activation of the catalog: f (solid) and f' (dashed; a surrogate's estimator dotted), drawn as the
    zoo draws it; `params` override the declared defaults of a pointwise activation."""
    fig, ax = _axes(ax, (4.0, 3.0))
    zoo.panel(ax, activations.get(name), **params)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize=8)
    return fig


def activation_grid(names: Sequence[str], columns: int = 4, title: str = "") -> Figure:
    """Several activations side by side, one panel each (declared parameters), `columns` panels a row."""
    if not names:
        raise ValueError("activation_grid needs at least one activation name")
    return zoo.figure([activations.get(name) for name in names], title, min(columns, len(names)), small=False)


def training_curves(histories: Mapping[str, Any], ax: Axes | None = None, log: bool = False, xlabel: str = "step",
                    ylabel: str = "loss", title: str | None = None) -> Figure:
    """Several training histories on one axes, one line each, labelled by the mapping's keys.

    A history is a sequence of values (plotted against 0, 1, 2, ...) or a pair (steps, values). `log=True` draws
    the y axis on a log scale, where every value must then be > 0.
    """
    if not isinstance(histories, Mapping) or not histories:
        raise TypeError("training_curves expects a non-empty mapping {label: values or (steps, values)}")
    fig, ax = _axes(ax, (5.0, 3.5))
    for label, history in histories.items():
        pair = isinstance(history, tuple) and len(history) == 2 and all(np.ndim(part) == 1 for part in history)
        steps, values = history if pair else (None, history)
        values = np.asarray([float(v) for v in values], dtype=np.float64)
        steps = np.arange(len(values)) if steps is None else np.asarray(steps)
        if steps.shape != values.shape:
            raise ValueError(f"training_curves: {label!r} has {steps.shape[0]} steps but {values.shape[0]} values")
        if log and np.any(values <= 0):
            raise ValueError(f"training_curves: {label!r} has values <= 0, which a log scale cannot show")
        ax.plot(steps, values, label=str(label))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def gradient_flow(stats: Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Mapping[str, Any]]],
                  key: str = "grad_norm", ax: Axes | None = None, log: bool = True) -> Figure:
    """One statistic per layer, from `diagnostics.layer_statistics`: bars for one model, or lines (one per
    label) for a mapping {label: statistics} of several. Layers whose value is None (param_grad_norm of an
    activation) are left out. With log=True (the default, as gradients span decades) values must be > 0."""
    runs = stats if isinstance(stats, Mapping) else {"": stats}
    if not runs or not all(runs.values()):
        raise ValueError("gradient_flow needs the statistics of at least one layer")
    fig, ax = _axes(ax, (6.0, 3.5))
    for label, layers in runs.items():
        if any(key not in layer for layer in layers):
            raise KeyError(f"gradient_flow: no {key!r} in the statistics; they hold {sorted(layers[0])}")
        kept = [layer for layer in layers if layer[key] is not None]
        if not kept:
            raise ValueError(f"gradient_flow: {key!r} is None for every layer (was loss_fn given?)")
        names = [f"{layer['name']} {layer['kind']}" for layer in kept]
        values = [layer[key] for layer in kept]
        if log and min(values) <= 0:
            raise ValueError(f"gradient_flow: {key!r} has values <= 0, which a log scale cannot show (log=False)")
        if len(runs) == 1:
            ax.bar(names, values)
        else:
            ax.plot(names, values, marker="o", label=str(label))
    if log:
        ax.set_yscale("log")
    if len(runs) > 1:
        ax.legend(fontsize=8)
    ax.set_ylabel(key)
    ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    return fig


def image_grid(images: Sequence[Any] | Mapping[str, Any], titles: Sequence[str] | None = None,
               columns: int | None = None, vmin: float = -1.0, vmax: float = 1.0, cmap: str = "gray",
               size: float = 2.5) -> Figure:
    """Images in a grid, one axes each (no ticks), titled by `titles` or by the mapping's keys.

    An image is (H, W) (drawn with `cmap`) or (H, W, 3) RGB; values in [vmin, vmax] (the course's images are in
    [-1, 1]) are mapped to the colour range, values outside it are clipped. `columns` defaults to up to 4.
    """
    if isinstance(images, Mapping):
        titles, images = list(images), list(images.values())
    images = [_host(image) for image in images]
    if not images:
        raise ValueError("image_grid needs at least one image")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"image_grid: {len(titles)} titles for {len(images)} images")
    bad = [i for i, image in enumerate(images) if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3))]
    if bad:
        raise ValueError(f"image_grid: images {bad} are neither (H, W) nor (H, W, 3): shapes "
                         f"{[images[i].shape for i in bad]}")
    columns = min(columns or 4, len(images))
    rows = math.ceil(len(images) / columns)
    fig = new_figure(figsize=(columns * size, rows * size), layout="constrained")
    for i, image in enumerate(images):
        ax = fig.add_subplot(rows, columns, i + 1)
        scaled = np.clip((image.astype(np.float64) - vmin) / (vmax - vmin), 0.0, 1.0)
        ax.imshow(scaled, cmap=cmap if image.ndim == 2 else None, vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=9)
    return fig


def _labels(predict: Callable[[np.ndarray], Any] | Module, points: np.ndarray) -> np.ndarray:
    """Class labels for points of shape (m, 2) from a Module or a function returning scores or labels."""
    if isinstance(predict, Module):
        dtype = next(iter(predict.parameters()), Tensor(0.0)).dtype
        with no_grad():
            out = _host(predict(Tensor(points, dtype=dtype)))
    else:
        out = _host(predict(points))
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    out = out.reshape(len(points))
    return out.astype(np.int64) if out.dtype.kind in "iub" else (out > 0).astype(np.int64)


def decision_boundary(predict: Callable[[np.ndarray], Any] | Module, x: Any, y: Any, ax: Axes | None = None,
                      resolution: int = 200, margin: float = 0.5) -> Figure:
    """The regions a 2-D classifier assigns to each class (filled), with the points (x, y) on top.

    `predict` is a Module (called on a Tensor of the model's dtype, without gradients) or a function of an
    (m, 2) float64 array. Its output is read as class scores (m, C), C >= 2 (argmax), integer labels (m,), or one
    score per point (m,) or (m, 1), a logit: class 1 where it is > 0. The plane is sampled on a
    resolution x resolution grid over the points' bounding box widened by `margin`.
    """
    x, y = _host(x).astype(np.float64), _host(y).astype(np.int64)
    if x.ndim != 2 or x.shape[1] != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"decision_boundary needs points x of shape (n, 2) and labels y of shape (n,), got "
                         f"{x.shape} and {y.shape}")
    import matplotlib
    from matplotlib.colors import ListedColormap

    low, high = x.min(axis=0) - margin, x.max(axis=0) + margin
    u, v = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    regions = _labels(predict, np.stack([u.ravel(), v.ravel()], axis=1)).reshape(u.shape)
    classes = int(max(regions.max(), y.max())) + 1
    cmap = ListedColormap(matplotlib.colormaps["tab10"].colors[:classes])
    fig, ax = _axes(ax, (4.5, 4.0))
    ax.contourf(u, v, regions, levels=np.arange(classes + 1) - 0.5, cmap=cmap, alpha=0.3)
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=classes - 0.5, s=12, edgecolors="k",
               linewidths=0.3)
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    return fig


def _in_jupyter_kernel() -> bool:
    """Whether this code runs inside a Jupyter kernel (ipykernel may be imported elsewhere, e.g. by a notebook
    runner, without running the code)."""
    if "IPython" not in sys.modules:
        return False
    shell = sys.modules["IPython"].get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def progress(iterable: Iterable | None = None, enabled: bool = True, **kwargs: Any) -> Any:
    """tqdm(iterable, **kwargs), quiet where a progress bar would only be noise.

    - With MINIGRAD_QUICK=1 (the tests' and the quick lesson runs' switch) there is no bar.
    - In a Jupyter kernel (a notebook, or a lesson executed headless, whose saved output keeps the bar's last
      state) the text bar is shown, refreshed at most once a second so that a saved notebook stays small.
    - Elsewhere the bar is shown only when stderr is a terminal: a log file or CI output gets none.

    `enabled=False` (a caller's progress=False) turns the bar off; an explicit `disable=` or `mininterval=` wins. The text bar (tqdm.std) is used everywhere: it needs no
    notebook widgets.
    """
    from tqdm.std import tqdm

    in_kernel = _in_jupyter_kernel()
    if not enabled:
        kwargs.setdefault("disable", True)
    if "disable" not in kwargs:
        kwargs["disable"] = quick_mode() or not (in_kernel or getattr(sys.stderr, "isatty", lambda: False)())
    if in_kernel:
        kwargs.setdefault("mininterval", 1.0)
    return tqdm(iterable, **kwargs)
