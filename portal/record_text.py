"""Catalogue text on a page in the UI language: which text is Vietnamese (so it is
marked lang="vi" on an English page, WCAG 3.1.2) and the names of record formats.

Every part of the record page shows catalogue data inside translated UI text, so these
few helpers are shared by the description, holdings, notices, files and scans.
"""

from __future__ import annotations

from flask_babel import get_locale
from markupsafe import Markup, escape

from catalogue.record import Record
from indexer.text import has_letters, is_vietnamese
from portal.i18n import current_language, language_tag


def data_lang(text: str, other: str = "") -> str:
    """The language to mark catalogue text with when it is not the page's, else ''.

    WCAG 3.1.2: a screen reader in English reads "Thư viện Hà Nội" with English
    phonetics unless the text says it is Vietnamese. Names, subjects and locations carry
    no language of their own, so the letters decide. `other` is the record's language
    (BCP 47) for text that may be written in it (a summary): text that is not Vietnamese
    is taken to be in it ("Échelle 1:5.000" of a French map is French, on either page),
    unless it has no letters at all ("1:5.000", "2015"): that is in no language.
    """
    page = current_language()
    if not text or (page == "vi" and not other):
        return ""
    if is_vietnamese(text):
        return "" if page == "vi" else "vi"
    return other if other and other != page and has_letters(text) else ""


def data_span(value: str) -> Markup:
    """Catalogue text to put into a translated sentence: in a <span lang="vi"> when it is
    Vietnamese on a page that is not (WCAG 3.1.2), else just escaped."""
    lang = data_lang(value)
    return Markup('<span lang="{}">{}</span>').format(lang, value) if lang else escape(value)


def with_data(message: str, **values: str) -> Markup:
    """A translated message (not yet formatted) with catalogue data put in by `data_span`."""
    return escape(message) % {name: data_span(value) for name, value in values.items()}


def foreign_language(record: Record) -> str:
    """The record's BCP 47 language when it differs from the UI language, else ''."""
    lang = language_tag(record.languages)
    return lang if lang and lang != str(get_locale() or "") else ""


def title_language(record: Record, title: str) -> str:
    """The language to mark a record's title with: the record's when it is known and not
    the page's (`foreign_language`); when it is unknown, "vi" for a Vietnamese-looking
    title on a page that is not Vietnamese (`data_lang`), else nothing."""
    if language_tag(record.languages):
        return foreign_language(record)
    return data_lang(title)
