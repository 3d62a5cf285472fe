"""The record's digitised files as the page lists them: label, kind, size, duration and,
when the licence rules allow a download, its link; with the byte-size and duration
formats the page and the raw view share.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.units import format_unit
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from catalogue.record import DigitalObject, Record
from portal.access import decide_for_request
from portal.record_text import data_lang


@dataclass
class FileRow:
    label: str
    kind: str
    size: str
    duration: str
    duration_iso: str
    href: str = ""  # the download, when thuvien holds a copy and the requester may have it
    lang: str = ""  # the label's language when it is Vietnamese and the page is not


def file_rows(record: Record) -> list[FileRow]:
    downloadable = decide_for_request(record, "download").allowed
    kinds = {
        "image": _("Image"),
        "audio": _("Audio"),
        "text": _("Text"),
        "pdf": _("PDF"),
    }
    rows = []
    for number, obj in enumerate(ordered_objects(record), 1):
        rows.append(
            FileRow(
                lang=data_lang(obj.label),
                label=obj.label or _("File %(number)s", number=number),
                kind=kinds.get(obj.kind, obj.kind),
                size=file_size(obj.bytes),
                duration=duration_text(obj.duration),
                duration_iso=duration_iso(obj.duration),
                href=url_for("record.download_file", record_id=record.id, number=number)
                if downloadable and obj.stored_path
                else "",
            )
        )
    return rows


def ordered_objects(record: Record) -> list[DigitalObject]:
    """The record's files in their order: file n of the page is `[n - 1]` here."""
    return sorted(record.digital_objects, key=lambda o: o.order)


def file_size(size: int | None) -> str:
    """A byte count in the UI language's units ("1,5 MB" in Vietnamese)."""
    if size is None or size < 0:
        return ""
    locale = get_locale()
    for unit, scale in (("gigabyte", 1e9), ("megabyte", 1e6), ("kilobyte", 1e3)):
        if size >= scale:
            return format_unit(
                size / scale, f"digital-{unit}", "short", format="#,##0.#", locale=locale
            )
    return format_unit(size, "digital-byte", "short", locale=locale)


def duration_text(seconds: float | None) -> str:
    """h:mm:ss or m:ss, the way players show durations."""
    if seconds is None or seconds < 0:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration_iso(seconds: float | None) -> str:
    """ISO 8601 duration for <time datetime>: "PT1H2M3S"."""
    if seconds is None or seconds < 0:
        return ""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs}S"
