"""Serve a stored JPEG tile of a pyramidal TIFF as it is, without decoding it.

A pyramidal TIFF made at ingest (harvesters.ingest.write_pyramid) keeps every level as
JPEG-compressed tiles. When an Image API request is exactly one of those tiles — the
region on the tile grid of a level, the size the tile's, no rotation or mirroring, the
image's own quality, JPEG out — its bytes are already the answer: `stored_tile` reads
them and makes them a complete JPEG (the TIFF keeps the quantisation and Huffman tables
once, in its JPEGTables tag) instead of decoding and re-encoding. Everything else, and
any file this module does not fully understand, gets None and is rendered as usual.

Pyramid levels as libvips writes them halve at each page (rounding down), so pixel `i`
of the level with scale factor `s` is the mean of full-resolution pixels
`[s·i, s·(i + 1))`: a tile of that level is exactly the region `s·tile` wide.

The TIFF's directory (tile offsets and byte counts per page) is read once per file
version; open files are kept in a small per-process LRU, read with os.pread (no shared
file position, so threads need no lock).
"""

from __future__ import annotations

import math
import os
import struct
import threading
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from iiif.image_api import Plan
from iiif.render import ImageMeta

# TIFF tags read here.
_WIDTH, _LENGTH, _BITS, _COMPRESSION, _PHOTOMETRIC = 256, 257, 258, 259, 262
_SAMPLES, _PLANAR = 277, 284
_TILE_WIDTH, _TILE_LENGTH, _TILE_OFFSETS, _TILE_BYTE_COUNTS = 322, 323, 324, 325
_JPEG_TABLES = 347
_COMPRESSION_JPEG = 7  # "new-style" JPEG: each tile an (abbreviated) JPEG stream
_RGB, _MIN_IS_BLACK, _YCBCR = 2, 1, 6
# TIFF field types: size in bytes and struct code.
_TYPES = {1: (1, "B"), 3: (2, "H"), 4: (4, "I"), 7: (1, "B"), 16: (8, "Q"), 18: (8, "Q")}
MAX_PAGES = 64
# Tile sizes worth advertising (smaller means too many requests, larger too much each).
MIN_TILE, MAX_TILE = 128, 1024
MAX_TILE_BYTES = 16 * 1024 * 1024

SOI, EOI = b"\xff\xd8", b"\xff\xd9"
# The tiles of an RGB TIFF are JPEG streams without colour transform; an Adobe APP14
# marker with transform 0 says so to every decoder (libjpeg would guess it from the
# component ids R, G, B; others might not).
ADOBE_RGB = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x00"
# YCbCr and gray tiles are ordinary JFIF data: say so with a JFIF APP0 (1:1 aspect).
JFIF = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


@dataclass(frozen=True)
class TiledPage:
    """One JPEG-tiled page (pyramid level) of a TIFF: where its tiles are."""

    width: int
    height: int
    tile_width: int
    tile_height: int
    offsets: Sequence[int]  # compact arrays: a large scan has tens of thousands of tiles
    byte_counts: Sequence[int]
    header: bytes  # SOI, a colour marker, the JPEGTables' tables: what each tile lacks

    @property
    def tiles_across(self) -> int:
        return math.ceil(self.width / self.tile_width)


@dataclass(frozen=True)
class TiledPyramid:
    """The pages of a TIFF, in file order; None for a page that is not JPEG tiles."""

    pages: tuple[TiledPage | None, ...]
    file_bytes: int


def stored_tile(meta: ImageMeta, plan: Plan) -> bytes | None:
    """The JPEG the plan asks for, copied from the file's stored tile; None if it is not one."""
    if not meta.tiled or plan.format != "jpg" or plan.degrees or plan.mirror:
        return None
    if plan.quality != ("color" if meta.color else "gray"):
        return None
    if plan.w % plan.width or plan.h % plan.height:
        return None
    scale = plan.w // plan.width
    if plan.h // plan.height != scale or scale & (scale - 1):  # a power of two
        return None
    pyramid = read_pyramid(meta)
    if pyramid is None:
        return None
    page = _page_for_scale(meta, pyramid, scale)
    if page is None or (plan.width, plan.height) != (page.tile_width, page.tile_height):
        return None
    step_x, step_y = page.tile_width * scale, page.tile_height * scale
    if plan.x % step_x or plan.y % step_y:
        return None
    column, row = plan.x // step_x, plan.y // step_y
    # Only whole tiles: an edge tile is padded out to the tile size in the file.
    if (column + 1) * page.tile_width > page.width or (row + 1) * page.tile_height > page.height:
        return None
    index = row * page.tiles_across + column
    if index >= len(page.offsets) or index >= len(page.byte_counts):
        return None
    offset, count = page.offsets[index], page.byte_counts[index]
    if count < 4 or count > MAX_TILE_BYTES or offset + count > pyramid.file_bytes:
        return None
    data = _read(meta, offset, count)
    if data is None or data[:2] != SOI or data[-2:] != EOI:
        return None
    return page.header + data[2:]


