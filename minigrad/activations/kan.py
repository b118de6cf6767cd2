"""KAN basis families (catalog family I, and the rational basis E4): what a Kolmogorov-Arnold edge is made of.

A KAN puts a learnable function phi(x) = sum_i c_i b_i(x) on every edge: the basis b_i is fixed, the coefficients
c_i are learned, so a KAN layer is "evaluate the basis, then a matrix product". Each declaration here is such a
basis: `fn(x)` returns every b_i(x) along a new last axis, shape x.shape + (n_basis,), built from Tensor ops so
autodiff gives its exact derivative. The families trade locality against smoothness and speed:

- B-splines (the original KAN): local support, C^(k-1), partition of unity on the grid, zero far outside it;
- ReLU-KAN bumps: the same supports as cubic B-splines from ReLUs and products only (C1, GPU friendly);
- AF-KAN: ReLU-KAN with other activations and combinations; Gaussian RBFs (FastKAN): smooth, never exactly 0;
- Chebyshev polynomials and Fourier modes: global, C-infinity; rational functions (KAT): one P/Q per group.

The plain-NumPy `bspline_basis` and `bspline_basis_derivative` serve layers that refit coefficients by least
squares (grid extension): the same Cox-de Boor recursion as the Tensor basis.
"""
from __future__ import annotations

import numpy as np

from minigrad import activations, ops
from minigrad.activations.pointwise import apply
from minigrad.activations.spec import ActivationSpec, Interval, Param, nonempty
from minigrad.device import array_module
from minigrad.tensor import Tensor

GRID_SIZE = Param("grid_size", 5, "number of grid intervals G on grid_range", integer=True, domain=Interval(1))
SPLINE_ORDER = Param("spline_order", 3, "spline order k (3: cubic); the grid is extended by k knots per side",
                     integer=True, domain=Interval(1))
GRID_RANGE = Param("grid_range", (-1.0, 1.0), "the interval the G grid intervals cover")
CHEBYSHEV_DEGREE = Param("degree", 3, "highest polynomial degree n: the basis is T_0 ... T_n", integer=True,
                         domain=Interval(0))
CHEBYSHEV_SQUASH = Param("squash", "tanh", "map x into [-1, 1] first (ChebyKAN uses tanh)", choices=("tanh", "none"))
RBF_MIN = Param("grid_min", -2.0, "first centre")
RBF_MAX = Param("grid_max", 2.0, "last centre")
RBF_COUNT = Param("num_grids", 8, "number of evenly spaced centres", integer=True, domain=Interval(2))
AF_ACTIVATIONS = ("silu", "relu", "gelu", "tanh", "sigmoid", "softplus", "elu")
AF_COMBINATIONS = ("quad1", "quad2", "sum", "prod", "sum_prod", "cubic1", "cubic2")
# KAT's GELU initialisation of its (5, 4) rational: the "gelu_old" entry of rational_kat_cu's init.json, the one
# fitted with the kernels' denominator (its newer "gelu" entry was fitted with 1 + |sum_j b_j x^(j+1)| and is off
# by up to 1.46 on [-3, 3] under the kernels' form)
KAT_GELU_NUMERATOR = (-0.0012423594497499122, 0.5080497063245629, 0.41586363182937475, 0.13022718688035761,
                      0.024355900098993424, 0.00290283948155535)
KAT_GELU_DENOMINATOR = (-0.06675015696494944, 0.17927646217001553, 0.03746682605496631, 1.6561610853276082e-10)


def _grid_range_problem(p: dict) -> str | None:
    """What is wrong with p["grid_range"], if anything: it must be two increasing numbers (low, high)."""
    ends = tuple(float(v) for v in np.ravel(p["grid_range"]))
    return None if len(ends) == 2 and ends[1] > ends[0] else f"grid_range must be increasing (low, high), got {ends}"


def extended_grid(grid_size: int, spline_order: int, grid_range=(-1.0, 1.0)) -> np.ndarray:
    """The knots t_0 ... t_(G+2k): G equal intervals on grid_range, extended by k more on each side."""
    problem = _grid_range_problem({"grid_range": grid_range})
    if problem:
        raise ValueError(problem)
    low, high = (float(v) for v in np.ravel(grid_range))
    return extend_grid(np.linspace(low, high, grid_size + 1), spline_order)


