"""Periodic, wavelet and INR nonlinearities (catalog family D).

A ReLU or tanh network fitted on [a, b] extrapolates a straight line or a constant, and in low dimension it
learns high frequencies last (spectral bias). Putting oscillation into the activation changes both: sine
(SIREN) and Gabor wavelets fit fine detail *and its derivatives* - the derivative of a sine network is again
a sine network, which is why derivative supervision (Poisson, eikonal) works with them and not with ReLU,
whose second derivative is 0 - while Snake keeps a linear trend under the oscillation, so it extrapolates
periodic signals. The frequency (omega0, alpha) and the initialisation together set which frequencies a
network starts with.

Snake divides by its learnable frequency: the division is guarded as BigVGAN's reference does (1e-9 added
to the divisor). DARUAN simulates a one-qubit circuit with real rotations of the Bloch vector and gets its
derivatives from the parameter-shift rule, which is exact for rotation gates.
"""
from __future__ import annotations

import math

from minigrad.activations.smooth_base import sech2
from minigrad.activations.spec import POSITIVE, ActivationSpec, Param, length

SNAKE_EPS = 1e-9  # BigVGAN's `no_div_by_zero`, added to the divisor rather than guarding the division
SNAKE_ALPHA = Param("alpha", 1.0, "frequency, one value or one per channel (dimension 1)", learnable=True,
                    domain=POSITIVE, per_channel=True)


def _snake(m, x, alpha, beta):
    """x + sin^2(alpha x) / (beta + eps): SnakeBeta, and Snake when beta is alpha."""
    return x + m.sin(alpha * x) ** 2 / (beta + SNAKE_EPS)


def _snake_slope(m, x, alpha, beta):
    """d/dx: 1 + alpha sin(2 alpha x) / (beta + eps), from sin^2 u = (1 - cos 2u) / 2."""
    return 1.0 + alpha * m.sin(2.0 * alpha * x) / (beta + SNAKE_EPS)


def _snake_beta_dalpha(m, x, alpha, beta):
    return x * m.sin(2.0 * alpha * x) / (beta + SNAKE_EPS)


def _gabor_envelope(m, x, s0):
    return m.gauss(s0 * x)


def _gabor_range(p: dict) -> tuple[float, float]:
    """[min, 1]: in u = s0 x the wavelet is cos(r u) e^(-u^2), r = omega0 / s0. Its most negative value lies in
    the first negative lobe u in [pi/2r, 3pi/2r] (the envelope only decays after it), where |f| is log-concave,
    so a golden-section search finds it."""
    r = p["omega0"] / p["s0"]
    low, high = math.pi / (2 * r), 3 * math.pi / (2 * r)
    g = lambda u: math.cos(r * u) * math.exp(-u * u)  # noqa: E731
    golden = (math.sqrt(5) - 1) / 2
    for _ in range(120):
        a, b = high - golden * (high - low), low + golden * (high - low)
        if g(a) < g(b):
            high = b
        else:
            low = a
    return min(0.0, g((low + high) / 2)), 1.0


def _chebyshev(t, coefficients):
    """sum_k c_k T_k(t) and sum_k c_k T_k'(t), by the recurrences T_(k+1) = 2t T_k - T_(k-1) and
    T'_(k+1) = 2 T_k + 2t T'_k - T'_(k-1); also the list T_0(t), T_1(t), ... (the coefficient gradients)."""
    values, slopes = [1.0, t], [0.0, 1.0]
    for _ in range(2, len(coefficients)):
        values.append(2.0 * t * values[-1] - values[-2])
        slopes.append(2.0 * values[-2] + 2.0 * t * slopes[-1] - slopes[-2])
    value = sum(c * v for c, v in zip(coefficients, values))
    slope = sum(c * s for c, s in zip(coefficients, slopes))
    return value, slope, values[:len(coefficients)]


