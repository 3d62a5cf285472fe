"""Ingested page scans as IIIF images: the identifier scheme and the image source.

Identifier of the n-th page image of a record (n from 1, the record's image objects
in their `order`):

    {record id}~{n}            hanoi-library:10001~3
    b64.{base64url(id)}~{n}    for record ids with characters outside the safe alphabet
                               (letters, digits, - _ . : ~), e.g. a local id with a
                               space, a slash or a Vietnamese letter

A record id always contains ':', a base64url token never does, so the two never clash.
Identifiers are stable while the record keeps its pages; they name a page of a record
(not a file), because access is decided per record. The file served is the pyramidal
TIFF ingest made for large scans, else the stored copy itself; both live under the
data directory, and a stored path that would lead outside it is refused.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from pathlib import Path

from catalogue.record import DigitalObject, Record
from harvesters.ingest import pyramid_path
from iiif.source import ImageSource, check_identifier

_SAFE_RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:~-]*")
_PAGE = re.compile(r"[1-9][0-9]{0,5}")
B64_PREFIX = "b64."


def image_identifier(record_id: str, page: int) -> str:
    """The IIIF identifier of a record's page image (page counted from 1)."""
    if _SAFE_RECORD_ID.fullmatch(record_id) and ":" in record_id:
        token = record_id
    else:
        token = B64_PREFIX + base64.urlsafe_b64encode(record_id.encode()).decode().rstrip("=")
    return f"{token}~{page}"


def parse_image_identifier(identifier: str) -> tuple[str, int] | None:
    """(record id, page) of a page identifier; None for anything else (folder images)."""
    token, sep, page = identifier.rpartition("~")
    if not sep or not token or not _PAGE.fullmatch(page):
        return None
    if ":" in token:
        return token, int(page)
    if not token.startswith(B64_PREFIX):
        return None
    encoded = token.removeprefix(B64_PREFIX)
    try:
        record_id = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (record_id, int(page)) if ":" in record_id else None


def page_images(record: Record) -> list[DigitalObject]:
    """The record's page images that ingest stored, in page order."""
    images = [o for o in record.digital_objects if o.kind == "image" and o.stored_path]
    return sorted(images, key=lambda o: o.order)


def image_file(data_dir: Path, obj: DigitalObject) -> Path | None:
    """The file to serve for a stored image: its pyramid if made, else the copy."""
    root = data_dir.resolve()
    for relative in (pyramid_path(obj.stored_path), obj.stored_path):
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            return None
        if path.is_file():
            return path
    return None


class RecordImageSource:
    """Page identifiers → stored files, through the catalogue (`get_record`)."""

    def __init__(self, get_record: Callable[[str], Record | None], data_dir: Path) -> None:
        self.get_record = get_record
        self.data_dir = Path(data_dir)

    def resolve(self, identifier: str) -> Path | None:
        parsed = parse_image_identifier(check_identifier(identifier))
        if parsed is None:
            return None
        record_id, page = parsed
        record = self.get_record(record_id)
        if record is None or record.deleted:
            return None
        images = page_images(record)
        if page > len(images):
            return None
        return image_file(self.data_dir, images[page - 1])


class ChainedImageSource:
    """The first source that has the image."""

    def __init__(self, *sources: ImageSource) -> None:
        self.sources = sources

    def resolve(self, identifier: str) -> Path | None:
        for source in self.sources:
            found = source.resolve(identifier)
            if found is not None:
                return found
        return None