def extend_grid(points: np.ndarray, k: int) -> np.ndarray:
    """Grid points t_k ... t_(G+k) (along the last axis: one grid, or one per row) with k more knots on each side,
    spaced by the mean interval (t_(G+k) - t_k) / G: the knots that give G + k degree-k B-splines."""
    points = np.asarray(points, dtype=np.float64)
    step = (points[..., -1:] - points[..., :1]) / (points.shape[-1] - 1)
    return np.concatenate([points[..., :1] - step * np.arange(k, 0, -1), points,
                           points[..., -1:] + step * np.arange(1, k + 1)], axis=-1)


def _reciprocal(d: np.ndarray) -> np.ndarray:
    """1 / d, and 0 where knots repeat (d = 0): the Cox-de Boor convention 0/0 = 0."""
    safe = np.where(d != 0, d, 1.0)
    return np.where(d != 0, 1.0 / safe, 0.0)


def _cox_de_boor(z, raw, knots: np.ndarray, k: int):
    """B_(i,k) for every i along a new last axis. `z` is x[..., None] (an array or a Tensor, which then carries
    the gradient); `raw` holds the same values as an array, which choose the half-open interval [t_i, t_(i+1)).
    `knots` is one knot vector, or one row of knots per feature (the last axis of x)."""
    xp = array_module(raw)

    def const(values: np.ndarray):
        return xp.asarray(values, dtype=raw.dtype)

    inside = (raw[..., None] >= const(knots[..., :-1])) & (raw[..., None] < const(knots[..., 1:]))
    basis = const(xp.where(xp.isnan(raw)[..., None], xp.nan, inside))  # NaN stays NaN, at every degree
    for p in range(1, k + 1):
        left = (z - const(knots[..., :-p - 1])) * const(_reciprocal(knots[..., p:-1] - knots[..., :-p - 1]))
        right = (const(knots[..., p + 1:]) - z) * const(_reciprocal(knots[..., p + 1:] - knots[..., 1:-p]))
        basis = left * basis[..., :-1] + right * basis[..., 1:]
    return basis


def _as_float_array(x) -> np.ndarray:
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _knot_array(knots, x: np.ndarray) -> np.ndarray:
    """knots as float64: one vector (n,), or one row per feature (x.shape[-1], n)."""
    knots = np.asarray(knots, dtype=np.float64)
    if knots.ndim == 2 and (x.ndim == 0 or knots.shape[0] != x.shape[-1]):
        raise ValueError(f"knots of shape {knots.shape} hold one row per feature, so x needs {knots.shape[0]} "
                         f"features on its last axis, got shape {x.shape}")
    if knots.ndim not in (1, 2):
        raise ValueError(f"knots must be a vector (n,) or one row per feature (features, n), got shape {knots.shape}")
    return knots


def bspline_basis(x, knots, k: int) -> np.ndarray:
    """Every B-spline B_(i,k)(x) on `knots` (plain NumPy): shape x.shape + (n - k - 1,) for n knots.

    Cox-de Boor on half-open intervals [t_i, t_(i+1)): inside the base interval [t_k, t_(n-k)] the values sum to
    1, and all of them are 0 outside [t_0, t_n). Repeated knots are allowed (0/0 is taken as 0). `knots` is one
    knot vector (n,) for every x, or one row per feature, shape (x.shape[-1], n): a KAN layer's per-input grids.
    """
    x = _as_float_array(x)
    return _cox_de_boor(x[..., None], x, _knot_array(knots, x), k)


