"""MARC harvesting with pymarc: ISO 2709 (UTF-8 or MARC-8) and MARCXML, streamed.

A source URL is a file, a folder of files, or an http(s) URL. Records are read
one at a time (memory stays flat however large the file) and saved in batches.
ISO 2709 is split on the record terminator, so one broken record is recorded and
skipped and the reader finds its footing again at the next one.

A large file is read and crosswalked in a second process while the harvest's own
process stores what it has already been given (`file_outcomes`): on two cores the
two halves of the work overlap. The store and the run's bookkeeping never leave the
harvest's process, and the queue between the two is bounded, so memory stays flat.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing as mp
import os
import queue
import re
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

import pymarc
from lxml import etree

from catalogue.runs import HarvestedItem
from harvesters.crosswalk import CrosswalkError, marc_to_record
from harvesters.errors import HarvestFailed
from harvesters.http import RetryPolicy, new_session, request_with_retries
from harvesters.marcxml import element_to_marc
from harvesters.xml import XmlError, check_no_dtd, localname

log = logging.getLogger(__name__)

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
        yield _parse_chunk(chunk, iso2709_position(label, number, offset))


def iso2709_position(label: str, number: int, offset: int) -> str:
    return f"{label}, record {number} (byte {offset})"


def _parse_chunk(chunk: bytes, position: str) -> MarcEntry:
    chunk = chunk.lstrip(b"\r\n")
    if not chunk.endswith(RECORD_TERMINATOR):
        return MarcEntry(position, chunk, "marc21", None, "truncated record (no record terminator)")
    if not chunk[:5].isdigit() or int(chunk[:5]) != len(chunk):
        declared = chunk[:5].decode("ascii", "replace")
        reason = f"record length in leader ({declared!r}) does not match its {len(chunk)} bytes"
        return MarcEntry(position, chunk, "marc21", None, reason)
    try:
        record = decode_utf8(chunk) or pymarc.Record(chunk, to_unicode=True, utf8_handling="strict")
    except UnicodeDecodeError as exc:
        return MarcEntry(position, chunk, "marc21", None, f"invalid UTF-8: {exc}")
    except Exception as exc:  # noqa: BLE001 — pymarc raises many kinds for bad structure
        return MarcEntry(position, chunk, "marc21", None, f"{type(exc).__name__}: {exc}")
    return MarcEntry(position, chunk, "marc21", record)


def decode_utf8(chunk: bytes) -> pymarc.Record | None:
    """pymarc's own decoding of a plain UTF-8 record, at about twice its speed.

    What pymarc.Record(chunk, to_unicode=True, utf8_handling="strict") builds, field for
    field, for the common case: leader/09 "a", a sound directory, two ASCII indicators,
    ASCII subfield codes, valid UTF-8. Anything else (MARC-8, odd indicators, a broken
    directory or encoding) gives None, and pymarc decodes it itself, with its own
    warnings and errors. pymarc's per-subfield checks and constructor validation are
    what this skips; the objects are the same.
    """
    try:
        leader = chunk[:24].decode("ascii")
        base = int(chunk[12:17])
        if len(leader) != 24 or leader[9] != "a" or not 0 < base < len(chunk):
            return None
        if len(chunk) < int(leader[:5]):
            return None
        directory = chunk[24 : base - 1].decode("ascii")
        if len(directory) % 12:
            return None
        fields = []
        for start in range(0, len(directory), 12):
            tag = directory[start : start + 3]
            offset = base + int(directory[start + 7 : start + 12])
            data = chunk[offset : offset + int(directory[start + 3 : start + 7]) - 1]
            field = _new_field(Field)
            field.tag = tag
            if tag < "010" and tag.isdigit():
                field.data, field._indicators, field.subfields = data.decode("utf-8"), None, []
                field.control_field = True
            else:
                if _NON_ASCII_CODE.search(data):
                    return None  # a non-ASCII subfield code: pymarc warns and makes do
                # Decoded whole, then split: UTF-8 never has 0x1F inside a character, so
                # this is each subfield decoded on its own, as pymarc does.
                indicators, *subs = data.decode("utf-8").split("\x1f")
                if len(indicators) != 2 or not indicators.isascii():
                    return None  # pymarc warns and makes do: let it
                field.subfields = [_new_tuple(Subfield, (sub[0], sub[1:])) for sub in subs if sub]
                field.data, field.control_field = None, False
                field._indicators = Indicators(indicators[0], indicators[1])
            fields.append(field)
    except (ValueError, IndexError):  # UnicodeDecodeError included: pymarc says it best
        return None
    if not fields:
        return None  # pymarc: NoFieldsFound
    record = pymarc.Record()
    record.leader = pymarc.Leader(leader)
    record.fields = fields
    return record


Field, Indicators, Subfield = pymarc.Field, pymarc.Indicators, pymarc.Subfield
_new_field, _new_tuple = object.__new__, tuple.__new__
_NON_ASCII_CODE = re.compile(rb"\x1f[\x80-\xff]")


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
    marcxml = is_marcxml(path)
    with path.open("rb") as fh:
        yield from (read_marcxml if marcxml else read_iso2709)(fh, label)


def is_marcxml(path: Path) -> bool:
    """By name, else by content: XML starts with "<" (after any blank lines)."""
    if path.suffix.lower() in (".xml", ".marcxml"):
        return True
    with path.open("rb") as fh:
        return fh.read(512).lstrip().startswith(b"<")


def local_files(
    location: str, since: datetime | None, allowed: Sequence[Path] | None = None
) -> list[MarcFile]:
    """The files of a file or folder source changed after `since` (all when None).

    With `allowed` (resolved folders, see HarvestSettings.marc_roots), the source and
    every file found in it must resolve inside one of them: a path, a "..", or a
    symlink leading anywhere else is refused before anything is read or even looked up.
    Files are then opened by their resolved path, so a link swapped afterwards cannot
    redirect the read.
    """
    path = Path(location).expanduser()
    if allowed is not None:
        check_allowed(path, allowed, location)
    if not path.exists():
        raise HarvestFailed(f"MARC source not found: {path}")
    if path.is_dir():
        paths = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MARC_SUFFIXES
        )
    else:
        paths = [path]
    files = []
    for p in paths:
        real = check_allowed(p, allowed, str(p)) if allowed is not None else p
        files.append(MarcFile(str(p), real, datetime.fromtimestamp(real.stat().st_mtime, UTC)))
    return [f for f in files if since is None or f.modified > since]


def check_allowed(path: Path, allowed: Sequence[Path], shown: str) -> Path:
    """`path` resolved (symlinks and ".." followed) if inside an allowed folder; else
    HarvestFailed naming the setting that would allow it."""
    real = path.resolve()
    if any(real.is_relative_to(root) for root in allowed):
        return real
    folders = ", ".join(str(root) for root in allowed) or "none"
    raise HarvestFailed(
        f"MARC source path {shown} is not in a folder MARC sources may be read from "
        f"(allowed: {folders}); add its folder to [harvest] marc_paths in the settings"
    )


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


# -- from entries to what the harvest stores -------------------------------


@dataclass
class MarcFailure:
    """A record that cannot be stored: where it is, why, and its bytes as read."""

    position: str
    reason: str
    raw: bytes
    record_id: str = ""


MarcOutcome = HarvestedItem | MarcFailure


def marc_outcome(
    entry: MarcEntry, source_key: str, modified: datetime | None = None
) -> MarcOutcome:
    """One entry of a MARC file as an item to save, or why it cannot be saved."""
    if entry.marc is None:
        return MarcFailure(entry.position, entry.error, entry.raw)
    control = entry.marc.get("001")
    local_id = (control.data or "").strip() if control is not None else ""
    if not local_id:
        return MarcFailure(entry.position, "record has no 001 control number", entry.raw)
    if entry.marc.leader[5:6] == "d":
        return HarvestedItem(
            local_id, entry.raw, entry.raw_format, None, deleted=True, datestamp=modified
        )
    try:
        record = marc_to_record(
            entry.marc,
            source_key=source_key,
            local_id=local_id,
            datestamp=modified,
            raw_format=entry.raw_format,
        )
    except CrosswalkError as exc:
        return MarcFailure(entry.position, str(exc), entry.raw, local_id)
    return HarvestedItem(local_id, entry.raw, entry.raw_format, record, datestamp=modified)


def read_outcomes(path: Path, label: str, source_key: str, modified: datetime | None):
    """Every record of one file as an outcome, in file order (in this process)."""
    for entry in read_file(path, label):
        yield marc_outcome(entry, source_key, modified)


# Files smaller than this are read in the harvest's own process: starting a second
# process costs more than it saves (about 900 records a MiB).
PIPELINE_MIN_BYTES = 1 << 20
READER_CHUNK = 100  # records per hand-over: small, so idle time is found and filled soon
QUEUE_CHUNKS = 16  # chunks of outcomes in flight between the two processes
WAIT = 1.0  # seconds between checks that the reader process is still alive
STALL = 600.0  # seconds without a chunk after which a live reader counts as hung
GC_YOUNG = 20_000  # allocations between young collections while harvesting (default 700)


def file_outcomes(f: MarcFile, source_key: str, chunk: int | None = None) -> Iterator[MarcOutcome]:
    """The file's outcomes in file order, read in a second process when that pays.

    Either way the caller sees the same outcomes in the same order, and a file that
    breaks part-way (MARCXML that is not well-formed) raises HarvestFailed after every
    outcome read before the break. Close the iterator to stop the reader early.
    """
    if not _pipeline_pays(f.path):
        yield from read_outcomes(f.path, f.label, source_key, f.modified)
        return
    yield from _outcomes_from_reader(f, source_key, max(1, chunk or READER_CHUNK))


def _pipeline_pays(path: Path) -> bool:
    """Large ISO 2709 files on Linux, from a process allowed to have children.

    The reader is forked: it starts at once with everything imported, and re-runs
    nothing of the caller's main module. Only ISO 2709 is read there (pymarc and the
    crosswalk, pure Python): MARCXML needs lxml, whose C-level locks another harvest
    thread may hold at the moment of the fork.
    """
    try:
        big = path.stat().st_size >= PIPELINE_MIN_BYTES
    except OSError:
        return False  # reading it will say what is wrong
    return (
        big
        and sys.platform.startswith("linux")
        and not mp.current_process().daemon  # daemonic processes cannot start children
        and not is_marcxml(path)
    )


def _outcomes_from_reader(f: MarcFile, source_key: str, chunk: int) -> Iterator[MarcOutcome]:
    ctx = mp.get_context("fork")
    channel = ctx.Queue(maxsize=QUEUE_CHUNKS)  # bounded: the reader waits for the store
    idle = ctx.Event()  # set while this process waits, having nothing to store
    reader = ctx.Process(
        target=_reader_main,
        args=(str(f.path), f.label, source_key, f.modified, chunk, channel, idle),
        name="thuvien-marc-reader",
        daemon=True,
    )
    reader.start()
    try:
        while True:
            message = _next_message(channel, reader, f.label, idle)
            if message[0] == "outcomes":
                yield from message[1]
            elif message[0] == "raw":  # we were idle: the reader left this chunk to us
                yield from _raw_outcomes(message[1], f, source_key)
            elif message[0] == "done":
                return
            else:
                raise HarvestFailed(f"internal error in the MARC reader: {message[1]}")
    finally:
        if reader.is_alive():  # stopped early (the store failed, or the caller closed us)
            reader.terminate()
            reader.join(timeout=10)
            if reader.is_alive():
                reader.kill()
        reader.join()
        channel.close()
        channel.cancel_join_thread()


def _next_message(channel, reader, label: str, idle) -> tuple:
    try:
        return channel.get_nowait()
    except queue.Empty:
        idle.set()  # waiting: the reader may leave us its next chunk to do ourselves
    try:
        return _wait_for_message(channel, reader, label)
    finally:
        idle.clear()


def _wait_for_message(channel, reader, label: str) -> tuple:
    waited = 0.0
    while True:
        try:
            return channel.get(timeout=WAIT)
        except queue.Empty:
            waited += WAIT
            if reader.is_alive() and waited < STALL:
                continue
        if reader.is_alive():
            raise HarvestFailed(
                f"the MARC reader process sent nothing for {STALL:.0f} s", position=label
            )
        try:  # it ended: anything it sent before is already in the pipe
            return channel.get(timeout=WAIT)
        except queue.Empty:
            raise HarvestFailed(
                f"the MARC reader process stopped unexpectedly (exit code {reader.exitcode})",
                position=label,
            ) from None


def _raw_outcomes(
    raws: list[tuple[int, int, bytes]], f: MarcFile, source_key: str
) -> Iterator[MarcOutcome]:
    for number, offset, raw in raws:
        entry = _parse_chunk(raw, iso2709_position(f.label, number, offset))
        yield marc_outcome(entry, source_key, f.modified)


def _reader_main(
    path: str,
    label: str,
    source_key: str,
    modified: datetime | None,
    chunk: int,
    channel,
    idle,
) -> None:
    """The second process: read and crosswalk, hand over chunks, then say how it ended.

    Work is shared by need: when the harvest's process has stored everything and waits
    (`idle`), the next chunk goes over as it was read, for it to parse and crosswalk
    itself. Whoever does the work, the outcomes are the same, in file order.
    """
    # The harvest's process decides when this one stops (Ctrl-C reaches both; its
    # handlers, inherited by the fork, are not ours).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # What the fork inherited is the harvest's, not ours: the collector must never
    # finalise it here (a database connection closed by the child closes the parent's).
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])  # see harvesters.runner
    end: tuple = ("done",)
    try:
        with open(path, "rb") as fh:
            raws: list[tuple[int, int, bytes]] = []
            for number, (offset, raw) in enumerate(iter_chunks(fh), start=1):
                raws.append((number, offset, raw))
                if len(raws) >= chunk:
                    _hand_over(raws, label, source_key, modified, channel, idle)
                    raws = []
            if raws:
                _hand_over(raws, label, source_key, modified, channel, idle)
    except Exception as exc:  # noqa: BLE001 — reported to the harvest, which records it
        log.exception("MARC reader of %s crashed", label)
        end = ("crashed", f"{type(exc).__name__}: {exc}")
    channel.put(end)
    channel.close()
    channel.join_thread()


def _hand_over(
    raws: list[tuple[int, int, bytes]],
    label: str,
    source_key: str,
    modified: datetime | None,
    channel,
    idle,
) -> None:
    if idle.is_set():  # the harvest's process is waiting for work: let it do this chunk
        idle.clear()
        channel.put(("raw", raws))
        return
    outcomes: list[MarcOutcome] = []
    try:
        for number, offset, raw in raws:
            entry = _parse_chunk(raw, iso2709_position(label, number, offset))
            outcomes.append(marc_outcome(entry, source_key, modified))
    finally:  # a crash part-way still delivers the records read before it
        channel.put(("outcomes", outcomes))
