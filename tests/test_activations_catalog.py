"""Every declaration of the catalog, checked the same way: numerics, derivatives, conventions, properties.

Pointwise activations are checked with their default parameters (x on a grid over [-20, 20], the tails and the
float overflow points): finite where the value is finite, no floating-point warnings, the declared derivative
against float64 central differences away from kinks, the second derivative (autodiff of the declared derivative)
against differences of the first, parameter gradients, the kink conventions, float32 against float64, the
declared range, monotonicity, symmetry and smoothness. Other kinds get a float64 gradient check of their Tensor
function. Family-specific facts (closed-form values, identities, limits) live in test_activations_<family>.py.
"""
from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import activations, nn
from minigrad.activations.mathops import ArrayMath, TensorMath
from minigrad.activations.spec import ActivationSpec

POINTWISE = activations.names("pointwise")
DIFFERENTIABLE = [n for n in POINTWISE if not activations.get(n).surrogate and not activations.get(n).stochastic]
OTHERS = [n for n in activations.names() if n not in POINTWISE]
TAILS = [1e4, 1e2, 88.8, 89.5, 710.0]
TAIL_POINTS = [-1e4, -1e3, -100.0, -80.0, -50.0, -30.0, -17.5, 17.5, 30.0, 50.0, 80.0, 100.0, 1e3, 1e4]


def spec_of(name: str) -> ActivationSpec:
    return activations.get(name)


def in_domain(spec: ActivationSpec, x: np.ndarray) -> np.ndarray:
    low, high = spec.x_domain
    return x[(x >= low) & (x <= high)]


def grid(spec: ActivationSpec, dtype=np.float64) -> np.ndarray:
    inner = np.linspace(-20, 20, 801)
    tails = np.array(TAILS + [-t for t in TAILS])
    if dtype == np.float32:
        tails = tails[np.abs(tails) < 3e38]
    points = np.concatenate([inner, tails, [0.0]])
    low, high = spec.x_domain
    if math.isfinite(low) or math.isfinite(high):
        points = np.concatenate([points, np.linspace(max(low, -20), min(high, 20), 201)])
    return in_domain(spec, points).astype(dtype)


def kink_points(spec: ActivationSpec, params: dict) -> np.ndarray:
    return np.array([k.location(params) for k in spec.kinks])


def smooth_points(spec: ActivationSpec, params: dict, spacing: float = 1e-3) -> np.ndarray:
    """Points in [-6, 6] (and a few beyond) at least `spacing` * 100 from every declared kink."""
    x = np.concatenate([np.linspace(-6, 6, 241) + 0.01234, [-15.3, -9.1, 9.1, 15.3]])
    x = in_domain(spec, x)
    kinks = kink_points(spec, params)
    if kinks.size:
        x = x[np.min(np.abs(x[:, None] - kinks[None, :]), axis=1) > 100 * spacing]
    return x


def evaluate(spec: ActivationSpec, form, x: np.ndarray, params: dict) -> np.ndarray:
    """A declared form on a raw array with the math namespace of its dtype, as the reference backend runs it."""
    value = form(ArrayMath(np, x.dtype), x, **params)
    return np.broadcast_to(np.asarray(value, dtype=x.dtype), x.shape)


def constants(spec: ActivationSpec) -> dict:
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in spec.defaults().items()}


# ---- the catalog as a whole ---------------------------------------------------------------------------
def test_names_are_unique_snake_case_and_resolve():
    for name in activations.names():
        assert name == name.lower() and " " not in name and "-" not in name
        assert activations.get(name).name == name
        assert callable(getattr(F, name))


def test_every_declaration_names_its_paper_and_formula():
    for name in activations.names():
        spec = spec_of(name)
        assert spec.paper and spec.formula and spec.catalog_id, name


def test_unknown_names_are_refused_with_suggestions():
    with pytest.raises(ValueError, match="unknown activation 'rellu'; did you mean relu"):
        activations.get("rellu")