def bspline_basis_derivative(x, knots, k: int, order: int = 1) -> np.ndarray:
    """The order-th derivative of every B_(i,k) (plain NumPy; knots as in bspline_basis), from
    d B_(i,p) / dx = p [B_(i,p-1) / (t_(i+p) - t_i) - B_(i+1,p-1) / (t_(i+p+1) - t_(i+1))] applied `order`
    times to the B-splines of degree k - order; 0 for order > k (a degree-k piece is a polynomial)."""
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
        raise ValueError(f"bspline_basis_derivative: order must be an integer >= 0, got {order!r}")
    x = _as_float_array(x)
    knots = _knot_array(knots, x)
    if order > k:
        return np.zeros(x.shape + (knots.shape[-1] - k - 1,), dtype=x.dtype)
    values = bspline_basis(x, knots, k - order)
    for p in range(k - order + 1, k + 1):
        left = _reciprocal(knots[..., p:-1] - knots[..., :-p - 1]).astype(x.dtype)
        right = _reciprocal(knots[..., p + 1:] - knots[..., 1:-p]).astype(x.dtype)
        values = p * (values[..., :-1] * left - values[..., 1:] * right)
    return values


def _const(values, x: Tensor) -> Tensor:
    """A constant Tensor in x's array library and dtype."""
    return Tensor._wrap(array_module(x.data).asarray(values, dtype=x.dtype))


def _bspline(x: Tensor, grid_size: int, spline_order: int, grid_range) -> Tensor:
    knots = extended_grid(grid_size, spline_order, grid_range)
    return _cox_de_boor(x.unsqueeze(-1), x.data, knots, spline_order)


def _fourier(x: Tensor, grid_size: int) -> Tensor:
    kx = x.unsqueeze(-1) * _const(np.arange(1, grid_size + 1), x)
    return ops.cat([ops.cos(kx), ops.sin(kx)], dim=-1)


def _bump_sides(x: Tensor, grid_size: int, spline_order: int, grid_range) -> tuple[Tensor, Tensor, float]:
    """x - s_i and e_i - x for the intervals [s_i, e_i] = [t_i, t_(i+k+1)], the supports of the order-k
    B-splines on the same grid, and their common width (k + 1) h."""
    knots = extended_grid(grid_size, spline_order, grid_range)
    z = x.unsqueeze(-1)
    start, end = knots[:grid_size + spline_order], knots[spline_order + 1:]
    return z - _const(start, x), _const(end, x) - z, float(end[0] - start[0])


def _relu_kan(x: Tensor, grid_size: int, spline_order: int, grid_range) -> Tensor:
    rising, falling, width = _bump_sides(x, grid_size, spline_order, grid_range)
    # 16 / width^4 lifts the peak, at the midpoint where both factors are width / 2, to exactly 1
    return (ops.relu(rising) * ops.relu(falling)) ** 2 * (16.0 / width ** 4)


def _catalog(name: str, z: Tensor) -> Tensor:
    """The catalog's pointwise activation `name`, default parameters, applied to z."""
    return apply(activations.get(name), z)


def _af_kan(x: Tensor, grid_size: int, spline_order: int, grid_range, base_activation: str, func: str,
            normalize: str) -> Tensor:
    rising, falling, _ = _bump_sides(x, grid_size, spline_order, grid_range)
    a, b = _catalog(base_activation, rising), _catalog(base_activation, falling)
    combined = {
        "quad1": lambda: (a * b) ** 2, "quad2": lambda: a * b + a * a + b * b, "sum": lambda: a + b,
        "prod": lambda: a * b, "sum_prod": lambda: a + b + a * b, "cubic1": lambda: (a + b) * (a * a + b * b),
        "cubic2": lambda: (a * b) ** 3,
    }[func]()
    if normalize == "none" or combined.numel() == 0:  # an empty batch has no range to rescale
        return combined
    # AF-KAN rescales the whole feature tensor to [0, 1] (its L2 normalisation first does not change the result)
    low = combined.amin()
    return (combined - low) / (combined.amax() - low)


def _chebyshev(x: Tensor, degree: int, squash: str) -> Tensor:
    z = ops.tanh(x) if squash == "tanh" else x
    # T_(n+1) = 2 z T_n - T_(n-1): polynomials, so the gradient stays finite at z = +-1, where the textbook
    # cos(n arccos z) has the infinite arccos'(+-1) (times sin(0) = 0: NaN)
    terms = [_const(np.ones(x.shape), x), z]
    while len(terms) <= degree:
        terms.append(2.0 * z * terms[-1] - terms[-2])
    return ops.stack(terms[:degree + 1], dim=-1)


