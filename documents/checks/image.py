"""Decode a photo safely, keep a clean re-encoded copy, and refuse one nobody can read.

The steps, in order, each with its own rejection code:

1. Open with Pillow, limited to the one format libmagic found. The header gives the size:
   more than ``config.image_max_pixels`` is refused before a single pixel is decoded
   (Pillow's own DecompressionBombWarning is turned into an error as a second fence).
2. Decode fully. A truncated or corrupt file fails here ("image_broken"); truncated
   images are never accepted (ImageFile.LOAD_TRUNCATED_IMAGES stays False).
3. Build the clean copy: the long side capped at ``config.image_long_side``, turned upright
   per EXIF orientation, flattened to RGB on white, saved as a new JPEG without EXIF,
   ICC, XMP or comments. So the GPS position, the camera's metadata and anything
   appended after the image data are gone; the clean copy is the only thing ever served.
   A thumbnail (long side ``config.thumbnail_size``) is made from it.
4. Judge what an officer will see, on a small grey working copy: big enough, not too
   dark, not washed out, not blurred.

Speed: a JPEG at least twice the cap is decoded straight at 1/2, 1/4 or 1/8 of its size
(libjpeg's DCT scaling through Image.draft), so a 12 MP photo is never held or resized
at full size; the quality measures use the small working copy. Only one decoded
full-size picture exists at any time. A 4 MB 12 MP JPEG takes about 0.08 s here
(decode 0.03, progressive re-encode 0.03, thumbnail and measures 0.02).
"""

import functools
import io
import re
import warnings

import pillow_heif
from PIL import ExifTags, Image, ImageChops, ImageFilter, ImageStat

from .base import Candidate, CheckConfig, CheckRejected

# Detected content type → the only Pillow format that may open it.
PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
}

CLEAN_QUALITY = 85
THUMBNAIL_QUALITY = 80
# The quality measures are taken at this long side, whatever the photo's resolution, so
# the thresholds below mean the same for a 2 MP and a 50 MP camera.
WORKING_LONG_SIDE = 800

# --- thresholds -----------------------------------------------------------------------
# Tuned on the generated pictures of tests/documents/corpus.py (a card or sheet of dark
# text on light paper, with sensor noise), measured on the working copy (grey, long side
# 800 px). "ink" is the 0.5th percentile of brightness, "paper" the 99.5th, "contrast"
# paper − ink (percentiles, so a few hot or dead pixels do not count).
#
# Too dark: the whole picture dimmed by a factor k gave paper 120 (k=2), 80 (k=3),
# 60 (k=4), 40 (k=6), 24 (k=10), and a covered lens paper 5, mean 2. Text stays readable
# to k=3; refuse below paper 64 (k≥4) or a mean below 40 (a dark frame with one bright
# reflection in it).
DARK_MAX_PAPER = 64
DARK_MAX_MEAN = 40
# Too bright: a sharp, well-lit photo of a white page has mean 230–241 and contrast
# 226–231 (text near black on near-white), so brightness alone proves nothing: what
# overexposure destroys is the text. Bleached versions of the card (paper clipped to
# 255, text faded) gave contrast 28 (ghost text), 44, 48, 68, 82, 107; a blank white
# sheet 0. Refuse a bright picture (mean above 200) whose contrast is below 64: text
# lighter than about 190 on white.
BRIGHT_MIN_MEAN = 200
BRIGHT_MAX_CONTRAST = 64
# Blurry: sharpness = 99.5th percentile of the Sobel gradient (per pixel, |gx|+|gy|)
# divided by the contrast. It asks "how steep are the steepest edges, compared with how
# far they climb", so it does not depend on lighting or on how much text there is, and
# sensor noise barely moves it. The card at 1200 px wide blurred with GaussianBlur of
# radius r: r=0 0.58, r=1 0.50, r=1.5 0.38, r=2 0.28, r=2.5 0.21, r=3 0.18, r=4 0.13,
# r=5 0.11, r=6 0.09; with heavy noise (σ 12–16) r=1 0.48, r=4–5 0.13–0.14. Sharp photos
# of every kind (JPEG, PNG, WebP, HEIC, dim, bleached, sparse white page, 12 MP) 0.50–0.64.
# Refuse below 0.22: radius 2 still passes, 2.5 and more (text smeared over its own
# stroke width) fails.
BLUR_MIN_SHARPNESS = 0.22
# Below this contrast the sharpness is computed as if the contrast were this: a flat
# grey picture has no edges to read and counts as blurred, not as perfectly sharp.
MIN_CONTRAST = 32

