"""KAN layers and models: the B-spline op (partition of unity, support, exact derivatives of every order), every
basis through a layer (gradients by finite differences), the matmul layout against the edge-by-edge definition,
grid update and extension keeping the function, parameter counts, and the KAN paper's toy fit."""
import numpy as np
import pytest
from scipy.interpolate import BSpline as ScipyBSpline

import minigrad as mg
from minigrad import optim
from minigrad.activations.kan import bspline_basis, extend_grid, extended_grid
from minigrad.nn.kan import KAN, KANLayer
from minigrad.nn.kan_bases import BASES, bspline
from minigrad.nn.kan_plot import edge_functions, plot_edges


def toy_target(x: np.ndarray) -> np.ndarray:
    """f(x, y) = exp(sin(pi x) + y^2), the KAN paper's first example."""
    return np.exp(np.sin(np.pi * x[:, 0]) + x[:, 1] ** 2)[:, None]


def per_input_knots():
    """Three inputs, three kinds of knots: uniform, irregular, and repeated at both ends."""
    irregular = extend_grid(np.array([-1.0, -0.7, -0.1, 0.2, 0.9, 1.0]), 3)
    repeated = np.array([-1.0, -1.0, -1.0, -1.0, -0.5, 0.0, 0.0, 0.5, 1.0, 1.0, 1.0, 1.0])
    return np.stack([extended_grid(5, 3), irregular, repeated])


def rmse(model, x, y) -> float:
    with mg.no_grad():
        return float(np.sqrt(np.mean((model(mg.tensor(x)).numpy() - y) ** 2)))


# ---- the B-spline op ----------------------------------------------------------------------------------
def test_bsplines_sum_to_one_inside_each_grid_and_vanish_outside_the_knots():
    knots = per_input_knots()
    # half-open: the right end of the grid counts only where knots continue beyond it (not for clamped knots)
    inside = np.linspace(0.0, 1.0, 300, endpoint=False)[:, None] * (knots[:, -4] - knots[:, 3]) + knots[:, 3]
    values = bspline(mg.tensor(inside), knots, 3).numpy()
    assert values.shape == (300, 3, 8) and values.min() >= 0
    np.testing.assert_allclose(values.sum(-1), 1.0, rtol=1e-13)
    ends = bspline(mg.tensor(knots[:2, [3, -4]].T), knots[:2], 3).numpy()
    np.testing.assert_allclose(ends.sum(-1), 1.0, rtol=1e-13)
    outside = np.stack([knots[:, 0] - 0.01, knots[:, 0] - 5, knots[:, -1], knots[:, -1] + 3])
    assert np.all(bspline(mg.tensor(outside), knots, 3).numpy() == 0)


def test_bspline_op_matches_scipy_on_every_input_grid():
    knots = per_input_knots()
    x = np.random.default_rng(0).uniform(-1, 1, (40, 3))
    values = bspline(mg.tensor(x), knots, 3).numpy()
    for i in range(3):
        expected = ScipyBSpline.design_matrix(x[:, i], knots[i], 3).toarray()
        np.testing.assert_allclose(values[:, i], expected, atol=1e-13)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_bspline_derivatives_of_every_order_match_scipy(order):
    knots = per_input_knots()
    x = np.random.default_rng(1).uniform(-0.99, 0.99, (30, 3))
    values = bspline(mg.tensor(x), knots, 3, order=order).numpy()
    for i in range(3 if order < 3 else 2):  # SciPy refuses D^3 across the double knot of the third row
        expected = ScipyBSpline(knots[i], np.eye(8), 3).derivative(order)(x[:, i])
        np.testing.assert_allclose(values[:, i], expected, atol=1e-9 * 10 ** order)
    assert np.all(bspline(mg.tensor(x), knots, 3, order=4).numpy() == 0)


def test_bspline_gradients_and_gradients_of_gradients_match_finite_differences():
    knots = per_input_knots()
    x = mg.tensor(np.random.default_rng(2).uniform(-0.95, 0.95, (4, 3)), requires_grad=True)
    weights = mg.tensor(np.random.default_rng(3).normal(size=(3, 8)))
    assert mg.gradcheck(lambda v: bspline(v, knots, 3), [x])
    assert mg.gradgradcheck(lambda v: (bspline(v, knots, 3) * weights).sum(-1), [x])