def _rbf(x: Tensor, grid_min: float, grid_max: float, num_grids: int) -> Tensor:
    if not grid_max > grid_min:
        raise ValueError(f"rbf_kan: grid_max must exceed grid_min, got {grid_min} and {grid_max}")
    centres = np.linspace(grid_min, grid_max, num_grids)
    width = (grid_max - grid_min) / (num_grids - 1)
    return ops.exp(-(((x.unsqueeze(-1) - _const(centres, x)) / width) ** 2))


def _coefficients(values, x: Tensor) -> Tensor:
    """A coefficient table as a (groups, n) Tensor: one row per group, from a tuple, nested tuples or a Tensor."""
    table = values if isinstance(values, Tensor) else _const(values, x)
    return table.reshape(1, -1) if table.ndim == 1 else table


def _group_rational(x: Tensor, numerator, denominator) -> Tensor:
    a, b = _coefficients(numerator, x), _coefficients(denominator, x)
    z = x.unsqueeze(-1)
    p = a[:, -1]  # Horner's rule
    for j in range(a.shape[1] - 2, -1, -1):
        p = p * z + a[:, j]
    return p / safe_denominator(z.abs(), b)


def safe_denominator(size: Tensor, b: Tensor) -> Tensor:
    """Q = 1 + sum_j |b_j| size^(j+1) by Horner's rule, with size = |x| and b_0 ... b_(n-1) on b's last axis
    (broadcast against size). Q >= 1, so a rational P / Q has no pole (PAU's safe form)."""
    q = b[..., -1].abs()
    for j in range(b.shape[-1] - 2, -1, -1):
        q = q * size + b[..., j].abs()
    return q * size + 1.0


def _s_kan(x: Tensor, weights) -> Tensor:
    if len(weights) != 3:
        raise ValueError(f"s_kan: weights needs one value per activation space (3), got {len(weights)}")
    spaces = (_bspline(x, GRID_SIZE.default, SPLINE_ORDER.default, GRID_RANGE.default),
              _chebyshev(x, CHEBYSHEV_DEGREE.default, CHEBYSHEV_SQUASH.default),
              _rbf(x, RBF_MIN.default, RBF_MAX.default, RBF_COUNT.default))
    return ops.cat([space * weights[i] for i, space in enumerate(spaces)], dim=-1)


KAN_PAPER = "KAN: Kolmogorov-Arnold Networks"
S_KAN_PAPER = "Activation Space Selectable Kolmogorov-Arnold Networks"

