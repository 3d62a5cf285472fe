"""ISBN and ISSN search forms: how identifiers are indexed and queried.

Normalisation and validation live in `catalogue.identifiers` (one definition for
crosswalks, clustering and search).

Catalogues write identifiers every way ("978-604-1-23456-7", "604123456X (bìa mềm)",
"ISSN 0866-7373"); the index holds the compact forms of both ISBN-10 and ISBN-13 so
any of them finds the record, and only checksum-valid numbers ever link two records.
"""

from __future__ import annotations

import re

from catalogue.identifiers import isbn13_to_10, normalise_isbn, normalise_issn

_SEPARATORS = re.compile(r"[\s\-‐‑–.]")


def compact(text: str) -> str:
    """Strip separators and lowercase: how identifiers are indexed and queried."""
    return _SEPARATORS.sub("", text or "").lower()


def isbn_search_forms(isbn: str) -> list[str]:
    """Compact ISBN-13 and ISBN-10 forms of one ISBN, as indexed."""
    normalised = normalise_isbn(isbn)
    if normalised is None:
        value = compact(isbn)
        return [value] if value else []
    forms = [normalised.lower()]
    ten = isbn13_to_10(normalised)
    if ten:
        forms.append(ten.lower())
    return forms


def issn_search_forms(issn: str) -> list[str]:
    """The compact form of one ISSN, as indexed (queries are compacted the same way)."""
    normalised = normalise_issn(issn)
    value = compact(normalised or issn)
    return [value.lower()] if value else []
