"""The Numba B-spline kernels against the NumPy reference: basis and derivatives of every order, the backward
contraction, per-input grids (uniform, irregular, repeated knots), points on knots and outside the grid, float32,
float16 (through the float32 kernels), an empty batch, and a KAN training step on both backends. Compiled variants: degree 3 in float64 and float32, degree 2 in
float64."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.activations.kan import bspline_basis_derivative, extend_grid, extended_grid
from minigrad.backends import numba_bspline
from minigrad.nn.kan import KAN
from minigrad.nn.kan_bases import bspline


def per_input_knots(k):
    irregular = extend_grid(np.array([-1.0, -0.7, -0.1, 0.2, 0.9, 1.0]), k)
    repeated = np.concatenate([[-1.0] * k, [-1.0, -0.5, 0.0, 0.0, 0.5, 1.0], [1.0] * k])
    return np.stack([extended_grid(5, k), irregular, repeated])


def inputs(knots, rows=400, seed=0):
    """Random points over and beyond the knots, every knot itself, and NaN."""
    x = np.random.default_rng(seed).uniform(-2.5, 2.5, (rows, knots.shape[0]))
    x[:knots.shape[1]] = knots.T
    x[-1, 1] = np.nan
    return x


@pytest.mark.parametrize("k", [3, 2])
def test_basis_and_derivatives_equal_the_reference(k):
    knots = per_input_knots(k)
    x = inputs(knots)
    for order in range(k + 1):
        expected = bspline_basis_derivative(x, knots, k, order)
        np.testing.assert_allclose(numba_bspline.basis(x, knots, k, order), expected,
                                   atol=1e-14 * np.nanmax(np.abs(expected)), err_msg=f"order {order}")


@pytest.mark.parametrize("k", [3, 2])
def test_contraction_equals_the_reference(k):
    knots = per_input_knots(k)
    x = inputs(knots, seed=1)
    g = np.random.default_rng(2).normal(size=x.shape + (knots.shape[1] - k - 1,))
    for order in range(k + 1):
        expected = (g * bspline_basis_derivative(x, knots, k, order)).sum(-1)
        np.testing.assert_allclose(numba_bspline.contract(x, knots, k, order, g), expected,
                                   atol=1e-13 * np.nanmax(np.abs(expected)), err_msg=f"order {order}")


def test_float32_kernels_agree_with_the_float64_reference():
    knots = per_input_knots(3)
    x = inputs(knots, seed=3)[:-1]
    g = np.random.default_rng(4).normal(size=x.shape + (8,))
    for order in range(4):
        expected = bspline_basis_derivative(x, knots, 3, order)
        got = numba_bspline.basis(x.astype(np.float32), knots, 3, order)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, expected, atol=2e-6 * np.abs(expected).max(), err_msg=f"order {order}")
        contracted = (g * expected).sum(-1)
        np.testing.assert_allclose(numba_bspline.contract(x.astype(np.float32), knots, 3, order,
                                                          g.astype(np.float32)),
                                   contracted, atol=1e-5 * np.abs(contracted).max(), err_msg=f"order {order}")


def test_the_op_runs_the_kernels_on_the_numba_backend_and_its_gradients_stay_exact():
    knots = per_input_knots(3)
    x = mg.tensor(np.random.default_rng(5).uniform(-0.95, 0.95, (4, 3)), requires_grad=True)
    weights = mg.tensor(np.random.default_rng(6).normal(size=(3, 8)))
    with mg.use_backend("numba"):
        assert mg.gradcheck(lambda v: bspline(v, knots, 3), [x])
        assert mg.gradgradcheck(lambda v: (bspline(v, knots, 3) * weights).sum(-1), [x])


def test_a_kan_training_step_is_the_same_on_both_backends():
    x = np.random.default_rng(7).uniform(-1.3, 1.3, (64, 3))
    y = np.random.default_rng(8).normal(size=(64, 2))
    results = []
    for backend in ("numpy", "numba"):
        model = KAN([3, 4, 2], grid=5, k=3, seed=0, dtype=mg.float64)
        model.update_grid(x[:32])
        with mg.use_backend(backend):
            loss = ((model(mg.tensor(x)) - mg.tensor(y)) ** 2).mean()
            loss.backward()
        results.append([loss.item()] + [p.grad.numpy() for p in model.parameters()])
    for reference, kernel in zip(*results):
        np.testing.assert_allclose(kernel, reference, rtol=1e-12, atol=1e-14)



def test_a_float16_kan_runs_on_the_float32_kernels():
    # the B-spline kernels are compiled for float32 and float64: float16 goes through float32, rounded back once
    mg.manual_seed(0)
    x = mg.randn(16, 2)
    results = []
    for dtype in (mg.float16, mg.float32):
        mg.manual_seed(1)
        model = KAN(width=[2, 3, 1], grid=3).to(dtype=dtype)
        xt = x.to(dtype=dtype).detach().requires_grad_()
        y = model(xt)
        y.sum().backward()
        assert y.dtype == dtype and xt.grad.dtype == dtype
        results.append((y.detach().numpy(), xt.grad.numpy()))
    for half, single in zip(*results):
        np.testing.assert_allclose(half, single, rtol=2e-2, atol=2e-2 * np.abs(single).max())


def test_an_empty_batch_gives_an_empty_output_and_gradient():
    x = mg.randn(0, 2, requires_grad=True)
    y = KAN(width=[2, 3, 1], grid=3)(x)
    y.sum().backward()
    assert y.shape == (0, 1) and x.grad.shape == (0, 2)