def test_bspline_op_rejects_bad_knots_and_degrees():
    x = mg.tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="one row per feature"):
        bspline(x, np.tile(extended_grid(5, 3), (2, 1)), 3)
    with pytest.raises(ValueError, match="non-decreasing"):
        bspline(x, extended_grid(5, 3)[::-1], 3)
    with pytest.raises(ValueError, match="at least 5 knots"):
        bspline(x, np.arange(4.0), 3)
    with pytest.raises(ValueError, match="degree k must be an integer >= 0"):
        bspline(x, extended_grid(5, 3), -1)


# ---- layers -------------------------------------------------------------------------------------------
def parameter_gradients_match_central_differences(module, x, h=1e-6):
    """Every parameter element's backward gradient of sum(w * module(x)) against central differences in place."""
    weights = np.random.default_rng(0).normal(size=module(x).shape)

    def loss() -> float:
        with mg.no_grad():
            return float((module(x).numpy() * weights).sum())

    module.zero_grad()
    (module(x) * mg.tensor(weights)).sum().backward()
    for name, param in module.named_parameters():
        expected = np.empty(param.shape)
        for index in np.ndindex(param.shape):
            start = param.data[index]
            param.data[index] = start + h
            up = loss()
            param.data[index] = start - h
            expected[index] = (up - loss()) / (2 * h)
            param.data[index] = start
        np.testing.assert_allclose(param.grad.numpy(), expected, rtol=1e-6, atol=1e-8, err_msg=name)
    return True


@pytest.mark.parametrize("basis", BASES)
def test_every_basis_passes_gradcheck_for_input_and_parameters(basis):
    layer = KANLayer(2, 3, grid=3, k=2, basis=basis, dtype=mg.float64, generator=np.random.default_rng(0))
    x = mg.tensor(np.random.default_rng(1).uniform(-0.9, 0.9, (3, 2)), requires_grad=True)
    assert mg.gradcheck(layer, [x])
    assert parameter_gradients_match_central_differences(layer, x.detach())


@pytest.mark.parametrize("basis", BASES)
def test_the_matmul_layout_equals_the_sum_of_edge_functions(basis):
    layer = KANLayer(3, 4, basis=basis, dtype=mg.float64, generator=np.random.default_rng(2))
    x = mg.tensor(np.random.default_rng(3).uniform(-1.2, 1.2, (5, 3)))
    with mg.no_grad():
        np.testing.assert_allclose(layer(x).numpy(), layer.edge_values(x).sum(1).numpy(), atol=1e-13)


def test_bspline_edge_is_the_silu_branch_plus_the_scaled_spline():
    layer = KANLayer(2, 1, grid=4, k=3, dtype=mg.float64, generator=np.random.default_rng(4))
    x = np.random.default_rng(5).uniform(-1, 1, (7, 2))
    silu = x / (1 + np.exp(-x))
    coef, scale_base, scale_sp = (p.detach().numpy() for p in (layer.coef, layer.scale_base, layer.scale_sp))
    spline = np.einsum("nim,imo->nio", bspline_basis(x, layer.basis.grid, 3), coef)
    expected = silu[:, :, None] * scale_base + spline * scale_sp
    with mg.no_grad():
        np.testing.assert_allclose(layer.edge_values(mg.tensor(x)).numpy(), expected, atol=1e-14)


@pytest.mark.parametrize("grid, k", [(5, 3), (3, 3), (7, 2)])
def test_a_bspline_edge_has_g_plus_k_plus_2_parameters(grid, k):
    model = KAN([2, 5, 1], grid=grid, k=k)
    assert model.num_parameters() == (2 * 5 + 5 * 1) * (grid + k + 2)
    assert KANLayer(3, 2, grid=grid, k=k, base_activation=None).num_parameters() == 3 * 2 * (grid + k + 1)


@pytest.mark.parametrize("basis, size", [("relu", 8), ("rbf", 8), ("fourier", 10), ("chebyshev", 6),
                                         ("rational", 6)])
def test_basis_sizes_follow_the_grid(basis, size):
    layer = KANLayer(3, 2, grid=5, k=3, basis=basis)
    assert layer.basis.size == size and layer.coef.shape == (3, size, 2)


def test_rbf_centres_are_the_peaks_of_the_bsplines():
    layer = KANLayer(1, 1, grid=5, k=3, basis="rbf", dtype=mg.float64)
    knots = extended_grid(5, 3)
    peaks = (knots[:-4] + knots[4:]) / 2
    values = layer.basis(mg.tensor(peaks[:, None])).numpy()[:, 0]
    np.testing.assert_allclose(np.diag(values), 1.0, rtol=1e-14)