# ---- DARUAN: a one-qubit data re-uploading circuit on the Bloch sphere ----------------------------------------
def _turn(m, angle):
    """cos and sin of a gate angle; a plain number stays a plain number (NumPy would return a float64 scalar,
    which promotes float32 arrays)."""
    if isinstance(angle, (int, float)):
        return math.cos(angle), math.sin(angle)
    return m.cos(angle), m.sin(angle)


def _gates(x, theta, weight, bias):
    """(axis, angle) in the order applied: per layer RZ(theta), RY(theta'), then the data RZ(w x + b); a final
    RZ, RY. The circuit of the QKAN reference (`pz_encoding`), started from |+> = H|0>."""
    gates = []
    for layer in range(len(weight)):
        gates += [("z", theta[2 * layer]), ("y", theta[2 * layer + 1]), ("z", weight[layer] * x + bias[layer])]
    return gates + [("z", theta[2 * len(weight)]), ("y", theta[2 * len(weight) + 1])]


def _rotate(axis, c, s, v):
    """The Bloch vector v turned by the angle of cosine c and sine s about `axis` ("z" or "y"): the gate
    exp(-i angle P/2) acting on the state."""
    vx, vy, vz = v
    if axis == "z":
        return c * vx - s * vy, s * vx + c * vy, vz
    return c * vx + s * vz, vy, c * vz - s * vx


def _bloch_path(m, gates):
    """The Bloch vectors after each gate, from |+> = (1, 0, 0) on, and each gate's (cos, sin)."""
    turns = [_turn(m, angle) for _, angle in gates]
    path = [(1.0, 0.0, 0.0)]
    for (axis, _), (c, s) in zip(gates, turns):
        path.append(_rotate(axis, c, s, path[-1]))
    return path, turns


def _angle_slopes(m, gates):
    """d<Z>/d(angle) for every gate: the parameter-shift rule (<Z>(a + pi/2) - <Z>(a - pi/2)) / 2, exact for
    rotations, computed for all gates in one backward sweep (the adjoint method).

    A shift by +-pi/2 turns a gate's cosine and sine into -+sin a, +-cos a, so the rule's difference is the
    rotation's derivative: with v the Bloch vector after gate k and u = R_(k+1)^T ... R_n^T e_z (what <Z> reads
    of it), the slope is u . (axis x v), i.e. u_y v_x - u_x v_y for a z gate and u_x v_z - u_z v_x for a y gate.
    No sine or cosine beyond the forward's, and ~10 operations per gate, where running the circuit twice per
    gate would cost a number of operations growing as the square of the gate count."""
    path, turns = _bloch_path(m, gates)
    u = (0.0, 0.0, 1.0)
    slopes = []
    for (axis, _), (c, s), v in zip(reversed(gates), reversed(turns), reversed(path[1:])):
        slopes.append(u[1] * v[0] - u[0] * v[1] if axis == "z" else u[0] * v[2] - u[2] * v[0])
        u = _rotate(axis, c, -s, u)                            # R^T is the turn by -angle
    return slopes[::-1]


def _data_gates(weight):
    return [3 * layer + 2 for layer in range(len(weight))]


def _daruan_check(p: dict) -> str | None:
    """L data layers (one weight each) need L biases and 2 (L + 1) angles."""
    layers = length(p["weight"])
    if layers == 0:
        return "weight needs one value per re-uploading layer, at least one, got none"
    if length(p["bias"]) != layers:
        return f"bias needs one value per data weight ({layers}), got {length(p['bias'])}"
    if length(p["theta"]) != 2 * (layers + 1):
        return f"theta needs 2 (L + 1) = {2 * (layers + 1)} angles for L = {layers} layers, got {length(p['theta'])}"
    return None


def _daruan(m, x, theta, weight, bias):
    """<Z> after the circuit: the z component of the last Bloch vector."""
    return _bloch_path(m, _gates(x, theta, weight, bias))[0][-1][2]


def _daruan_dx(m, x, theta, weight, bias):
    slopes = _angle_slopes(m, _gates(x, theta, weight, bias))
    return sum(w * slopes[g] for w, g in zip(weight, _data_gates(weight)))


