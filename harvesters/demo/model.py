"""The demo's own description of a work, before any library catalogues it.

A `Work` is the truth the libraries' records are made from: one publication (title,
authors, edition, year). Each library renders it in its own cataloguing style, so two
records of one `Work` look different but share its `work_id`. Also here: the standard
number arithmetic (ISBN/ISSN check digits) the generator needs to write numbers
right — and, on purpose, wrong.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


class DemoRandom(random.Random):
    """random.Random with cheaper `choice`/`randint`/`weighted`: one random() call each.

    The stdlib's rejection sampling is exact but three times slower, and a million
    records draw tens of millions of numbers. Still fully determined by the seed.
    """

    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def weighted(self, items: Sequence[T], cum_weights: Sequence[int]) -> T:
        """One item drawn with cumulative weights (like choices(...)[0], faster)."""
        return items[bisect.bisect(cum_weights, self.random() * cum_weights[-1])]


@dataclass(slots=True)
class Person:
    """A name as printed (direct order), as filed (inverted), with life dates if known."""

    name: str
    inverted: str
    dates: str = ""
    role: str = ""  # relator term for contributors ("dịch", "người đọc"); "" = author


def person(spec: str, role: str = "") -> Person:
    """ "Nguyễn Du|1766-1820" or "Graham Greene|1904-1991|Greene, Graham" → Person.

    Vietnamese names invert after the family name: "Hồ Xuân Hương" → "Hồ, Xuân Hương".
    """
    parts = spec.split("|")
    name = parts[0]
    dates = parts[1] if len(parts) > 1 else ""
    if len(parts) > 2:
        inverted = parts[2]
    else:
        family, _, rest = name.partition(" ")
        inverted = f"{family}, {rest}" if rest else family
    return Person(name, inverted, dates, role)


@dataclass(frozen=True, slots=True)
class Subject:
    """One subject heading: MARC tag (600/650/651) and its (code, value) subfields."""

    tag: str
    parts: tuple[tuple[str, str], ...]

    def heading(self) -> str:
        """The heading as one string, subdivisions after " -- " (how DC carries it)."""
        return " -- ".join(value for _, value in self.parts)


def topic(main: str, x: str = "", z: str = "") -> Subject:
    """A 650 topical heading, optionally with a general ($x) or place ($z) subdivision."""
    parts = [("a", main)] + [(c, v) for c, v in (("x", x), ("z", z)) if v]
    return Subject("650", tuple(parts))


def place(main: str, x: str = "") -> Subject:
    """A 651 geographic heading: "Hà Nội (Việt Nam) -- Lịch sử"."""
    return Subject("651", (("a", main), ("x", x)) if x else (("a", main),))


def about(name: str, dates: str = "", x: str = "") -> Subject:
    """A 600 personal-name heading: a work about a person."""
    parts = [("a", name)] + [(c, v) for c, v in (("d", dates), ("x", x)) if v]
    return Subject("600", tuple(parts))


@dataclass(slots=True)
class Work:
    """One publication as the truth knows it; libraries' records are views of it."""

    index: int
    work_id: str
    format: str  # catalogue.record.FORMATS
    title: str
    language: str = "vie"
    nonfiling: int = 0  # length of a leading article ("The " = 4) for 245 ind2
    subtitle: str = ""
    authors: list[Person] = field(default_factory=list)
    contributors: list[Person] = field(default_factory=list)
    corporate: str = ""  # issuing body (archives, periodicals) → 110 / dc:creator
    year: int = 2015
    publisher: str = ""
    place: str = "Hà Nội"
    country: str = "vm "  # MARC country code for 008/15-17
    edition: str = ""
    series: str = ""
    volume: str = ""
    summary: str = ""
    subjects: list[Subject] = field(default_factory=list)
    genre: str = ""  # 655 form/genre
    literary_form: str = "0"  # 008/33 for books
    ddc: str = ""
    lcc: str = ""
    cutter: str = ""  # filled in by the MARC renderer on first use
    isbn: str = ""  # valid ISBN-13, hyphenated
    issn: str = ""  # valid, "NNNN-NNNC"
    frequency: tuple[str, str] = ("", "")  # (310 text, 008/18 code) for periodicals
    extent: str = ""
    original_language: str = ""  # 041 $h for translations
    chapters: list[tuple[str, int]] = field(default_factory=list)  # audiobook (title, s)
    minutes: int = 0  # running time of a video or recording
    pages: int = 0  # scanned page images
    external_url: str = ""
    thesis: str = ""  # 502 note
    embargo: str = ""  # 506 $g, "YYYYMMDD"
    collection: str = ""
    rights: str = ""  # rightsstatements.org or Creative Commons URI
    access: str = ""  # "" (rules decide) | "registered" | "onsite" | "restricted"
    holders: tuple[str, ...] = ()  # library keys
    deleted_in: frozenset[str] = frozenset()
    bad_isbn: dict[str, str] = field(default_factory=dict)  # library → donor ISBN
    variants: dict[str, dict[str, str]] = field(default_factory=dict)  # forced styles

    def full_title(self) -> str:
        return f"{self.title} : {self.subtitle}" if self.subtitle else self.title


