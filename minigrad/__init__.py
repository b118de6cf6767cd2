"""minigrad: a small autodiff engine on NumPy for learning how activation functions work.

    import minigrad as mg
    x = mg.Tensor([1.0, 2.0], requires_grad=True)
    (x.tanh() * x).sum().backward()
    x.grad
"""
import numpy as np

from minigrad.autograd import backward, detect_anomaly, enable_grad, grad, is_grad_enabled, no_grad
from minigrad.backends import use_backend
from minigrad.creation import arange, eye, full, linspace, ones, ones_like, zeros, zeros_like
from minigrad.gradcheck import GradcheckError, gradcheck, gradgradcheck
from minigrad.ops import (
    abs, add, amax, amin, argmax, argmin, atan, cat, clamp, clip, concat, cos, div, erf, erfc, exp, expand, expm1,
    flatten, floor,
    log, log1p, log_softmax, logsumexp, matmul, max, maximum, mean, min, minimum, mul, neg, permute, pow, relu,
    reshape, sigmoid, sign, sin, softmax, softplus, sqrt, squeeze, stack, std, sub, sum, tanh, transpose,
    unsqueeze, var, where,
)
from minigrad.random import manual_seed, rand, randint, randn
from minigrad.serialization import load, save
from minigrad.tensor import Tensor, tensor
# they build on everything above
from minigrad import datasets, diagnostics, functional, nn, optim, plotting  # noqa: E402

float16, float32, float64 = np.float16, np.float32, np.float64
int32, int64, bool_ = np.int32, np.int64, np.bool_

__version__ = "0.1.0"
