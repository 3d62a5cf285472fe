"""ISBN and ISSN normalisation: the forms we index, search and cluster works by.

Catalogues write identifiers every way ("978-604-1-23456-7", "604123456X (bìa mềm)",
"ISSN 0866-7373"); the index holds the compact forms of both ISBN-10 and ISBN-13 so
any of them finds the record, and only checksum-valid numbers ever link two records.
"""

from __future__ import annotations

import re

_ISBN_CHARS = re.compile(r"[0-9Xx][0-9Xx\s\-‐‑–]*")
_SEPARATORS = re.compile(r"[\s\-‐‑–.]")


def compact(text: str) -> str:
    """Strip separators and lowercase: how identifiers are indexed and queried."""
    return _SEPARATORS.sub("", text or "").lower()


def _isbn10_check(body: str) -> str:
    total = sum((10 - i) * int(c) for i, c in enumerate(body))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _isbn13_check(body: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return str((10 - total % 10) % 10)


def is_valid_isbn10(value: str) -> bool:
    value = value.upper()
    return bool(re.fullmatch(r"\d{9}[\dX]", value)) and _isbn10_check(value[:9]) == value[9]


def is_valid_isbn13(value: str) -> bool:
    return bool(re.fullmatch(r"97[89]\d{10}", value)) and _isbn13_check(value[:12]) == value[12]


def isbn10_to_13(value: str) -> str:
    body = "978" + value[:9]
    return body + _isbn13_check(body)


def isbn13_to_10(value: str) -> str | None:
    """The ISBN-10 form of a 978- ISBN-13 (979- ones have none)."""
    if not value.startswith("978"):
        return None
    body = value[3:12]
    return body + _isbn10_check(body)


def normalise_isbn(text: str) -> str | None:
    """A checksum-valid ISBN-13 from any written form, or None if it isn't one."""
    for match in _ISBN_CHARS.finditer(text or ""):
        value = _SEPARATORS.sub("", match.group(0)).upper()
        if len(value) == 10 and is_valid_isbn10(value):
            return isbn10_to_13(value)
        if len(value) == 13 and is_valid_isbn13(value):
            return value
    return None


def normalise_issn(text: str) -> str | None:
    """A checksum-valid ISSN as 8 characters without hyphen, or None."""
    match = re.search(r"(\d{4})[\s\-‐‑–]?(\d{3}[\dXx])", text or "")
    if not match:
        return None
    value = (match.group(1) + match.group(2)).upper()
    total = sum((8 - i) * int(c) for i, c in enumerate(value[:7]))
    check = (11 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    return value if value[7] == expected else None


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
    normalised = normalise_issn(issn)
    if normalised is None:
        value = compact(issn)
        return [value] if value else []
    return [normalised.lower()]
