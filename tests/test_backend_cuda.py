"""The CUDA kernels of the CuPy backend, checked without a GPU, then on one when there is one.

Without a GPU: every generated kernel (every pointwise activation, float32 and float64, forward and fused
backward, choices and per-channel layouts) compiles for compute capability 8.0 and 9.0 with nvcc or NVRTC; and
the same source, compiled for the CPU by the C++ compiler, run through CupyBackend's own code (layouts,
arguments, sums of the parameter gradients), agrees with the float64 NumPy reference over the activation test
grid (kinks, tails, +-1e4). With CuPy and a GPU: the same comparison on the device, and a training step.
"""
from __future__ import annotations

import re
import sys
import types
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import minigrad as mg
from minigrad import activations, backends, nn
from minigrad.backends import cuda_codegen
from minigrad.backends.cuda_check import ARCHITECTURES, cpu_launcher, cpu_library, gpu_compiler
from minigrad.backends.cupy_backend import CupyBackend
from minigrad.backends.reference import NumpyBackend

from backend_parity import POINTWISE, check_parity
from cuda_toolchain import choice_variants, computes_in_double, kernels, per_channel_variants, ptx_functions

DTYPES = ("float32", "float64")
REFERENCE = NumpyBackend()
PER_CHANNEL = [n for n in POINTWISE if per_channel_variants(activations.get(n))]
# Its truncated series cancels in float32 at orders a < 1 or b < 1, beyond the tolerance for any float32
# evaluation (the Numba kernels' too): in float32 only its default orders are compared.
FLOAT32_DEFAULTS_ONLY = {"mittag_leffler_gated"}


def _variants(spec, dtype) -> list[dict]:
    found = choice_variants(spec)
    return found[:1] if dtype == np.float32 and spec.name in FLOAT32_DEFAULTS_ONLY else found


# --- the kernels compile for the GPU -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ptx(tmp_path_factory) -> dict:
    """(dtype, architecture) -> the PTX of all kernels of that dtype (one translation unit), or what went wrong.
    The four compilations run at once."""
    try:
        _, compile_ptx = gpu_compiler()
    except RuntimeError as e:
        return {(dtype, arch): e for dtype in DTYPES for arch in ARCHITECTURES}
    folder = tmp_path_factory.mktemp("ptx")
    sources = {dtype: cuda_codegen.translation_unit(kernels(dtype)) for dtype in DTYPES}
    jobs = [(dtype, arch) for dtype in DTYPES for arch in ARCHITECTURES]
    with ThreadPoolExecutor(len(jobs)) as pool:
        futures = {job: pool.submit(compile_ptx, sources[job[0]], job[1], folder) for job in jobs}
    return {job: future.exception() or future.result() for job, future in futures.items()}


def _functions(ptx, dtype, arch) -> dict[str, tuple[str, str]]:
    result = ptx[dtype, arch]
    if isinstance(result, Exception):
        pytest.fail(str(result))
    return ptx_functions(result)


