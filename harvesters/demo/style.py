"""How each library catalogues: the choices that make one work look different per library.

Every aspect (author form, ISBN form, subtitle kept or not, year form, ISBD punctuation)
is a weighted draw from the library's own habits, unless the work forces a choice
(`Work.variants`, used by the showcase to guarantee the classic differences).
"""

from __future__ import annotations

import itertools

from harvesters.demo.model import DemoRandom, Person, Work
from harvesters.demo.vocab import HANOI, NATIONAL, VNU

Options = tuple[tuple[str, ...], list[int]]


def _options(**weights: int) -> Options:
    return tuple(weights), list(itertools.accumulate(weights.values()))


STYLES: dict[str, dict[str, Options]] = {
    # Koha, AACR2, ISBD punctuation, ISBN-13 as printed on the book
    HANOI: {
        "author": _options(direct=70, inverted=10, dated=20),
        "isbn": _options(hyph13=70, plain13=18, isbn10=6, none=6),
        "subtitle": _options(yes=85, no=15),
        "year": _options(plain=70, copyright=10, bracket=10, none=10),
        "isbd": _options(yes=100),
    },
    # DC export: inverted names, bare numbers, subtitles often dropped
    NATIONAL: {
        "author": _options(inverted=50, direct=30, dated=20),
        "isbn": _options(plain13=50, isbn10=25, hyph13=10, none=15),
        "subtitle": _options(yes=40, no=60),
        "year": _options(plain=80, iso=15, bracket=5),
    },
    # RDA, many legacy ISBN-10s, punctuation often left out by a batch loader
    VNU: {
        "author": _options(dated=50, inverted=30, direct=20),
        "isbn": _options(isbn10=40, hyph10=20, hyph13=20, plain13=5, none=15),
        "subtitle": _options(yes=50, no=50),
        "year": _options(plain=75, copyright=10, bracket=10, none=5),
        "isbd": _options(yes=40, no=60),
    },
}


def choose(rng: DemoRandom, work: Work, library: str, aspect: str) -> str:
    """The library's choice for one aspect of one record (forced by the work, or drawn)."""
    forced = work.variants.get(library, {}).get(aspect)
    if forced:
        return forced
    names, cum = STYLES[library][aspect]
    return rng.weighted(names, cum) if len(names) > 1 else names[0]


def family_first(p: Person) -> bool:
    """True for Vietnamese-order names ("Nguyễn Du" ↔ "Nguyễn, Du")."""
    return p.inverted.split(",", 1)[0] == p.name.split(" ", 1)[0]


def name_text(p: Person, form: str) -> str:
    """A name as a DC creator: "Nguyễn Du", "Nguyễn, Du" or "Nguyễn Du (1766-1820)"."""
    base = p.inverted if form == "inverted" or not family_first(p) else p.name
    if form == "dated" and p.dates:
        return f"{base} ({p.dates})"
    return base


def marc_name(p: Person, form: str, isbd: bool) -> tuple[str, list[tuple[str, str]]]:
    """(first indicator, subfields) for a 100/600/700: 0 = direct order, 1 = surname first.

    Western names are always inverted in MARC; Vietnamese ones follow the form.
    """
    inverted = form == "inverted" or not family_first(p)
    name = p.inverted if inverted else p.name
    ind1 = "1" if inverted else "0"
    dated = form == "dated" and p.dates
    parts = [("a", f"{name}," if isbd and (dated or p.role) else name)]
    if dated:
        parts.append(("d", f"{p.dates}," if isbd and p.role else p.dates))
    if p.role:
        parts.append(("e", p.role))
    return ind1, parts
