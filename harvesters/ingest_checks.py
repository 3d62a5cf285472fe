"""What ingest checks before it keeps a copy: where an object is, and what its bytes are.

A record's location is untrusted text from another library's system, so it is resolved
against its source with every way out of the source refused; a file's kind is read from
its bytes, since extensions and Content-Type headers lie. Each refusal is an
`IngestError` whose reason a librarian can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

from catalogue.record import DigitalObject
from catalogue.sources import Source


class IngestError(Exception):
    """One object that could not be ingested, with the reason a librarian can act on."""


# -- where an object is ------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """A resolved object location: a URL to fetch or a local file to copy."""

    url: str = ""
    path: Path | None = None


def is_http(value: str) -> bool:
    """An http(s) URL (any case), as opposed to a path relative to the source."""
    return urlparse(value).scheme.lower() in ("http", "https")


def _relative_parts(location: str) -> list[str]:
    """The segments of a relative path, or IngestError if it could leave its base."""
    decoded = unquote(location)
    if "\\" in decoded or "\x00" in decoded:
        raise IngestError(f"refused path {location!r}: backslashes and NUL are not allowed")
    if decoded.startswith("/") or (len(decoded) > 1 and decoded[1] == ":"):
        raise IngestError(f"refused path {location!r}: absolute paths are not allowed")
    parts = [p for p in PurePosixPath(decoded).parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise IngestError(f"refused path {location!r}: it points outside the source's folder")
    return parts


def resolve_location(location: str, source: Source) -> Location:
    """Where `location` (as the record gives it) is, for this source; IngestError if nowhere."""
    location = location.strip()
    if not location:
        raise IngestError("the object has no location")
    scheme = urlparse(location).scheme.lower()
    if scheme in ("http", "https"):
        return Location(url=location)
    if scheme and len(scheme) > 1:  # a one-letter "scheme" is a Windows drive
        raise IngestError(f"refused location {location!r}: only http and https are fetched")
    parts = _relative_parts(location)
    if source.type == "oai" or is_http(source.url):
        return Location(url=urljoin(source.url, "/".join(parts)))
    base = Path(source.url).expanduser()
    folder = (base if base.is_dir() else base.parent).resolve()
    candidate = folder.joinpath(*parts)
    try:
        real = candidate.resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        raise IngestError(f"file not found: {location} (in {folder})") from None
    except (OSError, RuntimeError) as exc:  # symlink loops
        raise IngestError(f"cannot read {location}: {exc}") from None
    if not real.is_relative_to(folder):
        raise IngestError(
            f"refused path {location!r}: it points outside the source's folder (a link)"
        )
    if not real.is_file():
        raise IngestError(f"not a file: {location}")
    return Location(path=real)


# -- what a file is -----------------------------------------------------------------------


def sniff_mime(head: bytes) -> str:
    """The media type from the file's first bytes ('' if not recognised).

    Extensions and Content-Type headers lie (an error page served as page-001.jpg);
    the bytes do not.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "image/tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n") or head.startswith(b"\xff\x4f\xff\x51"):
        return "image/jp2"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return "audio/mpeg"  # ID3 tag, or an MPEG audio frame sync (layer I-III)
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "audio/mp4" if brand in (b"M4A ", b"M4B ", b"M4P ") else "video/mp4"
    if head.startswith(b"PK\x03\x04") and b"mimetypeapplication/epub+zip" in head[:80]:
        return "application/epub+zip"
    text = head.lstrip()[:512].lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:200]:
        return "text/html"
    if text.startswith(b"<?xml"):
        return "application/xml"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return "text/plain"


# Kinds an object may be, by the sniffed media type's major part (or the type itself).
KIND_TYPES = {
    "image": ("image/",),
    "audio": ("audio/",),
    "pdf": ("application/pdf",),
    "text": ("text/", "application/pdf", "application/epub+zip"),
}


def check_kind(kind: str, mime: str, location: str) -> None:
    """IngestError unless the bytes are the kind the record says (an image, audio…)."""
    wanted = KIND_TYPES.get(kind)
    if wanted is None or mime.startswith(wanted):
        return
    found = mime or "unrecognised bytes"
    raise IngestError(f"not {_kind_name(kind)}: {location} holds {found}")


def _kind_name(kind: str) -> str:
    return {"image": "an image", "audio": "audio", "pdf": "a PDF", "text": "a text"}.get(kind, kind)


def measure(path: Path, obj: DigitalObject) -> DigitalObject:
    """Width/height of an image, duration of audio; IngestError if the file cannot be read."""
    if obj.mime_type.startswith("image/"):
        import pyvips

        try:
            image = pyvips.Image.new_from_file(str(path), access="sequential")
        except pyvips.Error as exc:
            raise IngestError(f"the image cannot be read: {first_line(exc)}") from None
        return replace(obj, width=image.width, height=image.height)
    if obj.mime_type.startswith("audio/"):
        import mutagen

        try:
            audio = mutagen.File(str(path))
        except Exception as exc:  # noqa: BLE001 — mutagen raises many kinds
            raise IngestError(f"the audio cannot be read: {first_line(exc)}") from None
        if audio is None or not getattr(audio.info, "length", 0):
            raise IngestError("the audio cannot be read: no stream or no duration found")
        return replace(obj, duration=round(float(audio.info.length), 3))
    return obj


def first_line(exc: BaseException) -> str:
    """A library's error message cut to one line, to fit a run's error list."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
