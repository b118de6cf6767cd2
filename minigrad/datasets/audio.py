"""A synthetic audio clip: a decaying chord over a rising chirp, for fitting sound with an implicit network.

SIREN fits audio with a network from time t to amplitude; the clip here has what makes that hard for ReLU and
tanh networks - high frequencies (hundreds to thousands of cycles per second), a sweep and a decay - while
being generated on the spot. Sample i is at time t_i = i / sample_rate.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from minigrad.datasets import checks
from minigrad.datasets.regression import chirp


def audio(sample_rate: int = 16000, seconds: float = 1.0, tones: Sequence[float] = (220.0, 440.0, 660.0),
          sweep: tuple[float, float] | None = (200.0, 2000.0), decay: float = 3.0, noise: float = 0.0,
          seed: int = 0) -> np.ndarray:
    """The clip as float64 samples of shape (round(sample_rate * seconds),), scaled so that max |y| = 1.

    y(t) = e^(-decay t) sum_k sin(2 pi tones[k] t) / (k + 1)  +  chirp(t) / 2  (+ Gaussian noise), where the
    chirp's frequency rises linearly from sweep[0] to sweep[1] Hz over the clip (sweep=None leaves it out), then
    y / max |y|. Every frequency must be below the Nyquist frequency sample_rate / 2.
    """
    sample_rate = checks.count("audio", "sample_rate", sample_rate, 2)
    seconds = checks.positive("audio", "seconds", seconds)
    decay = checks.nonnegative("audio", "decay", decay, "a rate (per second)")
    n = checks.count("audio", "the number of samples round(sample_rate * seconds)", round(sample_rate * seconds), 2)
    noise = checks.noise("audio", noise)
    tones = [checks.positive("audio", "a tone's frequency", f) for f in tones]
    if not tones and sweep is None:
        raise ValueError("audio: give at least one tone or a sweep, or the clip is silent")
    too_high = [f for f in tones if f >= sample_rate / 2]
    if too_high:
        raise ValueError(f"audio: tones {too_high} Hz are at or above the Nyquist frequency {sample_rate / 2:g} Hz "
                         f"of sample_rate={sample_rate}: they would alias")
    t = np.arange(n) / sample_rate
    y = np.exp(-decay * t) * sum(np.sin(2 * np.pi * f * t) / (k + 1) for k, f in enumerate(tones))
    if sweep is not None:
        f0, f1 = sweep
        y = y + 0.5 * chirp(n, f0, f1, grid=True, low=0.0, high=t[-1])[1][:, 0]
    y = y + noise * np.random.default_rng(seed).standard_normal(n)
    return y / np.max(np.abs(y))
