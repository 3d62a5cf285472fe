"""MARC harvesting with pymarc: ISO 2709 (UTF-8 or MARC-8) and MARCXML, streamed.

A source URL is a file, a folder of files, or an http(s) URL. Records are read
one at a time (memory stays flat however large the file) and saved in batches.
ISO 2709 is split on the record terminator, so one broken record is recorded and
skipped and the reader finds its footing again at the next one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

import pymarc
from lxml import etree

from harvesters.errors import HarvestFailed
from harvesters.http import RetryPolicy, new_session, request_with_retries
from harvesters.marcxml import element_to_marc
from harvesters.xml import XmlError, check_no_dtd, localname

RECORD_TERMINATOR = b"\x1d"
MARC_SUFFIXES = (".mrc", ".marc", ".dat", ".iso", ".iso2709", ".xml", ".marcxml")
BLOCK = 1 << 16


@dataclass
class MarcEntry:
    """One record read from a file: parsed, or not, with where it was and why."""

    position: str
    raw: bytes
    raw_format: str  # "marc21" | "marcxml"
    marc: pymarc.Record | None
    error: str = ""


@dataclass
class MarcFile:
    label: str  # what positions are reported against
    path: Path
    modified: datetime


def iter_chunks(fh: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(byte offset, record bytes) for each terminated record; a truncated tail included."""
    offset, buffer = 0, b""
    while block := fh.read(BLOCK):
        buffer += block
        start = 0
        while (end := buffer.find(RECORD_TERMINATOR, start)) != -1:
            yield offset, buffer[start : end + 1]
            offset += end + 1 - start
            start = end + 1
        buffer = buffer[start:]
    if buffer.strip():
        yield offset, buffer


def read_iso2709(fh: BinaryIO, label: str) -> Iterator[MarcEntry]:
    for number, (offset, chunk) in enumerate(iter_chunks(fh), start=1):
        position = f"{label}, record {number} (byte {offset})"
        yield _parse_chunk(chunk, position)


def _parse_chunk(chunk: bytes, position: str) -> MarcEntry:
    chunk = chunk.lstrip(b"\r\n")
    if not chunk.endswith(RECORD_TERMINATOR):
        return MarcEntry(position, chunk, "marc21", None, "truncated record (no record terminator)")
    if not chunk[:5].isdigit() or int(chunk[:5]) != len(chunk):
        declared = chunk[:5].decode("ascii", "replace")
        reason = f"record length in leader ({declared!r}) does not match its {len(chunk)} bytes"
        return MarcEntry(position, chunk, "marc21", None, reason)
    try:
        record = pymarc.Record(chunk, to_unicode=True, utf8_handling="strict")
    except UnicodeDecodeError as exc:
        return MarcEntry(position, chunk, "marc21", None, f"invalid UTF-8: {exc}")
    except Exception as exc:  # noqa: BLE001 — pymarc raises many kinds for bad structure
        return MarcEntry(position, chunk, "marc21", None, f"{type(exc).__name__}: {exc}")
    return MarcEntry(position, chunk, "marc21", record)


def read_marcxml(fh: BinaryIO, label: str) -> Iterator[MarcEntry]:
    """Stream <record> elements. A syntax error ends the file (XML cannot resync), but
    every record completed before it is yielded first: a pull parser keeps them."""
    parser = etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=True,
    )
    state = {"number": 0, "checked": False}
    try:
        while block := fh.read(BLOCK):
            parser.feed(block)
            yield from _marcxml_events(parser, label, state)
        parser.close()
        yield from _marcxml_events(parser, label, state)
    except (etree.XMLSyntaxError, XmlError) as exc:
        position = f"{label}, after record {state['number']}"
        raise HarvestFailed(f"MARCXML is not well-formed: {exc}", position=position) from exc


def _marcxml_events(parser: etree.XMLPullParser, label: str, state: dict) -> Iterator[MarcEntry]:
    for event, element in parser.read_events():
        if not state["checked"]:
            check_no_dtd(element.getroottree())
            state["checked"] = True
        if event != "end" or localname(element) != "record":
            continue
        state["number"] += 1
        raw = etree.tostring(element, encoding="utf-8")
        position = f"{label}, record {state['number']}"
        try:
            yield MarcEntry(position, raw, "marcxml", element_to_marc(element))
        except (ValueError, TypeError) as exc:
            yield MarcEntry(position, raw, "marcxml", None, f"bad MARCXML record: {exc}")
        element.clear(keep_tail=False)
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]


def read_file(path: Path, label: str) -> Iterator[MarcEntry]:
    with path.open("rb") as fh:
        head = fh.read(512).lstrip()
        fh.seek(0)
        if path.suffix.lower() in (".xml", ".marcxml") or head.startswith(b"<"):
            yield from read_marcxml(fh, label)
        else:
            yield from read_iso2709(fh, label)


def local_files(location: str, since: datetime | None) -> list[MarcFile]:
    """The files of a file or folder source changed after `since` (all when None)."""
    path = Path(location).expanduser()
    if not path.exists():
        raise HarvestFailed(f"MARC source not found: {path}")
    if path.is_dir():
        paths = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MARC_SUFFIXES
        )
    else:
        paths = [path]
    files = [MarcFile(str(p), p, datetime.fromtimestamp(p.stat().st_mtime, UTC)) for p in paths]
    return [f for f in files if since is None or f.modified > since]


@dataclass
class Download:
    file: MarcFile | None  # None: not modified since the last harvest
    cleanup: Path | None


def download(url: str, policy: RetryPolicy, since: datetime | None) -> Download:
    """Fetch a MARC file over HTTP(S) to a temporary file, asking only if it changed."""
    headers = {"If-Modified-Since": format_datetime(since, usegmt=True)} if since else {}
    session = new_session()
    response = request_with_retries(session, "GET", url, policy, headers=headers, stream=True)
    if response.status_code == 304:
        return Download(None, None)
    fd, name = tempfile.mkstemp(prefix="thuvien-marc-", suffix=Path(urlparse(url).path).suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            for block in response.iter_content(BLOCK):
                out.write(block)
    except Exception as exc:
        Path(name).unlink(missing_ok=True)
        raise HarvestFailed(f"download of {url} broke off: {exc}") from exc
    modified = datetime.now(UTC)
    with contextlib.suppress(TypeError, ValueError):
        modified = parsedate_to_datetime(response.headers.get("Last-Modified", ""))
    return Download(MarcFile(url, Path(name), modified), Path(name))


def is_url(location: str) -> bool:
    return urlparse(location).scheme in ("http", "https")