@pytest.mark.parametrize("arch", ARCHITECTURES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_kernel_compiles_for_the_gpu(ptx, dtype, arch):
    names = {k.name for k in kernels(dtype)}
    assert len(names) > 2 * len(POINTWISE)
    functions = _functions(ptx, dtype, arch)
    assert {name for name, (kind, _) in functions.items() if kind == "entry"} == names


def test_float32_kernels_compute_in_float32(ptx):
    source = cuda_codegen.translation_unit(kernels("float32"))
    assert not re.search(r"\bdouble\b", source)
    assert not re.findall(r"(?<![\w.])\d+\.\d*(?:e[+-]?\d+)?(?![\w.])", source), "a constant without the suffix f"
    # sinf/cosf reduce huge arguments (|x| > 1e5) in double precision inside CUDA's library; nothing else may
    functions = _functions(ptx, "float32", "compute_80")
    assert any(computes_in_double(functions, k.name) for k in kernels("float32"))  # the check can see doubles
    for k in kernels("float32"):
        if computes_in_double(functions, k.name):
            assert re.search(r"\b(sinf|cosf)\(", k.device_function), f"{k.name} computes in double"


def test_float64_kernels_call_the_double_precision_functions():
    source = cuda_codegen.translation_unit(kernels("float64"))
    assert not re.search(r"\bfloat\b", source)
    assert not re.findall(r"\b(expf|expm1f|logf|log1pf|tanhf|erff|erfcf|sinf|cosf|atanf|sqrtf|floorf|fabsf|powf)\(",
                          source)


# --- the same kernels, compiled for the CPU, agree with the reference ------------------------------------------

@pytest.fixture(scope="module")
def on_cpu(tmp_path_factory) -> CupyBackend:
    """The CuPy backend, its kernels compiled for the CPU (one library per dtype, both built at once)."""
    folder = tmp_path_factory.mktemp("cpu")
    with ThreadPoolExecutor(len(DTYPES)) as pool:
        built = pool.map(lambda dtype: cpu_library(cuda_codegen.translation_unit(kernels(dtype)), folder), DTYPES)
        libraries = dict(zip(DTYPES, built))
    return CupyBackend(launch=cpu_launcher(libraries))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", POINTWISE)
def test_kernels_match_the_float64_reference(on_cpu, name, dtype):
    spec = activations.get(name)
    for params in _variants(spec, dtype):
        check_parity(on_cpu, spec, params, dtype, "CUDA kernel (compiled for the CPU)")


def _per_channel_case(spec, params, shape, dtype):
    """x, g and parameters for an input of `shape`: per-channel values shaped (C, 1, ...) as a Tensor's are."""
    rng = np.random.default_rng(7)
    x, g = (rng.standard_normal(shape) * 3).astype(dtype), rng.standard_normal(shape).astype(dtype)
    wanted = ("x",) + spec.learnable
    arrays = {}
    for key, value in params.items():
        if isinstance(value, np.ndarray):
            value = value.reshape((value.size,) + (1,) * (len(shape) - 2))
        arrays[key] = np.asarray(value, dtype=dtype) if key in wanted else value
    return x, g, arrays, wanted


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5), (2, 3, 2, 2)])
@pytest.mark.parametrize("name", PER_CHANNEL)
def test_per_channel_parameters_match_the_reference(on_cpu, name, shape):
    spec = activations.get(name)
    for params in per_channel_variants(spec):
        x, g, arrays, wanted = _per_channel_case(spec, params, shape, np.float64)
        np.testing.assert_allclose(on_cpu.forward(spec, x, arrays), REFERENCE.forward(spec, x, arrays),
                                   rtol=1e-13, atol=1e-15)
        got, ref = on_cpu.backward(spec, x, g, arrays, wanted), REFERENCE.backward(spec, x, g, arrays, wanted)
        for key in wanted:
            assert got[key].shape == ref[key].shape, key
            np.testing.assert_allclose(got[key], ref[key], rtol=1e-12, atol=1e-13, err_msg=f"{name} {key}")


def test_kernels_are_built_once_per_activation_dtype_layout_and_static_values(tmp_path):
    built = []
    backend = CupyBackend(launch=lambda k: built.append(k.name) or (lambda *args: None))
    gelu, x = activations.get("gelu"), np.zeros(4, np.float32)
    for approximate in ("none", "none", "tanh"):
        backend.forward(gelu, x, {"approximate": approximate})
    backend.forward(gelu, x.astype(np.float64), {"approximate": "none"})
    backend.backward(gelu, x, x, {"approximate": "none"}, ("x",))
    assert len(built) == len(set(built)) == 4


# --- the source, the constants and the command line --------------------------------------------------------------

def test_constants_are_written_in_the_kernels_type():
    assert cuda_codegen.literal(0.1, "float32") == "0.1f"  # the float32 nearest 0.1, not 0.1 rounded twice
    assert cuda_codegen.literal(0.1, "float64") == "0.1"
    assert cuda_codegen.literal(1e-50, "float32") == "0.0f"
    assert cuda_codegen.literal(1e39, "float32") == "__int_as_float(0x7f800000)"
    assert cuda_codegen.literal(-np.inf, "float64") == "(-__longlong_as_double(0x7ff0000000000000LL))"
    assert cuda_codegen.literal(np.nan, "float32") == "__int_as_float(0x7fc00000)"
    with pytest.raises(TypeError, match="float32 and float64, got float16"):
        cuda_codegen.literal(1.0, "float16")