# ---- pointwise numerics -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", POINTWISE)
def test_finite_without_warnings_on_the_whole_grid(name, dtype):
    spec = spec_of(name)
    x = grid(spec, dtype)
    params = constants(spec)
    with np.errstate(over="raise", invalid="raise", divide="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        y = evaluate(spec, spec.f, x, params)
        d = evaluate(spec, spec.df, x, params)
    assert y.dtype == dtype and d.dtype == dtype
    assert np.all(np.isfinite(y)), f"{name}: non-finite f at x = {x[~np.isfinite(y)][:5]}"
    assert np.all(np.isfinite(d)), f"{name}: non-finite df at x = {x[~np.isfinite(d)][:5]}"


def central_difference(fn, x: np.ndarray, h: np.ndarray) -> np.ndarray:
    return (fn(x + h) - fn(x - h)) / (2 * h)


def step_for(x: np.ndarray) -> np.ndarray:
    return 1e-6 * np.maximum(1.0, np.abs(x))


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_first_derivative_matches_central_differences(name):
    spec = spec_of(name)
    params = constants(spec)
    x = smooth_points(spec, params)
    expected = central_difference(lambda t: evaluate(spec, spec.f, t, params), x, step_for(x))
    got = evaluate(spec, spec.df, x, params)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7, err_msg=f"{name}: df vs finite differences")


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_second_derivative_by_autodiff_matches_central_differences(name):
    spec = spec_of(name)
    params = constants(spec)
    x = smooth_points(spec, params)
    t = mg.tensor(x, requires_grad=True)
    first = spec.df(TensorMath(np, np.float64), t, **params)
    if not isinstance(first, mg.Tensor) or not first.requires_grad:
        second = np.zeros_like(x)  # df does not depend on x: f is affine between kinks
    else:
        (second,) = mg.grad(first.sum(), t, allow_unused=True)
        second = np.zeros_like(x) if second is None else second.numpy()
    expected = central_difference(lambda s: evaluate(spec, spec.df, s, params), x, step_for(x))
    np.testing.assert_allclose(second, expected, rtol=1e-5, atol=1e-6, err_msg=f"{name}: d2f vs differences of df")


UNARY = [name for name in activations.mathops.FUNCTIONS if name not in ("maximum", "minimum", "where")]


@pytest.mark.parametrize("name", UNARY)
def test_tensor_namespace_computes_what_the_array_namespace_computes(name):
    # a formula's value must not depend on which namespace ran it (TensorMath composes dsigmoid from sigmoids)
    x = np.concatenate([np.linspace(-30, 30, 6001), [0.0, -0.0]])
    with np.errstate(all="ignore"):
        want = getattr(ArrayMath(np, np.float64), name)(x)
        got = getattr(TensorMath(np, np.float64), name)(mg.tensor(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0, equal_nan=True, err_msg=name)


LEARNABLE = [(n, p.name) for n in DIFFERENTIABLE for p in spec_of(n).params if p.learnable]


@pytest.mark.parametrize("name, param", LEARNABLE)
def test_parameter_gradients_match_central_differences(name, param):
    spec = spec_of(name)
    params = constants(spec)
    x = smooth_points(spec, params)
    value = np.array(params[param], dtype=np.float64)
    analytic = spec.dparams[param](ArrayMath(np, np.float64), x, **params)
    for k in range(value.size):
        def f_at(v_k):
            shifted = value.copy()
            shifted.flat[k] = v_k
            p = {**params, param: tuple(shifted) if value.ndim else float(shifted)}
            return evaluate(spec, spec.f, x, p)

        h = 1e-6 * max(1.0, abs(value.flat[k]))
        expected = (f_at(value.flat[k] + h) - f_at(value.flat[k] - h)) / (2 * h)
        got = analytic[k] if value.ndim else analytic
        got = np.broadcast_to(np.asarray(got, dtype=np.float64), x.shape)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6,
                                   err_msg=f"{name}: d f / d {param}[{k}] vs finite differences")


@pytest.mark.parametrize("name", [n for n in POINTWISE if spec_of(n).kinks])
def test_derivative_at_each_kink_is_the_declared_convention(name):
    spec = spec_of(name)
    params = constants(spec)
    for kink in spec.kinks:
        at = np.array([kink.location(params)])
        got = evaluate(spec, spec.df, at, params)[0]
        assert got == pytest.approx(kink.value(params), abs=1e-12), f"{name}'({at[0]}) = {got}, declared {kink.value(params)}"


@pytest.mark.parametrize("name", POINTWISE)
def test_float32_agrees_with_float64_to_a_few_ulp_including_the_tails(name):
    # The same inputs in both precisions. A float32 evaluation can be trusted to a few ulp of the value's
    # condition, |f| + |x f'| (an input rounding of one ulp moves f by |x f'| ulp): relative accuracy in the
    # tails, where f is tiny, is required too.
    spec = spec_of(name)
    params = constants(spec)
    x = np.concatenate([smooth_points(spec, params, spacing=1e-2), in_domain(spec, np.array(TAIL_POINTS))])
    x = x.astype(np.float32).astype(np.float64)
    eps = np.finfo(np.float32).eps
    f_ref, df_ref = evaluate(spec, spec.f, x, params), evaluate(spec, spec.df, x, params)
    d2f_ref = central_difference(lambda s: evaluate(spec, spec.df, s, params), x, step_for(x))
    for label, ref, slope in (("f", f_ref, df_ref), ("df", df_ref, d2f_ref)):
        form = spec.f if label == "f" else spec.df
        got = evaluate(spec, form, x.astype(np.float32), params).astype(np.float64)
        tolerance = 64 * eps * (np.abs(ref) + np.abs(x * slope)) + 1e-37
        bad = np.abs(got - ref) > tolerance
        assert not bad.any(), (f"{name}: float32 {label} is off by more than 64 ulp of its condition at "
                               f"x = {x[bad][:4]}: float32 {got[bad][:4]}, float64 {ref[bad][:4]}")


