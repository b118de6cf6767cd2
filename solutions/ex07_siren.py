"""Lesson 07: SIREN's initialisation — why sin(30 x) networks train only when their weights are just so.

A SIREN layer computes sin(omega0 (W x + b)) with omega0 = 30. Drawn too wide, omega0 W x spans many periods
and the outputs are noise; drawn too narrow, the sine is a line. Sitzmann et al. (2020) choose the uniform
bounds so that omega0 W x is close to N(0, 1) in every hidden layer, whatever its width (its variance v goes to
1 - e^-2v from one layer to the next and settles at 0.80): the signal neither vanishes nor explodes with depth.
"""
from __future__ import annotations

import math

from minigrad import nn
from minigrad.tensor import Tensor


def siren_bound(fan_in: int, omega0: float = 30.0, is_first: bool = False) -> float:
    """The half-width c of SIREN's uniform initialisation W ~ U(-c, c) for a layer with `fan_in` inputs.

    Goal: the first layer spreads inputs in [-1, 1] over a few periods of sin(omega0 .); hidden layers keep
    omega0 W x ~N(0, 1).
    Formula: c = 1 / fan_in for the first layer; c = sqrt(6 / fan_in) / omega0 for the others
    (fan_in >= 1, omega0 > 0; raise ValueError otherwise).
    First hint: U(-c, c) has variance c^2 / 3, and take E[y_j^2] = 1/2 for the sine outputs y feeding the
    layer (as for inputs uniform on [-1, 1], or a sine of a wide input); multiply out
    Var(omega0 sum_j W_j y_j) = omega0^2 fan_in (c^2 / 3) (1/2) and ask for 1.
    """
    # BEGIN EXERCISE ex07_1 (§2 SIREN's initialisation)
    if not (isinstance(fan_in, int) and fan_in >= 1):
        raise ValueError(f"siren_bound: fan_in must be a positive integer, got {fan_in!r}")
    if not omega0 > 0:
        raise ValueError(f"siren_bound: omega0 must be positive, got {omega0!r}")
    return 1.0 / fan_in if is_first else math.sqrt(6.0 / fan_in) / omega0
    # END EXERCISE ex07_1


def siren_uniform_(weight: Tensor, omega0: float = 30.0, is_first: bool = False) -> Tensor:
    """Fill a (fan_out, fan_in) weight in place with U(-c, c), c = siren_bound(fan_in, omega0, is_first)."""
    bound = siren_bound(weight.shape[1], omega0, is_first)
    return nn.init.uniform_(weight, -bound, bound)