def new_work(index: int, fmt: str, title: str, **kwargs: object) -> Work:
    """A Work with its id derived from its index."""
    return Work(index=index, work_id=f"w{index:06d}", format=fmt, title=title, **kwargs)


# --- standard numbers ----------------------------------------------------------------------


def isbn13_check(digits12: str) -> str:
    total = sum(map(int, digits12[0::2])) + 3 * sum(map(int, digits12[1::2]))
    return str((10 - total % 10) % 10)


def isbn10_check(digits9: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def wrong(check: str) -> str:
    """A different check character: how a typo in the last digit looks."""
    return "0" if check in ("X", "9") else str(int(check) + 1)


# group → (digits after the group, where to split registrant / publication)
_ISBN_GROUPS = {"604": (6, 2), "0": (8, 3), "1": (8, 3), "2": (8, 2), "7": (8, 3)}
_LANGUAGE_GROUPS = {"vie": "604", "eng": "0", "fre": "2", "chi": "7"}


def make_isbn(language: str, index: int) -> str:
    """A valid, hyphenated ISBN-13, unique per work index (a bijection inside each group).

    Vietnamese works get 978-604 like real ones; past a million works they spill into
    group 1 so numbers never repeat.
    """
    group = _LANGUAGE_GROUPS.get(language, "0")
    if group == "604" and index >= 10**6:
        group = "1"
    length, split = _ISBN_GROUPS[group]
    number = f"{(index * 7919 + 123457) % 10**length:0{length}d}"
    body = f"978{group}{number}"
    return f"978-{group}-{number[:split]}-{number[split:]}-{isbn13_check(body)}"


def isbn_text(isbn: str, form: str, valid: bool = True) -> str:
    """`isbn` (hyphenated ISBN-13) written as a library would: hyph13, plain13, isbn10,
    hyph10. With valid=False the check digit is wrong (a cataloguer's typo)."""
    if form in ("isbn10", "hyph10"):
        hyphenated = isbn[4:-1]
        check = isbn10_check(hyphenated.replace("-", ""))
    else:
        hyphenated = isbn[:-1]
        check = isbn[-1]
    text = hyphenated + (check if valid else wrong(check))
    return text if form.startswith("hyph") else text.replace("-", "")


def make_issn(index: int) -> str:
    """A valid ISSN; the first ones fall in Vietnam's 0866- block."""
    body = f"{(866000 + index) % 10**7:07d}"
    total = sum(int(d) * (8 - i) for i, d in enumerate(body))
    check = (11 - total % 11) % 11
    return f"{body[:4]}-{body[4:]}{'X' if check == 10 else check}"
