"""Streaming stores (minigrad/backends/numba_stream.py): the copy they make, and the kernels that use them."""
from __future__ import annotations

import numpy as np
import pytest
from numba import errors, njit

from minigrad import activations
from minigrad.backends import numba_stream
from minigrad.backends.layout import layout_of
from minigrad.backends.numba_backend import NumbaBackend, kernel_source
from minigrad.backends.numba_runtime import PARALLEL_FROM
from minigrad.backends.numba_stream import stream

from backend_parity import POINTWISE, grid, params_of

NUMBA = NumbaBackend()


@njit
def _stream(dst, start, src, n):
    stream(dst, start, src, n)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stream_copies_exactly_its_elements_at_any_alignment(dtype):
    src = np.arange(1, 1201, dtype=dtype)
    for skew in range(0, 20, 3):  # views whose first element is anywhere in a cache line
        for start, n in [(0, 0), (0, 1), (5, 15), (3, 16), (0, 17), (7, 100), (1, 1100), (0, 1200)]:
            base = np.zeros(1300, dtype)
            dst = base[skew:skew + 1200]
            _stream(dst, start, src, n)
            expected = np.zeros(1300, dtype)
            expected[skew + start:skew + start + n] = src[:n]
            assert np.array_equal(base, expected), (skew, start, n)


def test_stream_refuses_arrays_of_different_dtypes():
    with pytest.raises(errors.TypingError, match="same dtype"):
        _stream(np.zeros(4, np.float32), 0, np.zeros(4), 4)


def _streams(name: str, wanted: tuple[str, ...]) -> bool:
    spec = activations.get(name)
    params = params_of(spec)
    return "STREAMS = True" in kernel_source(spec, layout_of(spec, params, (8,)), np.float32, wanted)


STREAMED = [n for n in POINTWISE if _streams(n, ()) or _streams(n, ("x",))]


def test_light_kernels_stream_and_heavy_ones_do_not():
    assert _streams("relu", ()) and _streams("relu", ("x",)) and _streams("softsign", ()) and _streams("pau", ())
    assert not _streams("sigmoid", ())               # an exp: arithmetic limits it
    assert not _streams("mittag_leffler_gated", ())  # a long series
    assert not _streams("pau", ("x", "numerator"))   # sums parameter gradients in the same pass
    assert len(STREAMED) >= 30


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", STREAMED)
def test_streaming_kernels_give_the_numbers_of_plain_stores(name, dtype, monkeypatch):
    spec = activations.get(name)
    params = params_of(spec)
    x = np.resize(grid(spec, params, dtype), 3 * 512 + 37)  # several blocks and a partial line at both ends
    g = np.linspace(-2, 2, x.size).astype(dtype)

    def both():
        return NUMBA.forward(spec, x, params), NUMBA.backward(spec, x, g, params, ("x",))["x"]

    plain = both()
    monkeypatch.setattr(numba_stream, "STREAM_FROM", 0)
    for got, want in zip(both(), plain):
        assert np.array_equal(got, want, equal_nan=True)


def test_a_large_streamed_output_cut_over_the_cores_is_whole(monkeypatch):
    spec = activations.get("hardtanh")
    x = np.random.default_rng(1).uniform(-3, 3, PARALLEL_FROM + 7).astype(np.float32)
    monkeypatch.setattr(numba_stream, "STREAM_FROM", 0)
    assert np.array_equal(NUMBA.forward(spec, x, params_of(spec)), np.clip(x, -1, 1))
