"""MODS name → an author or contributor as the catalogue shows it.

Name order depends on the record's language (family name first, no comma, for
Vietnamese and other East Asian names; "Smith, John" otherwise, as MARC catalogues
them), and the role decides author or contributor.
"""

from __future__ import annotations

from lxml import etree

from harvesters.crosswalk.marc import AUTHOR_RELATORS
from harvesters.crosswalk.mods_paths import children, find, first_text, text
from harvesters.crosswalk.rules import strip_isbd, strip_name_dates

EAST_ASIAN_LANGUAGES = frozenset({"vie", "chi", "jpn", "kor"})  # family name first, no comma
AUTHOR_CODES = frozenset({"aut", "cre"})


def name_text(name: etree._Element, *, east_asian: bool) -> str:
    """A name as the catalogue shows it: displayForm, else its parts (dates dropped)."""
    display = first_text(name, "displayForm")
    if display:
        return strip_isbd(display)
    parts: dict[str, list[str]] = {}
    for part in children(name, "namePart"):
        value = strip_isbd(text(part))
        if value:
            parts.setdefault((part.get("type") or "").strip(), []).append(value)
    family, given = " ".join(parts.get("family", [])), " ".join(parts.get("given", []))
    plain = parts.get("", [])
    if (name.get("type") or "") == "corporate":
        whole = ". ".join(plain + [p for p in (family, given) if p])
    elif family and given:
        whole = f"{family} {given}" if east_asian else f"{family}, {given}"
    else:
        whole = " ".join(p for p in [*plain, family, given] if p)
    whole = strip_isbd(strip_name_dates(whole))  # "Nguyễn Du, 1765-1820" in one namePart
    address = ", ".join(parts.get("termsOfAddress", []))
    return strip_isbd(f"{whole}, {address}" if whole and address else whole)


def roles(name: etree._Element) -> list[str]:
    """Role terms and codes, lowercased; a marcrelator URI's last segment is its code."""
    found = []
    for term in find(name, "role/roleTerm"):
        value = strip_isbd(text(term).rsplit("/", 1)[-1]).strip(" .").casefold()
        if value:
            found.append(value)
    return found


def is_author_name(name: etree._Element) -> bool:
    terms = roles(name)
    return not terms or any(t in AUTHOR_RELATORS or t in AUTHOR_CODES for t in terms)


def names(mods: etree._Element, *, authors: bool, east_asian: bool) -> list[str]:
    """Authors (no role, or an author role) or contributors (any other role), in order."""
    found = []
    for name in children(mods, "name"):
        if is_author_name(name) == authors:
            value = name_text(name, east_asian=east_asian)
            if value:
                found.append(value)
    return found