_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SOBEL_X = ImageFilter.Kernel((3, 3), [-1, 0, 1, -2, 0, 2, -1, 0, 1], scale=8, offset=128)
_SOBEL_Y = ImageFilter.Kernel((3, 3), [-1, -2, -1, 0, 0, 0, 1, 2, 1], scale=8, offset=128)


@functools.cache
def _register_heif() -> None:
    pillow_heif.register_heif_opener()


def check(candidate: Candidate, config: CheckConfig) -> None:
    pillow_format = PILLOW_FORMATS.get(candidate.content_type)
    if pillow_format is None:
        return
    _register_heif()
    max_pixels = config.image_max_pixels
    long_side = config.image_long_side
    min_short_side = config.image_min_short_side
    thumbnail_side = config.thumbnail_size

    picture, orientation = _decode(candidate, pillow_format, max_pixels, long_side, min_short_side)
    clean = _clean_copy(picture, orientation, long_side)
    del picture
    candidate.details.update(width=clean.width, height=clean.height)
    candidate.clean = _jpeg(clean, CLEAN_QUALITY)
    candidate.clean_content_type = "image/jpeg"
    candidate.thumbnail = _jpeg(
        clean.resize(_fit(clean.size, thumbnail_side), Image.Resampling.BICUBIC, reducing_gap=2.0), THUMBNAIL_QUALITY
    )
    _judge(candidate, clean)


def _decode(
    candidate: Candidate, pillow_format: str, max_pixels: int, long_side: int, min_short_side: int
) -> tuple[Image.Image, int]:
    """Open, refuse by size from the header, then decode (reduced for a large JPEG)."""
    with warnings.catch_warnings():
        # Not thread-safe (the filter is process-wide while it lasts); the checks run in
        # worker processes, one document at a time.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(candidate.content), formats=[pillow_format])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise CheckRejected("image_too_many_pixels") from None
        except Exception as exc:  # a decoder meeting hostile bytes may raise nearly anything
            raise CheckRejected("image_broken", error=_describe(exc)) from None
        width, height = picture.size
        candidate.details.update(original_width=width, original_height=height)
        if width * height > max_pixels:
            raise CheckRejected("image_too_many_pixels", pixels=width * height, limit=max_pixels)
        if width < 1 or height < 1:
            raise CheckRejected("image_broken", error="no pixels")
        # The clean copy's short side is known from the header: no need to decode to refuse it.
        if min(_fit((width, height), long_side)) < min_short_side:
            raise CheckRejected("image_too_small", short_side=min(width, height), minimum=min_short_side)
        if pillow_format == "JPEG" and max(width, height) >= 2 * long_side:
            # DCT scaling by 1/2, 1/4 or 1/8, never below the size asked for.
            picture.draft("RGB", _fit((width, height), long_side))
        try:
            picture.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise CheckRejected("image_too_many_pixels") from None
        except Exception as exc:
            raise CheckRejected("image_broken", error=_describe(exc)) from None
    # libheif has already turned a HEIF upright (irot/imir) and pillow-heif reports
    # orientation 1, so nothing is rotated twice.
    try:
        orientation = picture.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # unreadable EXIF: the picture stays as stored
        orientation = 1
    return picture, orientation


