"""Record → search document: one backend-neutral dict per record.

The document carries text as written (NFC); each backend applies its own folding
analyzers to it. Derived forms a backend cannot compute itself — identifier variants,
name orders, the filing title, facet values — are computed here, once, for all backends.
Everything a results list shows is in the document, so a hit renders without the DB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from catalogue.record import Record
from harvesters.crosswalk.rules import split_contents
from indexer.identifiers import compact, isbn_search_forms, issn_search_forms
from indexer.names import clean_name, direct_name, name_variants
from indexer.protocol import FACETS, SearchIndex
from indexer.text import nfc, strip_isbd, title_sort_key
from indexer.works import cluster_works

# Keys of a document a hit shows; backends store these and return them in Hit.fields.
DISPLAY_FIELDS = (
    "id",
    "work_key",
    "source_key",
    "title",
    "subtitle",
    "authors",
    "contributors",
    "year",
    "format",
    "languages",
    "publisher",
    "place",
    "edition",
    "series",
    "subjects",
    "isbns",
    "issns",
    "call_numbers",
    "library",
    "collection",
    "online",
    "thumbnail",
    "scanned",
    "visibility",
)

# Free text searched as "anything else" with a low weight. Neither the place of
# publication ("Hà Nội" on most Vietnamese imprints) nor the source key ("thu-vien-…" on
# every record of a library): in the default search they make a city's or a library's
# name match nearly everything. Libraries are a facet.
MISC_FIELDS = ("contributors", "series", "publisher", "edition")

Visibility = str | Callable[[Record], str]


# Facet name (protocol) → document field: every backend indexes a facet under its name.
FACET_FIELDS = {name: name for name in FACETS}


def _texts(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        value = nfc(value).strip()
        if value and value not in out:
            out.append(value)
    return out


def subject_terms(headings: Iterable[str]) -> list[str]:
    """The subject facet's values: each heading's main part and each subdivision, once.

    "Hà Nội (Việt Nam) -- Lịch sử" gives "Hà Nội (Việt Nam)" and "Lịch sử" (VuFind's
    topic_facet), so a reader can narrow by "Lịch sử" whatever heading it ends. Headings
    join their parts with a spaced " -- " (crosswalk.marc.join_heading, mods); the
    crosswalks' own splitter keeps "1945--1954" inside a part whole.
    """
    return _texts(part for heading in headings for part in _heading_parts(heading))


@lru_cache(maxsize=1 << 16)
def _heading_parts(heading: str) -> tuple[str, ...]:
    """Cached: a catalogue uses the same few thousand headings over and over."""
    return tuple(split_contents(nfc(heading)))


def values(value: Any) -> list[str]:
    """A document field as a list of non-empty strings, whatever its shape."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v not in (None, "")]


def searched_texts(doc: dict[str, Any]) -> dict[str, list[str]]:
    """A document's searched text per field group: one definition for every backend."""
    misc = [text for key in MISC_FIELDS for text in values(doc.get(key))]
    year = doc.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        misc.append(str(year))
    return {
        "title": values(doc.get("title")) + values(doc.get("subtitle")),
        "authors": values(doc.get("author_search")) or values(doc.get("authors")),
        "subjects": values(doc.get("subjects")) + values(doc.get("genres")),
        "body": ["\n".join(values(doc.get("description")) + values(doc.get("contents")))],
        "misc": misc,
    }


def _holding(record: Record, holding: Any) -> dict[str, Any]:
    read_at = holding.status_read_at.isoformat() if holding.status_read_at else None
    return {
        "library": holding.library,
        "location": holding.location,
        "call_number": holding.call_number,
        "status": holding.status,
        "status_read_at": read_at,
        "due": holding.due.isoformat() if holding.due else None,
        "copy_number": holding.copy_number,
        "record_id": record.id,
    }


def _thumbnail(record: Record) -> str:
    images = sorted((o for o in record.digital_objects if o.kind == "image"), key=lambda o: o.order)
    return images[0].location if images else ""


def _identifiers(record: Record) -> list[str]:
    forms: list[str] = []
    for isbn in [*record.isbns, *record.invalid_isbns]:
        forms.extend(isbn_search_forms(isbn))
    for issn in record.issns:
        forms.extend(issn_search_forms(issn))
    forms.extend(compact(v) for v in (record.oclc, record.lccn) if v)
    return _texts(forms)


def to_document(record: Record, *, work_key: str, visibility: str = "public") -> dict[str, Any]:
    """The search document for one record. `visibility` comes from the access policy."""
    holdings = [_holding(record, h) for h in record.holdings]
    libraries = _texts(h.library for h in record.holdings) or [record.source_key]
    call_numbers = _texts([*record.call_numbers, *(h.call_number for h in record.holdings)])
    author_search: list[str] = []
    for name in [*record.authors, *record.contributors]:
        author_search.extend(name_variants(name))
    title = strip_isbd(record.title)
    languages = _texts(record.languages)
    return {
        # identity
        "id": record.id,
        "work_key": work_key,
        "source_key": record.source_key,
        "visibility": visibility,
        # searchable text, as written
        "title": title,
        "subtitle": strip_isbd(record.subtitle),
        "authors": _texts(clean_name(a) or a for a in record.authors),
        "author_search": _texts(author_search),
        "contributors": _texts(record.contributors),
        "subjects": _texts(record.subjects),
        "genres": _texts(record.genres),
        "series": _texts(record.series),
        "publisher": nfc(record.publisher),
        "place": nfc(record.place),
        "edition": nfc(record.edition),
        "description": nfc(record.description),
        "contents": _texts(record.contents),
        "identifiers": _identifiers(record),
        "isbns": list(record.isbns),
        "issns": list(record.issns),
        "call_numbers": call_numbers,
        # facets (exact values)
        "library": libraries,
        "format": record.format,
        "language": languages,
        "languages": list(languages),
        "year": record.year,
        "subject": subject_terms(record.subjects),
        "collection": _texts(record.collections),
        "online": bool(record.digital_objects),
        # sorting, autocomplete, display
        "title_sort": title_sort_key(record.title, record.languages),
        "suggest_titles": _texts([title]),
        "suggest_authors": _texts(direct_name(a) for a in record.authors),
        "holdings": holdings,
        "thumbnail": _thumbnail(record),
        # page images this server holds (IIIF identifier `<id>~1` is the first page)
        "scanned": any(o.kind == "image" and o.stored_path for o in record.digital_objects),
    }


def display_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The part of a document a backend stores for rendering a hit."""
    return {key: doc.get(key) for key in DISPLAY_FIELDS}


def documents_for(records: Iterable[Record], *, visibility: Visibility = "public") -> list[dict]:
    """Documents for live records, with work keys clustered across all of them."""
    live = [r for r in records if not r.deleted]
    keys = cluster_works(live)
    level = visibility if callable(visibility) else (lambda _r: visibility)
    return [to_document(r, work_key=keys[r.id], visibility=level(r)) for r in live]


def index_records(
    index: SearchIndex, records: Iterable[Record], *, visibility: Visibility = "public"
) -> int:
    """Index a batch: add live records, delete deleted ones, commit. Returns docs added.

    Cluster over the whole catalogue (or everything that may share a work) in one call:
    work keys are only as good as the records clustering sees together.
    """
    records = list(records)
    index.delete(r.id for r in records if r.deleted)
    docs = documents_for(records, visibility=visibility)
    index.add(docs)
    index.commit()
    return len(docs)
