"""The photo every benchmark article shares, on both sites: a 1600x1067 JPEG of a gradient with noise, so that the
file has a real photo's size (hundreds of KB) and its renditions cost what a photo's do."""

import io

from PIL import Image

SIZE = (1600, 1067)


def jpeg():
    """The photo's bytes (the same every time)."""
    gradient, noise = Image.linear_gradient("L").resize(SIZE), Image.effect_noise(SIZE, 48)
    red = Image.blend(gradient, noise, 0.35)
    green = Image.blend(gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), noise, 0.25)
    blue = Image.blend(gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM), noise, 0.3)
    buffer = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
