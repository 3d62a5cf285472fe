"""The other records of a record's work: the same work as catalogued by other libraries,
as far as the requester may see them (the page lists them, and their copies join the
holdings table).

The store keeps each record's work key at every index sync, so no search is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from catalogue.record import Record
from portal import citations
from portal.access import may_see_record
from portal.app import services
from portal.record_holdings import library_name
from portal.record_text import data_lang, title_language
from portal.search_labels import format_label

MAX_OTHER_RECORDS = 50


@dataclass
class OtherRecord:
    id: str
    title: str
    lang: str  # the title's language when it is not the page's (`title_language`)
    libraries: str
    libraries_lang: str
    year: str
    format: str


def work_records(record: Record) -> list[Record]:
    """The work's other live records the requester may see (its copies in other libraries).

    The store keeps each record's work key at every index sync, so this needs no search.
    """
    try:
        found = _work_records(record)
    except Exception:
        # The page is still worth showing without them: log and carry on.
        current_app.logger.exception("could not find the other records of %r", record.id)
        return []
    return [
        other
        for other in found
        if other.id != record.id and not other.deleted and may_see_record(other)
    ][:MAX_OTHER_RECORDS]


def other_records(record: Record, others: list[Record] | None = None) -> list[OtherRecord]:
    """The work's other records as the page lists them, by library, year and id."""
    others = work_records(record) if others is None else others
    rows = []
    for other in others:
        libraries = sorted({h.library for h in other.holdings if h.library})
        if not libraries:
            libraries = [library_name(other.source_key)]
        names = ", ".join(libraries)
        title = citations.full_title(other) or other.id
        rows.append(
            OtherRecord(
                id=other.id,
                title=title,
                lang=title_language(other, title),
                libraries=names,
                libraries_lang=data_lang(names),
                year=str(other.year) if other.year is not None else "",
                format=format_label(other.format),
            )
        )
    rows.sort(key=lambda r: (r.libraries, r.year, r.id))
    return rows


def _work_records(record: Record) -> list[Record]:
    """Records sharing the record's work key (kept in the store by each index sync)."""
    store = services().store
    key = store.work_key_of(record.id)
    return store.records_of_work(key, limit=MAX_OTHER_RECORDS + 1) if key else []
