"""Ingest: thuvien's own copy of every digital object a harvested record names.

After a page of records is saved, each object of each live record is fetched from where
its library says it is, checksummed (SHA-256), sniffed, measured and stored under the
data directory, content-addressed, so readers never depend on the library's server:

    objects/ab/ab12…ef.jpg           the file as received (what fixity checks verify)
    objects/ab/ab12…ef.pyramid.tif   for large images: the pyramidal tiled TIFF the IIIF
                                     image server reads (a derivative, re-makeable)

Where an object is (`resolve_location`):
- an http(s) URL: fetched with a timeout, a size cap and a bounded number of redirects;
- a relative path: against the source — a MARC file or folder source's own folder (the
  path must stay inside it: no `..`, no absolute paths, no symlink out), an http(s) MARC
  source's URL or an OAI-PMH base URL (as a browser resolves a relative link).
Anything else (ftp:, file:, javascript:, …) is refused. Links to web pages (kind "text"
with no file extension or type: a repository's landing page) are left as links.

A failure (404, timeout, not what the record says it is, too big, outside the folder) is
recorded against the harvest run with the record's id, and the record stays loaded.
Objects already ingested are not fetched again (a local file is re-read only when it
changed after its ingest); a failed object is tried again whenever its record is
harvested again (every record is, with `thuvien harvest --full`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

import requests

from catalogue.record import DigitalObject
from catalogue.settings import HarvestSettings
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.store_objects import StoredObject
from harvesters.crosswalk.vocab import has_file_extension
from harvesters.http import USER_AGENT

log = logging.getLogger(__name__)

OBJECTS_DIR = "objects"
# Images with a longer side than this are also kept as a pyramidal tiled TIFF, so the
# IIIF server never decodes a whole large scan for one tile.
PYRAMID_MIN_SIDE = 2048
PYRAMID_SUFFIX = ".pyramid.tif"
CHUNK = 256 * 1024
# Kinds an object may be, by the sniffed media type's major part (or the type itself).
KIND_TYPES = {
    "image": ("image/",),
    "audio": ("audio/",),
    "pdf": ("application/pdf",),
    "text": ("text/", "application/pdf", "application/epub+zip"),
}
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


class IngestError(Exception):
    """One object that could not be ingested, with the reason a librarian can act on."""


@dataclass(frozen=True)
class IngestLimits:
    max_bytes: int = 1_000_000_000
    timeout: float = 60
    max_redirects: int = 5

    @classmethod
    def from_settings(cls, settings: HarvestSettings) -> IngestLimits:
        return cls(
            max_bytes=settings.object_max_bytes,
            timeout=settings.object_timeout,
            max_redirects=settings.object_max_redirects,
        )


@dataclass
class IngestReport:
    ingested: int = 0
    kept: int = 0  # already ingested, not fetched again
    failed: int = 0
    links: int = 0  # links to web pages (a repository's landing page), not files


# -- where an object is ------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """A resolved object location: a URL to fetch or a local file to copy."""

    url: str = ""
    path: Path | None = None


def _is_http(value: str) -> bool:
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
    if source.type == "oai" or _is_http(source.url):
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


def _check_kind(kind: str, mime: str, location: str) -> None:
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
            raise IngestError(f"the image cannot be read: {_first_line(exc)}") from None
        return replace(obj, width=image.width, height=image.height)
    if obj.mime_type.startswith("audio/"):
        import mutagen

        try:
            audio = mutagen.File(str(path))
        except Exception as exc:  # noqa: BLE001 — mutagen raises many kinds
            raise IngestError(f"the audio cannot be read: {_first_line(exc)}") from None
        if audio is None or not getattr(audio.info, "length", 0):
            raise IngestError("the audio cannot be read: no stream or no duration found")
        return replace(obj, duration=round(float(audio.info.length), 3))
    return obj


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- stored copies ----------------------------------------------------------------------------


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


def is_web_page(obj: DigitalObject) -> bool:
    """A link to a page (a handle, a viewer), not a file: shown as a link, never fetched."""
    return obj.kind == "text" and not obj.mime_type and not has_file_extension(obj.location)


# -- the ingester -------------------------------------------------------------------------------


class Ingester:
    """Ingests the objects of one source's records into `data_dir`."""

    def __init__(self, data_dir: Path, source: Source, limits: IngestLimits | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.source = source
        self.limits = limits or IngestLimits()
        self.session = requests.Session()
        self.session.max_redirects = self.limits.max_redirects
        self.session.headers["User-Agent"] = USER_AGENT

    @classmethod
    def for_harvest(cls, source: Source, settings: HarvestSettings) -> Ingester | None:
        """The run's ingester; None when the settings name no data directory."""
        if settings.data_dir is None:
            return None
        return cls(settings.data_dir, source, IngestLimits.from_settings(settings))

    def close(self) -> None:
        self.session.close()

    def ingest_records(self, store: Store, run_id: int, record_ids: Iterable[str]) -> IngestReport:
        """Ingest every object of these (saved) records; failures recorded on the run."""
        report = IngestReport()
        for stored in store.objects_of(list(dict.fromkeys(record_ids))):
            if is_web_page(stored.object):
                report.links += 1
                continue
            if self.is_current(stored):
                report.kept += 1
                continue
            try:
                obj = self.ingest(stored.object)
            except IngestError as exc:
                report.failed += 1
                store.record_error(
                    run_id,
                    f"digital object {stored.position + 1}: {stored.object.location}"[:300],
                    str(exc),
                    record_id=stored.record_id,
                )
                continue
            store.record_ingest(
                stored.record_id, stored.position, stored.object.location, obj, datetime.now(UTC)
            )
            report.ingested += 1
        return report

    def is_current(self, stored: StoredObject) -> bool:
        """Already ingested, its copy still there, and (for a local file) not changed since."""
        obj = stored.object
        if not obj.stored_path or not (self.data_dir / obj.stored_path).is_file():
            return False
        if _is_http(obj.location) or self.source.type == "oai" or _is_http(self.source.url):
            return True
        try:
            where = resolve_location(obj.location, self.source)
        except IngestError:
            return True  # gone at the source: keep the copy we have
        modified = datetime.fromtimestamp(where.path.stat().st_mtime, UTC)
        return stored.ingested_at is not None and modified <= stored.ingested_at

    def ingest(self, obj: DigitalObject) -> DigitalObject:
        """Fetch, check, store and measure one object; the object with what was found."""
        where = resolve_location(obj.location, self.source)
        work = self.data_dir / OBJECTS_DIR / ".incoming"
        work.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=work, suffix=".part")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                if where.url:
                    sha, size, head = self._fetch(where.url, out)
                else:
                    sha, size, head = self._copy(where.path, out)
            mime = sniff_mime(head)
            _check_kind(obj.kind, mime, obj.location)
            relative = stored_path_for(sha, mime)
            found = replace(obj, mime_type=mime, bytes=size, sha256=sha, stored_path=relative)
            found = measure(tmp, found)
            dest = self.data_dir / relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            if not dest.is_file() or dest.stat().st_size != size:
                os.replace(tmp, dest)
            self._derive(dest, found)
            return found
        finally:
            tmp.unlink(missing_ok=True)

    def _derive(self, dest: Path, obj: DigitalObject) -> None:
        """Large images: the pyramidal TIFF next to the copy (made once per checksum)."""
        if not obj.mime_type.startswith("image/") or max(obj.width or 0, obj.height or 0) <= (
            PYRAMID_MIN_SIDE
        ):
            return
        pyramid = self.data_dir / pyramid_path(obj.stored_path)
        if pyramid.is_file():
            return
        import pyvips

        try:
            write_pyramid(dest, pyramid)
        except pyvips.Error as exc:
            raise IngestError(f"the image cannot be converted: {_first_line(exc)}") from None

    def _fetch(self, url: str, out) -> tuple[str, int, bytes]:  # noqa: ANN001 — binary file
        limits = self.limits
        deadline = time.monotonic() + limits.timeout
        try:
            response = self.session.get(url, stream=True, timeout=limits.timeout)
        except requests.TooManyRedirects:
            raise IngestError(
                f"more than {limits.max_redirects} redirects fetching {url}"
            ) from None
        except requests.Timeout:
            raise IngestError(f"no answer within {limits.timeout:g}s from {url}") from None
        except requests.RequestException as exc:
            raise IngestError(f"cannot fetch {url}: {_first_line(exc)}") from None
        with response:
            if response.status_code != 200:
                raise IngestError(f"HTTP {response.status_code} from {response.url}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise IngestError(
                    f"too big: {url} is {int(declared):,} bytes (limit {limits.max_bytes:,})"
                )
            digest, size, head = hashlib.sha256(), 0, b""
            try:
                for chunk in response.iter_content(CHUNK):
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise IngestError(
                            f"too big: {url} is over the limit of {limits.max_bytes:,} bytes"
                        )
                    if time.monotonic() > deadline:
                        raise IngestError(f"{url} took longer than {limits.timeout:g}s to send")
                    if len(head) < 4096:
                        head += chunk[: 4096 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            except requests.RequestException as exc:
                raise IngestError(f"fetching {url} broke off: {_first_line(exc)}") from None
        if size == 0:
            raise IngestError(f"empty file at {url}")
        return digest.hexdigest(), size, head

    def _copy(self, path: Path, out) -> tuple[str, int, bytes]:  # noqa: ANN001 — binary file
        size = path.stat().st_size
        if size > self.limits.max_bytes:
            raise IngestError(
                f"too big: {path.name} is {size:,} bytes (limit {self.limits.max_bytes:,})"
            )
        if size == 0:
            raise IngestError(f"empty file: {path.name}")
        digest, head = hashlib.sha256(), b""
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                if len(head) < 4096:
                    head += chunk[: 4096 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        return digest.hexdigest(), size, head


# -- fixity -----------------------------------------------------------------------------------


@dataclass
class FixityProblem:
    stored_path: str
    problem: str  # "missing" | "changed"
    record_ids: list[str]
    expected: str
    found: str = ""


@dataclass
class FixityReport:
    files: int = 0
    objects: int = 0
    problems: list[FixityProblem] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_fixity(store: Store, data_dir: Path) -> FixityReport:
    """Re-hash every stored copy and compare with the SHA-256 recorded at ingest.

    Copies are content-addressed, so several objects may share one file: each file is
    read once, and a problem names every record that uses it.
    """
    expected: dict[str, tuple[str, list[str]]] = {}
    report = FixityReport(problems=[])
    for stored in store.stored_objects():
        report.objects += 1
        sha, records = expected.setdefault(stored.object.stored_path, (stored.object.sha256, []))
        if stored.record_id not in records:
            records.append(stored.record_id)
    root = Path(data_dir).resolve()
    for relative, (sha, records) in sorted(expected.items()):
        report.files += 1
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            report.problems.append(FixityProblem(relative, "missing", records, sha))
            continue
        found = file_sha256(path)
        if found != sha:
            report.problems.append(FixityProblem(relative, "changed", records, sha, found))
    return report