def test_source_holds_forward_and_fused_backward_kernels():
    text = cuda_codegen.source("elu", "float32", {"alpha": 0.5})
    assert "expm1f(" in text and "expf(" in text and "mg_minimum(" in text
    assert len(re.findall(r'extern "C" __global__ void mg_elu_(forward|backward)_', text)) == 2
    assert "g_x = v_g * " in text and "g_alpha" not in text  # alpha of elu is not learnable
    prelu = cuda_codegen.source("prelu", "float64", {"weight": [0.1, 0.2, 0.3]})
    assert "p_weight[c]" in prelu and "g_weight = v_g * " in prelu and "(i / inner) % channels" in prelu
    assert "approximate" not in cuda_codegen.source("gelu", params={"approximate": "tanh"})  # a choice is compiled in
    with pytest.raises(ValueError, match="softmax is a vector activation; kernels are generated for pointwise"):
        cuda_codegen.source("softmax")


def test_kernels_command_prints_and_writes_sources(tmp_path, capsys):
    from minigrad.kernels_cli import kernels_command

    kernels_command(["silu"], cuda=True, numba=True)
    printed = capsys.readouterr().out
    assert "mg_sigmoid(" in printed and "vm.sigmoid(" in printed and "def kernel(" in printed
    paths = kernels_command(["silu", "prelu"], cuda=True, numba=False, out=str(tmp_path), dtype="float64")
    assert sorted(p.name for p in paths) == ["prelu_float64.cu", "silu_float64.cu"]
    assert "double" in paths[0].read_text()
    with pytest.raises(ValueError, match="unknown activation 'sliu'; did you mean silu"):
        kernels_command(["sliu"], cuda=True, numba=False)
    with pytest.raises(ValueError, match="--cuda or --numba"):
        kernels_command(["silu"], cuda=False, numba=False)


# --- which backend computes a GPU tensor ---------------------------------------------------------------------------

def test_gpu_arrays_go_to_the_gpu_backend_whatever_the_cpu_choice(monkeypatch):
    gpu_array = type("ndarray", (), {"__module__": "cupy"})()
    monkeypatch.setitem(backends._instances, "cupy", "the GPU backend")
    for cpu in ("numpy", "numba"):
        with mg.use_backend(cpu):
            assert backends.current(gpu_array) == "the GPU backend"
            assert backends.current(np.zeros(2)) is backends._load(cpu)


def test_a_gpu_array_without_the_gpu_backend_says_why(monkeypatch):
    monkeypatch.setattr(backends, "_instances", {"numpy": REFERENCE})
    monkeypatch.setattr(backends, "_problems", {"cupy": "ImportError: CuPy is not installed"})
    with pytest.raises(RuntimeError, match="lives on a GPU, but the GPU backend is unavailable: ImportError: CuPy"):
        backends.current(type("ndarray", (), {"__module__": "cupy"})())


def test_available_says_why_cupy_is_unavailable(monkeypatch):
    for fake, reason in ((None, "ImportError: CuPy is not installed: pip install -r requirements-gpu.txt"),
                         (types.SimpleNamespace(is_available=lambda: False),
                          "RuntimeError: CuPy is installed but found no CUDA GPU on this machine")):
        monkeypatch.setitem(sys.modules, "cupy", fake)
        monkeypatch.setattr(backends, "_instances", {"numpy": REFERENCE})
        monkeypatch.setattr(backends, "_problems", {})
        assert backends.available()["cupy"] == f"unavailable: {reason}"
        assert backends.available()["numpy"] == "available"


def test_use_backend_explains_that_the_device_chooses_the_gpu_backend():
    with pytest.raises(ValueError, match="cupy computes the tensors on a GPU .* chosen by their device"):
        mg.use_backend("cupy")


# --- on a GPU --------------------------------------------------------------------------------------------------------

