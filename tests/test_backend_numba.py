"""The Numba kernels compute what the NumPy reference computes: every pointwise activation, float32 and float64,
forward, backward and parameter gradients, over a grid with the kinks, the tails and +-1e4."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import activations, backends
from minigrad.backends import codegen, cuda_codegen, symbolic
from minigrad.backends.layout import layout_of
from minigrad.backends.numba_backend import NumbaBackend, compiled, kernel_source
from minigrad.backends.numba_runtime import PARALLEL_FROM, cache_dir
from minigrad.backends.reference import NumpyBackend

from backend_parity import POINTWISE, check_parity, params_of

NUMBA, REFERENCE = NumbaBackend(), NumpyBackend()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", POINTWISE)
def test_forward_and_backward_match_the_float64_reference(name, dtype):
    spec = activations.get(name)
    check_parity(NUMBA, spec, params_of(spec), dtype, "Numba")


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5), (2, 3, 2, 2)])
def test_per_channel_parameters_match_the_reference(shape):
    spec = activations.get("prelu")
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    g = rng.standard_normal(shape)
    weight = np.array([0.1, -0.2, 0.3]).reshape((3,) + (1,) * (len(shape) - 2))
    params = {"weight": weight}
    np.testing.assert_allclose(NUMBA.forward(spec, x, params), REFERENCE.forward(spec, x, params), rtol=1e-15)
    got, ref = (b.backward(spec, x, g, params, ("weight", "x")) for b in (NUMBA, REFERENCE))
    np.testing.assert_allclose(got["x"], ref["x"], rtol=1e-15)
    np.testing.assert_allclose(got["weight"], ref["weight"], rtol=1e-12)


def test_an_infinite_upstream_gradient_on_a_flat_piece_is_nan_on_both_backends():
    # the documented product g * df (activations/pointwise.py), not PyTorch's mask: inf * 0 is NaN
    x = np.array([-2.0, 0.0, 0.5, 3.0], np.float32)
    g = np.full_like(x, np.inf)
    for name, expected in (("relu", [np.nan, np.nan, np.inf, np.inf]), ("hardtanh", [np.nan, np.inf, np.inf, np.nan])):
        spec = activations.get(name)
        for backend in (NUMBA, REFERENCE):
            with np.errstate(invalid="ignore"):
                got = backend.backward(spec, x, g, spec.defaults(), ("x",))["x"]
            np.testing.assert_array_equal(got, expected, err_msg=f"{name} on {backend.name}")


@pytest.mark.parametrize("name", ["silu", "prelu", "pau", "snake"])
def test_a_0d_tensor_keeps_its_shape_through_the_kernels(name):
    # np.ascontiguousarray makes a 0-d array 1-d: the output was (1,) and backward refused its (1,) gradient
    spec = activations.get(name)
    x = mg.tensor(1.5, dtype=mg.float64, requires_grad=True)
    params = {k: mg.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in spec.defaults().items()
              if k in spec.learnable}
    y = getattr(F, name)(x, **params)
    y.backward()
    assert y.shape == () and x.grad.shape == ()
    with mg.use_backend("numpy"):
        np.testing.assert_allclose(y.detach().numpy(), getattr(F, name)(x, **params).detach().numpy(), rtol=1e-15)
    assert all(p.grad.shape == p.shape for p in params.values())


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("name", ["gelu", "prelu", "snake", "pau"])
def test_float16_is_computed_in_float32_and_rounded_once(name, backend):
    # the kernels have float32 and float64 versions (Numba has no float16 at all): a float16 tensor goes through
    # the float32 ones, and its result and gradients come back in float16, as PyTorch does on the CPU
    spec = activations.get(name)
    x = np.linspace(-6, 6, 24).reshape(4, 6).astype(np.float16)

    def run(dtype):
        t = mg.tensor(x.astype(dtype), requires_grad=True)
        learnable = {k: mg.tensor(np.asarray(v, dtype=np.float16).astype(dtype), requires_grad=True)
                     for k, v in spec.defaults().items() if k in spec.learnable}
        y = getattr(F, name)(t, **learnable)
        y.backward(mg.ones(*y.shape, dtype=dtype))
        return [y.detach().numpy(), t.grad.numpy()] + [p.grad.numpy() for p in learnable.values()]

    with mg.use_backend(backend):
        half, single = run(np.float16), run(np.float32)
    for got, wide in zip(half[:2], single[:2]):
        assert got.dtype == np.float16
        np.testing.assert_array_equal(got, wide.astype(np.float16))
    for got, wide in zip(half[2:], single[2:]):  # sums: rounded once, where the sum itself is not ~0
        assert got.dtype == np.float16
        np.testing.assert_allclose(got, wide, rtol=2e-3, atol=1e-3 * np.abs(wide).max())


def test_numba_is_the_default_and_numpy_can_be_chosen():
    assert {k: v for k, v in backends.available().items() if k != "cupy"} == {"numpy": "available", "numba": "available"}
    assert backends.current_name() == "numba"
    with mg.use_backend("numpy"):
        assert backends.current_name() == "numpy"
    assert backends.current_name() == "numba"
    try:
        mg.use_backend("numpy")
        assert backends.current_name() == "numpy"
    finally:
        mg.use_backend("numba")


def test_both_backends_give_the_same_training_step():
    def step():
        mg.manual_seed(3)
        x = mg.randn(16, 4, dtype=mg.float64)
        weight = mg.tensor(np.full(4, 0.2), requires_grad=True)
        y = F.gelu(F.prelu(x * 3, weight)).sum()
        y.backward()
        return y.item(), weight.grad.numpy()

    with mg.use_backend("numpy"):
        ref = step()
    got = step()
    np.testing.assert_allclose(got[0], ref[0], rtol=1e-13)
    np.testing.assert_allclose(got[1], ref[1], rtol=1e-13)


def test_unknown_or_unavailable_backends_are_refused():
    with pytest.raises(ValueError, match="unknown backend 'cuda'; the backends are numpy, numba"):
        mg.use_backend("cuda")


LARGE = [((PARALLEL_FROM + 7,), "silu"), ((3, 5, PARALLEL_FROM // 4 + 1), "prelu"), ((PARALLEL_FROM + 7,), "snake"),
         ((PARALLEL_FROM + 7,), "rational")]


def _parameters(spec: activations.ActivationSpec) -> tuple[dict, tuple[str, ...]]:
    """Parameter values, and the names of the learnable ones."""
    if spec.name == "prelu":
        return {"weight": np.linspace(0.1, 0.5, 5).reshape(5, 1)}, ("weight",)  # as F.prelu shapes it
    return params_of(spec), spec.learnable


@pytest.mark.parametrize("shape, name", LARGE)
def test_large_arrays_cut_over_the_cores_give_the_same_numbers(shape, name):
    spec = activations.get(name)
    params, learnable = _parameters(spec)
    x = np.random.default_rng(0).standard_normal(shape)
    g = np.ones_like(x)
    wanted = ("x",) + learnable
    assert np.array_equal(NUMBA.forward(spec, x, params), np.concatenate(
        [NUMBA.forward(spec, part, params) for part in np.array_split(x, 3, axis=0)], axis=0))
    got, ref = NUMBA.backward(spec, x, g, params, wanted), REFERENCE.backward(spec, x, g, params, wanted)
    for key in wanted:
        np.testing.assert_allclose(got[key], ref[key], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape, name", LARGE[1:])
def test_float32_parameter_gradients_are_summed_in_float64(shape, name):
    # a float32 running sum of these 2^18 products is off by 2e-5 relative; float64 sums keep the float32 products'
    # own rounding only
    spec = activations.get(name)
    params, learnable = _parameters(spec)
    x = np.random.default_rng(2).uniform(0.1, 2.0, shape)
    g = np.ones_like(x)
    got = NUMBA.backward(spec, x.astype(np.float32), g.astype(np.float32), params, learnable)
    ref = REFERENCE.backward(spec, x.astype(np.float32).astype(np.float64), g, params, learnable)
    for key in learnable:
        assert got[key].dtype == np.float32
        np.testing.assert_allclose(got[key], ref[key], rtol=2e-6, err_msg=key)


def test_parallel_drivers_are_kept_in_the_disk_cache_and_leave_the_environment_alone():
    spec = activations.get("snake")
    env_before = os.environ.get("OMP_WAIT_POLICY")
    x = np.linspace(-5, 5, PARALLEL_FROM + 3)
    NUMBA.backward(spec, x, np.ones_like(x), {"alpha": 0.5}, ("x", "alpha"))
    assert os.environ.get("OMP_WAIT_POLICY") == env_before
    module = compiled(spec, layout_of(spec, {"alpha": 0.5}, x.shape), x.dtype, ("x", "alpha"))
    index = list((cache_dir() / "__pycache__").glob(f"{module.__name__.removeprefix('minigrad_kernel_')}"
                                                     ".parallel_kernel-*.nbi"))
    assert index, "Numba could not cache the parallel driver (it must not ask for the thread count itself)"


def test_kernels_can_be_called_from_several_threads():
    x = np.linspace(-5, 5, PARALLEL_FROM + 1)  # each call also cuts its array over the worker threads
    expected = NUMBA.forward(activations.get("silu"), x, {})
    results, errors = [], []

    def work():
        try:
            for _ in range(20):
                results.append(NUMBA.forward(activations.get("silu"), x, {}))
        except Exception as e:  # noqa: BLE001  (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 80
    assert all(np.array_equal(r, expected) for r in results)


def test_cache_folder_falls_back_when_the_configured_one_is_not_writable(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("a folder cannot be made inside a file, whoever asks")
    monkeypatch.setenv("MINIGRAD_CACHE_DIR", str(blocker / "cache"))
    folder = cache_dir()
    assert folder.is_dir() and not str(folder).startswith(str(blocker))


def test_importing_minigrad_is_quick_and_compiles_nothing():
    code = ("import sys, time; t = time.perf_counter(); import minigrad; "
            "print(time.perf_counter() - t, 'numba' in sys.modules)")
    seconds, numba_loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                           check=True).stdout.split()
    assert float(seconds) < 2.0 and numba_loaded == "False"


def test_sign_of_infinity_is_one_in_kernels_as_in_numpy():
    spec = activations.get("softshrink")  # x - lambd sign(x) beyond the threshold
    x = np.array([-np.inf, -2.0, 0.0, 2.0, np.inf])
    np.testing.assert_array_equal(NUMBA.forward(spec, x, params_of(spec)), REFERENCE.forward(spec, x, params_of(spec)))


def test_constants_subnormal_in_the_kernel_dtype_are_zero():
    # x86 CPUs slow down ~100x on subnormal operands: mittag_leffler_gated's far series coefficients are < 1.2e-38
    spec = activations.get("mittag_leffler_gated")
    layout = layout_of(spec, params_of(spec), (8,))
    tiny = np.finfo(np.float32).tiny

    def below_float32_tiny(dtype):
        source = kernel_source(spec, layout, dtype, ())
        return [c for c in map(float, re.findall(r"np\.float\d\d\(([-+0-9.e]+)\)", source)) if 0 < abs(c) < tiny]

    assert not below_float32_tiny(np.float32)
    assert len(below_float32_tiny(np.float64)) >= 5  # normal numbers in float64: kept


def test_a_sigmoid_and_its_slope_of_the_same_argument_share_one_exp():
    spec = activations.get("silu")  # s(x) + x s(x) s(-x)
    source = kernel_source(spec, layout_of(spec, {}, (8,)), np.float32, ("x",))
    loop = source[source.index("def kernel("):]
    assert loop.count("vm.sigmoid_and_slope(") == 1 and "vm.sigmoid(" not in loop and "vm.dsigmoid(" not in loop
    cuda = cuda_codegen.kernel(spec, layout_of(spec, {}, (8,)), np.float32, ("x",)).device_function
    assert "mg_sigmoid(" in cuda and "mg_dsigmoid(" in cuda  # CUDA C keeps both; inlined, nvcc can share the exp


def test_the_normal_cdf_and_density_take_the_same_argument():
    # Phi(x) + x phi(x): erfc and gauss of one variable, whose shared exp the compiler then computes once
    # (test_backend_vmath checks the merge)
    for name, wanted in (("gelu", ("x",)), ("sau", ())):
        calls = re.findall(r"vm\.(erfc|gauss)\((\w+)\)", _loop_of(name, wanted))
        assert sorted(f for f, _ in calls) == ["erfc", "gauss"] and len({a for _, a in calls}) == 1, (name, calls)


def _loop_of(name, wanted):
    spec = activations.get(name)
    source = kernel_source(spec, layout_of(spec, params_of(spec), (8,)), np.float32, wanted)
    return source[source.index("def kernel("):]


def test_a_function_called_in_both_branches_of_a_select_is_called_once():
    # the Cauchy CDF is arctan(-1/x)/pi below -1 and 1/2 + arctan(x)/pi above; elephant's bump is written on
    # |x/a| <= 1 and on a/|x| <= 1, each with its own pow
    assert _loop_of("cauchy_sigmoid", ()).count("vm.atan(") == 1
    assert _loop_of("elephant", ()).count("vm.pow(") == 1
    assert _loop_of("elephant", ("x",)).count("vm.pow(") == 1  # q**(d-1) and r**d merged
    assert _loop_of("xatlu", ("x", "alpha")).count("vm.atan(") == 1  # the gate and 2 gate - 1 share theirs
    spec = activations.get("cauchy_sigmoid")
    cuda = cuda_codegen.kernel(spec, layout_of(spec, params_of(spec), (8,)), np.float32).device_function
    assert cuda.count("atan") == 1


def test_the_parameter_shift_rule_adds_no_sine_or_cosine():
    # daruan's gradients are the parameter-shift rule, whose shifted cosines and sines are -+sin and +-cos of the
    # forward's: taken by an adjoint sweep over the forward's rotations, they need no sine or cosine of their own
    def trig(wanted):
        loop = _loop_of("daruan", wanted)
        return loop.count("vm.sin("), loop.count("vm.cos(")

    assert trig(("x",)) == trig(("x", "theta", "weight", "bias")) == trig(())


def test_selects_are_rewritten_only_where_that_saves_a_call():
    m, x, y = symbolic.SymbolMath(), symbolic.var("x"), symbolic.var("y")

    def calls(outputs):
        return sum(map(codegen.costly, symbolic.schedule(codegen.share_across_selects(outputs).values())))

    assert calls({"out": m.where(x < 0.0, m.exp(x), 2.0 * m.exp(-x))}) == 1
    assert calls({"out": m.where(x < 0.0, m.exp(x) ** y, m.exp(-x) ** 2.5)}) == 2  # one exp, one pow
    # exp(x) is needed outside the select as well: nothing to gain
    assert calls({"out": m.where(x < 0.0, m.exp(x), m.exp(y)) + m.exp(x)}) == 2
    assert calls({"out": m.where(x < 0.0, m.exp(x), m.log(y))}) == 2  # two different functions
