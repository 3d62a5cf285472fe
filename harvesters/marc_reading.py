"""Reading MARC records from a file, one at a time: ISO 2709 (UTF-8 or MARC-8) and
MARCXML, with pymarc.

ISO 2709 is split on the record terminator, so one broken record is reported (as a
`MarcEntry` without a record) and the reader finds its footing again at the next one.
Memory stays flat however large the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pymarc
from lxml import etree

from harvesters.errors import HarvestFailed
from harvesters.marcxml import element_to_marc
from harvesters.xml import XmlError, check_no_dtd, localname

RECORD_TERMINATOR = b"\x1d"
BLOCK = 1 << 16


@dataclass
class MarcEntry:
    """One record read from a file: parsed, or not, with where it was and why."""

    position: str
    raw: bytes
    raw_format: str  # "marc21" | "marcxml"
    marc: pymarc.Record | None
    error: str = ""


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
        yield parse_chunk(chunk, iso2709_position(label, number, offset))


def iso2709_position(label: str, number: int, offset: int) -> str:
    return f"{label}, record {number} (byte {offset})"


def parse_chunk(chunk: bytes, position: str) -> MarcEntry:
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