def _gpu():
    cupy = pytest.importorskip("cupy", reason="needs CuPy (pip install -r requirements-gpu.txt) and a GPU")
    if not cupy.is_available():
        pytest.skip("needs a CUDA GPU: CuPy found none")
    return cupy


class _OnDevice:
    """The CuPy backend called with NumPy arrays: inputs copied to the GPU, results back."""

    def __init__(self, cupy):
        self.cupy, self.backend = cupy, backends.current(cupy.zeros(1))

    def _there(self, params):
        return {k: self.cupy.asarray(v) if isinstance(v, np.ndarray) else v for k, v in params.items()}

    def forward(self, spec, x, params):
        return self.backend.forward(spec, self.cupy.asarray(x), self._there(params)).get()

    def backward(self, spec, x, g, params, wanted):
        grads = self.backend.backward(spec, self.cupy.asarray(x), self.cupy.asarray(g), self._there(params), wanted)
        return {k: v.get() for k, v in grads.items()}


def test_every_kernel_matches_the_reference_on_the_gpu():
    device = _OnDevice(_gpu())
    assert isinstance(device.backend, CupyBackend)
    failures = []
    for name in POINTWISE:
        spec = activations.get(name)
        for dtype in (np.float32, np.float64):
            for params in _variants(spec, dtype):
                try:
                    check_parity(device, spec, params, dtype, "CUDA kernel")
                except AssertionError as e:
                    failures.append(str(e))
        for params in per_channel_variants(spec):
            x, g, arrays, wanted = _per_channel_case(spec, params, (4, 3, 5), np.float64)
            got, ref = device.backward(spec, x, g, arrays, wanted), REFERENCE.backward(spec, x, g, arrays, wanted)
            failures += [f"{name} {k} per channel" for k in wanted if not np.allclose(got[k], ref[k], 1e-12, 1e-13)]
    assert not failures, "\n".join(failures[:20])


def test_a_training_step_on_the_gpu_matches_the_cpu():
    cupy = _gpu()

    def step(device):
        mg.manual_seed(5)
        slopes = np.linspace(0.1, 0.3, 8)  # one per channel: the per-channel kernels
        model = nn.Sequential(nn.Linear(4, 8, dtype=mg.float64),
                              nn.Activation("prelu", dtype=mg.float64, weight=slopes),
                              nn.Linear(8, 8, dtype=mg.float64), nn.Activation("gelu", dtype=mg.float64),
                              nn.Linear(8, 2, dtype=mg.float64)).to(device)
        x = mg.randn(16, 4, dtype=mg.float64).to(device)
        target = mg.randn(16, 2, dtype=mg.float64).to(device)
        optimizer = mg.optim.SGD(model.parameters(), lr=0.1)
        loss = ((model(x) - target) ** 2).mean()
        loss.backward()
        optimizer.step()
        return loss.item(), [p.detach().to("cpu").numpy() for p in model.parameters()]

    with mg.use_backend("numpy"):
        cpu_loss, cpu_params = step("cpu")
        gpu_loss, gpu_params = step("cuda")  # the GPU backend, whatever the CPU choice
    built = backends.current(cupy.zeros(1))._kernels
    assert {"prelu", "gelu"} <= {key[0] for key in built}, "the step did not run the CUDA kernels"
    np.testing.assert_allclose(gpu_loss, cpu_loss, rtol=1e-12)
    for got, ref in zip(gpu_params, cpu_params):
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)


def test_the_gpu_benchmark_needs_a_gpu_and_says_so_without_one():
    from minigrad.bench import activations as bench

    try:
        import cupy

        gpu = cupy.is_available()
    except ImportError:
        gpu = False
    if not gpu:
        with pytest.raises(RuntimeError, match="bench activations --device cuda needs CuPy and a GPU: CuPy"):
            bench.run(["relu"], 10, 2, progress=False, device="cuda")
        return
    rows, bandwidth, n = bench.run(["relu", "prelu"], 12, 2, progress=False, device="cuda")
    table = bench.markdown(rows, bandwidth, n)
    assert "| CuPy arrays | CUDA kernels |" in table and "cupy/cupy-arrays forward" in table
