"""Implicit neural representations: a network f(y, x) that *is* the image, and what the lessons measure about it.

    coords = coordinate_grid(64, 64)                     # (4096, 2): every pixel's (y, x) in [-1, 1]
    pixels = image("camera", 64)                         # from minigrad.datasets.images
    history = fit(model, coords, pixels.reshape(-1, 1), steps=500, lr=1e-4)
    psnr(model(coords), pixels)

A coordinate network is supervised through its values (loss="value") or through its derivatives with respect to
the coordinates: loss="gradient" fits grad f to the image's finite-difference gradient, loss="laplacian" fits
f_yy + f_xx to its Laplacian (SIREN's Poisson experiment). Derivative losses need gradients of gradients: the
input derivative is taken with `minigrad.grad(..., create_graph=True)`, so the loss can be differentiated again
with respect to the weights. A gradient determines f up to a constant, which is why `psnr(..., up_to_constant=True)`
exists; a Laplacian only up to a harmonic function (a + b y + c x, and more), so a Laplacian fit can match its
target closely and still look unlike the image. A ReLU network's gradient is piecewise constant, so it follows a
gradient field only coarsely, and its Laplacian is 0 everywhere: `laplacian` of a ReLU network is exactly 0 and
depends on no weight, so Laplacian supervision cannot train it at all.

Every derivative helper treats the rows of `coords` as independent points: the network must not mix points (no
batch statistics), since d(sum_n f(p_n))/dp_m = grad f(p_m) only then.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from minigrad import autograd, optim
from minigrad.creation import zeros_like
from minigrad.device import move
from minigrad.nn.module import Module
from minigrad.tensor import DEFAULT_FLOAT, Tensor

LOSSES = ("value", "gradient", "laplacian")


def coordinate_grid(height: int, width: int | None = None, dtype: Any = DEFAULT_FLOAT) -> Tensor:
    """The (height * width, 2) Tensor of pixel centres (y_i, x_j), row by row, each coordinate in [-1, 1].

    y_i = -1 + 2 i / (height - 1), x_j = -1 + 2 j / (width - 1) (width defaults to height); row i * width + j
    belongs to pixel (i, j), so `image.reshape(-1)` lines up with it. Both sizes must be >= 2.
    """
    width = height if width is None else width
    for name, value in (("height", height), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
            raise ValueError(f"coordinate_grid: {name} must be an integer >= 2 (the grid spans [-1, 1]), got {value!r}")
    y, x = np.meshgrid(np.linspace(-1.0, 1.0, height), np.linspace(-1.0, 1.0, width), indexing="ij")
    return Tensor(np.stack([y.ravel(), x.ravel()], axis=1), dtype=dtype)


# ---- image metrics ------------------------------------------------------------------------------------------
def _numbers(value: Any) -> np.ndarray:
    array = value.data if isinstance(value, Tensor) else value
    return np.asarray(move(array, "cpu") if hasattr(array, "dtype") else array, dtype=np.float64)


def _pair(fn: str, prediction: Any, target: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both as float64 arrays in the target's shape (a network's flat (H*W, 1) output against an (H, W) image)."""
    p, t = _numbers(prediction), _numbers(target)
    if p.size != t.size:
        raise ValueError(f"{fn}: prediction has shape {p.shape} ({p.size} values) and target {t.shape} "
                         f"({t.size} values); they must hold the same number of values")
    return p.reshape(t.shape), t


def psnr(prediction: Any, target: Any, data_range: float = 2.0, up_to_constant: bool = False) -> float:
    """Peak signal-to-noise ratio in dB: 10 log10(data_range^2 / MSE); for data in [-1, 1], 10 log10(4 / MSE).

    MSE = mean((prediction - target)^2); infinite when they are equal. `up_to_constant=True` first shifts the
    prediction by mean(target - prediction), the best constant, for fits that cannot see constants (derivative
    supervision). prediction and target may differ in shape but must hold as many values.
    """
    if not data_range > 0:
        raise ValueError(f"psnr: data_range must be > 0 (2 for data in [-1, 1]), got {data_range!r}")
    p, t = _pair("psnr", prediction, target)
    if up_to_constant:
        p = p + np.mean(t - p)
    mse = float(np.mean((p - t) ** 2))
    return math.inf if mse == 0 else 10.0 * math.log10(data_range ** 2 / mse)