def test_chebyshev_layer_gradient_is_finite_at_and_beyond_the_ends():
    layer = KANLayer(2, 2, basis="chebyshev", dtype=mg.float64)
    x = mg.tensor(np.array([[1.0, -1.0], [40.0, -40.0]]), requires_grad=True)
    layer(x).sum().backward()
    assert np.all(np.isfinite(x.grad.numpy())) and np.all(np.isfinite(layer.coef.grad.numpy()))


def test_rational_edges_have_no_pole_and_learn_their_denominators():
    layer = KANLayer(2, 2, basis="rational", dtype=mg.float64)
    x = mg.tensor(np.linspace(-50, 50, 202).reshape(101, 2))
    layer(x).sum().backward()
    assert np.all(np.isfinite(layer.basis.denominator.grad.numpy()))
    assert np.abs(layer.basis.denominator.grad.numpy()).min() > 0


def test_inputs_of_any_leading_shape_are_rows():
    model = KAN([3, 2, 4], seed=1, dtype=mg.float64)
    x = np.random.default_rng(15).uniform(-1, 1, (5, 2, 3))
    with mg.no_grad():
        batched = model(mg.tensor(x)).numpy()
        assert batched.shape == (5, 2, 4) and model(mg.tensor(x[0, 0])).shape == (4,)
        np.testing.assert_allclose(batched.reshape(10, 4), model(mg.tensor(x.reshape(10, 3))).numpy(), atol=1e-15)


def test_layer_errors_say_what_is_wrong():
    layer = KANLayer(3, 2)
    with pytest.raises(ValueError, match=r"expects inputs of shape \(\.\.\., 3\)"):
        layer(mg.zeros(4, 2))
    with pytest.raises(TypeError, match="float32 parameters but got a float64 input"):
        layer(mg.tensor(np.zeros((4, 3))))
    with pytest.raises(ValueError, match="unknown KAN basis 'spline'"):
        KANLayer(3, 2, basis="spline")
    with pytest.raises(ValueError, match="grid_range must be an increasing pair"):
        KANLayer(3, 2, grid_range=(1, -1))
    with pytest.raises(ValueError, match="moves a B-spline grid; this layer's basis is 'fourier'"):
        KANLayer(3, 2, basis="fourier").update_grid(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="input 1 takes a single value"):
        KANLayer(3, 2).update_grid(np.stack([np.linspace(-1, 1, 5), np.zeros(5), np.zeros(5)], axis=1))


def test_seed_makes_the_model_repeatable_without_touching_the_global_generator():
    mg.manual_seed(7)
    before = mg.random.generator().bit_generator.state
    a, b = KAN([2, 3, 1], seed=3), KAN([2, 3, 1], seed=3)
    assert mg.random.generator().bit_generator.state == before
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert not np.array_equal(a[0].coef.detach().numpy(), KAN([2, 3, 1], seed=4)[0].coef.detach().numpy())


# ---- moving the grid ----------------------------------------------------------------------------------
def layer_values(layer, x):
    with mg.no_grad():
        return layer(mg.tensor(x)).numpy()


def test_refining_a_nested_grid_keeps_the_function_exactly():
    layer = KANLayer(2, 3, grid=5, k=3, dtype=mg.float64, generator=np.random.default_rng(6))
    x = np.random.default_rng(7).uniform(-1, 1, (500, 2))
    before = layer_values(layer, x)
    layer.refine(10)
    assert layer.intervals() == 10 and layer.coef.shape == (2, 13, 3) and layer.basis.grid.shape == (2, 17)
    np.testing.assert_allclose(layer_values(layer, x), before, atol=1e-12)


def test_refining_from_samples_keeps_the_function_closely():
    layer = KANLayer(2, 3, grid=3, k=3, dtype=mg.float64, generator=np.random.default_rng(8))
    x = np.random.default_rng(9).uniform(-1, 1, (1000, 2))
    before = layer_values(layer, x)
    layer.refine(10, x)
    assert np.abs(layer_values(layer, x) - before).max() < 1e-3 * np.abs(before).max()


