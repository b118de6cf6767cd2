"""FourierActivation: a learnable activation, one short Fourier series per unit, for the first layer of an INR.

Instead of choosing the nonlinearity (ReLU, sine, Gabor), let each unit learn its own:

    phi_c(z) = sum_{k=1..K} a_(c,k) cos(k omega z) + b_(c,k) sin(k omega z)

for unit (channel) c, with the 2K coefficients a_(c,k), b_(c,k) trained by autodiff with the rest of the network.
This is the idea of FKAN (a Fourier-series Kolmogorov-Arnold first layer) and of SL2A-INR (a single learnable-
activation first layer followed by a plain ReLU MLP): the first layer decides which frequencies the network
works with, the ReLU layers after it only have to combine them. The basis cos(k x), sin(k x) is the catalog's
`F.fourier_kan`; omega > 0 sets the lowest frequency, so the unit's period is 2 pi / omega and its highest
frequency K omega. SL2A's own first layer uses a Chebyshev series of tanh z (the catalog's `F.sl2a`) and FKAN
puts one such series on every input-output edge; a series per unit after a Linear layer is the form used here.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import functional as F
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.random import generator
from minigrad.tensor import DEFAULT_FLOAT, Tensor


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"FourierActivation: {name} must be a positive integer, got {value!r}")
    return int(value)


class FourierActivation(Module):
    """y_c = sum_{k=1..K} a_(c,k) cos(k omega z_c) + b_(c,k) sin(k omega z_c), learnable a and b per unit c.

    Inputs of shape (*, num_features), the unit along the last dimension; the output has the same shape.
    `coefficients` holds (a_(c,1..K), b_(c,1..K)) in each row, shape (num_features, 2 K), and starts as
    N(0, 1/K): for z spread over many periods each cos^2 and sin^2 averages 1/2, so the output starts with
    variance about 1. y is smooth and 2 pi / omega periodic; |y_c| <= sum_k |a_(c,k)| + |b_(c,k)|.
    """

    def __init__(self, num_features: int, num_frequencies: int = 8, omega: float = 1.0, dtype: Any = DEFAULT_FLOAT):
        super().__init__()
        self.num_features = _count("num_features", num_features)
        self.num_frequencies = _count("num_frequencies", num_frequencies)
        if isinstance(omega, bool) or not isinstance(omega, (int, float)) or not 0 < omega < math.inf:
            raise ValueError(f"FourierActivation: omega (the lowest frequency) must be a finite number > 0, "
                             f"got {omega!r}")
        self.omega = float(omega)
        std = 1.0 / math.sqrt(self.num_frequencies)
        draws = generator().normal(0.0, std, (self.num_features, 2 * self.num_frequencies))
        self.coefficients = Parameter(draws.astype(dtype))

    def forward(self, z: Tensor) -> Tensor:
        if not isinstance(z, Tensor) or z.ndim == 0 or z.shape[-1] != self.num_features:
            raise ValueError(f"FourierActivation({self.num_features}) expects inputs of shape (..., "
                             f"{self.num_features}), got {getattr(z, 'shape', type(z).__name__)}")
        basis = F.fourier_kan(z * self.omega, grid_size=self.num_frequencies)  # (*, C, 2K): cos k=1..K, sin
        return (basis * self.coefficients).sum(-1)

    def extra_repr(self) -> str:
        return f"num_features={self.num_features}, num_frequencies={self.num_frequencies}, omega={self.omega:g}"
