"""GaborLayer: a layer whose activation is a Gabor wavelet, the real-valued form of WIRE (Saragadam et al. 2023).

A sine unit oscillates forever: every unit of a SIREN responds everywhere in the domain. A Gabor wavelet is a
sine under a Gaussian window,

    y = exp(-(s0 z)^2) cos(omega0 z),   z = W x + b,

so each unit answers in a band of frequencies (around omega0) *and* in a region of space (where |z| < ~1/s0):
localised in both, as wavelets are. That makes it good at edges and textures with a small number of units, and
robust to noise, because the window stops each unit from fitting far-away pixels.

What differs from WIRE. WIRE uses the complex Gabor wavelet psi(z) = exp(i omega0 z) exp(-(s0 z)^2) with complex
weights in every layer after the first and takes the real part of a final complex linear layer; to keep the
parameter count it divides the width by sqrt(2). Here everything is real: the activation is Re psi for real z,
so the imaginary (sine) half of each wavelet - its phase - is dropped and the hidden layers mix even wavelets
only. WIRE's paper compares the two and reports the complex form ahead; the real one needs no complex tensors.
The defaults omega0 = 20, s0 = 10 are WIRE's; the weights keep Linear's default init, as WIRE's code does.
"""
from __future__ import annotations

from typing import Any

from minigrad import functional as F
from minigrad.nn.linear import Linear
from minigrad.nn.module import Module
from minigrad.tensor import DEFAULT_FLOAT, Tensor


def _positive(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"GaborLayer: {name} must be a positive number, got {value!r}")
    return float(value)


class GaborLayer(Module):
    """y = exp(-(s0 z)^2) cos(omega0 z) with z = x W^T + b: the catalog's `F.gabor_wavelet` after a Linear.

    omega0 > 0 is the carrier's frequency, s0 > 0 the inverse width of the Gaussian window; y lies in [-1, 1]
    (|y| <= exp(-(s0 z)^2)). Inputs (*, in_features), outputs (*, out_features). Differentiable to any order.
    """

    def __init__(self, in_features: int, out_features: int, omega0: float = 20.0, s0: float = 10.0,
                 bias: bool = True, dtype: Any = DEFAULT_FLOAT):
        super().__init__()
        self.omega0, self.s0 = _positive("omega0", omega0), _positive("s0", s0)
        self.linear = Linear(in_features, out_features, bias=bias, dtype=dtype)

    def forward(self, x: Tensor) -> Tensor:
        return F.gabor_wavelet(self.linear(x), omega0=self.omega0, s0=self.s0)

    def extra_repr(self) -> str:
        return f"omega0={self.omega0:g}, s0={self.s0:g}"
