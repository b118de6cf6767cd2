"""What the backend tests share: the activation test grid and the comparison of a kernel backend with the float64
NumPy reference (forward, backward and parameter gradients) within a few ulp of each value's condition."""
from __future__ import annotations

import numpy as np

from minigrad import activations
from minigrad.activations.mathops import ArrayMath
from minigrad.backends.reference import NumpyBackend

POINTWISE = [n for n in activations.names("pointwise") if not activations.get(n).stochastic]
REFERENCE = NumpyBackend()


def grid(spec, params, dtype) -> np.ndarray:
    kinks = [k.location(params) for k in spec.kinks]
    x = np.concatenate([np.linspace(-12, 12, 481), [-1e4, -100.0, -30.0, 0.0, 30.0, 100.0, 1e4], kinks,
                        np.array(kinks) + 1e-3, np.array(kinks) - 1e-3])
    low, high = spec.x_domain
    return x[(x >= low) & (x <= high)].astype(dtype)


def params_of(spec) -> dict:
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in spec.defaults().items()}


def condition(form, x: np.ndarray) -> np.ndarray:
    """|form(x)| + |x form'(x)| in float64: how much rounding of x, and of the intermediate values of a formula
    that cancels to a small result, may move form(x). A few ulp of this is a fair demand on any evaluation."""
    m = ArrayMath(np, np.float64)
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    slope = (np.asarray(form(m, x + h)) - np.asarray(form(m, x - h))) / (2 * h)
    return np.abs(np.broadcast_to(form(m, x), x.shape)) + np.abs(x * slope)


def assert_close(got, ref, dtype, what, scale, who="the kernel"):
    bad = np.abs(got.astype(np.float64) - ref) > 64 * np.finfo(dtype).eps * scale + np.finfo(dtype).tiny
    bad &= ~(np.isnan(got) & np.isnan(ref))
    assert not bad.any(), f"{what}: {who} {got[bad][:4]} vs float64 reference {ref[bad][:4]}"


def check_parity(backend, spec, params: dict, dtype, who: str) -> None:
    """`backend` (called with NumPy arrays) against the float64 reference over the grid: forward, and backward
    for x and every learnable parameter (passed as arrays, as a Tensor's would be)."""
    name = spec.name
    x = grid(spec, params, dtype)
    x64 = x.astype(np.float64)
    g = np.linspace(0.5, 1.5, x.size).astype(dtype)
    g64 = g.astype(np.float64)
    bind = lambda form: (lambda m, t: form(m, t, **params))  # noqa: E731
    assert_close(backend.forward(spec, x, params), REFERENCE.forward(spec, x64, params), dtype, f"{name} forward",
                 condition(bind(spec.f), x64), who)
    wanted = ("x",) + spec.learnable
    as_arrays = lambda dt: {k: (np.asarray(v, dtype=dt) if k in wanted else v) for k, v in params.items()}  # noqa: E731
    got = backend.backward(spec, x, g, as_arrays(dtype), wanted)
    ref = REFERENCE.backward(spec, x64, g64, as_arrays(np.float64), wanted)
    for key in wanted:
        assert got[key].shape == ref[key].shape and got[key].dtype == dtype, key
        if key == "x":
            scale = np.abs(g64) * condition(bind(spec.df), x64)
        else:  # a sum over the elements: a few ulp of the sum of its terms' conditions
            terms = spec.dparams[key](ArrayMath(np, np.float64), x64, **params)
            count = len(terms) if isinstance(terms, (list, tuple)) else 0
            pick = (lambda k: lambda m, t: spec.dparams[key](m, t, **params)[k]) if count else \
                (lambda k: bind(spec.dparams[key]))
            scale = np.array([np.sum(np.abs(g64) * condition(pick(k), x64)) for k in range(max(count, 1))])
            scale = scale.reshape(ref[key].shape) if scale.size == ref[key].size else scale.max()
        assert_close(got[key], ref[key], dtype, f"{name} gradient of {key}", scale, who)
