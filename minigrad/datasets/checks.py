"""Argument checks shared by the dataset generators, so every generator refuses bad input in the same words."""
from __future__ import annotations

import math
from typing import Any

import numpy as np


def _is_real(value: Any) -> bool:
    """A finite Python or NumPy number (a bool is not one)."""
    return (isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            and math.isfinite(value))


def count(fn: str, name: str, value: Any, minimum: int, why: str = "") -> int:
    """`value` as an int, or a ValueError "fn needs name >= minimum (why), got value"."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        reason = f" ({why})" if why else ""
        raise ValueError(f"{fn} needs {name} >= {minimum}{reason}, got {value!r}")
    return int(value)


def nonnegative(fn: str, name: str, value: Any, meaning: str = "") -> float:
    """`value` as a float that is finite and >= 0; `meaning` says what it is, in the error."""
    if not _is_real(value) or value < 0:
        what = f" is {meaning} and" if meaning else ""
        raise ValueError(f"{fn}: {name}{what} must be >= 0, got {value!r}")
    return float(value)


def noise(fn: str, value: Any) -> float:
    """`value` as a float standard deviation: finite and >= 0."""
    return nonnegative(fn, "noise", value, "a standard deviation")


def real(fn: str, name: str, value: Any) -> float:
    """`value` as a finite float."""
    if not _is_real(value):
        raise ValueError(f"{fn}: {name} must be a finite number, got {value!r}")
    return float(value)


def positive(fn: str, name: str, value: Any) -> float:
    """`value` as a float that is finite and > 0."""
    if not _is_real(value) or value <= 0:
        raise ValueError(f"{fn}: {name} must be a finite number > 0, got {value!r}")
    return float(value)


def interval(fn: str, low: Any, high: Any) -> tuple[float, float]:
    """(low, high) as floats, finite and low < high."""
    if not (_is_real(low) and _is_real(high) and low < high):
        raise ValueError(f"{fn}: the interval needs finite low < high, got low={low!r}, high={high!r}")
    return float(low), float(high)
