"""Stored copies: where ingest keeps each file under the data directory, and its derivatives.

Copies are content-addressed (named by SHA-256), so a file two libraries both hold is
kept once and a fixity check reads it once. The pyramidal TIFF
made from a large image sits next to its copy and can always be made again from it.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path, PurePosixPath

OBJECTS_DIR = "objects"
# Images with a longer side than this are also kept as a pyramidal tiled TIFF, so the
# IIIF server never decodes a whole large scan for one tile.
PYRAMID_MIN_SIDE = 2048
PYRAMID_SUFFIX = ".pyramid.tif"
CHUNK = 256 * 1024
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/tiff": "tif",
    "image/webp": "webp",
    "image/jp2": "jp2",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/flac": "flac",
    "audio/wav": "wav",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
    "application/pdf": "pdf",
    "application/epub+zip": "epub",
    "text/html": "html",
    "text/plain": "txt",
    "application/xml": "xml",
}


def stored_path_for(sha256: str, mime: str) -> str:
    """Where the copy with this checksum lives, relative to the data directory."""
    ext = EXTENSIONS.get(mime, "bin")
    return f"{OBJECTS_DIR}/{sha256[:2]}/{sha256}.{ext}"


def pyramid_path(stored_path: str) -> str:
    """The pyramidal TIFF made from a stored image (relative to the data directory)."""
    return str(PurePosixPath(stored_path).with_suffix("")) + PYRAMID_SUFFIX


PYRAMID_QUALITY = 85  # below 90 libvips writes YCbCr 4:2:0: tiles a third the size


def write_pyramid(
    source: Path, dest: Path, *, tile_size: int = 256, quality: int = PYRAMID_QUALITY
) -> None:
    """Write `source` as a pyramidal tiled TIFF (JPEG tiles, sRGB or gray, no alpha).

    Written to a temporary name and renamed, so a reader never sees half a file. The
    IIIF server sends a stored tile's bytes as they are, so the tiles' quality is what
    readers download: 85, as image servers commonly default to.
    """
    import pyvips

    image = pyvips.Image.new_from_file(str(source), access="sequential")
    image = image.autorot() if image.get_typeof("orientation") else image
    if image.get_typeof("icc-profile-data"):
        image = image.icc_transform("srgb")
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    if image.interpretation in ("b-w", "grey16") or image.bands < 3:
        image = image.colourspace("b-w") if image.interpretation != "b-w" else image
    elif image.interpretation != "srgb":
        image = image.colourspace("srgb")
    if image.format != "uchar":
        image = image.cast("uchar")
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Unique per call: sources are harvested in parallel threads, and two libraries may
    # hold the same scan (one checksum, one pyramid).
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        image.tiffsave(
            str(tmp),
            tile=True,
            tile_width=tile_size,
            tile_height=tile_size,
            pyramid=True,
            compression="jpeg",
            Q=quality,
            bigtiff=image.width * image.height * image.bands > 2**31,
            strip=True,
        )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
