"""Input encodings that let ReLU networks see high frequencies: NeRF's positional encoding, random Fourier features.

A ReLU or tanh MLP on raw coordinates learns the low frequencies of its target first and the high ones barely at
all (spectral bias). Mapping each coordinate through sines and cosines of many frequencies first turns "fit a
high frequency of x" into "fit a low frequency of the features", which such a network does easily (Tancik et al.
2020: the encoding makes the network's neural tangent kernel stationary, with a bandwidth set by the
frequencies). Both encodings are fixed: nothing in them is learned.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import ops
from minigrad.nn.module import Module
from minigrad.random import generator
from minigrad.tensor import Tensor


def _check_count(cls: str, name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{cls}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_input(cls: str, x: Any, in_features: int) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{cls} expects a Tensor, got {type(x).__name__}: wrap it with minigrad.tensor(...)")
    if x.ndim == 0 or x.shape[-1] != in_features or x.dtype.kind != "f":
        raise ValueError(f"{cls} expects float inputs of shape (..., {in_features}), got {x.dtype} {x.shape}")


def _constant(values: np.ndarray, like: Tensor) -> Tensor:
    """A constant in the input's dtype and device (a float64 array would promote float32 inputs)."""
    return Tensor(values, dtype=like.dtype, device=like.device)


class PositionalEncoding(Module):
    """gamma(x) = (x, sin(2^0 pi x), cos(2^0 pi x), ..., sin(2^(L-1) pi x), cos(2^(L-1) pi x)), NeRF's encoding.

    Each of the in_features coordinates (meant to lie in [-1, 1]) goes through L = num_frequencies octaves: across
    [-1, 1], sin(2^k pi x) completes 2^k periods, from 1 (k = 0) to 2^(L-1). Inputs (*, in_features)
    give outputs (*, out_features) with out_features = in_features (2 L + include_input), ordered as above with
    each block holding all coordinates. num_frequencies = 0 leaves x alone (include_input must then be True).
    """

    def __init__(self, in_features: int, num_frequencies: int, include_input: bool = True):
        super().__init__()
        self.in_features = _check_count("PositionalEncoding", "in_features", in_features, 1)
        self.num_frequencies = _check_count("PositionalEncoding", "num_frequencies", num_frequencies, 0)
        if not include_input and self.num_frequencies == 0:
            raise ValueError("PositionalEncoding: with num_frequencies = 0 and include_input = False nothing is left")
        self.include_input = bool(include_input)
        self.frequencies = math.pi * 2.0 ** np.arange(self.num_frequencies)
        self.out_features = self.in_features * (2 * self.num_frequencies + self.include_input)

    def forward(self, x: Tensor) -> Tensor:
        _check_input("PositionalEncoding", x, self.in_features)
        angles = x.unsqueeze(-2) * _constant(self.frequencies[:, None], x)  # (*, L, in_features)
        blocks = ops.cat([ops.sin(angles), ops.cos(angles)], dim=-1).reshape(*x.shape[:-1], -1)
        return ops.cat([x, blocks], dim=-1) if self.include_input else blocks

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, num_frequencies={self.num_frequencies}, "
                f"include_input={self.include_input}, out_features={self.out_features}")


class FourierFeatures(Module):
    """gamma(x) = (cos(2 pi B x), sin(2 pi B x)) with B ~ N(0, scale^2) fixed, Tancik et al. (2020).

    B has shape (num_features, in_features) and is drawn once: from a private generator seeded with `seed`, or
    from minigrad's generator (`minigrad.manual_seed`) when seed is None. It is not a Parameter, so no optimizer
    changes it (it is saved with the module's attributes, not its state_dict). `scale` (> 0) sets the bandwidth:
    too small blurs the fit, too large makes it noisy; Tancik et al. use 10 for images on [0, 1]^2. Inputs
    (*, in_features) give outputs (*, out_features), out_features = 2 num_features, all cosines then all sines.
    """

    def __init__(self, in_features: int, num_features: int = 256, scale: float = 10.0, seed: int | None = None):
        super().__init__()
        self.in_features = _check_count("FourierFeatures", "in_features", in_features, 1)
        self.num_features = _check_count("FourierFeatures", "num_features", num_features, 1)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale < math.inf:
            raise ValueError(f"FourierFeatures: scale is a standard deviation and must be a finite number > 0, "
                             f"got {scale!r}")
        self.scale = float(scale)
        rng = generator() if seed is None else np.random.default_rng(seed)
        self.B = rng.normal(0.0, self.scale, (self.num_features, self.in_features))
        self.out_features = 2 * self.num_features

    def forward(self, x: Tensor) -> Tensor:
        _check_input("FourierFeatures", x, self.in_features)
        angles = x @ _constant(2.0 * math.pi * self.B.T, x)
        return ops.cat([ops.cos(angles), ops.sin(angles)], dim=-1)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, num_features={self.num_features}, scale={self.scale:g}"
