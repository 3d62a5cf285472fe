"""Make images with libvips (pyvips), decoding no more of the source than a request needs.

- `read_meta` reads only the header: size, colour, and the pyramid's levels.
- `render` makes a `Plan`'s image: it picks the smallest pyramid level (pyramidal TIFF
  pages) or JPEG shrink-on-load factor that still has enough pixels, crops there, scales
  to the exact output size, mirrors, rotates, applies the quality and encodes. Tiled
  TIFFs are read tile by tile; other files are streamed top to bottom (sequential).
- `convert_to_pyramid` writes the pyramidal, tiled, JPEG-compressed TIFF that scans are
  stored as at ingest, so a tile at any zoom decodes only the tiles it covers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyvips

from iiif.image_api import BadRequest, Plan

# Bump when the output for a given plan changes (encoder settings, resampling), so
# cached derivatives made by older code are not served as current.
RENDER_VERSION = "2"
JPEG_QUALITY = 85
WEBP_QUALITY = 80
PNG_COMPRESSION = 6
# Source pixels one request may decode (at the chosen level), as a multiple of maxArea:
# a 20,000 × 20,000 scan kept as a plain PNG is refused, not decoded.
DECODE_AREA_FACTOR = 4
# A tiled file's crop up to this many pixels (a tile request's) is decoded into memory first.
MEMORY_CROP_PIXELS = 1024 * 1024

# libvips' operation cache keeps recently opened files (their headers and tiles) for
# the next tile request; bounded so a busy server does not hold every scan open.
pyvips.cache_set_max(200)
pyvips.cache_set_max_mem(64 * 1024 * 1024)
pyvips.cache_set_max_files(50)


@dataclass(frozen=True)
class Level:
    """One resolution stored in the file: `page` of a pyramidal TIFF, or JPEG `shrink`."""

    width: int
    height: int
    page: int = 0
    shrink: int = 1


@dataclass(frozen=True)
class ImageMeta:
    path: Path
    width: int
    height: int
    color: bool
    loader: str
    tiled: bool
    mtime_ns: int
    bytes: int
    levels: tuple[Level, ...] = field(default=())

    @property
    def version(self) -> str:
        """Changes whenever the file does (for cache keys and ETags)."""
        return f"{self.mtime_ns:x}-{self.bytes:x}"


def read_meta(path: Path) -> ImageMeta:
    """The image's header (cached per file version; re-read when the file changes)."""
    stat = path.stat()
    return _read_meta(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _read_meta(path: Path, mtime_ns: int, size: int) -> ImageMeta:
    try:
        image = pyvips.Image.new_from_file(str(path), access="sequential")
    except pyvips.Error as exc:
        raise BadRequest(f"the image file cannot be read: {first_line(exc)}") from exc
    loader = image.get("vips-loader") if image.get_typeof("vips-loader") else ""
    width, height = image.width, image.height
    color = _is_color(image)
    tiled = False
    levels = [Level(width, height)]
    if loader.startswith("tiff"):
        tiled = _tiff_is_tiled(path)
        pages = image.get("n-pages") if image.get_typeof("n-pages") else 1
        for page in range(1, pages):
            level = pyvips.Image.new_from_file(str(path), page=page)
            previous = levels[-1]
            # A pyramid halves at each page; other multi-page TIFFs are not pyramids.
            halved = (previous.width // 2, previous.height // 2)
            if abs(level.width - halved[0]) > 1 or abs(level.height - halved[1]) > 1:
                break
            levels.append(Level(level.width, level.height, page=page))
    elif loader.startswith("jpeg"):
        levels += [Level(width // s, height // s, shrink=s) for s in (2, 4, 8) if width // s >= 1]
    return ImageMeta(
        path=path,
        width=width,
        height=height,
        color=color,
        loader=loader,
        tiled=tiled,
        mtime_ns=mtime_ns,
        bytes=size,
        levels=tuple(lv for lv in levels if lv.width >= 1 and lv.height >= 1),
    )


def first_line(exc: Exception) -> str:
    """An image library's error cut to one line, for an error answer."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _is_color(image: pyvips.Image) -> bool:
    if image.interpretation in ("b-w", "grey16"):
        return False
    return image.bands >= 3


def _tiff_is_tiled(path: Path) -> bool:
    """Whether the first IFD has TileWidth (tag 322): read the TIFF header ourselves."""
    with open(path, "rb") as f:
        head = f.read(16)
        if len(head) < 8 or head[:2] not in (b"II", b"MM"):
            return False
        order = "little" if head[:2] == b"II" else "big"
        magic = int.from_bytes(head[2:4], order)
        if magic == 42:
            offset = int.from_bytes(head[4:8], order)
            f.seek(offset)
            count = int.from_bytes(f.read(2), order)
            entry_size, tag_size = 12, 2
        elif magic == 43:  # BigTIFF
            offset = int.from_bytes(head[8:16], order)
            f.seek(offset)
            count = int.from_bytes(f.read(8), order)
            entry_size, tag_size = 20, 2
        else:
            return False
        entries = f.read(min(count, 4096) * entry_size)
    for i in range(0, len(entries) - entry_size + 1, entry_size):
        if int.from_bytes(entries[i : i + tag_size], order) == 322:
            return True
    return False


# -- rendering ---------------------------------------------------------------------------


def choose_level(meta: ImageMeta, plan: Plan) -> Level:
    """The smallest stored resolution whose copy of the region has at least the output's pixels."""
    best = meta.levels[0]
    for level in meta.levels[1:]:
        sx, sy = level.width / meta.width, level.height / meta.height
        if plan.w * sx >= plan.width and plan.h * sy >= plan.height:
            best = level
    return best


def decode_area(meta: ImageMeta, plan: Plan) -> int:
    """Source pixels the plan decodes: the region at its level, or all rows above it."""
    level = choose_level(meta, plan)
    sx, sy = level.width / meta.width, level.height / meta.height
    if meta.tiled:
        return math.ceil(plan.w * sx) * math.ceil(plan.h * sy)
    # Strip and JPEG files are read from the top down to the region's last row.
    return level.width * math.ceil((plan.y + plan.h) * sy)


def check_decode(meta: ImageMeta, plan: Plan, max_area: int) -> None:
    """BadRequest if making the plan would decode more than DECODE_AREA_FACTOR × maxArea."""
    if decode_area(meta, plan) > DECODE_AREA_FACTOR * max_area:
        raise BadRequest(
            "this image is stored without a pyramid of smaller copies, and that request would "
            "decode too much of it at once; ask for a smaller region"
        )


def render(meta: ImageMeta, plan: Plan) -> bytes:
    """The encoded image the plan describes."""
    level = choose_level(meta, plan)
    image = _open(meta, level)
    sx, sy = level.width / meta.width, level.height / meta.height
    left, top = math.floor(plan.x * sx), math.floor(plan.y * sy)
    right = min(level.width, max(left + 1, math.ceil((plan.x + plan.w) * sx)))
    bottom = min(level.height, max(top + 1, math.ceil((plan.y + plan.h) * sy)))
    image = image.crop(left, top, right - left, bottom - top)
    if meta.tiled and (right - left) * (bottom - top) <= MEMORY_CROP_PIXELS:
        # Decode the few stored tiles in one go: under concurrent requests, cheaper
        # than the encoder pulling them through the shared file strip by strip.
        image = image.copy_memory()
    image = _to_8bit(image)
    if plan.quality in ("gray", "bitonal") and image.interpretation != "b-w":
        image = image.colourspace("b-w")
    image = _resize(image, plan.width, plan.height)
    if plan.degrees and not meta.tiled:
        # Rotation reads its input out of order, which a file streamed top to bottom
        # cannot give: keep the (bounded) scaled region in memory.
        image = image.copy_memory()
    if plan.mirror:
        image = image.fliphor()
    image = _rotate(image, plan)
    if plan.quality == "bitonal":
        image = _bitonal(image)
    return _encode(image, plan.format)


def _open(meta: ImageMeta, level: Level) -> pyvips.Image:
    path = str(meta.path)
    if meta.loader.startswith("tiff") and meta.tiled:
        return _open_tiled(meta.path, meta.mtime_ns, meta.bytes, level)
    if meta.loader.startswith("tiff"):
        image = pyvips.Image.new_from_file(path, page=level.page, access="sequential")
    elif level.shrink > 1:
        image = pyvips.Image.new_from_file(path, shrink=level.shrink, access="sequential")
    else:
        image = pyvips.Image.new_from_file(path, access="sequential")
    if (image.width, image.height) != (level.width, level.height):
        raise BadRequest("the image file changed while it was being read; try again")
    return image


@lru_cache(maxsize=32)
def _open_tiled(path: Path, mtime_ns: int, size: int, level: Level) -> pyvips.Image:
    """A tiled TIFF's level, opened once per file version and kept for the next request.

    Random access images are read-only and may be shared between threads (each request
    makes its own pipeline from it); files read sequentially can be read only once, so
    they are opened anew each time.
    """
    image = pyvips.Image.new_from_file(str(path), page=level.page, access="random")
    if (image.width, image.height) != (level.width, level.height):
        raise BadRequest("the image file changed while it was being read; try again")
    return image


def _to_8bit(image: pyvips.Image) -> pyvips.Image:
    """sRGB or gray, 8 bits a sample, alpha kept."""
    if image.interpretation in ("b-w", "srgb") and image.format == "uchar":
        return image
    if image.interpretation in ("b-w", "grey16") or image.bands < 3:
        image = image.colourspace("b-w")
    else:
        image = image.colourspace("srgb")
    return image.cast("uchar") if image.format != "uchar" else image


def _resize(image: pyvips.Image, width: int, height: int) -> pyvips.Image:
    if (image.width, image.height) == (width, height):
        return image
    image = image.resize(width / image.width, vscale=height / image.height)
    if (image.width, image.height) != (width, height):
        # resize rounds; fix the last pixel row/column so the size is exact.
        image = image.embed(0, 0, width, height, extend="copy")
    return image


def _rotate(image: pyvips.Image, plan: Plan) -> pyvips.Image:
    degrees = plan.degrees % 360
    if degrees == 0:
        return image
    if degrees % 90 == 0:
        return {90: image.rot90, 180: image.rot180, 270: image.rot270}[int(degrees)]()
    if plan.format == "jpg":
        # No transparency in JPEG: the corners are white.
        background = [255] * image.bands
    else:
        if not image.hasalpha():
            image = image.bandjoin(255)
        background = [0] * image.bands
    return image.rotate(degrees, background=background)


def _bitonal(image: pyvips.Image) -> pyvips.Image:
    """Each pixel black or white (0 or 255); an alpha band is made all-or-nothing too."""
    if image.hasalpha():
        gray, alpha = image[0], image[image.bands - 1]
        return (gray >= 128).bandjoin(alpha >= 128).copy(interpretation="b-w")
    return (image[0] >= 128).copy(interpretation="b-w")


def _encode(image: pyvips.Image, fmt: str) -> bytes:
    if fmt == "jpg":
        if image.hasalpha():
            image = image.flatten(background=[255] * (image.bands - 1))
        return image.jpegsave_buffer(Q=JPEG_QUALITY, strip=True)
    if fmt == "png":
        return image.pngsave_buffer(compression=PNG_COMPRESSION, strip=True)
    return image.webpsave_buffer(Q=WEBP_QUALITY, strip=True)


# -- ingest --------------------------------------------------------------------------------


def convert_to_pyramid(
    source: Path, dest: Path, *, tile_size: int = 256, quality: int | None = None
) -> ImageMeta:
    """Write `source` as a pyramidal tiled TIFF (JPEG tiles, sRGB or gray, no alpha).

    Ingest's own conversion (harvesters.ingest.write_pyramid), read back as served.
    """
    from harvesters.ingest import PYRAMID_QUALITY, write_pyramid

    write_pyramid(source, dest, tile_size=tile_size, quality=quality or PYRAMID_QUALITY)
    return read_meta(dest)
