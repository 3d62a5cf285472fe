"""Holdings as the record page shows them: one row per copy with its status and a link
to the copy's record in its library's own catalogue (OPAC), grouped by library across
the whole work; and the names of the libraries (a record's source, read once per request).

A copy with a copy number or a barcode shows them ("Copy 2", "Barcode …"), so two copies on
the same shelf can be told apart; copies that would read exactly alike (no copy number, no
barcode, every shown column equal) are one row that says how many copies it stands for
("2 copies"), as VuFind lists items. The JSON API still lists every copy: merging is only
how the page shows them.

Kept apart from the page so the JSON API can name a source the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from catalogue.record import Holding, Record
from catalogue.sources import Source
from portal import citations
from portal.app import services
from portal.i18n import date_text
from portal.library_profiles import library_anchor, library_anchors
from portal.record_text import data_lang, title_language, with_data
from portal.search_labels import status_text

# Best first: what a reader most wants to know about a work's copies in one word.
_STATUS_ORDER = ("available", "reference_only", "on_loan", "in_repair", "unknown")


def source_of(source_key: str) -> Source | None:
    """A record's source, read once per request (None when it has been deleted)."""
    sources = g.setdefault("_thuvien_sources", {})
    if source_key not in sources:
        sources[source_key] = services().store.get_source(source_key)
    return sources[source_key]


def library_name(source_key: str) -> str:
    """A source's name as readers know it (its key when the source is gone)."""
    source = source_of(source_key)
    return source.name if source else source_key


def library_page_url(library: str) -> str:
    """Where a reader finds a library's address and opening hours: its entry on
    /browse/library (VuFind's "library info"), "" for a copy that names no library."""
    if not library:
        return ""
    anchors = g.get("_thuvien_library_anchors")
    if anchors is None:  # the sources, read once per request
        anchors = g._thuvien_library_anchors = library_anchors(services().store.sources())
    anchor = library_anchor(anchors, library)
    return url_for("search.browse_facet", facet="library", _anchor=anchor)


def holding_libraries(record: Record) -> list[str]:
    """The libraries holding the record (its source's name when it lists no copies)."""
    names = sorted({h.library for h in record.holdings if h.library})
    return names or [library_name(record.source_key)]


def status_label(status: str) -> str:
    labels = {
        "available": _("Available"),
        "on_loan": _("On loan"),
        "in_repair": _("In repair"),
        "reference_only": _("Reference only"),
        "unknown": _("Status unknown"),
    }
    return labels.get(status, labels["unknown"])


@dataclass
class HoldingRow:
    library: str
    location: str
    call_number: str
    status: str
    status_label: str
    status_date: str  # localised, "" when unknown
    status_iso: str  # for <time datetime>
    due: str = ""  # localised date a copy on loan is due back
    due_iso: str = ""
    overdue: bool = False  # due back before today
    record_id: str = ""  # the record the copy comes from
    record_title: str = ""
    record_lang: str = ""  # the record title's language, when not the page's
    own: bool = True  # a copy of the record on this page
    library_lang: str = ""
    library_url: str = ""  # the library's entry on /browse/library
    location_lang: str = ""
    opac_url: str = ""  # the copy's record in its source's own catalogue, "" for none
    opac_label: Markup | str = ""  # "View at <the source's library>"
    barcode: str = ""  # tells copies on the same shelf apart, "" when the library gave none
    copy_number: str = ""  # the library's number for the copy ("2"), "" when it gave none
    copy_label: str = ""  # "Copy 2", "" without a copy number
    copies: int = 1  # how many copies, that read exactly alike, this row stands for
    copies_text: str = ""  # "2 copies" for a row standing for several, "" for one

    def shown(self) -> tuple[object, ...]:
        """What a reader sees of the row (and where its link goes): equal means alike."""
        return (
            self.library,
            self.location,
            self.call_number,
            self.status,
            self.status_date,
            self.due,
            self.overdue,
            self.copy_number,
            self.barcode,
            self.opac_url,
        )


def copies_text(count: int) -> str:
    return ngettext("%(num)d copy", "%(num)d copies", count)


def merge_alike(rows: list[HoldingRow]) -> list[HoldingRow]:
    """One row, with its count, for copies a reader could not tell apart; order kept.

    Rows differing in anything shown (copy number, barcode, status, due date, location,
    call number, the day the status was read, the link) stay apart.
    """
    merged: dict[tuple[object, ...], HoldingRow] = {}
    for row in rows:
        first = merged.setdefault(row.shown(), row)
        if first is not row:
            first.copies += row.copies
    return list(merged.values())


