"""Lesson 01: softplus and log-sigmoid that hold in the tails.

log(1 + e^x) is correct on paper and wrong in floating point twice over: e^x overflows for x > 709 (88.7 in
float32), and for x << 0 the 1 + e^x rounds to 1 before the log sees the e^x. Splitting off the large part
and keeping the small one inside log1p fixes both.
"""
from __future__ import annotations

import numpy as np


def softplus(x: np.ndarray) -> np.ndarray:
    """softplus(x) = log(1 + e^x), accurate and free of overflow for every finite x (float32 or float64, kept).

    Goal: the smooth ReLU every log-likelihood uses (it is -log sigmoid(-x)), safe in both tails.
    Formula: log(1 + e^x) = max(x, 0) + log1p(e^-|x|): the exponent is never positive, and log1p keeps
    e^-|x| when it is far below the float epsilon (softplus(-40) = 4.2e-18, not 0).
    First hint: check the identity separately for x >= 0 (take e^x out of the log) and for x < 0.
    """
    # BEGIN EXERCISE ex01_10 (§4 The float32 tails)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
    # END EXERCISE ex01_10


def logsigmoid(x: np.ndarray) -> np.ndarray:
    """log s(x), the log of the logistic sigmoid, for every finite x: ~x for x << 0, ~-e^-x for x >> 0.

    Formula: log s(x) = -log(1 + e^-x) = -softplus(-x). Never log(sigmoid(x)): s(x) underflows to 0 below
    x = -745 (-104 in float32) and the log gives -inf where the answer is simply ~x.
    """
    # BEGIN EXERCISE ex01_10 (§4 The float32 tails)
    return -softplus(-x)
    # END EXERCISE ex01_10
