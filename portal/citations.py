"""Citations and linked data for one record: what the record page offers and embeds.

This module holds what machines read from the page (Highwire Press tags and COinS for
reference managers, schema.org JSON-LD for search engines); the formatted styles live in
citation_styles, the RIS / BibTeX / CSL-JSON files in citation_exports, the title and
name handling they share in citation_parts. The record pages use them all through here.

Pure functions of a `Record` (and, where the format has a URL field, the record's
permalink): no Flask, no request, no translations, so every export is the same
whatever the reader's UI language and is testable on its own.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup

from catalogue.record import Record
from indexer.text import strip_isbd
from portal.citation_exports import to_bibtex, to_csl_json, to_ris
from portal.citation_parts import (
    cited_names,
    full_title,
    heading,
    iso639_to_bcp47,
    one_line,
    reading_name,
)
from portal.citation_styles import CITATION_STYLES, format_citation

# Used by the record pages as citations.<name>.
__all__ = [
    "CITATION_STYLES",
    "coins",
    "format_citation",
    "full_title",
    "highwire_meta",
    "json_for_script",
    "to_bibtex",
    "to_csl_json",
    "to_json_ld",
    "to_ris",
]


# --- what reference managers read from the page: Highwire Press tags, COinS --------------


def highwire_meta(record: Record) -> list[tuple[str, str]]:
    """`<meta name=… content=…>` pairs Zotero, Mendeley and Google Scholar read.

    Authors as "Family, Given" where the family name is known (Zotero splits on the
    comma, so "Nguyễn Du" arrives as family Nguyễn, given Du, not the other way round).
    """
    meta: list[tuple[str, str]] = []
    title = full_title(record)
    if title:
        meta.append(("citation_title", one_line(title)))
    meta += [("citation_author", n.sortable) for n in cited_names(record)]
    if record.year is not None:
        meta.append(("citation_publication_date", str(record.year)))
    meta += [("citation_isbn", v) for v in record.isbns]
    meta += [("citation_issn", v) for v in record.issns]
    publisher = strip_isbd(record.publisher)
    if publisher:
        meta.append(("citation_publisher", one_line(publisher)))
    meta += [("citation_language", iso639_to_bcp47(code)) for code in record.languages]
    return meta


_COINS_BOOKS = frozenset({"book", "thesis", "audiobook"})
_COINS_JOURNALS = frozenset({"periodical", "article"})


def coins(record: Record, url: str = "") -> str:
    """The OpenURL ContextObject (Z39.88-2004 KEV) for a COinS span's title attribute.

    Percent-encoded UTF-8 throughout; the template's attribute escaping turns the "&"
    separators into "&amp;", which is what HTML wants.
    """
    pairs: list[tuple[str, str]] = [("ctx_ver", "Z39.88-2004")]
    title = full_title(record)
    names = cited_names(record)
    if record.format in _COINS_BOOKS:
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"), ("rft.genre", "book")]
        if title:
            pairs += [("rft.btitle", title), ("rft.title", title)]
    elif record.format in _COINS_JOURNALS:
        genre = "article" if record.format == "article" else "journal"
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"), ("rft.genre", genre)]
        if title:
            pairs.append(("rft.atitle" if genre == "article" else "rft.jtitle", title))
    else:
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"), ("rft.type", record.format)]
        if title:
            pairs.append(("rft.title", title))
    if names and names[0].family:
        pairs += [("rft.aulast", names[0].family), ("rft.aufirst", names[0].given)]
    key = "rft.creator" if record.format not in _COINS_BOOKS | _COINS_JOURNALS else "rft.au"
    pairs += [(key, n.sortable) for n in names]
    if record.year is not None:
        pairs.append(("rft.date", str(record.year)))
    for key, value in (
        ("rft.pub", strip_isbd(record.publisher)),
        ("rft.place", strip_isbd(record.place)),
        ("rft.edition", strip_isbd(record.edition)),
    ):
        if value and record.format in _COINS_BOOKS:
            pairs.append((key, value))
        elif value and key == "rft.pub":
            pairs.append(("rft.publisher", value))
    pairs += [("rft.isbn", v) for v in record.isbns]
    pairs += [("rft.issn", v) for v in record.issns]
    pairs += [("rft.language", code) for code in record.languages]
    if url:
        pairs.append(("rft_id", url))
    pairs.append(("rfr_id", "info:sid/thuvien"))
    return urlencode([(k, one_line(v)) for k, v in pairs if v], quote_via=quote)


# --- schema.org JSON-LD ------------------------------------------------------------------

SCHEMA_TYPES = {
    "book": "Book",
    "periodical": "Periodical",
    "article": "ScholarlyArticle",
    "thesis": "Thesis",
    "map": "Map",
    "manuscript": "Manuscript",
    "image": "VisualArtwork",
    "audiobook": "Audiobook",  # schema.org: both a Book and an AudioObject
    "music": "MusicRecording",
    "video": "VideoObject",
    "archival": "CreativeWork",
}


def to_json_ld(record: Record, url: str = "") -> dict[str, Any]:
    """schema.org description of the record, for search engines and linked-data clients."""
    kind = SCHEMA_TYPES.get(record.format, "CreativeWork")
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": kind}
    if url:
        data["@id"] = url
        data["url"] = url
    title = strip_isbd(record.title)
    if title:
        data["name"] = title
    subtitle = strip_isbd(record.subtitle)
    if subtitle:
        data["alternativeHeadline"] = subtitle
    authors = [{"@type": "Person", "name": reading_name(a)} for a in record.authors if heading(a)]
    if authors:
        data["author"] = authors
    contributors = [
        {"@type": "Person", "name": reading_name(c)} for c in record.contributors if heading(c)
    ]
    if contributors:
        data["contributor"] = contributors
    if record.year is not None:
        data["datePublished"] = str(record.year)
    if record.languages:
        tags = [iso639_to_bcp47(code) for code in record.languages]
        data["inLanguage"] = tags[0] if len(tags) == 1 else tags
    if record.isbns and kind in ("Book", "Audiobook"):
        data["isbn"] = record.isbns[0] if len(record.isbns) == 1 else record.isbns
    if record.issns and kind == "Periodical":
        data["issn"] = record.issns[0] if len(record.issns) == 1 else record.issns
    publisher = strip_isbd(record.publisher)
    if publisher:
        data["publisher"] = {"@type": "Organization", "name": publisher}
        place = strip_isbd(record.place)
        if place:
            data["publisher"]["location"] = place
    edition = strip_isbd(record.edition)
    if edition and kind in ("Book", "Audiobook"):
        data["bookEdition"] = edition
    if record.subjects:
        data["about"] = [{"@type": "Thing", "name": s} for s in record.subjects]
    if record.genres:
        data["genre"] = record.genres
    if record.series:
        data["isPartOf"] = [{"@type": "CreativeWorkSeries", "name": s} for s in record.series]
    if record.description:
        data["description"] = record.description
    identifiers = [
        {"@type": "PropertyValue", "propertyID": name, "value": value}
        for name, value in (("OCLC", record.oclc), ("LCCN", record.lccn))
        if value
    ]
    if identifiers:
        data["identifier"] = identifiers
    if record.rights_statement.startswith(("http://", "https://")):
        data["license" if "creativecommons.org" in record.rights_statement else "usageInfo"] = (
            record.rights_statement
        )
    return data


def json_for_script(data: Any) -> Markup:
    """JSON safe inside <script>: no "<", ">", "&" or line separators left to break out.

    `"</script><script>alert(1)</script>"` in a title becomes `\\u003c/script\\u003e…`,
    which a JSON parser reads back unchanged and an HTML parser never sees as a tag.
    """
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return Markup(text)  # noqa: S704 — every markup-significant character is \u-escaped above
