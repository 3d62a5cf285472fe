"""The search pages' labels: facet, format, language, sort and field names, and counted texts.

One home for the translated words put beside a raw value, so the search pages, the record
page and the admin pages name a format, a language or a copy count the same way; cached
per language because a results page asks for the same few hundreds of times.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal.i18n import current_language, language_tag, number_text

FACET_LABELS = {
    "library": _l("Library"),
    "format": _l("Format"),
    "language": _l("Language"),
    "year": _l("Year"),
    "subject": _l("Subject"),
    "collection": _l("Collection"),
    "online": _l("Online"),
}
FORMAT_LABELS = {
    "book": _l("Book"),
    "periodical": _l("Periodical"),
    "article": _l("Article"),
    "thesis": _l("Thesis"),
    "map": _l("Map"),
    "manuscript": _l("Manuscript"),
    "image": _l("Image"),
    "audiobook": _l("Audiobook"),
    "music": _l("Music"),
    "video": _l("Video"),
    "archival": _l("Archival material"),
}
ONLINE_LABELS = {"true": _l("Available online"), "false": _l("Not online")}
SORT_LABELS = {
    "relevance": _l("Relevance"),
    "year_desc": _l("Year, newest first"),
    "year_asc": _l("Year, oldest first"),
    "title": _l("Title, A–Z"),
}
# Advanced search fields: what indexer.query understands (year has its own range inputs).
FIELD_LABELS = {
    "all": _l("All fields"),
    "title": _l("Title"),
    "author": _l("Author"),
    "subject": _l("Subject"),
    "isbn": _l("ISBN"),
    "issn": _l("ISSN"),
    "callnumber": _l("Call number"),
}
OPERATOR_LABELS = {"AND": _l("and"), "OR": _l("or"), "NOT": _l("and not")}

# A results page shows the same few labels and counts many times (20 hits, 7 facets of up
# to 30 values), so each is translated once per language and remembered: the `*_in`
# versions take the page's language, which must be the request's (the translation inside
# them is the request's).

LABEL_CACHE = 4096


def format_label(value: str) -> str:
    return format_label_in(current_language(), value)


@lru_cache(maxsize=LABEL_CACHE)
def format_label_in(language: str, value: str) -> str:
    label = FORMAT_LABELS.get(value)
    return str(label) if label is not None else value


def language_label(code: str) -> str:
    """A record language (ISO 639-2) in the reader's language: vie → "Tiếng Việt"."""
    return language_label_in(current_language(), code)


@lru_cache(maxsize=LABEL_CACHE)
def language_label_in(language: str, code: str) -> str:
    names = Locale.parse(language).languages
    return names.get(language_tag(code)) or names.get(code.lower()) or code


def value_label(facet: str, value: str) -> str:
    """How a facet value is shown; URLs keep the raw value."""
    return value_label_in(current_language(), facet, value)


def value_label_in(language: str, facet: str, value: str) -> str:
    if facet == "format":
        return format_label_in(language, value)
    if facet == "language":
        return language_label_in(language, value)
    if facet == "online":
        return _online_label(language, value)
    return value


@lru_cache(maxsize=64)
def _online_label(language: str, value: str) -> str:
    return str(ONLINE_LABELS.get(value, value))


def status_text(status: str, count: int) -> str:
    """'2 copies available' and the like, translated."""
    return status_text_in(current_language(), status, count)


@lru_cache(maxsize=LABEL_CACHE)
def status_text_in(language: str, status: str, count: int) -> str:
    n = number_text(count, language)
    if status == "available":
        return ngettext("%(count)s copy available", "%(count)s copies available", count, count=n)
    if status == "on_loan":
        return ngettext("%(count)s copy on loan", "%(count)s copies on loan", count, count=n)
    if status == "in_repair":
        return ngettext("%(count)s copy in repair", "%(count)s copies in repair", count, count=n)
    if status == "reference_only":
        return ngettext(
            "%(count)s copy for use in the library only",
            "%(count)s copies for use in the library only",
            count,
            count=n,
        )
    return ngettext(
        "%(count)s copy, status unknown", "%(count)s copies, status unknown", count, count=n
    )


def works_text(count: int, estimated: bool = False) -> str:
    """The count in words: "12 works", or "about 12,000 works" when `estimated`."""
    if estimated:
        return count_texts_in(current_language(), count, True)[1]
    return works_text_in(current_language(), count)


@lru_cache(maxsize=LABEL_CACHE)
def works_text_in(language: str, count: int) -> str:
    return ngettext("%(count)s work", "%(count)s works", count, count=number_text(count, language))


def estimate(count: int) -> int:
    """A count estimated from a sample, to the two figures it can vouch for (12,347 →
    12,000): printing all five would claim a precision the sample does not have."""
    if count < 100:
        return count
    return round(count, 2 - len(str(count)))


@lru_cache(maxsize=LABEL_CACHE)
def count_texts_in(language: str, count: int, estimated: bool) -> tuple[str, str]:
    """(the count as a facet or a histogram bar shows it, the same in words for a screen
    reader): "≈12.000" and "about 12,000 works" when `estimated` (counted on a sample)."""
    if not estimated:
        return number_text(count, language), works_text_in(language, count)
    shown = number_text(estimate(count), language)
    return "≈" + shown, ngettext(
        "about %(count)s work", "about %(count)s works", count, count=shown
    )


@lru_cache(maxsize=64)
def facet_label_in(language: str, name: str) -> str:
    return str(FACET_LABELS[name])
