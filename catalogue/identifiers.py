"""Standard-number normalisation: ISBN, ISSN, LCCN, OCLC.

Libraries type these by hand, with hyphens, spaces, qualifiers ("(pbk.)", "(bìa mềm)")
and sometimes a wrong check digit. Work clustering matches records on these numbers,
so every crosswalk funnels them through here and gets one canonical form back:

- ISBN → 13 digits (ISBN-10s are converted), or None when the check digit is wrong;
- ISSN → ``NNNN-NNNC`` (the form printed on every serial), or None when invalid;
- LCCN → the Library of Congress normalised form; OCLC → the bare number.
"""

from __future__ import annotations

import re

__all__ = [
    "compact_isbn",
    "isbn10_to_13",
    "isbn13_to_10",
    "normalise_isbn",
    "normalise_issn",
    "normalise_lccn",
    "normalise_oclc",
]

# A run of digits with single hyphens (ASCII or typographic) or spaces between them,
# ending in a digit or X.
_DASH = "\\-\u2010\u2011\u2013"
_NUMBER_RUN = re.compile(rf"[0-9](?:[ {_DASH}]?[0-9])*(?:[ {_DASH}]?[0-9Xx])?")
_ISSN = re.compile(rf"([0-9]{{4}})[ {_DASH}]?([0-9]{{3}}[0-9Xx])")
_ISBN_PREFIX = re.compile(r"^\s*(?:urn:isbn:|isbn(?:-1[03])?\s*[:：]?)\s*", re.IGNORECASE)
_ISSN_PREFIX = re.compile(r"^\s*(?:urn:issn:|issn(?:-l)?\s*[:：]?)\s*", re.IGNORECASE)


def compact_isbn(text: str) -> str:
    """The first ISBN-looking run in `text`, with hyphens, spaces and qualifiers removed.

    Kept for numbers that fail validation, so a typo stays findable in `invalid_isbns`.
    """
    match = _NUMBER_RUN.search(_ISBN_PREFIX.sub("", text or ""))
    return re.sub(rf"[ {_DASH}]", "", match.group()).upper() if match else ""


def normalise_isbn(text: str) -> str | None:
    """ISBN-13 digits for an ISBN-10 or ISBN-13 written any usual way; None if invalid."""
    compact = compact_isbn(text)
    # "978-604-1-23456-7 50000đ": a price typed after the number joins the run. An
    # ISBN-13 with a wrong check digit stays invalid: its first ten digits may pass as an
    # ISBN-10 by chance (one in eleven), which would join unrelated works.
    candidates = [compact, compact[:13]]
    if not (len(compact) >= 13 and compact[:3] in ("978", "979")):
        candidates.append(compact[:10])
    for candidate in candidates:
        isbn = _valid_isbn13(candidate)
        if isbn:
            return isbn
    return None


def _valid_isbn13(candidate: str) -> str | None:
    if len(candidate) == 10 and _isbn10_ok(candidate):
        return isbn10_to_13(candidate)
    if len(candidate) == 13 and candidate.isdigit() and candidate[:3] in ("978", "979"):
        return candidate if _isbn13_check(candidate[:12]) == candidate[12] else None
    return None


def _isbn10_ok(isbn: str) -> bool:
    if not (isbn[:9].isdigit() and (isbn[9].isdigit() or isbn[9] == "X")):
        return False
    total = sum((10 - i) * int(c) for i, c in enumerate(isbn[:9]))
    total += 10 if isbn[9] == "X" else int(isbn[9])
    return total % 11 == 0


def _isbn13_check(first12: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return str((10 - total % 10) % 10)


def _isbn10_check(first9: str) -> str:
    value = (11 - sum((10 - i) * int(c) for i, c in enumerate(first9)) % 11) % 11
    return "X" if value == 10 else str(value)


def isbn10_to_13(isbn10: str) -> str:
    """The ISBN-13 of a (compact, valid) ISBN-10: prefix 978, recompute the check digit."""
    first12 = "978" + isbn10[:9]
    return first12 + _isbn13_check(first12)


def isbn13_to_10(isbn13: str) -> str | None:
    """The ISBN-10 of a 978- ISBN-13 (979- numbers have none), for searching old records."""
    if len(isbn13) != 13 or not isbn13.startswith("978"):
        return None
    return isbn13[3:12] + _isbn10_check(isbn13[3:12])


def normalise_issn(text: str) -> str | None:
    """``NNNN-NNNC`` for an ISSN written with or without hyphen; None if the check fails."""
    match = _ISSN.search(_ISSN_PREFIX.sub("", text or ""))
    if not match:
        return None
    digits = (match.group(1) + match.group(2)).upper()
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    if digits[7] != ("X" if check == 10 else str(check)):
        return None
    return f"{digits[:4]}-{digits[4:]}"


def normalise_lccn(text: str) -> str:
    """The LC normalised form: no blanks, nothing after '/', hyphen → zero-padded serial.

    See https://www.loc.gov/marc/lccn-namespace.html ("85-2 " → "85000002").
    """
    value = re.sub(r"\s+", "", text or "").split("/")[0]
    if "-" in value:
        prefix, _, serial = value.partition("-")
        if serial.isdigit() and len(serial) <= 6:
            value = prefix + serial.zfill(6)
        else:
            value = prefix + serial
    return value.lower() if re.fullmatch(r"[a-zA-Z]{0,3}[0-9]{8,10}", value) else value


def normalise_oclc(text: str) -> str:
    """The bare OCLC number of an 035 "(OCoLC)ocm00012345"; '' when it is not OCLC's."""
    match = re.match(r"\s*\(OCoLC\)\s*(?:ocm|ocn|on)?\s*0*([0-9]+)", text or "", re.IGNORECASE)
    return match.group(1) if match else ""