def test_update_grid_puts_the_grid_on_sample_quantiles_and_keeps_the_parameters():
    layer = KANLayer(2, 3, grid=5, k=3, dtype=mg.float64, generator=np.random.default_rng(10))
    coef = layer.coef
    x = np.random.default_rng(11).normal(0.0, 0.3, (2000, 2))
    before = layer_values(layer, x)
    layer.update_grid(x)
    grid = layer.basis.grid[:, 3:-3]
    np.testing.assert_allclose(grid[:, [0, -1]], np.stack([x.min(0), x.max(0)], axis=1), atol=1e-12)
    quantiles = np.quantile(x, np.linspace(0, 1, 6), axis=0).T
    np.testing.assert_allclose(grid, 0.02 * np.linspace(x.min(0), x.max(0), 6).T + 0.98 * quantiles, atol=1e-12)
    assert layer.coef is coef  # an optimizer on the old parameters keeps working
    # the refit follows the old function closely where the samples are dense, less so in the sparse tails
    assert np.sqrt(np.mean((layer_values(layer, x) - before) ** 2)) < 1e-2 * np.abs(before).max()


def test_update_grid_keeps_the_function_when_the_samples_cover_the_grid():
    layer = KANLayer(2, 3, grid=5, k=3, dtype=mg.float64, generator=np.random.default_rng(10))
    x = np.random.default_rng(12).uniform(-1, 1, (2000, 2))
    before = layer_values(layer, x)
    layer.update_grid(x)
    assert np.abs(layer_values(layer, x) - before).max() < 5e-3 * np.abs(before).max()


def test_kan_update_grid_moves_every_layer_to_the_values_that_reach_it():
    model = KAN([2, 3, 1], grid=4, seed=1, dtype=mg.float64)
    x = np.random.default_rng(12).uniform(-0.5, 0.5, (300, 2))
    model.update_grid(x)
    np.testing.assert_allclose(model[0].basis.grid[:, 3], x.min(0))
    with mg.no_grad():
        hidden = model[0](mg.tensor(x)).numpy()
    np.testing.assert_allclose(model[1].basis.grid[:, 3], hidden.min(0))


# ---- training -----------------------------------------------------------------------------------------
def lbfgs_fit(model, x, y, steps):
    opt = optim.LBFGS(model.parameters(), lr=1, history_size=10, line_search_fn="strong_wolfe",
                      tolerance_grad=1e-32, tolerance_change=1e-32)
    inputs, targets = mg.tensor(x), mg.tensor(y)

    def closure():
        opt.zero_grad()
        loss = ((model(inputs) - targets) ** 2).mean()
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)


def test_kan_2_5_1_fits_the_papers_toy_function_and_grid_extension_improves_it():
    rng = np.random.default_rng(0)
    x_train, x_test = rng.uniform(-1, 1, (1000, 2)), rng.uniform(-1, 1, (1000, 2))
    y_train, y_test = toy_target(x_train), toy_target(x_test)
    model = KAN([2, 5, 1], grid=3, k=3, seed=0, dtype=mg.float64)
    lbfgs_fit(model, x_train, y_train, 20)
    coarse = rmse(model, x_test, y_test)
    assert coarse <= 1e-2
    model.refine(10, x_train)
    assert rmse(model, x_test, y_test) <= 1.1 * coarse  # extension keeps what was learnt
    lbfgs_fit(model, x_train, y_train, 10)
    assert rmse(model, x_test, y_test) <= 2e-3


# ---- drawing ------------------------------------------------------------------------------------------
def test_edge_functions_sample_each_edge_on_its_grid():
    layer = KANLayer(2, 3, grid=4, dtype=mg.float64, generator=np.random.default_rng(13))
    layer.update_grid(np.random.default_rng(14).uniform(-2, 3, (400, 2)))
    x, phi = edge_functions(layer, n=50)
    assert x.shape == (50, 2) and phi.shape == (50, 2, 3)
    np.testing.assert_allclose(x[[0, -1]].T, layer.basis.grid[:, [3, -4]])
    one_input = np.stack([x[:, 0], np.zeros(50)], axis=1)
    with mg.no_grad():
        np.testing.assert_allclose(phi[:, 0], layer.edge_values(mg.tensor(one_input)).numpy()[:, 0], atol=1e-14)


def test_plot_edges_draws_one_panel_per_edge():
    fig = plot_edges(KAN([2, 3, 1], grid=3))
    drawn = [ax for sub in fig.subfigs for ax in sub.axes if ax.lines]
    assert len(drawn) == 2 * 3 + 3 * 1
    with pytest.raises(ValueError, match="more than max_edges"):
        plot_edges(KAN([20, 30, 1]), max_edges=100)
