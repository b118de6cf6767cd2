"""How accurate vmath's float32 functions are over every float32 input: the sweep behind vmath's accuracy table.

    python -m minigrad.backends.vmath_accuracy                      # all 2**32 inputs, every function
    python -m minigrad.backends.vmath_accuracy --stride 4099 erf    # every 4099th bit pattern: a quick look

For each function, every float32 bit pattern (or every `stride`-th) goes through a parallel Numba loop over the
vmath function, and the result is compared with the float64 reference rounded to float32: the error is the
number of float32 steps between them (0: the correctly rounded result, unless the true value lies within the
float64 reference's own error, ~2**-29 ulp, of a rounding boundary). NaN must give NaN, and a number must not;
infinities and signed zeros count as values. sin and cos are swept over |x| < 32768 only, where vmath promises
its accuracy (beyond, see vmath's note on their reduction).

The references are NumPy and SciPy in float64 (dsigmoid and gauss by their formulas): within a few float64 ulp of
the exact values, 2**29 times finer than a float32 ulp. The tests hold the float32 functions to their documented
bounds on a stride-4099 sweep (about a million inputs per function); the whole sweep, 2**32 inputs per function,
takes 2.5-3.5 minutes per function on 2 cores. Its result on a 2-core AMD EPYC (worst ulp; how many of the 2**32
inputs, 2382364672 for sin and cos, are more than 1 ulp off):

| exp | expm1 | log | log1p | tanh | sigmoid | dsigmoid | softplus | erf | erfc | gauss | sin | cos | atan |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| 1; 0 | 2; 1437 | 1; 0 | 1; 0 | 2; 1310512 | 2; 241284 | 2; 54344 | 2; 2163 | 1; 0 | 3; 2746194 | 1; 0 | 1; 0 | 1; 0 | 1; 0 |

(erfc: 317 inputs at 3 ulp, the first of them at x = 0.01617.)
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np
import scipy.special

from minigrad.backends import vmath
from minigrad.backends.vmath_bench import parallel_map

CHUNK = 1 << 24  # bit patterns per step: 64 MiB of float32 inputs, and as much again for the results
TRIG_LIMIT = 32768.0  # sin/cos promise their accuracy for |x| below this


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def _dsigmoid(x):
    e = np.exp(-np.abs(x))
    return e / ((1.0 + e) * (1.0 + e))


REFERENCE = {  # float64 -> float64
    "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p, "tanh": np.tanh, "sigmoid": _sigmoid,
    "dsigmoid": _dsigmoid, "softplus": lambda x: np.logaddexp(x, 0.0), "erf": scipy.special.erf,
    "erfc": scipy.special.erfc, "gauss": lambda x: np.exp(-x * x), "sin": np.sin, "cos": np.cos, "atan": np.arctan,
}
# the bounds vmath's docstring states for all float32 inputs (gauss: measured against exp(-x*x) of the float64 x*x)
BOUNDS = {"exp": 1, "log": 1, "log1p": 1, "erf": 1, "sin": 1, "cos": 1, "atan": 1, "expm1": 2, "tanh": 2,
          "sigmoid": 2, "dsigmoid": 2, "softplus": 2, "gauss": 2, "erfc": 3}


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many floats apart a and b are (same dtype; NaN pairs count 0, NaN vs number a huge number)."""
    ints = np.int32 if a.dtype == np.float32 else np.int64
    lo = np.iinfo(ints).min

    def ordered(v):  # the bit patterns, made monotone in the value
        bits = v.view(ints).astype(np.int64)
        return np.where(bits < 0, np.int64(lo) - bits, bits)

    d = np.abs(ordered(a) - ordered(b))
    both_nan = np.isnan(a) & np.isnan(b)
    return np.where(both_nan, 0, np.where(np.isnan(a) | np.isnan(b), np.iinfo(np.int64).max, d))


@dataclass(frozen=True)
class Sweep:
    """The errors of one function over the inputs swept."""

    name: str
    inputs: int
    worst_ulp: int
    worst_x: float
    above: tuple[int, int, int]  # how many inputs are more than 1, 2 and 3 ulp off

    def row(self) -> str:
        worst = "NaN mismatch" if self.worst_ulp > 2**40 else f"{self.worst_ulp}"
        return (f"| {self.name} | {self.inputs} | {worst} | {self.worst_x!r} | "
                f"{' | '.join(str(a) for a in self.above)} | {BOUNDS[self.name]} |")


def sweep(name: str, stride: int = 1) -> Sweep:
    """Every `stride`-th float32 bit pattern through vmath.<name>, against the float64 reference."""
    if name not in REFERENCE:
        raise ValueError(f"unknown function {name!r}: expected one of {', '.join(REFERENCE)}")
    if stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride}")
    kernel = parallel_map(getattr(vmath, name))
    inputs, worst, worst_x, above = 0, -1, float("nan"), np.zeros(3, np.int64)
    for start in range(0, 1 << 32, CHUNK * stride):
        bits = np.arange(start, min(start + CHUNK * stride, 1 << 32), stride, dtype=np.uint64).astype(np.uint32)
        x = bits.view(np.float32)
        if name in ("sin", "cos"):
            x = x[np.abs(x) < TRIG_LIMIT]
        got = np.empty_like(x)
        kernel(x, got)
        with np.errstate(all="ignore"):
            want = REFERENCE[name](x.astype(np.float64)).astype(np.float32)
        d = ulp_distance(got, want)
        i = int(np.argmax(d)) if d.size else 0
        if d.size and d[i] > worst:
            worst, worst_x = int(d[i]), float(x[i])
        above += [np.count_nonzero(d > k) for k in (1, 2, 3)]
        inputs += x.size
    return Sweep(name, inputs, worst, worst_x, tuple(int(a) for a in above))


def table(sweeps: list[Sweep]) -> str:
    lines = ["| function | inputs | worst ulp | at x | > 1 ulp | > 2 ulp | > 3 ulp | documented bound |",
             "|---|---|---|---|---|---|---|---|"]
    return "\n".join(lines + [s.row() for s in sweeps])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minigrad.backends.vmath_accuracy",
                                     description="vmath's float32 accuracy over every float32 input (or a stride)")
    parser.add_argument("names", nargs="*", metavar="FUNCTION", help=f"default: all of {', '.join(REFERENCE)}")
    parser.add_argument("--stride", type=int, default=1, help="sweep every STRIDE-th bit pattern (default 1: all)")
    args = parser.parse_args(argv)
    try:
        sweeps = []
        for name in args.names or list(REFERENCE):
            sweeps.append(sweep(name, args.stride))
            print(f"{name}: done", file=sys.stderr, flush=True)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(table(sweeps))
    return 0 if all(s.worst_ulp <= BOUNDS[s.name] for s in sweeps) else 1


if __name__ == "__main__":
    sys.exit(main())