ACTIVATIONS = [
    ActivationSpec(
        name="bspline_kan", family="kan", kind="basis", catalog_id="I1",
        formula="B_(i,k)(x), i = 0 ... G+k-1: degree-k B-splines on G intervals of grid_range extended by k knots "
                "per side; B_(i,0) = 1 on [t_i, t_(i+1)), B_(i,p) = (x - t_i)/(t_(i+p) - t_i) B_(i,p-1) + "
                "(t_(i+p+1) - x)/(t_(i+p+1) - t_(i+1)) B_(i+1,p-1)",
        derivative="B'_(i,k) = k [B_(i,k-1)/(t_(i+k) - t_i) - B_(i+1,k-1)/(t_(i+k+1) - t_(i+1))] (autodiff of the "
                   "recursion gives exactly this)",
        params=(GRID_SIZE, SPLINE_ORDER, GRID_RANGE), check=_grid_range_problem, fn=_bspline, range=(0.0, 1.0),
        smooth="C2",
        paper=KAN_PAPER,
        notes="The KAN edge is phi(x) = w_b silu(x) + w_s sum_i c_i B_(i,k)(x), G + k + 2 parameters per edge. Inside "
              "grid_range the G + k bases sum to 1 (partition of unity); each is non-zero on k + 1 intervals only, "
              "and all vanish outside the extended grid, where only the silu branch is left. Smoothness is "
              "C^(k-1): C2 for the default cubic. Grid extension refits the coefficients on a finer grid by least "
              "squares (bspline_basis gives the design matrix).",
    ),
    ActivationSpec(
        name="fourier_kan", family="kan", kind="basis", catalog_id="I2",
        formula="cos(k x) for k = 1 ... grid_size, then sin(k x) for k = 1 ... grid_size",
        derivative="-k sin(k x) and k cos(k x)",
        params=(Param("grid_size", 5, "number of frequencies K (FourierKAN's gridsize)", integer=True,
                      domain=Interval(1)),),
        fn=_fourier, range=(-1.0, 1.0),
        paper="Implicit Neural Representations with Fourier Kolmogorov-Arnold Networks",
        notes="phi(x) = sum_k a_k cos(kx) + b_k sin(kx) (+ a bias): global, smooth, 2 pi-periodic, bounded. "
              "Initialise the coefficients with standard deviation ~ 1/(K fan_in) or the layer's output variance "
              "grows with K. FKAN uses it in the first layer of an implicit neural representation.",
    ),
    ActivationSpec(
        name="relu_kan", family="kan", kind="basis", catalog_id="I3",
        formula="R_i(x) = [relu(e_i - x) relu(x - s_i)]^2 16 / (e_i - s_i)^4 on [s_i, e_i] = [t_i, t_(i+k+1)], "
                "the supports of the B-splines on the same extended grid",
        derivative="32 / (e_i - s_i)^4 relu(e_i - x) relu(x - s_i) [relu(e_i - x) H(x - s_i) - H(e_i - x) "
                   "relu(x - s_i)]",
        params=(GRID_SIZE, SPLINE_ORDER, GRID_RANGE), check=_grid_range_problem, fn=_relu_kan, range=(0.0, 1.0),
        smooth="C1",
        paper="AF-KAN: Activation Function-Based Kolmogorov-Arnold Networks for Efficient Representation Learning",
        notes="ReLU-KAN (Qiu et al.) mimics B-splines with ReLUs and products only, so the layer is matrix "
              "additions, products and one convolution. Each bump peaks at 1 in the middle of its support; unlike "
              "B-splines the bumps do not sum to 1. The reference code works on [0, 1] (grid_range=(0, 1)); "
              "(-1, 1) keeps the grid of bspline_kan.",
    ),
    ActivationSpec(
        name="af_kan", family="kan", kind="basis", catalog_id="I4",
        formula="c(a(x - s_i), a(e_i - x)) on the ReLU-KAN intervals, a = base_activation, c = func "
                "(quad1: (a1 a2)^2, quad2: a1 a2 + a1^2 + a2^2, sum, prod, sum_prod, cubic1: (a1 + a2)(a1^2 + "
                "a2^2), cubic2: (a1 a2)^3), then min-max normalised over the whole tensor",
        derivative="by autodiff (the min-max normalisation couples every element to the minimum and the maximum)",
        params=(GRID_SIZE, SPLINE_ORDER, GRID_RANGE,
                Param("base_activation", "silu", "the activation applied to both sides", choices=AF_ACTIVATIONS),
                Param("func", "quad1", "how the two sides are combined", choices=AF_COMBINATIONS),
                Param("normalize", "minmax", "rescale the features to [0, 1] as AF-KAN does",
                      choices=("minmax", "none"))),
        check=_grid_range_problem,
        fn=_af_kan, range=(0.0, 1.0), smooth="C0",
        paper="AF-KAN: Activation Function-Based Kolmogorov-Arnold Networks for Efficient Representation Learning",
        notes="ReLU-KAN's bumps with other activations: relu with quad1 and no normalisation is ReLU-KAN without "
              "its 16/width^4 factor; the reference code's grid is [0, 1]. With silu, whose negative lobe is "
              "squared too, each basis function also has humps outside its interval. The min-max normalisation "
              "makes the basis depend on the whole batch, like a normalisation layer. AF-KAN adds attention and "
              "layer normalisation around the basis to cut parameters; they belong to the layer, not the basis.",
        uncertain="The card gives the idea only. Implemented from the authors' All-KAN code (AF_KANLayer): both "
                  "sides through the activation, the seven combinations, min-max normalisation; the layer "
                  "defaults SiLU and quad1 are taken as defaults here, which may differ from the paper's best "
                  "configuration.",
    ),
    ActivationSpec(
        name="s_kan", family="kan", kind="basis", catalog_id="I5",
        formula="[w_0 bspline_kan(x), w_1 chebyshev_kan(x), w_2 rbf_kan(x)] (each with its default parameters), "
                "concatenated",
        derivative="by autodiff; d/dw_j is the j-th block",
        params=(Param("weights", (1.0, 1.0, 1.0), "selection weight of each activation space (B-spline, Chebyshev, "
                                                  "Gaussian RBF)", learnable=True),),
        fn=_s_kan, range=(-1.0, 1.0), smooth="C2", input_shape=(3, 4),
        paper=S_KAN_PAPER,
        notes="S-KAN lets each node choose among activation spaces: train with all spaces weighted, then keep the "
              "best by their weights and prune the rest. The range is for unit weights.",
        uncertain="The card marks the candidate set [?]. Reviews of the paper name B-splines, Chebyshev "
                  "polynomials, radial basis functions and wavelets, mixed by weights and pruned in a three-stage "
                  "training; implemented here: three of them (no wavelet) as weighted blocks of one basis.",
    ),
    ActivationSpec(
        name="chebyshev_kan", family="kan", kind="basis", catalog_id="I5",
        formula="T_0 ... T_degree of z = tanh(x) (or x): T_0 = 1, T_1 = z, T_(n+1) = 2 z T_n - T_(n-1)",
        derivative="by autodiff of the recurrence: T_n'(z) = n U_(n-1)(z), finite at z = +-1",
        params=(CHEBYSHEV_DEGREE, CHEBYSHEV_SQUASH), fn=_chebyshev, range=(-1.0, 1.0),
        paper=S_KAN_PAPER,
        notes="ChebyKAN's basis, one of S-KAN's activation spaces: global orthogonal polynomials on [-1, 1], into "
              "which tanh squashes the input. Written as the recurrence, never cos(n arccos z): that form's "
              "gradient is NaN at z = +-1, which tanh reaches in floating point (|x| > 9.1 in float32).",
    ),
    ActivationSpec(
        name="rbf_kan", family="kan", kind="basis", catalog_id="I5",
        formula="exp(-((x - c_i) / h)^2), centres c_i evenly spaced on [grid_min, grid_max], h = their spacing",
        derivative="-2 (x - c_i) / h^2 exp(-((x - c_i) / h)^2)",
        params=(RBF_MIN, RBF_MAX, RBF_COUNT), fn=_rbf, range=(0.0, 1.0),
        paper=S_KAN_PAPER,
        notes="FastKAN (Li, 'Kolmogorov-Arnold Networks are Radial Basis Function Networks'): Gaussians "
              "approximate the cubic B-splines closely and cost one exp per basis function; one of S-KAN's spaces. "
              "FastKAN puts a layer normalisation before the basis to keep inputs on the grid.",
    ),
    ActivationSpec(
        name="gr_kan", family="kan", kind="basis", catalog_id="E4",
        formula="F_g(x) = P_g(x) / (1 + sum_j |b_(g,j)| |x|^(j+1)), P_g(x) = sum_j a_(g,j) x^j, one rational "
                "per group g (row of the coefficient tables)",
        derivative="(P' Q - P Q') / Q^2 with Q' = sign(x) sum_j (j+1) |b_(g,j)| |x|^j; the coefficient gradients "
                   "are x^j / Q and -P/Q^2 sign(b_(g,j)) |x|^(j+1)",
        params=(Param("numerator", KAT_GELU_NUMERATOR, "a_0 ... a_m, one row per group (default: KAT's fit of "
                                                       "GELU, m = 5)", learnable=True),
                Param("denominator", KAT_GELU_DENOMINATOR, "b_0 ... b_(n-1) of |x|^1 ... |x|^n, one row per "
                                                           "group (n = 4)", learnable=True)),
        check=nonempty("numerator", "denominator"),
        fn=_group_rational, smooth="C0",
        paper="Kolmogorov-Arnold Transformer",
        notes="Group-rational KAN: the channels are split into groups that share one rational function, and the "
              "per-edge weights fold into the following linear layer, so the layer is Linear(F_group(x)). The "
              "safe denominator (the reference CUDA/Triton kernels' form) is >= 1, so there are no poles. The "
              "default coefficients are the reference repository's GELU fit for that denominator. KAT "
              "initialises the first rational as the identity and the second as this GELU fit, then scales the "
              "linear weights so the output variance is preserved.",
    ),
]
