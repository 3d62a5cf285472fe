"""The record's description as the page lists it: labelled fields in display order,
with authors and subjects linked to searches and rights statements named.

The search links (`author_query`, `subject_query`) are shared with the JSON API, so a
name finds the same records from either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from catalogue.record import Record
from indexer.names import clean_name, direct_name
from indexer.text import strip_isbd
from portal.i18n import language_tag
from portal.record_holdings import library_name
from portal.record_text import data_lang
from portal.search_labels import format_label

# --- search links (shared with the JSON API) ------------------------------------------


def _phrase(text: str) -> str:
    """Text safe inside a query phrase: no double quotes, whitespace collapsed."""
    return " ".join(text.replace('"', " ").split())


def author_query(author: str) -> str:
    """The search for everything by an author: `author:"Nguyễn, Du"` ('' if nothing left).

    Dates and roles are dropped first, so "Nguyễn Du, 1766-1820" finds every spelling.
    """
    name = _phrase(clean_name(author) or author)
    return f'author:"{name}"' if name else ""


def subject_query(subject: str) -> str:
    """The search for a subject heading as a phrase: `subject:"Hà Nội -- Lịch sử"`."""
    text = _phrase(subject)
    return f'subject:"{text}"' if text else ""


# --- the description fields ------------------------------------------------------------


@dataclass
class Value:
    """One value of a description field: text, an optional link, an optional language."""

    text: str
    href: str = ""
    lang: str = ""


@dataclass
class Field:
    name: str  # stable key, used as a CSS hook and by tests
    label: str
    values: list[Value]


def describe(record: Record) -> list[Field]:
    """The full description, in display order; empty fields left out."""
    # WCAG 3.1.2: text transcribed from the item (publisher, place, edition, series,
    # contents), the summary and the subjects are in the cataloguing language or the
    # work's: `data_lang` marks Vietnamese text as such, and other text with letters as
    # the record's (first) language. Names, numbers and identifiers get no `other`:
    # only Vietnamese letters mark them. The library's own words (collections, its name)
    # are in its cataloguing language, never the record's.
    work = language_tag(record.languages)
    summary = [record.description] if record.description and record.description.strip() else []

    def search(query: str) -> str:
        return url_for("search.results", q=query) if query else ""

    def plain(values: list[str]) -> list[Value]:
        return [Value(v) for v in values if v and v.strip()]

    def data(values: list[str], other: str = "") -> list[Value]:
        """Catalogued text, marked with its language when that is not the page's: "vi"
        when it is Vietnamese, else `other` (the work's language) when given."""
        return [Value(v, lang=data_lang(v, other)) for v in values if v and v.strip()]

    def person(name: str) -> Value:
        shown = person_name(name)
        return Value(shown, search(author_query(name)), data_lang(shown))

    rights = rights_label(record.rights_statement)
    source_name = library_name(record.source_key)
    fields = [
        Field("authors", _("Authors"), [person(a) for a in record.authors if a.strip()]),
        Field(
            "contributors", _("Contributors"), [person(c) for c in record.contributors if c.strip()]
        ),
        Field("publisher", _("Publisher"), data([strip_isbd(record.publisher)], work)),
        Field("place", _("Place of publication"), data([strip_isbd(record.place)], work)),
        Field("year", _("Year"), plain([str(record.year)] if record.year is not None else [])),
        Field("edition", _("Edition"), data([strip_isbd(record.edition)], work)),
        Field("series", _("Series"), data(record.series, work)),
        Field("format", _("Format"), [Value(format_label(record.format))]),
        Field("languages", _("Languages"), [Value(language_name(c)) for c in record.languages]),
        Field(
            "subjects",
            _("Subjects"),
            [
                Value(s, search(subject_query(s)), data_lang(s, work))
                for s in record.subjects
                if s.strip()
            ],
        ),
        Field("genres", _("Genres"), data(record.genres, work)),
        Field("isbns", _("ISBN"), plain(record.isbns)),
        Field("invalid_isbns", _("Invalid ISBN"), plain(record.invalid_isbns)),
        Field("issns", _("ISSN"), plain(record.issns)),
        Field("oclc", _("OCLC number"), plain([record.oclc])),
        Field("lccn", _("LCCN"), plain([record.lccn])),
        Field("call_numbers", _("Call numbers"), plain(distinct_call_numbers(record.call_numbers))),
        Field("description", _("Summary"), data(summary, work)),
        Field("contents", _("Contents"), data(record.contents, work)),
        Field(
            "collections",
            _("Collections"),
            [
                Value(c, url_for("search.results", **{"f.collection": c}), data_lang(c))
                for c in record.collections
                if c.strip()
            ],
        ),
        Field("rights", _("Rights"), [rights] if rights else []),
        Field("source", _("Catalogued by"), [Value(source_name, lang=data_lang(source_name))]),
    ]
    return [f for f in fields if f.values]


def person_name(name: str) -> str:
    """A heading in reading order, as the results list shows it: "Trần, Quốc Vượng" →
    "Trần Quốc Vượng", "Hugo, Victor, 1802-1885" → "Victor Hugo"."""
    return direct_name(name) or " ".join(name.split())


def distinct_call_numbers(values: list[str]) -> list[str]:
    """Each call number once: duplicates dropped, and a bare class number dropped when a
    fuller call number starts with it ("912.597" beside "912.597 BA-B")."""
    cleaned: list[str] = []
    for value in values:
        text = " ".join(value.split())
        if text and text.casefold() not in (c.casefold() for c in cleaned):
            cleaned.append(text)
    folded = [c.casefold() for c in cleaned]
    return [
        c
        for c, f in zip(cleaned, folded, strict=True)
        if not any(other != f and other.startswith(f + " ") for other in folded)
    ]


def language_name(code: str) -> str:
    """An ISO 639-2 code's name in the UI language ("vie" → "Tiếng Việt"/"Vietnamese")."""
    locale = get_locale()
    tag = language_tag([code]) or code.lower()
    name = locale.languages.get(tag) if locale is not None else None
    if not name:
        return code
    return name[:1].upper() + name[1:]


# --- rights statements ---------------------------------------------------------------------

_RS = re.compile(r"^https?://rightsstatements\.org/(?:vocab|page|data)/([A-Za-z-]+)/", re.I)
_CC = re.compile(
    r"^https?://(?:www\.)?creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/([0-9.]+)?", re.I
)


def rights_label(uri: str) -> Value | None:
    """The rights statement as a link with a human label (a plain value if not a URL)."""
    uri = (uri or "").strip()
    if not uri:
        return None
    if not re.match(r"^https?://", uri, re.I):
        return Value(uri)  # never turn a javascript: or data: value into a link
    label = _rights_statement_label(uri) or _creative_commons_label(uri) or uri
    return Value(label, uri)


def _rights_statement_label(uri: str) -> str:
    match = _RS.match(uri)
    if not match:
        return ""
    labels = {
        "InC": _("In Copyright"),
        "InC-OW-EU": _("In Copyright – EU Orphan Work"),
        "InC-EDU": _("In Copyright – Educational Use Permitted"),
        "InC-NC": _("In Copyright – Non-Commercial Use Permitted"),
        "InC-RUU": _("In Copyright – Rights-holder(s) Unlocatable or Unidentifiable"),
        "NoC-CR": _("No Copyright – Contractual Restrictions"),
        "NoC-NC": _("No Copyright – Non-Commercial Use Only"),
        "NoC-OKLR": _("No Copyright – Other Known Legal Restrictions"),
        "NoC-US": _("No Copyright – United States"),
        "CNE": _("Copyright Not Evaluated"),
        "UND": _("Copyright Undetermined"),
        "NKC": _("No Known Copyright"),
    }
    return labels.get(match.group(1), "")


def _creative_commons_label(uri: str) -> str:
    match = _CC.match(uri)
    if not match:
        return ""
    kind, code, version = match.group(1).lower(), match.group(2).lower(), match.group(3) or ""
    if kind == "publicdomain":
        if code == "zero":
            return _("CC0 public domain dedication")
        if code == "mark":
            return _("Public Domain Mark")
        return ""
    names = {
        "by": _("Attribution"),
        "by-sa": _("Attribution-ShareAlike"),
        "by-nd": _("Attribution-NoDerivatives"),
        "by-nc": _("Attribution-NonCommercial"),
        "by-nc-sa": _("Attribution-NonCommercial-ShareAlike"),
        "by-nc-nd": _("Attribution-NonCommercial-NoDerivatives"),
    }
    if code not in names:
        return ""
    short = " ".join(p for p in ("CC", code.upper(), version) if p)
    label = _("Creative Commons %(name)s", name=names[code])
    return f"{label} {version} ({short})" if version else f"{label} ({short})"
