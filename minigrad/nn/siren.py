"""SIREN (Sitzmann et al. 2020): networks whose every hidden layer is sin(omega0 (W x + b)).

A coordinate network maps a point (for an image: its row and column in [-1, 1]) to the signal's value there.
With ReLU or tanh such a network learns the low frequencies first and the fine detail barely at all (spectral
bias), and its derivatives are useless: ReLU's second derivative is 0. With sine the network represents fine
detail, and its derivative is again a sine network (d/dz sin(omega0 z) = omega0 cos(omega0 z), a phase-shifted
sine), so gradients and Laplacians of the signal can be fitted too.

The sine only works with the matching initialisation (`nn.init.siren_uniform_`):

    first layer   W ~ U(-1/n_in, 1/n_in)                                spreads the inputs over several periods
    other layers  W ~ U(-sqrt(6/n_in)/omega0, +sqrt(6/n_in)/omega0)     Var(omega0 W x) = 1 for any width

Why 6: inputs x_j from the arcsine distribution on [-1, 1] have variance 1/2, and U(-c, c) has variance c^2/3,
so Var(omega0 sum_j W_j x_j) = n_in omega0^2 (6 / (3 n_in omega0^2)) (1/2) = 1, and by the central limit theorem
the sum is close to N(0, 1). The sine of an N(0, v) variable has variance (1 - e^(-2v))/2, close to the
arcsine's 1/2, so from layer to layer v -> 1 - e^(-2v), which settles at 0.80: at every depth the pre-activations
stay close to N(0, 1) and no layer shrinks or blows up the signal. In the first layer |omega0 W x| <= omega0 for
inputs in [-1, 1], so omega0 = 30 lets each unit sweep up to 30/pi (about ten) periods across the domain: that
is what lets the network start with high frequencies at all.

The biases keep Linear's default U(-1/sqrt(n_in), 1/sqrt(n_in)), as in the paper's code; multiplied by omega0
they add omega0^2 / (3 n_in) to the pre-activations' variance (1.17 at width 256), a random phase per unit that
spreads the phases further: the outputs are then arcsine-distributed (variance 1/2) at every depth.
"""
from __future__ import annotations

from typing import Any

from minigrad import functional as F
from minigrad.nn import init
from minigrad.nn.container import Sequential
from minigrad.nn.linear import Linear
from minigrad.nn.module import Module
from minigrad.tensor import DEFAULT_FLOAT, Tensor


def _check_omega(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{name} must be a positive number (SIREN uses 30), got {value!r}")
    return float(value)


class SineLayer(Module):
    """y = sin(omega0 (x W^T + b)), with SIREN's initialisation of W.

    W has shape (out_features, in_features). `is_first=True` draws W ~ U(-1/in_features, 1/in_features) (the
    layer that sees the raw coordinates), otherwise W ~ U(-sqrt(6/in_features)/omega0, sqrt(6/in_features)/omega0);
    b keeps Linear's default U(-1/sqrt(in_features), 1/sqrt(in_features)). omega0 > 0; the output lies in [-1, 1].
    The sine is the catalog's `F.sine`, so the layer has derivatives of every order.
    """

    def __init__(self, in_features: int, out_features: int, omega0: float = 30.0, is_first: bool = False,
                 bias: bool = True, dtype: Any = DEFAULT_FLOAT):
        super().__init__()
        self.omega0 = _check_omega("SineLayer: omega0", omega0)
        self.is_first = bool(is_first)
        self.linear = Linear(in_features, out_features, bias=bias, dtype=dtype)
        init.siren_uniform_(self.linear.weight, self.omega0, self.is_first)

    @property
    def in_features(self) -> int:
        return self.linear.in_features

    @property
    def out_features(self) -> int:
        return self.linear.out_features

    def preactivation(self, x: Tensor) -> Tensor:
        """omega0 (x W^T + b): what the sine is applied to (the quantity SIREN's init keeps at unit scale)."""
        return self.omega0 * self.linear(x)

    def forward(self, x: Tensor) -> Tensor:
        return F.sine(self.linear(x), omega0=self.omega0)

    def extra_repr(self) -> str:
        return f"omega0={self.omega0:g}, is_first={self.is_first}"


class Siren(Sequential):
    """A SIREN: SineLayer(in, hidden, first_omega0, is_first) -> hidden_layers x SineLayer(hidden, hidden, omega0)
    -> Linear(hidden, out) (or one more SineLayer when outermost_linear=False).

    As the paper's reference model: `hidden_layers` counts the sine layers after the first one, so there are
    hidden_layers + 2 weight matrices in all; first_omega0 defaults to omega0 (30 for both in the paper); the
    final Linear's weights get the hidden-layer init U(-sqrt(6/hidden)/omega0, +sqrt(6/hidden)/omega0), so the
    output starts with variance of order 1/omega0^2 around 0.
    """

    def __init__(self, in_features: int, hidden_features: int, hidden_layers: int, out_features: int,
                 omega0: float = 30.0, first_omega0: float | None = None, outermost_linear: bool = True,
                 dtype: Any = DEFAULT_FLOAT):
        if isinstance(hidden_layers, bool) or not isinstance(hidden_layers, int) or hidden_layers < 0:
            raise ValueError(f"Siren: hidden_layers (sine layers after the first) must be an integer >= 0, "
                             f"got {hidden_layers!r}")
        omega0 = _check_omega("Siren: omega0", omega0)
        first_omega0 = omega0 if first_omega0 is None else _check_omega("Siren: first_omega0", first_omega0)
        super().__init__(SineLayer(in_features, hidden_features, first_omega0, is_first=True, dtype=dtype))
        for _ in range(hidden_layers):
            self.append(SineLayer(hidden_features, hidden_features, omega0, dtype=dtype))
        if outermost_linear:
            last = Linear(hidden_features, out_features, dtype=dtype)
            init.siren_uniform_(last.weight, omega0)
            self.append(last)
        else:
            self.append(SineLayer(hidden_features, out_features, omega0, dtype=dtype))
        self.omega0, self.first_omega0 = omega0, first_omega0
