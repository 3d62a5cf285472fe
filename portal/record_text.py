"""Catalogue text on a page in the UI language: which text is Vietnamese (so it is
marked lang="vi" on an English page, WCAG 3.1.2) and the names of record formats.

Every part of the record page shows catalogue data inside translated UI text, so these
few helpers are shared by the description, holdings, notices, files and scans.
"""

from __future__ import annotations

import re

from flask_babel import get_locale
from markupsafe import Markup, escape

from catalogue.record import Record
from portal.i18n import current_language, language_tag

# Letters only Vietnamese writes (French shares é, è, ê, à, â, ô but none of these).
_VIETNAMESE_LETTERS = re.compile(
    "[ăđơưĩũỹỳạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỵỷ]", re.IGNORECASE
)


def data_lang(text: str) -> str:
    """ "vi" for Vietnamese catalogue text on a page whose language is not Vietnamese.

    WCAG 3.1.2: a screen reader in English reads "Thư viện Hà Nội" with English
    phonetics unless the text says it is Vietnamese. Names, subjects and locations carry
    no language of their own, so the letters decide; '' leaves the page's language.
    """
    if not text or current_language() == "vi":
        return ""
    return "vi" if _VIETNAMESE_LETTERS.search(text) else ""


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