def _page_for_scale(meta: ImageMeta, pyramid: TiledPyramid, scale: int) -> TiledPage | None:
    """The pyramid level holding the image at 1/scale, rounded down as libvips does."""
    for level in meta.levels:
        if level.page >= len(pyramid.pages):
            return None
        if (level.width, level.height) == (meta.width // scale, meta.height // scale):
            page = pyramid.pages[level.page]
            if page is None or (page.width, page.height) != (level.width, level.height):
                return None
            return page
    return None


def tile_size(meta: ImageMeta) -> int | None:
    """The square tile size of a JPEG-tiled pyramid (to advertise in info.json), else None.

    Viewers then ask for exactly the stored tiles, which `stored_tile` serves as they are.
    """
    if not meta.tiled:
        return None
    pyramid = read_pyramid(meta)
    first = pyramid.pages[0] if pyramid is not None else None
    if first is None or first.tile_width != first.tile_height:
        return None
    return first.tile_width if MIN_TILE <= first.tile_width <= MAX_TILE else None


# -- reading the TIFF's directories -----------------------------------------------------------


def read_pyramid(meta: ImageMeta) -> TiledPyramid | None:
    """The tile directory of `meta`'s file (read once per file version)."""
    return _read_pyramid(meta.path, meta.mtime_ns, meta.bytes)


@lru_cache(maxsize=64)
def _read_pyramid(path: Path, mtime_ns: int, size: int) -> TiledPyramid | None:
    try:
        with open(path, "rb") as f:
            stat = os.fstat(f.fileno())
            if (stat.st_mtime_ns, stat.st_size) != (mtime_ns, size):
                return None  # replaced meanwhile: the next request reads the new one
            pages = _read_pages(f, size)
    except (OSError, ValueError, struct.error):
        return None
    if not pages:
        return None
    return TiledPyramid(tuple(pages), size)


def _read_pages(f: BinaryIO, size: int) -> list[TiledPage | None]:
    head = f.read(16)
    if head[:2] == b"II":
        order = "<"
    elif head[:2] == b"MM":
        order = ">"
    else:
        return []
    (magic,) = struct.unpack(order + "H", head[2:4])
    if magic == 42:
        big = False
        (offset,) = struct.unpack(order + "I", head[4:8])
    elif magic == 43:
        big = True
        (offset,) = struct.unpack(order + "Q", head[8:16])
    else:
        return []
    pages: list[TiledPage | None] = []
    seen: set[int] = set()
    while offset and len(pages) < MAX_PAGES:
        if offset in seen or offset >= size:
            break
        seen.add(offset)
        tags, offset = _read_ifd(f, order, big, offset, size)
        pages.append(_tiled_page(tags))
    return pages


def _read_ifd(
    f: BinaryIO, order: str, big: bool, offset: int, size: int
) -> tuple[dict[int, tuple[int, ...] | bytes], int]:
    """One directory's tags (only those read here) and the next directory's offset."""
    wanted = {
        _WIDTH,
        _LENGTH,
        _BITS,
        _COMPRESSION,
        _PHOTOMETRIC,
        _SAMPLES,
        _PLANAR,
        _TILE_WIDTH,
        _TILE_LENGTH,
        _TILE_OFFSETS,
        _TILE_BYTE_COUNTS,
        _JPEG_TABLES,
    }
    count_format, entry_size, inline = ("Q", 20, 8) if big else ("H", 12, 4)
    f.seek(offset)
    (count,) = struct.unpack(order + count_format, f.read(8 if big else 2))
    if count > 4096:
        raise ValueError("too many TIFF tags")
    entries = f.read(count * entry_size)
    next_format = "Q" if big else "I"
    (next_offset,) = struct.unpack(order + next_format, f.read(8 if big else 4))
    tags: dict[int, tuple[int, ...] | bytes] = {}
    for i in range(count):
        entry = entries[i * entry_size : (i + 1) * entry_size]
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag not in wanted or kind not in _TYPES:
            continue
        n = struct.unpack(order + ("Q" if big else "I"), entry[4 : 4 + (inline)])[0]
        item_size, code = _TYPES[kind]
        length = n * item_size
        if length > inline:
            (where,) = struct.unpack(order + next_format, entry[4 + inline :])
            if where + length > size:
                raise ValueError("a TIFF tag points past the end of the file")
            f.seek(where)
            raw = f.read(length)
        else:
            raw = entry[4 + inline : 4 + inline + length]
        if tag == _JPEG_TABLES:
            tags[tag] = bytes(raw)
        else:
            tags[tag] = struct.unpack(f"{order}{n}{code}", raw)
    return tags, next_offset


def _tiled_page(tags: dict[int, tuple[int, ...] | bytes]) -> TiledPage | None:
    """The page if its tiles can be served as they are: 8-bit JPEG, one plane."""

    def one(tag: int, default: int | None = None) -> int | None:
        value = tags.get(tag)
        return value[0] if isinstance(value, tuple) and value else default

    samples = one(_SAMPLES, 1)
    photometric = one(_PHOTOMETRIC)
    bits = tags.get(_BITS, (1,))
    if (
        one(_COMPRESSION) != _COMPRESSION_JPEG
        or one(_PLANAR, 1) != 1
        or not isinstance(bits, tuple)
        or any(b != 8 for b in bits)
        or (photometric, samples) not in ((_RGB, 3), (_YCBCR, 3), (_MIN_IS_BLACK, 1))
    ):
        return None
    width, height = one(_WIDTH), one(_LENGTH)
    tile_width, tile_height = one(_TILE_WIDTH), one(_TILE_LENGTH)
    offsets, counts = tags.get(_TILE_OFFSETS), tags.get(_TILE_BYTE_COUNTS)
    if not (width and height and tile_width and tile_height):
        return None
    if not isinstance(offsets, tuple) or not isinstance(counts, tuple):
        return None
    tables = tags.get(_JPEG_TABLES, b"")
    if tables:
        if not isinstance(tables, bytes) or tables[:2] != SOI or tables[-2:] != EOI:
            return None
        tables = tables[2:-2]
    colour = ADOBE_RGB if photometric == _RGB else JFIF
    return TiledPage(
        width=width,
        height=height,
        tile_width=tile_width,
        tile_height=tile_height,
        offsets=array("Q", offsets),
        byte_counts=array("Q", counts),
        header=SOI + colour + bytes(tables),
    )


# -- open files ---------------------------------------------------------------------------------

MAX_OPEN_FILES = 32
_open_files: OrderedDict[tuple[Path, int, int], BinaryIO] = OrderedDict()
_open_lock = threading.Lock()


def _read(meta: ImageMeta, offset: int, count: int) -> bytes | None:
    """`count` bytes at `offset` of the file, if it is still the version `meta` describes."""
    f = _opened(meta)
    if f is None:
        return None
    try:
        data = os.pread(f.fileno(), count, offset)
    except (OSError, ValueError):
        return None
    return data if len(data) == count else None


def _opened(meta: ImageMeta) -> BinaryIO | None:
    """The file, open; kept open for the next tile (at most MAX_OPEN_FILES of them).

    A file dropped from the list is closed when the last request reading it lets go
    (reference counting), never under a reader's feet.
    """
    key = (meta.path, meta.mtime_ns, meta.bytes)
    with _open_lock:
        f = _open_files.get(key)
        if f is not None:
            _open_files.move_to_end(key)
            return f
    try:
        f = open(meta.path, "rb", buffering=0)  # noqa: SIM115 — kept open on purpose
    except OSError:
        return None
    stat = os.fstat(f.fileno())
    if (stat.st_mtime_ns, stat.st_size) != (meta.mtime_ns, meta.bytes):
        f.close()
        return None
    with _open_lock:
        f = _open_files.setdefault(key, f)
        _open_files.move_to_end(key)
        while len(_open_files) > MAX_OPEN_FILES:
            _open_files.popitem(last=False)
    return f
