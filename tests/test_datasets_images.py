"""datasets.images.image: scikit-image's bundled pictures, cropped, resized and scaled to [-1, 1]."""
import numpy as np
import pytest
from skimage import data, transform, util

from minigrad.datasets.images import COLOUR, GRAY, image


def test_camera_is_the_resized_picture_in_minus_one_one():
    pixels = image("camera", size=64)
    assert pixels.shape == (64, 64) and pixels.dtype == np.float64
    expected = 2 * transform.resize(util.img_as_float64(data.camera()), (64, 64), anti_aliasing=True) - 1
    np.testing.assert_allclose(pixels, expected, atol=1e-12)
    assert -1 <= pixels.min() < -0.9 and 0.8 < pixels.max() <= 1


def test_crop_takes_the_centre_square_of_a_wide_picture():
    full = util.img_as_float64(data.coins())  # 303 x 384: 40 columns cut on the left, 41 on the right
    cropped = image("coins", size=303, crop=True)
    np.testing.assert_allclose(cropped, 2 * full[:, 40:343] - 1, atol=1e-12)
    squeezed = image("coins", size=32, crop=False)
    expected = 2 * transform.resize(full, (32, 32), anti_aliasing=True) - 1
    np.testing.assert_allclose(squeezed, expected, atol=1e-12)


def test_colour_pictures_keep_three_channels_unless_asked_for_gray():
    colour = image("astronaut", size=16)
    assert colour.shape == (16, 16, 3)
    gray = image("astronaut", size=16, grayscale=True)
    assert gray.shape == (16, 16)
    # luminance weights sum to 1, and resizing is linear: gray = weighted channels
    np.testing.assert_allclose(gray, colour @ np.array([0.2125, 0.7154, 0.0721]), atol=1e-9)


@pytest.mark.parametrize("name", GRAY + COLOUR)
def test_every_listed_picture_loads_offline(name):
    pixels = image(name, size=8)
    assert pixels.shape == ((8, 8) if name in GRAY else (8, 8, 3))
    assert np.isfinite(pixels).all() and pixels.min() >= -1 and pixels.max() <= 1


def test_bad_arguments_say_what_is_allowed():
    with pytest.raises(ValueError, match="unknown name 'cameraman'.*camera, moon.*astronaut"):
        image("cameraman")
    with pytest.raises(ValueError, match="size >= 1"):
        image("camera", size=0)
    with pytest.raises(ValueError, match="size >= 1"):
        image("camera", size=6.5)
