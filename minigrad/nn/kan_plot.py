"""Looking inside a KAN: every edge is a function of one variable, so a trained KAN can be drawn edge by edge.

`edge_functions(layer)` samples phi_ij on each input's grid range; `plot_edges(model)` draws them, one panel per
edge, one block of panels (outputs as rows, inputs as columns) per layer. Smooth, nearly linear or nearly zero
edges are what pykan's pruning and symbolic snapping look for.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.autograd import no_grad
from minigrad.nn.kan import KANLayer
from minigrad.tensor import Tensor


def edge_functions(layer: KANLayer, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """(x, phi): x of shape (n, in), n evenly spaced values of each input's grid range (B-splines: [t_k, t_(G+k)],
    the other bases: grid_range), and phi of shape (n, in, out) with phi[:, i, j] = phi_ij(x[:, i])."""
    if not isinstance(layer, KANLayer):
        raise TypeError(f"edge_functions takes a KANLayer, got {type(layer).__name__}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"edge_functions: n must be an integer >= 2, got {n!r}")
    low, high = layer.basis.domain()
    x = low + (high - low) * np.linspace(0.0, 1.0, int(n))[:, None]
    with no_grad():
        phi = layer.edge_values(Tensor(x.astype(layer.coef.dtype))).numpy()
    return x, phi


def _layers(model: Any) -> list[KANLayer]:
    layers = [model] if isinstance(model, KANLayer) else list(getattr(model, "children", lambda: [])())
    if not layers or not all(isinstance(layer, KANLayer) for layer in layers):
        raise TypeError(f"plot_edges takes a KAN or a KANLayer, got {type(model).__name__}")
    return layers


def plot_edges(model: Any, n: int = 200, max_edges: int = 400, panel_size: float = 1.1) -> Any:
    """A matplotlib Figure with one small panel per edge phi_ij: per layer, a block with a row per output j and a
    column per input i. Made by `minigrad.plotting.new_figure`: no window opens, it works without a display (Agg),
    a notebook shows it once; save it with fig.savefig(path). Models with more than max_edges edges are refused
    (draw a layer, or read edge_functions)."""
    from minigrad.plotting import new_figure

    layers = _layers(model)
    edges = sum(layer.in_features * layer.out_features for layer in layers)
    if edges > max_edges:
        raise ValueError(f"plot_edges: the model has {edges} edges, more than max_edges={max_edges}; plot single "
                         "layers (plot_edges(model[l])) or raise max_edges")
    columns = [layer.in_features for layer in layers]
    rows = max(layer.out_features for layer in layers)
    fig = new_figure(figsize=(panel_size * sum(columns) + 0.4 * len(layers), panel_size * rows + 0.6),
                 layout="constrained")
    blocks = fig.subfigures(1, len(layers), width_ratios=columns, squeeze=False)[0]
    for l, (layer, block) in enumerate(zip(layers, blocks)):
        x, phi = edge_functions(layer, n)
        axes = block.subplots(rows, layer.in_features, squeeze=False)
        for j in range(rows):
            for i in range(layer.in_features):
                ax = axes[j, i]
                if j >= layer.out_features:
                    ax.axis("off")
                    continue
                ax.plot(x[:, i], phi[:, i, j], linewidth=1.2)
                ax.set_title(f"x{i} -> y{j}", fontsize=6, pad=2)
                ax.tick_params(labelsize=5, length=2, pad=1)
        block.suptitle(f"layer {l}", fontsize=8)
    return fig
