"""Where an image identifier's file is: `ImageSource` and the folder implementation.

Identifiers are opaque ids (for now, a file name without its extension in one images
folder). Anything that could reach outside that folder is refused before the file
system is touched: percent-encoding is decoded first, then `/`, `\\`, `..`, NUL and other
control characters, a leading dot and anything outside a small safe alphabet are errors.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from iiif.image_api import BadRequest

MAX_IDENTIFIER_CHARS = 200
# Letters, digits and - _ . : ~ (':' as in record ids "source:local-id").
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:~-]*")
# Tried in this order: the pyramidal TIFF made at ingest first.
EXTENSIONS = (".tif", ".tiff", ".jpg", ".jpeg", ".png", ".webp")


class ImageSource(Protocol):
    def resolve(self, identifier: str) -> Path | None:
        """The file holding `identifier`'s image, None if there is none (404).

        Raises BadRequest for identifiers that can never be valid.
        """


def check_identifier(identifier: str) -> str:
    """The identifier, percent-decoded, or BadRequest saying what is wrong with it."""
    decoded = unquote(identifier)
    if not decoded:
        raise BadRequest("the image identifier is empty")
    if len(decoded) > MAX_IDENTIFIER_CHARS:
        raise BadRequest(f"the image identifier is longer than {MAX_IDENTIFIER_CHARS} characters")
    if "/" in decoded or "\\" in decoded or ".." in decoded:
        raise BadRequest("the image identifier must not contain '/', '\\' or '..'")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in decoded):
        raise BadRequest("the image identifier must not contain control characters")
    if not _SAFE.fullmatch(decoded):
        raise BadRequest(
            "the image identifier may contain only letters, digits and - _ . : ~, "
            "and must start with a letter or digit"
        )
    return decoded


class FolderImageSource:
    """Identifier `abc` is the file `abc.tif` (or .tiff, .jpg, .jpeg, .png, .webp) in `root`."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def resolve(self, identifier: str) -> Path | None:
        name = check_identifier(identifier)
        for ext in EXTENSIONS:
            path = self.root / f"{name}{ext}"
            # The safe alphabet keeps `path` directly inside root; say so for the reader.
            assert path.parent == self.root
            if path.is_file():
                return path
        return None