def _clean_copy(picture: Image.Image, orientation: int, long_side: int) -> Image.Image:
    """RGB, long side at most the cap, upright, no metadata attached."""
    picture = _plain_mode(picture)
    size = _fit(picture.size, long_side)
    if size != picture.size:
        picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if picture.mode in ("RGBA", "LA"):
        # A scan with a transparent margin: transparent is white paper, not black.
        flat = Image.new("RGB", picture.size, (255, 255, 255))
        flat.paste(picture.convert("RGBA"), mask=picture.getchannel("A"))
        picture = flat
    elif picture.mode != "RGB":
        picture = picture.convert("RGB")
    method = _ORIENTATION_TRANSPOSE.get(orientation)
    if method is not None:
        picture = picture.transpose(method)
    picture.info = {}  # Pillow would otherwise carry EXIF, ICC, XMP or a comment into the save
    return picture


def _plain_mode(picture: Image.Image) -> Image.Image:
    """A mode that resizes well: RGB, L, or RGBA/LA when there is transparency."""
    mode = picture.mode
    if mode.startswith("I;16") or mode == "I":
        # 16-bit grey (scanners): Pillow's convert() would clip at 255, so scale instead.
        return picture.point(lambda value: value / 256, "L")
    if mode in ("RGB", "L", "RGBA", "LA"):
        if mode in ("RGB", "L") and picture.has_transparency_data:
            return picture.convert("RGBA")  # a tRNS colour key
        return picture
    if mode == "1":
        return picture.convert("L")
    if picture.has_transparency_data or mode in ("PA", "RGBa", "La"):
        return picture.convert("RGBA")
    return picture.convert("RGB")  # P, CMYK, YCbCr, LAB, F…


def _judge(candidate: Candidate, clean: Image.Image) -> None:
    measures = _measure(clean)
    candidate.details.update(measures)
    if measures["paper"] < DARK_MAX_PAPER or measures["brightness"] < DARK_MAX_MEAN:
        raise CheckRejected("image_too_dark", **measures)
    if measures["brightness"] > BRIGHT_MIN_MEAN and measures["contrast"] < BRIGHT_MAX_CONTRAST:
        raise CheckRejected("image_too_bright", **measures)
    if measures["sharpness"] < BLUR_MIN_SHARPNESS:
        raise CheckRejected("image_blurry", **measures)


def _measure(clean: Image.Image) -> dict:
    """Brightness, ink and paper levels, contrast and sharpness of a grey working copy."""
    grey = clean.convert("L")
    size = _fit(grey.size, WORKING_LONG_SIDE)
    if size != grey.size:
        grey = grey.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    # Pillow's 3×3 kernels leave the outermost pixels unfiltered: measure inside them.
    inside = (1, 1, grey.width - 1, grey.height - 1)
    levels = grey.crop(inside).histogram()
    ink = _percentile(levels, 0.005)
    paper = _percentile(levels, 0.995)
    contrast = paper - ink
    middle = Image.new("L", (grey.width - 2, grey.height - 2), 128)
    gradient = ImageChops.add(
        ImageChops.difference(grey.filter(_SOBEL_X).crop(inside), middle),
        ImageChops.difference(grey.filter(_SOBEL_Y).crop(inside), middle),
    )
    steepest = _percentile(gradient.histogram(), 0.995)
    return {
        "brightness": round(ImageStat.Stat(grey).mean[0], 1),
        "ink": ink,
        "paper": paper,
        "contrast": contrast,
        "sharpness": round(steepest / max(contrast, MIN_CONTRAST), 3),
    }


def _percentile(histogram: list[int], fraction: float) -> int:
    wanted = sum(histogram) * fraction
    seen = 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return level
    return len(histogram) - 1


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """``size`` scaled down (never up) so that its long side is at most ``long_side``."""
    width, height = size
    longest = max(width, height)
    if longest <= long_side:
        return width, height
    scale = long_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def _describe(exc: Exception) -> str:
    # Pillow names the in-memory file by its repr ("<_io.BytesIO object at 0x…>"): drop it.
    message = re.sub(r" ?<_io\.BytesIO object at 0x[0-9a-f]+>", "", str(exc))
    return f"{type(exc).__name__}: {message}"[:200]
