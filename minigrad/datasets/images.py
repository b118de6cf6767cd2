"""Test images for implicit neural representations, from the ones scikit-image ships (no network needed).

`image("camera", size=64)` gives the classic cameraman as a 64 x 64 float64 array in [-1, 1]: the signal a
coordinate network learns to reproduce, with pixel (i, j) at the coordinate (y_i, x_j) of
`minigrad.inr.coordinate_grid`.
"""
from __future__ import annotations

import numpy as np

from minigrad.datasets import checks

GRAY = ("camera", "moon", "coins", "text", "page", "brick", "grass", "gravel", "clock", "cell")
COLOUR = ("astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry")
NAMES = GRAY + COLOUR


def _centre_square(pixels: np.ndarray) -> np.ndarray:
    """The largest square around the centre (rows and columns cut evenly from both sides)."""
    height, width = pixels.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    return pixels[top:top + side, left:left + side]


def image(name: str = "camera", size: int = 64, crop: bool = True, grayscale: bool = False) -> np.ndarray:
    """One of scikit-image's test images as float64 in [-1, 1], `size` x `size` pixels.

    Grayscale images (GRAY: camera, moon, coins, text, page, brick, grass, gravel, clock, cell) come back with
    shape (size, size); colour images (COLOUR: astronaut, coffee, chelsea, rocket, immunohistochemistry) with
    shape (size, size, 3), or (size, size) with `grayscale=True` (luminance 0.2125 R + 0.7154 G + 0.0721 B,
    skimage.color.rgb2gray). `crop=True` first cuts the largest centred square, so nothing is stretched;
    `crop=False` resizes the whole picture, squeezing its aspect ratio. Resizing is skimage.transform.resize
    with anti-aliasing (a Gaussian blur before downsampling). Pixel values p in [0, 1] become 2p - 1.
    """
    from skimage import color, data, transform, util

    if name not in NAMES:
        raise ValueError(f"image: unknown name {name!r}; the images are {', '.join(GRAY)} (grayscale) and "
                         f"{', '.join(COLOUR)} (colour)")
    size = checks.count("image", "size", size, 1, "pixels per side")
    pixels = util.img_as_float64(getattr(data, name)())
    if name in COLOUR and grayscale:
        pixels = color.rgb2gray(pixels)
    if crop:
        pixels = _centre_square(pixels)
    pixels = transform.resize(pixels, (size, size), anti_aliasing=True)
    return np.clip(2.0 * pixels - 1.0, -1.0, 1.0)