def _daruan_dtheta(m, x, theta, weight, bias):
    slopes = _angle_slopes(m, _gates(x, theta, weight, bias))
    return [slope for g, slope in enumerate(slopes) if g % 3 != 2]


def _daruan_dweight(m, x, theta, weight, bias):
    slopes = _angle_slopes(m, _gates(x, theta, weight, bias))
    return [x * slopes[g] for g in _data_gates(weight)]


def _daruan_dbias(m, x, theta, weight, bias):
    slopes = _angle_slopes(m, _gates(x, theta, weight, bias))
    return [slopes[g] for g in _data_gates(weight)]


SIREN_PAPER = "Implicit Neural Representations with Periodic Activation Functions"
SNAKE_PAPER = "Neural Networks Fail to Learn Periodic Functions and How to Fix It"

ACTIVATIONS = [
    ActivationSpec(
        name="sine", family="periodic", plot_range=(-0.5, 0.5), kind="pointwise", catalog_id="D1",
        formula="sin(omega0 x)", derivative="omega0 cos(omega0 x)",
        params=(Param("omega0", 30.0, "frequency multiplying the pre-activation (SIREN's omega_0)", domain=POSITIVE),),
        f=lambda m, x, omega0: m.sin(omega0 * x),
        df=lambda m, x, omega0: omega0 * m.cos(omega0 * x),
        range=(-1.0, 1.0), monotonic=False, symmetry="odd",
        paper=SIREN_PAPER,
        notes="SIREN applies sin(omega0 (W x + b)) with omega0 = 30 and needs its initialisation "
              "(nn.init.siren_uniform_): first layer W ~ U(-1/n, 1/n), hidden W ~ U(-sqrt(6/n)/omega0, "
              "sqrt(6/n)/omega0); then pre-activations stay ~N(0, 1) and outputs are arcsine-distributed at "
              "every depth. The derivative is a phase-shifted sine, so gradients of a SIREN are SIRENs. float32 "
              "sin loses absolute accuracy for arguments ~1e4 and beyond.",
    ),
    ActivationSpec(
        name="snake", family="periodic", kind="pointwise", catalog_id="D2",
        formula="x + sin^2(alpha x) / alpha", derivative="1 + sin(2 alpha x); d/dalpha = x sin(2 alpha x) / alpha "
                                                         "- sin^2(alpha x) / alpha^2",
        params=(SNAKE_ALPHA,),
        f=lambda m, x, alpha: _snake(m, x, alpha, alpha),
        df=lambda m, x, alpha: _snake_slope(m, x, alpha, alpha),
        dparams={"alpha": lambda m, x, alpha: _snake_beta_dalpha(m, x, alpha, alpha)
                 - m.sin(alpha * x) ** 2 / (alpha + SNAKE_EPS) ** 2},
        monotonic=True, paper=SNAKE_PAPER,
        notes="A linear trend plus a periodic ripple: the slope 1 + sin(2 alpha x) lies in [0, 2], so the "
              "function is non-decreasing, optimises like ReLU and extrapolates periodic signals (ReLU "
              "extrapolates a line, tanh a constant). alpha -> 0 gives x. The divisor is alpha + 1e-9, as in "
              "BigVGAN's reference, so a learned alpha that shrinks never divides by zero.",
    ),
    ActivationSpec(
        name="snake_beta", family="periodic", kind="pointwise", catalog_id="D2",
        formula="x + sin^2(alpha x) / beta", derivative="1 + (alpha / beta) sin(2 alpha x); "
                                                        "d/dalpha = x sin(2 alpha x) / beta; "
                                                        "d/dbeta = -sin^2(alpha x) / beta^2",
        params=(SNAKE_ALPHA,
                Param("beta", 1.0, "inverse magnitude of the ripple, one value or one per channel", learnable=True,
                      domain=POSITIVE, per_channel=True)),
        f=_snake,
        df=_snake_slope,
        dparams={"alpha": _snake_beta_dalpha,
                 "beta": lambda m, x, alpha, beta: -(m.sin(alpha * x) ** 2) / (beta + SNAKE_EPS) ** 2},
        monotonic=None, paper="BigVGAN: A Universal Neural Vocoder with Large-Scale Training",
        notes="Snake with the ripple's frequency and magnitude decoupled; non-decreasing while alpha <= beta. "
              "BigVGAN learns alpha and beta per channel (optionally as logarithms) and wraps the activation in "
              "anti-aliasing: upsample, snake, low-pass, downsample. The divisor is beta + 1e-9, as there.",
    ),
    ActivationSpec(
        name="gcu", family="periodic", kind="pointwise", catalog_id="D3",
        formula="x cos(x)", derivative="cos(x) - x sin(x)",
        f=lambda m, x: x * m.cos(x),
        df=lambda m, x: m.cos(x) - x * m.sin(x),
        monotonic=False, symmetry="odd",
        paper="PReLU: Yet Another Single-Layer Solution to the XOR Problem",
        notes="Growing Cosine Unit: an oscillation whose amplitude grows with |x|. Its many zeros let a single "
              "neuron separate XOR.",
    ),
    ActivationSpec(
        name="gabor_wavelet", family="periodic", plot_range=(-0.5, 0.5), kind="pointwise", catalog_id="D4",
        formula="cos(omega0 x) exp(-(s0 x)^2)",
        derivative="-(omega0 sin(omega0 x) + 2 s0^2 x cos(omega0 x)) exp(-(s0 x)^2)",
        params=(Param("omega0", 20.0, "frequency of the carrier", domain=POSITIVE),
                Param("s0", 10.0, "inverse width of the Gaussian window", domain=POSITIVE)),
        f=lambda m, x, omega0, s0: m.cos(omega0 * x) * _gabor_envelope(m, x, s0),
        df=lambda m, x, omega0, s0: -(omega0 * m.sin(omega0 * x) + 2.0 * s0 ** 2 * x * m.cos(omega0 * x))
        * _gabor_envelope(m, x, s0),
        range=_gabor_range, monotonic=False, symmetry="even",
        paper="Implicit Neural Representations and the Algebra of Complex Wavelets",
        notes="The real Gabor wavelet: the real part of the complex Gabor wavelet e^(i omega0 x) e^(-(s0 x)^2) "
              "(WIRE's activation; WIRE's defaults omega0 = 20, s0 = 10), whose modulus is the Gaussian window "
              "alone. Localised in space and in frequency; the window underflows harmlessly to 0.",
        uncertain="The card gives the complex wavelet, which needs complex tensors; this real-valued declaration "
                  "is the card's real Gabor form cos(omega0 x) e^(-(s0 x)^2), i.e. the complex wavelet's real "
                  "part. The defaults are WIRE's, which the card flags as not itself a source.",
    ),
    ActivationSpec(
        name="wavelet", family="periodic", kind="pointwise", catalog_id="D5",
        formula="w1 sin(x) + w2 cos(x)", derivative="w1 cos(x) - w2 sin(x); d/dw1 = sin(x), d/dw2 = cos(x)",
        params=(Param("w1", 1.0, "weight of sin(x)", learnable=True),
                Param("w2", 1.0, "weight of cos(x)", learnable=True)),
        f=lambda m, x, w1, w2: w1 * m.sin(x) + w2 * m.cos(x),
        df=lambda m, x, w1, w2: w1 * m.cos(x) - w2 * m.sin(x),
        dparams={"w1": lambda m, x, w1, w2: m.sin(x), "w2": lambda m, x, w1, w2: m.cos(x)},
        range=lambda p: (-math.hypot(p["w1"], p["w2"]), math.hypot(p["w1"], p["w2"])), monotonic=False,
        paper="PINNsFormer: A Transformer-Based Framework For Physics-Informed Neural Networks",
        notes="PINNsFormer's `WaveAct`: a learnable phase and amplitude, sqrt(w1^2 + w2^2) sin(x + atan2(w2, w1)), "
              "i.e. a phase-shifted sine. Smooth to every order, as PDE residuals need.",
    ),
    ActivationSpec(
        name="sl2a", family="periodic", kind="pointwise", catalog_id="D6",
        formula="sum_k c_k T_k(tanh x)  (T_k: Chebyshev polynomials)",
        derivative="sum_k c_k T_k'(tanh x) (1 - tanh^2 x), T_k' = k U_(k-1); d/dc_k = T_k(tanh x)",
        params=(Param("coefficients", (0.0, 1.0, 0.0, 0.0, 0.0), "Chebyshev coefficients c_0..c_K", learnable=True),),
        f=lambda m, x, coefficients: _chebyshev(m.tanh(x), coefficients)[0],
        df=lambda m, x, coefficients: _chebyshev(m.tanh(x), coefficients)[1] * sech2(m, x),
        dparams={"coefficients": lambda m, x, coefficients: _chebyshev(m.tanh(x), coefficients)[2]},
        range=lambda p: (-sum(abs(c) for c in p["coefficients"]), sum(abs(c) for c in p["coefficients"])),
        monotonic=None,
        paper="Single-Layer Learnable Activation for Implicit Neural Representation (SL^{2}A-INR)",
        notes="A learnable univariate function per unit, used in the first layer only; the rest of the network "
              "is a ReLU MLP. tanh squashes the input into [-1, 1], where the Chebyshev basis is bounded by 1; the "
              "recurrence (not cos(k arccos t), whose gradient is NaN at +-1) evaluates it. The range is the "
              "bound sum |c_k|. The default coefficients make it tanh.",
        uncertain="The card marks the expansion [?]. Implemented: the ChebyKAN form (tanh, then a Chebyshev "
                  "series) that the SL2A-INR reference code's first layer uses, per unit; the reference also "
                  "applies LayerNorm after the layer and initialises the coefficients randomly. The default "
                  "(degree 4, c = (0, 1, 0, 0, 0)) is this catalog's choice.",
    ),
    ActivationSpec(
        name="daruan", family="periodic", kind="pointwise", catalog_id="D8",
        formula="<Z> of a qubit after H|0>, then for l = 1..L: RZ(theta), RY(theta'), RZ(w_l x + b_l); then RZ, RY",
        derivative="parameter-shift rule: d<Z>/d(angle) = (<Z>(angle + pi/2) - <Z>(angle - pi/2)) / 2 for each "
                   "rotation; d/dx = sum_l w_l d<Z>/d(angle_l)",
        params=(Param("theta", (0.0, math.pi / 4, math.pi / 3, math.pi / 4, 0.0, math.pi / 2),
                      "the trainable rotation angles (RZ, RY) before each layer and at the end: 2(L + 1) values",
                      learnable=True),
                Param("weight", (1.0, 1.0), "the data weights w_l, one per re-uploading layer", learnable=True),
                Param("bias", (0.0, 0.0), "the data offsets b_l, one per re-uploading layer", learnable=True)),
        check=_daruan_check,
        f=_daruan, df=_daruan_dx,
        dparams={"theta": _daruan_dtheta, "weight": _daruan_dweight, "bias": _daruan_dbias},
        range=(-1.0, 1.0), monotonic=False,
        paper="Quantum Variational Activation Functions Empower Kolmogorov-Arnold Networks",
        notes="A single qubit, re-uploading the input L times: the output is a trigonometric series whose "
              "frequencies are sums of +-w_l, so trainable w_l reach a spectrum that grows exponentially with L. "
              "Simulated classically: single-qubit pure states are Bloch vectors and gates are rotations, so no "
              "complex numbers are needed. Bounded by the observable, |<Z>| <= 1.",
        uncertain="The card marks the gate set [?]. Implemented: the QKAN reference's `pz_encoding` circuit "
                  "(H, then per layer RZ, RY and the data rotation RZ(w x + b), then a final RZ, RY; measure Z), "
                  "without its post-activation scale and shift. The reference draws theta at random; the default "
                  "theta here is this catalog's fixed choice.",
    ),
]
