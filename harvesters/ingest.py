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

This module runs the ingest; its parts live beside it: `ingest_checks` (where an object
is, what its bytes are), `stored_copies` (the layout under the data directory, the
pyramids) and `fixity` (re-hashing the copies later).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import requests

from catalogue.record import DigitalObject
from catalogue.settings import HarvestSettings
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.store_objects import StoredObject
from harvesters.crosswalk.vocab import has_file_extension
from harvesters.fixity import verify_fixity
from harvesters.http import USER_AGENT
from harvesters.ingest_checks import (
    IngestError,
    check_kind,
    first_line,
    is_http,
    measure,
    resolve_location,
    sniff_mime,
)
from harvesters.stored_copies import (
    CHUNK,
    OBJECTS_DIR,
    PYRAMID_MIN_SIDE,
    PYRAMID_QUALITY,
    pyramid_path,
    stored_path_for,
    write_pyramid,
)

# PYRAMID_QUALITY, pyramid_path, write_pyramid and verify_fixity live in stored_copies and
# fixity; iiif and the `thuvien` command import them from here.
__all__ = [
    "PYRAMID_QUALITY",
    "IngestError",
    "IngestLimits",
    "IngestReport",
    "Ingester",
    "pyramid_path",
    "verify_fixity",
    "write_pyramid",
]

log = logging.getLogger(__name__)


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
        if is_http(obj.location) or self.source.type == "oai" or is_http(self.source.url):
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
            check_kind(obj.kind, mime, obj.location)
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
            raise IngestError(f"the image cannot be converted: {first_line(exc)}") from None

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
            raise IngestError(f"cannot fetch {url}: {first_line(exc)}") from None
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
                raise IngestError(f"fetching {url} broke off: {first_line(exc)}") from None
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