# ---- declared properties ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", POINTWISE)
def test_values_stay_in_the_declared_range(name):
    spec = spec_of(name)
    params = constants(spec)
    low, high = spec.range_for(params)
    y = evaluate(spec, spec.f, grid(spec), params)
    slack = 1e-9 * np.maximum(1.0, np.abs(y))
    assert np.all(y >= low - slack) and np.all(y <= high + slack), f"{name}: values leave [{low}, {high}]"


@pytest.mark.parametrize("name", [n for n in POINTWISE if spec_of(n).monotonic is not None])
def test_monotonicity_is_as_declared(name):
    spec = spec_of(name)
    params = constants(spec)
    x = np.linspace(*np.clip(spec.x_domain, -20, 20), 4001)
    y = evaluate(spec, spec.f, x, params)
    increasing = np.all(np.diff(y) >= -1e-12 * np.maximum(1.0, np.abs(y[1:])))
    assert increasing == spec.monotonic, f"{name}: monotonic is declared {spec.monotonic}"


@pytest.mark.parametrize("name", [n for n in POINTWISE if spec_of(n).symmetry])
def test_symmetry_is_as_declared(name):
    spec = spec_of(name)
    params = constants(spec)
    x = np.linspace(0, 20, 401)
    y, y_neg = evaluate(spec, spec.f, x, params), evaluate(spec, spec.f, -x, params)
    expected = -y if spec.symmetry == "odd" else y
    np.testing.assert_allclose(y_neg, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", [n for n in POINTWISE if spec_of(n).kinks])
def test_smoothness_at_the_kinks_is_as_declared(name):
    spec = spec_of(name)
    params = constants(spec)
    jumps_f, jumps_df = [], []
    for at in kink_points(spec, params):
        side = np.array([at - 1e-7 * max(1, abs(at)), at + 1e-7 * max(1, abs(at))])
        y, d = evaluate(spec, spec.f, side, params), evaluate(spec, spec.df, side, params)
        jumps_f.append(abs(y[1] - y[0]) > 1e-4)
        jumps_df.append(abs(d[1] - d[0]) > 1e-4)
    if spec.smooth == "discontinuous":
        assert any(jumps_f), f"{name}: declared discontinuous, but f is continuous at every kink"
    else:
        assert not any(jumps_f), f"{name}: f jumps at a kink, yet it is declared {spec.smooth}"
    if spec.surrogate:
        return  # a surrogate's df is an estimator: its steps say nothing about f's smoothness
    if spec.smooth == "C0":
        assert any(jumps_df), f"{name}: declared C0, but df is continuous at every kink (declare C1 or better)"
    if spec.smooth in ("C1", "C2", "Cinf"):
        assert not any(jumps_df), f"{name}: df jumps at a kink, yet it is declared {spec.smooth}"


# ---- through the Tensor API ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", POINTWISE)
def test_functional_backward_is_upstream_times_declared_derivative(name):
    spec = spec_of(name)
    params = constants(spec)
    mg.manual_seed(0)
    x = smooth_points(spec, params)[::7]
    t = mg.tensor(x, requires_grad=True)
    g = np.linspace(0.5, 1.5, x.size)
    getattr(F, name)(t).backward(mg.tensor(g))
    np.testing.assert_allclose(t.grad.numpy(), g * evaluate(spec, spec.df, x, params), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name", POINTWISE)
def test_module_and_mlp_train_a_step(name):
    mg.manual_seed(0)
    act = nn.Activation(name, dtype=mg.float64)
    learned = dict(act.named_parameters())
    assert set(learned) == {p.name for p in spec_of(name).params if p.learnable}
    model = nn.MLP([3, 5, 2], activation=act, dtype=mg.float64)
    loss = (model(mg.randn(4, 3, dtype=mg.float64)) ** 2).mean()
    loss.backward()
    assert np.isfinite(loss.item())
    for param_name, param in model.named_parameters():
        assert param.grad is not None and np.all(np.isfinite(param.grad.numpy())), param_name


# ---- other kinds: gradients by autodiff, checked by finite differences ----------------------------------
@pytest.mark.parametrize("name", [n for n in OTHERS if not spec_of(n).stochastic and not spec_of(n).surrogate])
def test_tensor_function_passes_gradcheck(name):
    spec = spec_of(name)
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, spec.input_shape)
    low, high = spec.x_domain
    x = np.clip(x, max(low, -2) + 1e-3, min(high, 2) - 1e-3)
    t = mg.tensor(x, requires_grad=True)
    out = getattr(F, name)(t)
    assert np.all(np.isfinite(out.detach().numpy())), f"{name}: non-finite output"
    assert mg.gradcheck(lambda v: getattr(F, name)(v), [t])


def _outside(domain) -> float | None:
    if math.isfinite(domain.low):
        return domain.low - 1.0 if domain.closed_low else domain.low
    if math.isfinite(domain.high):
        return domain.high + 1.0 if domain.closed_high else domain.high
    return None


BOUNDED_PARAMS = [(n, p.name) for n in activations.names() for p in spec_of(n).params
                  if not p.is_static and _outside(p.domain) is not None]


@pytest.mark.parametrize("name, param", BOUNDED_PARAMS)
def test_a_parameter_outside_its_domain_is_refused_with_the_allowed_range(name, param):
    p = spec_of(name).param(param)
    bad = _outside(p.domain)
    shape = spec_of(name).input_shape
    x = mg.tensor(np.linspace(-1, 1, math.prod(shape)).reshape(shape), dtype=mg.float64)
    value = tuple([bad] * len(p.default)) if isinstance(p.default, tuple) else bad
    with pytest.raises(ValueError, match=f"{name}: {param} must be {re.escape(str(p.domain))}, got"):
        getattr(F, name)(x, **{param: value})


@pytest.mark.parametrize("name", [n for n in activations.names() if not spec_of(n).stochastic])
def test_an_empty_batch_gives_an_empty_output_and_gradient(name):
    shape = (0,) + (spec_of(name).input_shape[1:] if not spec_of(name).pointwise else (3,))
    x = mg.tensor(np.zeros(shape), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            y = getattr(F, name)(x)
        except ValueError as error:  # batch statistics: refused, by name
            assert str(error).startswith(name) and "at least one sample" in str(error)
            return
        y.sum().backward()
    assert y.numel() == 0 and x.grad.shape == shape


VECTOR_PARAMS = [(n, p.name) for n in activations.names() for p in spec_of(n).params
                 if isinstance(p.default, tuple) and not p.per_channel and not spec_of(n).stochastic]


@pytest.mark.parametrize("name, param", VECTOR_PARAMS)
def test_a_vector_parameter_of_another_length_works_or_is_refused_by_name(name, param):
    # no IndexError from deep inside a formula, no extra entries silently ignored: either every entry counts
    # (the output changes with the extra one) or the declaration's check says what the lengths must be
    shape = spec_of(name).input_shape if not spec_of(name).pointwise else (9,)
    x = mg.tensor(np.linspace(-2, 2, math.prod(shape)).reshape(shape))
    default = spec_of(name).param(param).default
    for value in ((), default + (0.7,)):
        try:
            y = getattr(F, name)(x, **{param: value}).numpy()
        except ValueError as error:
            assert str(error).startswith(f"{name}: "), error
            continue
        assert np.all(np.isfinite(y))
        if value:
            assert not np.array_equal(y, getattr(F, name)(x).numpy()), f"{name}: the extra {param} entry is ignored"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softplus"])
def test_engine_primitives_and_catalog_declarations_agree(name, dtype):
    # the engine keeps relu, sigmoid, tanh and softplus as primitives (Tensor.relu(), mg.sigmoid, ...) beside their
    # declarations: the two must be the same function, derivative and kink convention included (the engine's
    # softplus has no PyTorch-style linear switch, so the declaration's is moved out of the grid)
    params = {"threshold": 2e4} if name == "softplus" else {}
    x = np.concatenate([np.linspace(-30, 30, 601), [0.0, -100.0, 100.0, -1e4, 1e4]]).astype(dtype)
    ours, primitive = mg.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    y_catalog, y_engine = getattr(F, name)(ours, **params), getattr(mg, name)(primitive)
    np.testing.assert_allclose(y_catalog.detach().numpy(), y_engine.detach().numpy(), rtol=4 * np.finfo(dtype).eps,
                               atol=np.finfo(dtype).tiny)
    y_catalog.sum().backward()
    y_engine.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), primitive.grad.numpy(), rtol=4 * np.finfo(dtype).eps,
                               atol=np.finfo(dtype).tiny)