def ssim(prediction: Any, target: Any, data_range: float = 2.0) -> float:
    """Structural similarity (Wang et al. 2004), skimage.metrics.structural_similarity with its defaults.

    The mean over 7 x 7 windows of [(2 mu_p mu_t + c1)(2 cov + c2)] / [(mu_p^2 + mu_t^2 + c1)(var_p + var_t + c2)],
    c1 = (0.01 L)^2, c2 = (0.03 L)^2, L = data_range; 1 for identical images, at most 1. `target` is an image,
    (H, W) or (H, W, 3) (colour, averaged over channels), both sides at least 7 pixels; `prediction` may be flat.
    """
    from skimage.metrics import structural_similarity

    p, t = _pair("ssim", prediction, target)
    if not (t.ndim == 2 or (t.ndim == 3 and t.shape[2] == 3)) or min(t.shape[:2]) < 7:
        raise ValueError(f"ssim: target must be an image of shape (H, W) or (H, W, 3) with H, W >= 7, got {t.shape}")
    return float(structural_similarity(p, t, data_range=data_range, channel_axis=2 if t.ndim == 3 else None))


# ---- derivatives of a coordinate network ---------------------------------------------------------------------
def _check_coords(coords: Any) -> None:
    if not isinstance(coords, Tensor) or coords.ndim != 2 or coords.dtype.kind != "f":
        shape = getattr(coords, "shape", None)
        raise ValueError(f"coords must be a 2-D float Tensor (points, dimensions), e.g. coordinate_grid(h, w); got "
                         f"{type(coords).__name__} of shape {shape}")


def _points(coords: Tensor) -> Tensor:
    """coords as a fresh leaf that requires grad (the network is differentiated with respect to it)."""
    _check_coords(coords)
    return coords.detach().requires_grad_()


def _scalar_field(fn: str, values: Tensor) -> Tensor:
    if values.ndim != 2 or values.shape[1] != 1:
        raise ValueError(f"{fn}: the network must output one value per point, shape (points, 1); got {values.shape}")
    return values


def _gradient(values: Tensor, points: Tensor) -> Tensor:
    """d(sum of values)/d(points), recorded so that it can be differentiated again; zeros where values do not
    depend on the points (a ReLU network's gradient, differentiated again)."""
    (g,) = autograd.grad(values.sum(), points, create_graph=True, allow_unused=True)
    return g if g is not None else zeros_like(points)


def input_gradient(model: Callable[[Tensor], Tensor], coords: Tensor) -> Tensor:
    """grad f at every point: shape (points, dimensions), column d = df/d(coordinate d).

    Differentiable with respect to the model's parameters (create_graph=True), so it can be used in a loss.
    """
    points = _points(coords)
    return _gradient(_scalar_field("input_gradient", model(points)), points)


def laplacian(model: Callable[[Tensor], Tensor], coords: Tensor) -> Tensor:
    """Laplacian f = sum_d d^2 f / d(coordinate d)^2 at every point: shape (points, 1).

    Each column of the gradient is differentiated once more (one backward pass per dimension), keeping the
    graph, so the result is differentiable with respect to the parameters. For a ReLU network it is exactly 0.
    """
    points = _points(coords)
    g = _gradient(_scalar_field("laplacian", model(points)), points)
    return sum(_gradient(g[:, d:d + 1], points)[:, d:d + 1] for d in range(points.shape[1]))


def _spacing(image: np.ndarray) -> tuple[float, float]:
    """The pixel spacing of coordinate_grid along rows and columns: 2 / (size - 1)."""
    if image.ndim != 2 or min(image.shape) < 3:
        raise ValueError(f"expected a grayscale image of shape (H, W) with H, W >= 3, got {image.shape}")
    return 2.0 / (image.shape[0] - 1), 2.0 / (image.shape[1] - 1)


def image_gradients(image: Any) -> np.ndarray:
    """(H, W, 2): d image/dy and d image/dx in coordinate_grid's units, by NumPy finite differences.

    np.gradient: central differences (f[i+1] - f[i-1]) / (2h) inside, one-sided (f[1] - f[0]) / h at the borders,
    with h = 2 / (size - 1) the spacing of coordinate_grid. `.reshape(-1, 2)` lines up with coordinate_grid.
    """
    pixels = _numbers(image)
    dy, dx = np.gradient(pixels, *_spacing(pixels))
    return np.stack([dy, dx], axis=-1)


