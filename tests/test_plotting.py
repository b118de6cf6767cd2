"""The plotting functions return figures with the expected axes and lines, leave none open in pyplot, and
progress is quiet off a terminal."""
import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import diagnostics, nn, plotting


def labelled_lines(ax):
    return [line for line in ax.lines if not line.get_label().startswith("_")]


def test_activation_draws_f_and_its_derivative_with_the_given_parameters(tmp_path):
    fig = plotting.activation("snake", alpha=2.0)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    assert plt.get_fignums() == []  # closed in pyplot: a notebook shows it once, as the cell's result
    f, df = labelled_lines(fig.axes[0])
    assert (f.get_label(), df.get_label()) == ("f", "f'")
    x = f.get_xdata()
    y, dy = diagnostics.evaluate("snake", x, alpha=2.0)
    np.testing.assert_allclose(f.get_ydata(), y)
    np.testing.assert_allclose(df.get_ydata(), dy)
    fig.savefig(tmp_path / "snake.png")
    assert (tmp_path / "snake.png").stat().st_size > 5_000


def test_activation_grid_has_one_panel_per_name():
    fig = plotting.activation_grid(["relu", "tanh", "gelu"], columns=2)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:3] == ["relu", "tanh", "gelu"] and len(fig.axes) == 4 and not fig.axes[3].axison


def test_training_curves_one_line_per_history_on_a_log_axis():
    fig = plotting.training_curves({"relu": [1.0, 0.5, 0.2], "gelu": ([0, 10, 20], [1.0, 0.3, 0.1]),
                                    "tanh": np.array([2.0, 1.0, 0.9])}, log=True)
    ax = fig.axes[0]
    assert [line.get_label() for line in labelled_lines(ax)] == ["relu", "gelu", "tanh"]
    assert ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [0, 10, 20])
    with pytest.raises(ValueError, match="values <= 0"):
        plotting.training_curves({"a": [1.0, 0.0]}, log=True)
    with pytest.raises(ValueError, match="2 steps but 3 values"):
        plotting.training_curves({"a": ([0, 1], [1.0, 2.0, 3.0])})


def test_gradient_flow_bars_for_one_model_lines_for_several():
    mg.manual_seed(0)
    x, y = np.random.default_rng(0).standard_normal((32, 2)), np.zeros(32, dtype=np.int64)
    runs = {}
    for name in ("relu", "tanh"):
        model = nn.MLP([2, 8, 8, 2], activation=name, dtype=mg.float64)
        runs[name] = diagnostics.layer_statistics(model, x, loss_fn=lambda out: mg.functional.cross_entropy(out, y))
    fig = plotting.gradient_flow(runs["relu"])
    assert len(fig.axes[0].patches) == 5 and fig.axes[0].get_yscale() == "log"
    fig = plotting.gradient_flow(runs, key="param_grad_norm")
    lines = labelled_lines(fig.axes[0])
    assert [line.get_label() for line in lines] == ["relu", "tanh"]
    assert all(len(line.get_xdata()) == 3 for line in lines)  # the three Linear layers
    with pytest.raises(KeyError, match="no 'nope'"):
        plotting.gradient_flow(runs["relu"], key="nope")


def test_image_grid_one_axes_per_image_with_titles():
    gray, rgb = np.linspace(-1, 1, 64).reshape(8, 8), np.zeros((8, 8, 3))
    fig = plotting.image_grid({"a": gray, "b": rgb, "c": gray, "d": gray, "e": mg.tensor(gray)}, columns=3)
    assert len(fig.axes) == 5 and [ax.get_title() for ax in fig.axes] == list("abcde")
    assert fig.axes[0].get_images()[0].get_array().min() == 0.0  # [-1, 1] mapped onto [0, 1]
    with pytest.raises(ValueError, match="neither"):
        plotting.image_grid([np.zeros((2, 2, 2))])
    with pytest.raises(ValueError, match="2 titles for 1 images"):
        plotting.image_grid([gray], titles=["a", "b"])


def test_decision_boundary_from_a_function_and_from_a_module():
    x = np.array([[-1.0, 0.0], [1.0, 0.5], [-0.5, 1.0], [0.5, -1.0]])
    y = np.array([0, 1, 0, 1])
    fig = plotting.decision_boundary(lambda points: points[:, 0], x, y, resolution=50)
    ax = fig.axes[0]
    points = ax.collections[-1]
    assert len(fig.axes) == 1 and len(points.get_offsets()) == 4
    np.testing.assert_array_equal(points.get_array(), y)
    model = nn.Linear(2, 3, dtype=mg.float64)
    assert len(plotting.decision_boundary(model, x, y, resolution=20).axes) == 1
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        plotting.decision_boundary(model, x[:, :1], y)


def test_progress_is_quiet_in_quick_mode_and_off_a_terminal(monkeypatch):
    monkeypatch.setenv("MINIGRAD_QUICK", "1")
    bar = plotting.progress(range(3))
    assert bar.disable and list(bar) == [0, 1, 2]
    monkeypatch.setenv("MINIGRAD_QUICK", "0")
    assert plotting.progress(range(3)).disable  # pytest captures stderr: not a terminal
    out = io.StringIO()
    bar = plotting.progress(range(3), disable=False, file=out)
    assert list(bar) == [0, 1, 2] and "3/3" in out.getvalue()
