"""IIIF Image API 3.0 requests: parse the URL parameters, then plan the image to make.

Pure functions, no I/O: `parse_request` turns the four path segments into an
`ImageRequest` (or raises `BadRequest` with a message saying which parameter is wrong
and what would be right); `plan_image` resolves it against the image's pixel size and
the service's `Limits` into a `Plan` with absolute pixel numbers — the only thing the
renderer sees, and what the derivative cache and the canonical link are built from.

Every size check happens here, from the image's header alone, so a request beyond
`maxArea` (or beyond the preview a licence allows) is refused before any pixel is decoded.

Two readings of the specification are the official validator's (iiif-validator), which
the server is tested against:
- `!w,h` without `^` whose best fit is larger than the region is a 400, like any other
  size without `^` that would upscale.
- `maxWidth`/`maxHeight` in info.json are the image's own size (or the preview's), so
  `^max` is the full region; explicit `^` sizes may go beyond them, up to `maxArea`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

QUALITIES = ("default", "color", "gray", "bitonal")
FORMATS = ("jpg", "png", "webp")
# Formats the Image API defines that this server does not make, for a clearer message.
KNOWN_FORMATS = ("tif", "gif", "jp2", "pdf")
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}

_INT = r"\d+"
_NUM = r"(?:\d+(?:\.\d+)?|\.\d+)"
_PIXELS = re.compile(rf"({_INT}),({_INT}),({_INT}),({_INT})")
_PERCENTS = re.compile(rf"pct:({_NUM}),({_NUM}),({_NUM}),({_NUM})")
_SIZE_W = re.compile(rf"({_INT}),")
_SIZE_H = re.compile(rf",({_INT})")
_SIZE_WH = re.compile(rf"({_INT}),({_INT})")
_SIZE_CONFINED = re.compile(rf"!({_INT}),({_INT})")
_SIZE_PCT = re.compile(rf"pct:({_NUM})")
_ROTATION = re.compile(rf"(!?)({_NUM})")
# Longest number accepted anywhere: more digits than any image could need.
_MAX_DIGITS = 12


class IIIFError(Exception):
    """A request the server answers with an error status and a plain-text message."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(IIIFError):
    status = 400


class Unauthorized(IIIFError):
    """Refused to an anonymous requester who could see it after logging in."""

    status = 401


class Forbidden(IIIFError):
    status = 403


class NotFound(IIIFError):
    status = 404


@dataclass(frozen=True)
class Region:
    """`kind` is full, square, pixels (x, y, w, h as ints) or percent (as floats)."""

    kind: str
    values: tuple[float, ...] = ()


@dataclass(frozen=True)
class Size:
    """`kind` is max, w (`w,`), h (`,h`), wh (`w,h`), confined (`!w,h`) or pct."""

    kind: str
    width: int | None = None
    height: int | None = None
    percent: float | None = None
    upscale: bool = False


@dataclass(frozen=True)
class Rotation:
    degrees: float = 0.0
    mirror: bool = False


@dataclass(frozen=True)
class ImageRequest:
    region: Region
    size: Size
    rotation: Rotation
    quality: str
    format: str


@dataclass(frozen=True)
class Limits:
    """What the service allows for one image and one requester.

    `max_width`/`max_height` are what `max` resolves to and what info.json advertises.
    `max_area` is a hard limit (400). When `preview_scale` is set, the requester may see
    the image only at that resolution (output pixels per source pixel) or less, and only
    up to `max_width` × `max_height`; beyond it the answer is 403.
    """

    max_width: int
    max_height: int
    max_area: int
    preview_scale: float | None = None
    preview_px: int | None = None

    @classmethod
    def for_image(
        cls, width: int, height: int, max_area: int, preview_px: int | None = None
    ) -> Limits:
        """Limits for a width × height image; `preview_px` caps its longest side."""
        longest = max(width, height)
        if preview_px is None or preview_px >= longest:
            max_w, max_h = width, height
            scale = None
            preview_px = None
        else:
            scale = preview_px / longest
            max_w = max(1, round(width * scale))
            max_h = max(1, round(height * scale))
        # The advertised maximum never exceeds the hard area limit.
        if max_w * max_h > max_area:
            shrink = math.sqrt(max_area / (max_w * max_h))
            max_w = max(1, math.floor(max_w * shrink))
            max_h = max(1, math.floor(max_h * shrink))
        return cls(max_w, max_h, max_area, scale, preview_px)