def image_laplacian(image: Any) -> np.ndarray:
    """(H, W): f_yy + f_xx by the 5-point stencil (f[i-1] - 2 f[i] + f[i+1]) / h^2 along each axis (SciPy's
    correlate1d), the border pixel repeated outside the image; h = 2 / (size - 1) as in coordinate_grid."""
    from scipy.ndimage import correlate1d

    pixels = _numbers(image)
    return sum(correlate1d(pixels, [1.0, -2.0, 1.0], axis=axis, mode="nearest") / h ** 2
               for axis, h in enumerate(_spacing(pixels)))


# ---- fitting --------------------------------------------------------------------------------------------------
@dataclass
class FitHistory:
    """What `fit` recorded: the loss at every step, the PSNR every `eval_every` steps, the wall-clock time."""

    loss: list[float] = field(default_factory=list)
    psnr_steps: list[int] = field(default_factory=list)
    psnr: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def final_psnr(self) -> float:
        if not self.psnr:
            raise ValueError("this fit recorded no PSNR: derivative fits need reference= (the image itself)")
        return self.psnr[-1]


def _predictions(loss: str) -> Callable[[Module, Tensor], Tensor]:
    if loss not in LOSSES:
        raise ValueError(f"fit: unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    return {"value": lambda model, coords: model(coords), "gradient": input_gradient, "laplacian": laplacian}[loss]


def fit(model: Module, coords: Tensor, target: Any, steps: int = 500, lr: float = 1e-4, loss: str = "value",
        reference: Any = None, eval_every: int = 25, progress: bool = True) -> FitHistory:
    """Fit `model` to `target` at `coords` with Adam(lr) on the mean squared error, for `steps` full-batch steps.

    loss="value": model(coords) ~ target, shape (points, outputs). loss="gradient": input_gradient ~ target,
    shape (points, 2) (e.g. image_gradients(image).reshape(-1, 2)). loss="laplacian": laplacian ~ target,
    (points, 1) (image_laplacian). `target` is reshaped to (points, -1) and cast to coords' dtype.

    Every `eval_every` steps and after the last one, the PSNR of model(coords) against `reference` is recorded
    (reference defaults to target for value fits; derivative fits compare up to a constant - a lower bound for
    Laplacian fits, which leave more than a constant free - and record nothing without a reference). A progress
    bar (`minigrad.plotting.progress`) shows the progress unless progress=False.
    """
    from minigrad.plotting import progress as progress_bar

    predict = _predictions(loss)
    _check_coords(coords)
    for name, value in (("steps", steps), ("eval_every", eval_every)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"fit: {name} must be a positive integer, got {value!r}")
    goal = _numbers(target)
    if goal.size == 0 or goal.size % coords.shape[0]:
        raise ValueError(f"fit: target has {goal.size} values, not a whole number of values for each of the "
                         f"{coords.shape[0]} points")
    goal = Tensor(goal.reshape(coords.shape[0], -1), dtype=coords.dtype)
    if reference is None and loss == "value":
        reference = goal
    opt = optim.Adam(model.parameters(), lr=lr)
    history = FitHistory()
    start = time.perf_counter()
    bar = progress_bar(range(1, steps + 1), enabled=progress, desc=f"fit ({loss})")
    for step in bar:
        opt.zero_grad()
        error = ((predict(model, coords) - goal) ** 2).mean()
        if not error.requires_grad:
            raise RuntimeError(f"fit: the {loss} of this model does not depend on its parameters (a ReLU "
                               "network's Laplacian is 0 everywhere), so there is nothing to train")
        error.backward()
        opt.step()
        history.loss.append(error.item())
        if reference is not None and (step % eval_every == 0 or step == steps):
            with autograd.no_grad():
                history.psnr.append(psnr(model(coords), reference, up_to_constant=loss != "value"))
            history.psnr_steps.append(step)
            bar.set_postfix(loss=f"{history.loss[-1]:.3g}", psnr=f"{history.psnr[-1]:.2f} dB")
    history.seconds = time.perf_counter() - start
    return history
