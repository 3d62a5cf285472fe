"""The Image Information document (info.json) of the Image API 3.0, level 2.

What it declares is what the server does: `extraFeatures`, `extraQualities` and
`extraFormats` list exactly the optional features of image_api/render beyond level 2;
`tiles` and `sizes` stay within `maxWidth`/`maxHeight`/`maxArea`, which for a requester
who may only see a preview are the preview's size (and then only the coarse scale
factors, whose tiles are no sharper than the preview, are offered).
"""

from __future__ import annotations

import math
from typing import Any

from iiif.image_api import FORMATS, Limits

CONTEXT = "http://iiif.io/api/image/3/context.json"
PROTOCOL = "http://iiif.io/api/image"
PROFILE = "level2"
PROFILE_URI = "http://iiif.io/api/image/3/level2.json"
# Tiles of images without stored tiles; a pyramidal TIFF's own tile size is advertised
# instead (server.info), so viewers ask for exactly the tiles the file holds.
TILE_SIZE = 512
# Features beyond level 2 that this server has (level 2's own are implied by `profile`).
EXTRA_FEATURES = (
    "canonicalLinkHeader",
    "mirroring",
    "profileLinkHeader",
    "rotationArbitrary",
    "sizeUpscaling",
)
# Level 2 requires jpg and png; webp is extra.
EXTRA_FORMATS = tuple(f for f in FORMATS if f not in ("jpg", "png"))
# The smallest size worth listing under `sizes`.
MIN_LISTED_SIZE = 64


def scale_factors(width: int, height: int, tile_size: int = TILE_SIZE) -> list[int]:
    """1, 2, 4, … up to the first factor at which the whole image fits in one tile."""
    factors = [1]
    while math.ceil(width / factors[-1]) > tile_size or math.ceil(height / factors[-1]) > tile_size:
        factors.append(factors[-1] * 2)
    return factors


def image_info(
    base_id: str,
    width: int,
    height: int,
    limits: Limits,
    *,
    color: bool = True,
    tile_size: int = TILE_SIZE,
    services: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """info.json for the image at `base_id` (no trailing slash), as this requester sees it."""
    factors = scale_factors(width, height, tile_size)
    if limits.preview_scale is not None:
        # Only factors whose whole image is within the preview: no tile is sharper.
        first = 1
        while (
            math.ceil(width / first) > limits.max_width
            or math.ceil(height / first) > limits.max_height
        ):
            first *= 2
        factors = [first] + [f for f in factors if f > first]
    sizes = []
    for f in reversed(scale_factors(width, height, MIN_LISTED_SIZE)):
        w, h = math.ceil(width / f), math.ceil(height / f)
        if w <= limits.max_width and h <= limits.max_height and w * h <= limits.max_area:
            sizes.append({"width": w, "height": h})
    largest = {"width": limits.max_width, "height": limits.max_height}
    if not sizes or (sizes[-1]["width"], sizes[-1]["height"]) != (
        largest["width"],
        largest["height"],
    ):
        sizes.append(largest)
    info: dict[str, Any] = {
        "@context": CONTEXT,
        "id": base_id,
        "type": "ImageService3",
        "protocol": PROTOCOL,
        "profile": PROFILE,
        "width": width,
        "height": height,
        "maxWidth": limits.max_width,
        "maxHeight": limits.max_height,
        # A preview's area is its own: nothing larger is served to this requester.
        "maxArea": limits.max_area
        if limits.preview_scale is None
        else min(limits.max_area, limits.max_width * limits.max_height),
        "sizes": sizes,
        "tiles": [{"width": tile_size, "height": tile_size, "scaleFactors": factors}],
        "preferredFormats": ["jpg"],
        "extraFormats": list(EXTRA_FORMATS),
        # A gray image has no colour to give: `color` is not listed for it (spec 4.4).
        "extraQualities": ["color", "gray", "bitonal"] if color else ["gray", "bitonal"],
        "extraFeatures": list(EXTRA_FEATURES),
    }
    if services:
        info["service"] = services
    return info