@dataclass(frozen=True)
class Plan:
    """The image to make, in the source's full-resolution pixels.

    Region (`x`, `y`, `w`, `h`) is cut out, scaled to `width` × `height`, mirrored, rotated
    by `degrees` clockwise, turned to `quality` (never "default": resolved to the image's
    own) and encoded as `format`. `canonical` is the request's canonical URL path.
    """

    x: int
    y: int
    w: int
    h: int
    width: int
    height: int
    mirror: bool
    degrees: float
    quality: str
    format: str
    canonical: str

    @property
    def key(self) -> str:
        """A stable text naming the output exactly (for cache keys and ETags)."""
        return (
            f"{self.x},{self.y},{self.w},{self.h}/{self.width},{self.height}/"
            f"{'!' if self.mirror else ''}{format_number(self.degrees)}/"
            f"{self.quality}.{self.format}"
        )

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def output_size(self) -> tuple[int, int]:
        """Width and height after rotation (the bounding box for arbitrary angles, ±1)."""
        angle = math.radians(self.degrees % 360)
        if self.degrees % 90 == 0:
            turned = int(self.degrees // 90) % 2 == 1
            return (self.height, self.width) if turned else (self.width, self.height)
        cos, sin = abs(math.cos(angle)), abs(math.sin(angle))
        return (
            round(self.width * cos + self.height * sin),
            round(self.width * sin + self.height * cos),
        )


# -- parsing ---------------------------------------------------------------------------


def _number(text: str, what: str) -> float:
    if len(text) > _MAX_DIGITS:
        raise BadRequest(f"{what}: the number {text[:20]}… is too long")
    return float(text)


def _integer(text: str, what: str) -> int:
    if len(text) > _MAX_DIGITS:
        raise BadRequest(f"{what}: the number {text[:20]}… is too long")
    return int(text)


def parse_region(text: str) -> Region:
    """full | square | x,y,w,h | pct:x,y,w,h"""
    if text in ("full", "square"):
        return Region(text)
    if m := _PIXELS.fullmatch(text):
        x, y, w, h = (_integer(g, "region") for g in m.groups())
        if w == 0 or h == 0:
            raise BadRequest(f"region {text!r}: width and height must be greater than 0")
        return Region("pixels", (x, y, w, h))
    if m := _PERCENTS.fullmatch(text):
        x, y, w, h = (_number(g, "region") for g in m.groups())
        if w == 0 or h == 0:
            raise BadRequest(f"region {text!r}: width and height must be greater than 0")
        return Region("percent", (x, y, w, h))
    raise BadRequest(
        f"region {text!r} is not one of full, square, x,y,w,h (whole pixels) "
        "or pct:x,y,w,h (percentages)"
    )


def parse_size(text: str) -> Size:
    """max | w, | ,h | w,h | !w,h | pct:n, each optionally prefixed with ^ (upscaling)."""
    upscale = text.startswith("^")
    body = text[1:] if upscale else text
    if body == "max":
        return Size("max", upscale=upscale)
    if body == "full":
        raise BadRequest("size 'full' was replaced by 'max' in Image API 3.0")
    size: Size | None = None
    if m := _SIZE_W.fullmatch(body):
        size = Size("w", width=_integer(m[1], "size"), upscale=upscale)
    elif m := _SIZE_H.fullmatch(body):
        size = Size("h", height=_integer(m[1], "size"), upscale=upscale)
    elif m := _SIZE_WH.fullmatch(body):
        w, h = _integer(m[1], "size"), _integer(m[2], "size")
        size = Size("wh", width=w, height=h, upscale=upscale)
    elif m := _SIZE_CONFINED.fullmatch(body):
        w, h = _integer(m[1], "size"), _integer(m[2], "size")
        size = Size("confined", width=w, height=h, upscale=upscale)
    elif m := _SIZE_PCT.fullmatch(body):
        pct = _number(m[1], "size")
        if pct > 100 and not upscale:
            raise BadRequest(
                f"size {text!r}: more than 100% needs the ^ prefix (^pct:{m[1]}) to upscale"
            )
        size = Size("pct", percent=pct, upscale=upscale)
    if size is None:
        raise BadRequest(
            f"size {text!r} is not one of max, w, ,h, w,h, !w,h or pct:n "
            "(each may start with ^ to allow upscaling)"
        )
    if size.width == 0 or size.height == 0 or size.percent == 0:
        raise BadRequest(f"size {text!r}: the image must be at least 1 pixel wide and high")
    return size


def parse_rotation(text: str) -> Rotation:
    """n or !n, n a number of degrees clockwise from 0 to 360; ! mirrors first."""
    m = _ROTATION.fullmatch(text)
    if not m:
        raise BadRequest(
            f"rotation {text!r} is not a number of degrees from 0 to 360, "
            "optionally after ! to mirror the image first"
        )
    degrees = _number(m[2], "rotation")
    if degrees > 360:
        raise BadRequest(f"rotation {text!r}: degrees must be from 0 to 360")
    return Rotation(degrees % 360, mirror=bool(m[1]))


def parse_quality_format(text: str) -> tuple[str, str]:
    """quality.format, e.g. default.jpg"""
    quality, dot, fmt = text.rpartition(".")
    if not dot:
        raise BadRequest(
            f"{text!r} should be quality.format, e.g. default.jpg "
            f"(qualities: {', '.join(QUALITIES)}; formats: {', '.join(FORMATS)})"
        )
    if quality not in QUALITIES:
        raise BadRequest(f"quality {quality!r} is not one of {', '.join(QUALITIES)}")
    if fmt not in FORMATS:
        known = " is not supported here" if fmt in KNOWN_FORMATS else " is not a known format"
        raise BadRequest(f"format {fmt!r}{known}; use one of {', '.join(FORMATS)}")
    return quality, fmt


def parse_request(region: str, size: str, rotation: str, quality_format: str) -> ImageRequest:
    """The four path segments after the identifier, checked in URL order."""
    parsed_region = parse_region(region)
    parsed_size = parse_size(size)
    parsed_rotation = parse_rotation(rotation)
    quality, fmt = parse_quality_format(quality_format)
    return ImageRequest(parsed_region, parsed_size, parsed_rotation, quality, fmt)


# -- planning --------------------------------------------------------------------------


def resolve_region(region: Region, width: int, height: int) -> tuple[int, int, int, int]:
    """The region in pixels of the full image, cropped at its edges."""
    if region.kind == "full":
        return 0, 0, width, height
    if region.kind == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if region.kind == "pixels":
        x, y, w, h = (int(v) for v in region.values)
    else:
        px, py, pw, ph = region.values
        x, y = round(px * width / 100), round(py * height / 100)
        w = max(1, round((px + pw) * width / 100) - x)
        h = max(1, round((py + ph) * height / 100) - y)
    if x >= width or y >= height:
        raise BadRequest(
            f"region {_describe(region)} is entirely outside the image ({width} × {height} px)"
        )
    return x, y, min(w, width - x), min(h, height - y)


def _describe(region: Region) -> str:
    values = ",".join(format_number(v) for v in region.values)
    return f"pct:{values}" if region.kind == "percent" else values or region.kind


def _max_scale(rw: int, rh: int, limits: Limits, upscale: bool) -> float:
    """The largest scale `max` (or `^max`) may use for an rw × rh region."""
    scale = min(
        limits.max_width / rw,
        limits.max_height / rh,
        math.sqrt(limits.max_area / (rw * rh)),
    )
    if limits.preview_scale is not None:
        scale = min(scale, limits.preview_scale)
    return scale if upscale else min(scale, 1.0)


def resolve_size(size: Size, rw: int, rh: int, limits: Limits) -> tuple[int, int]:
    """The output width and height for an rw × rh region, or BadRequest/Forbidden."""
    if size.kind == "max":
        scale = _max_scale(rw, rh, limits, size.upscale)
        # floor (with a little slack for float error) keeps `max` within every limit.
        w = max(1, math.floor(rw * scale + 1e-9))
        h = max(1, math.floor(rh * scale + 1e-9))
        return w, h
    if size.kind == "w":
        w = size.width or 0
        h = round(rh * w / rw)
    elif size.kind == "h":
        h = size.height or 0
        w = round(rw * h / rh)
    elif size.kind == "wh":
        w, h = size.width or 0, size.height or 0
    elif size.kind == "confined":
        bw, bh = size.width or 0, size.height or 0
        scale = min(bw / rw, bh / rh)
        w, h = min(bw, round(rw * scale)), min(bh, round(rh * scale))
    else:
        w = round(rw * (size.percent or 0) / 100)
        h = round(rh * (size.percent or 0) / 100)
    if w < 1 or h < 1:
        raise BadRequest(
            f"the scaled image would be {w} × {h} px; it must be at least 1 pixel wide and high"
        )
    if not size.upscale and (w > rw or h > rh):
        raise BadRequest(
            f"{w} × {h} px is larger than the region ({rw} × {rh} px); "
            "prefix the size with ^ to upscale"
        )
    check_limits(w, h, rw, rh, limits)
    return w, h


def check_limits(w: int, h: int, rw: int, rh: int, limits: Limits) -> None:
    """A w × h image of an rw × rh region: within maxArea (400) and the preview (403)?"""
    if w * h > limits.max_area:
        raise BadRequest(
            f"{w} × {h} px is {w * h:,} pixels, more than this server makes in one image "
            f"(maxArea {limits.max_area:,}); ask for a smaller size or a region"
        )
    if limits.preview_scale is None:
        return
    # The resolution a preview allows, with one pixel of slack for rounding.
    allowed_w = math.ceil(rw * limits.preview_scale) + 1
    allowed_h = math.ceil(rh * limits.preview_scale) + 1
    if w > limits.max_width or h > limits.max_height or w > allowed_w or h > allowed_h:
        raise Forbidden(
            f"only a preview of this image may be shown to you, at most {limits.preview_px} px "
            f"on its longest side ({limits.max_width} × {limits.max_height} for the full image)"
        )


def plan_image(
    request: ImageRequest, width: int, height: int, limits: Limits, *, color: bool = True
) -> Plan:
    """Resolve `request` for a width × height image (`color` False: a grayscale image)."""
    x, y, rw, rh = resolve_region(request.region, width, height)
    out_w, out_h = resolve_size(request.size, rw, rh, limits)
    quality = request.quality
    if quality == "default":
        quality = "color" if color else "gray"
    elif quality == "color" and not color:
        quality = "gray"  # a gray image has no more colour to give (not an error)
    region_text = "full" if (x, y, rw, rh) == (0, 0, width, height) else f"{x},{y},{rw},{rh}"
    upscaled = out_w > rw or out_h > rh
    if (out_w, out_h) == resolve_size(Size("max"), rw, rh, limits):
        size_text = "max"
    elif upscaled and (out_w, out_h) == resolve_size(Size("max", upscale=True), rw, rh, limits):
        size_text = "^max"
    elif upscaled:
        size_text = f"^{out_w},{out_h}"
    else:
        size_text = f"{out_w},{out_h}"
    rotation = request.rotation
    rotation_text = f"{'!' if rotation.mirror else ''}{format_number(rotation.degrees)}"
    canonical = f"{region_text}/{size_text}/{rotation_text}/{request.quality}.{request.format}"
    return Plan(
        x=x,
        y=y,
        w=rw,
        h=rh,
        width=out_w,
        height=out_h,
        mirror=rotation.mirror,
        degrees=rotation.degrees,
        quality=quality,
        format=request.format,
        canonical=canonical,
    )


def format_number(value: float) -> str:
    """As the spec's canonical form: an integer if possible, else no trailing zeros."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10f}".rstrip("0").rstrip(".")
