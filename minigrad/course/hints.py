"""Checks that explain themselves: a failed exercise test says what is wrong, where, and what to try.

    assert_close(got, expected, "sigmoid_derivative", at=x, hint="...")
    -> sigmoid_derivative is off by a factor 2 at x=1.5: expected 0.1491464521, got 0.2982929042 (41 of 41 values
       disagree)
       Hint: ...

The diagnosis looks at every value that disagrees: a common factor (2, 0.5, 30, ...) or a flipped sign is
named, as is a common offset, a zero where a number belongs, NaN or infinity. `no_floating_point_trouble` turns
an overflow inside the learner's code into a failed check that names the function and gives the hint.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np

def _diagnosis(got: np.ndarray, expected: np.ndarray) -> str:
    """What the disagreeing values have in common, as words."""
    if np.isnan(got).any():
        return "is NaN"
    if np.isinf(got).any():
        return "is infinite"
    if np.all(got == 0):
        return "is 0 where it should not be"
    if np.all(expected != 0):
        ratio = got / expected
        factor = ratio.flat[0]
        if abs(factor - 1) > 1e-2 and np.allclose(ratio, factor, rtol=1e-3, atol=0):
            return "has the wrong sign" if np.isclose(factor, -1.0) else f"is off by a factor {factor:.4g}"
    offset = got - expected
    if got.size > 1 and np.allclose(offset, offset.flat[0], rtol=1e-3, atol=0):
        return f"is off by a constant {offset.flat[0]:.6g}"
    return "is wrong"


def _location(at: dict[str, Any] | Any | None, index: tuple[int, ...], shape: tuple[int, ...]) -> str:
    if at is None:
        return f"at index {list(index)}" if shape else ""
    named = at if isinstance(at, dict) else {"x": at}
    parts = []
    for name, values in named.items():
        values = np.broadcast_to(np.asarray(values), shape)
        parts.append(f"{name}={values[index]:.10g}")
    return "at " + ", ".join(parts)


def assert_close(got: Any, expected: Any, name: str, *, at: Any = None, rtol: float = 1e-7, atol: float = 0.0,
                 hint: str = "", dtype: Any = None) -> None:
    """Raise AssertionError unless |got - expected| <= atol + rtol |expected| everywhere (NaNs never match).

    `at` gives the inputs (an array shaped like the result, or a dict of them, e.g. {"x": x, "alpha": a}) so the
    message can say where the worst disagreement is; `dtype`, if given, is the dtype the result must have.
    """
    got_array, expected = np.asarray(got), np.asarray(expected, dtype=np.float64)
    if got_array.shape != expected.shape:
        raise AssertionError(f"{name} returned shape {got_array.shape}, expected {expected.shape}"
                             + (f"\nHint: {hint}" if hint else ""))
    if dtype is not None and got_array.dtype != np.dtype(dtype):
        raise AssertionError(f"{name} returned {got_array.dtype} for {np.dtype(dtype)} input: keep the input's "
                             "dtype (NumPy keeps float32 when the other operands are Python numbers)")
    got = got_array.astype(np.float64)
    with np.errstate(all="ignore"):
        error = np.abs(got - expected)
        bad = ~(error <= atol + rtol * np.abs(expected))
    if not bad.any():
        return
    with np.errstate(all="ignore"):
        badness = np.where(np.isfinite(error), error / (atol + rtol * np.abs(expected) + 1e-300), np.inf)
    worst = np.unravel_index(int(np.argmax(np.where(bad, badness, -1.0))), got.shape) if got.shape else ()
    where = _location(at, worst, got.shape)
    message = (f"{name} {_diagnosis(got[bad], expected[bad])}{' ' + where if where else ''}: expected "
               f"{expected[worst]:.10g}, got {got[worst]:.10g} ({int(bad.sum())} of {bad.size} values disagree)")
    raise AssertionError(message + (f"\nHint: {hint}" if hint else ""))


@contextmanager
def no_floating_point_trouble(name: str, inputs: str, hint: str = "") -> Iterator[None]:
    """Inside: NumPy's overflow/invalid/divide warnings are errors, reported as a failed check of `name` on
    `inputs` (words such as "x = -1000 ... 1000") with the hint. Errors from the learner's code pass through."""
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("error", RuntimeWarning)
        try:
            yield
        except (RuntimeWarning, FloatingPointError, OverflowError) as trouble:
            raise AssertionError(f"{name} is not numerically safe for {inputs}: {type(trouble).__name__}: {trouble}"
                                 + (f"\nHint: {hint}" if hint else "")) from None