def _number_order(text: str) -> tuple[tuple[int, int, str], ...]:
    """Copy "2" before copy "10": digit runs compare as numbers, the rest as text."""
    parts = re.split(r"(\d+)", text.strip())
    return tuple((1, 0, p) if not p.isdigit() else (0, int(p), p) for p in parts if p)


def _shelf_order(h: Holding) -> tuple[object, ...]:
    return h.library, h.location, h.call_number, _number_order(h.copy_number), h.barcode.strip()


def copy_label(copy_number: str) -> str:
    """ "Copy 2" / "Bản số 2": how a reader names one copy of the title at the desk."""
    return _("Copy %(number)s", number=copy_number) if copy_number else ""


def holding_rows(holdings: list[Holding], record: Record | None = None) -> list[HoldingRow]:
    """One row per copy (copies alike merged, see `merge_alike`), sorted by library,
    location, call number, copy number and barcode.

    With the record, each copy links to the record's page in the catalogue of the
    record's own source (its record URL template), where a reader can place a hold.
    """
    source = source_of(record.source_key) if record else None
    opac_label = with_data(_("View at %(library)s"), library=source.name) if source else ""
    rows = []
    for h in sorted(holdings, key=_shelf_order):
        status = h.status if h.status in _STATUS_ORDER else "unknown"
        when = h.status_read_at
        library = h.library or (library_name(record.source_key) if record else "")
        rows.append(
            HoldingRow(
                library=library,
                location=h.location,
                call_number=h.call_number,
                status=status,
                status_label=status_label(status),
                status_date=date_text(when) if when else "",
                status_iso=when.isoformat() if when else "",
                due=date_text(h.due) if h.due and status == "on_loan" else "",
                due_iso=h.due.isoformat() if h.due and status == "on_loan" else "",
                overdue=bool(h.due and status == "on_loan" and h.due < date.today()),
                library_lang=data_lang(library),
                library_url=library_page_url(library),
                location_lang=data_lang(h.location),
                opac_url=source.record_url(record.local_id, h.barcode) if source and record else "",
                opac_label=opac_label,
                barcode=h.barcode.strip(),
                copy_number=h.copy_number.strip(),
                copy_label=copy_label(h.copy_number.strip()),
            )
        )
    rows = merge_alike(rows)
    for row in rows:
        row.copies_text = copies_text(row.copies) if row.copies > 1 else ""
    return rows


def summary_text(status: str, count: int, overdue: int = 0) -> str:
    """ "2 copies on loan (1 overdue)": the summary says what the rows say of late copies."""
    text = status_text(status, count)
    if status != "on_loan" or not overdue:
        return text
    if overdue >= count:
        return _("%(loans)s (overdue)", loans=text)
    return ngettext(
        "%(loans)s (%(num)d overdue)", "%(loans)s (%(num)d overdue)", overdue, loans=text
    )


@dataclass
class LibraryHoldings:
    """One library's copies of the work, and the one-line summary of their status."""

    library: str
    lang: str
    rows: list[HoldingRow]
    summary: list[tuple[str, str]]  # (status, "1 copy available"), best status first
    url: str = ""  # the library's entry on /browse/library


def work_holdings(record: Record, others: list[Record]) -> list[LibraryHoldings]:
    """Every visible copy of the work, grouped by library, this record's own copies first.

    `others` are the work's other records the requester may see (`work_records`): a
    hidden record's copies never reach this table.
    """
    rows: list[HoldingRow] = []
    for source in (record, *others):
        own = source is record
        title = citations.full_title(source) or source.id
        year = f" ({source.year})" if source.year is not None else ""
        lang = title_language(source, title)
        for row in holding_rows(source.holdings, source):
            row.record_id, row.own = source.id, own
            row.record_title = title + year
            row.record_lang = lang
            rows.append(row)
    groups: dict[str, list[HoldingRow]] = {}
    for row in rows:  # this record's libraries come first: it is listed first
        groups.setdefault(row.library, []).append(row)
    ordered = sorted(groups.items(), key=lambda kv: (not kv[1][0].own, kv[0]))
    out = []
    for library, copies in ordered:
        copies.sort(key=lambda r: (not r.own, r.record_id, r.location, r.call_number))
        counts: dict[str, int] = {}
        for row in copies:
            counts[row.status] = counts.get(row.status, 0) + row.copies  # copies, not rows
        overdue = sum(row.copies for row in copies if row.overdue)
        summary = [(s, summary_text(s, counts[s], overdue)) for s in _STATUS_ORDER if s in counts]
        url = library_page_url(library)
        out.append(LibraryHoldings(library, data_lang(library), copies, summary, url))
    return out
