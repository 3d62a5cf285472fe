"""How each kind of condition is tested against a record (or the actor's address).

Every check returns None when it holds, or the reason it does not, so the same code
decides and explains. A reason is a `Mismatch`: English words for logs and the command
line, plus a `code` and `params` the console translates (as AccountError carries).

Author death years come from the dates catalogues put in name
headings ("Nguyễn Du, 1765-1820", "Hồ Xuân Hương (1772-1822)", "d. 1820"): records
have no death-year field, so `death_year` reads them out of the name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from catalogue.record import Record
from catalogue.rights.model import Conditions, Network, in_networks


class Mismatch(str):
    """Why a condition does not hold: the English words (it *is* that string), plus
    `code` (which sentence) and `params` (its values: strings, numbers, a tuple of
    strings for a list, a date) for saying it in the reader's language.

    Codes and params: source_not_listed (source, listed), collections_none (have,
    listed), format_not_listed (format, listed), rights_none (listed),
    rights_not_listed (rights, listed), year_missing, year_too_early (year, start),
    year_too_late (year, end), no_creator, death_unknown (name), died_too_late (name,
    died, latest), no_embargo, embargo_ended (until), embargo_active (until),
    address_not_listed (address, listed), not_onsite (address), onsite (address);
    an address is "" when the client's is not known.
    """

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, words: str, **params: Any) -> Mismatch:
        made = super().__new__(cls, words)
        made.code = code
        made.params = params
        return made


# -- author death years ------------------------------------------------------------

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})
_YEAR = r"(\d{3,4})(?!\d)"
_CIRCA = r"(?:ca\.?\s*|c\.\s*|khoảng\s*|k\.\s*)?"
_BCE = r"\s*(?:B\.?\s?C\.?(?:E\.?)?|TCN\b|tr\.\s?CN\b|trước\s+Công\s+nguyên)"
# "1765-1820", "1765?-1820", "?-1820", "ca. 1765-ca. 1820"; birth optional.
_RANGE = re.compile(
    r"(?<![\d-])"
    + _CIRCA
    + r"(?:(\d{1,4})\s*\??|\?)\s*-\s*"
    + _CIRCA
    + r"(\d{1,4})(?![\d-])\s*\??("
    + _BCE
    + r")?",
    re.IGNORECASE,
)
# "d. 1820", "died 1820", "mất 1820", "mất năm 1820", "† 1820".
_DIED = re.compile(
    r"(?:\bd\.|\bdied\b|\bmất\b|\bchết\b|†)\s*(?:năm\s*)?" + _CIRCA + _YEAR + r"(" + _BCE + r")?",
    re.IGNORECASE,
)
_FLOURISHED = re.compile(r"\b(?:fl|hoạt động)\.?\s*$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def death_year(name: str) -> int | None:
    """The death year written in a name heading, or None if it gives none.

    Reads MARC-style dates: "Nguyễn Du, 1765-1820", "Hồ Xuân Hương (1772-1822)",
    "1890-1969.", "d. 1820", "mất 1820", "?-1820", "551-479 B.C." (→ -479). A living
    person ("1950-"), a birth date alone ("b. 1900") or a flourished span
    ("fl. 1800-1850") gives None. Years BCE are negative.
    """
    text = unicodedata.normalize("NFC", name or "").translate(_DASHES)
    found = None
    for match in _DIED.finditer(text):
        found = -int(match.group(1)) if match.group(2) else int(match.group(1))
    for match in _RANGE.finditer(text):
        if _FLOURISHED.search(text[: match.start()]):
            continue
        born_text, died_text, bce = match.group(1), match.group(2), match.group(3)
        if len(died_text) < 3 and not bce:
            continue  # "Tập 1-12": not a life span
        died = int(died_text)
        if bce:
            born = int(born_text) if born_text else None
            if born is not None and born < died:
                continue
            found = -died
            continue
        if born_text:
            born = int(born_text)
            if len(born_text) < 3 or not 0 <= died - born <= 125:
                continue
        found = died
    return found


def creators(record: Record) -> list[str]:
    """Whose death years decide the public domain: every author and contributor."""
    return [name for name in [*record.authors, *record.contributors] if name.strip()]


# -- rights statement URIs ---------------------------------------------------------


@lru_cache(maxsize=4096)
def normalise_uri(uri: str, *, prefix: bool = False) -> str:
    """A rights URI in a comparable form: no scheme, "www.", query or fragment,
    casefolded, rightsstatements.org /page/ read as /vocab/. A full URI (not a prefix)
    gets a trailing slash, so ".../InC/1.0" and ".../InC/1.0/" are the same statement.
    """
    text = unicodedata.normalize("NFC", uri or "").strip().casefold()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.removeprefix("www.")
    text = re.split(r"[?#]", text, maxsplit=1)[0]
    if text.startswith("rightsstatements.org/page/"):
        text = "rightsstatements.org/vocab/" + text.removeprefix("rightsstatements.org/page/")
    if text and not prefix and not text.endswith("/"):
        text += "/"
    return text


# -- checks ------------------------------------------------------------------------


def _fold(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip().casefold()


def _list(values: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" (+{len(values) - limit})" if len(values) > limit else "")


def failed_condition(conditions: Conditions, record: Record, now: datetime) -> str | None:
    """The first record condition that fails (its name), or None if all hold. Fast:
    this runs for every rule and record; `check_record` adds the words."""
    c = conditions
    if c.sources and record.source_key not in c.sources:
        return "sources"
    if c.collections:
        wanted = _folded(c.collections)
        if not any(_fold(v) in wanted for v in record.collections):
            return "collections"
    if c.formats and record.format not in c.formats:
        return "formats"
    if c.rights_statements:
        uri = normalise_uri(record.rights_statement) if record.rights_statement else ""
        if not uri or not uri.startswith(_prefixes(c.rights_statements)):
            return "rights_statements"
    if c.year_from is not None or c.year_before is not None:
        year = record.year
        if (
            year is None
            or (c.year_from is not None and year < c.year_from)
            or (c.year_before is not None and year >= c.year_before)
        ):
            return "year"
    if c.author_died_before_years is not None and _death_failure(
        record, c.author_died_before_years, now
    ):
        return "author_died_before_years"
    if c.embargo_active is not None and _embargo_active(record, now) != c.embargo_active:
        return "embargo_active"
    return None


def check_record(
    conditions: Conditions, record: Record, now: datetime
) -> tuple[str, Mismatch] | None:
    """The first record condition that fails, as (condition, detail in words); None if
    all hold."""
    key = failed_condition(conditions, record, now)
    return None if key is None else (key, _describe(key, conditions, record, now))


def _describe(key: str, c: Conditions, record: Record, now: datetime) -> Mismatch:
    if key == "sources":
        return Mismatch(
            "source_not_listed",
            f"source {record.source_key!r} is not one of {_list(c.sources)}",
            source=record.source_key,
            listed=tuple(c.sources),
        )
    if key == "collections":
        have = _list(record.collections) if record.collections else "none"
        return Mismatch(
            "collections_none",
            f"collections ({have}) include none of {_list(c.collections)}",
            have=tuple(record.collections),
            listed=tuple(c.collections),
        )
    if key == "formats":
        return Mismatch(
            "format_not_listed",
            f"format {record.format!r} is not one of {_list(c.formats)}",
            format=record.format,
            listed=tuple(c.formats),
        )
    if key == "rights_statements":
        listed = tuple(c.rights_statements)
        if not record.rights_statement:
            words = f"no rights statement does not start with {_list(listed)}"
            return Mismatch("rights_none", words, listed=listed)
        words = f"{record.rights_statement} does not start with {_list(listed)}"
        return Mismatch("rights_not_listed", words, rights=record.rights_statement, listed=listed)
    if key == "year":
        if record.year is None:
            return Mismatch("year_missing", "the record has no publication year")
        if c.year_from is not None and record.year < c.year_from:
            return Mismatch(
                "year_too_early",
                f"published {record.year}, before {c.year_from}",
                year=record.year,
                start=c.year_from,
            )
        return Mismatch(
            "year_too_late",
            f"published {record.year}, not before {c.year_before}",
            year=record.year,
            end=c.year_before,
        )
    if key == "author_died_before_years":
        return _death_failure(record, c.author_died_before_years or 0, now) or Mismatch("", "")
    if c.embargo_active:
        if record.embargo_until is None:
            return Mismatch("no_embargo", "the record has no embargo")
        return Mismatch(
            "embargo_ended",
            f"the embargo ended on {record.embargo_until}",
            until=record.embargo_until,
        )
    return Mismatch(
        "embargo_active",
        f"under embargo until {record.embargo_until}",
        until=record.embargo_until,
    )


@lru_cache(maxsize=1024)
def _folded(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_fold(v) for v in values)


@lru_cache(maxsize=1024)
def _prefixes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalise_uri(v, prefix=True) for v in values)


def _embargo_active(record: Record, now: datetime) -> bool:
    return record.embargo_until is not None and record.embargo_until > now.date()


def _death_failure(record: Record, years: int, now: datetime) -> Mismatch | None:
    """Why the creators are not all dead long enough, or None if they are."""
    names = creators(record)
    if not names:
        return Mismatch("no_creator", "no author or contributor is named")
    latest = now.year - years - 1
    for name in names:
        died = death_year(name)
        if died is None:
            return Mismatch("death_unknown", f"no death year known for {name!r}", name=name)
        if died > latest:
            return Mismatch(
                "died_too_late",
                f"{name!r} died in {died}, after {latest}",
                name=name,
                died=died,
                latest=latest,
            )
    return None


def check_actor(
    conditions: Conditions, address: object, onsite_networks: Iterable[Network]
) -> tuple[str, Mismatch] | None:
    """The actor condition that fails (client address), or None if all hold."""
    c = conditions
    where = str(address) if address is not None else ""
    shown = where or "no address"
    if c.ip_ranges and not in_networks(address, c.networks):
        words = f"client ({shown}) is not in {_list(c.ip_ranges)}"
        return "ip_ranges", Mismatch(
            "address_not_listed", words, address=where, listed=tuple(c.ip_ranges)
        )
    if c.onsite is not None:
        onsite = in_networks(address, onsite_networks)
        if onsite != c.onsite:
            if c.onsite:
                words = f"client ({shown}) is not on the library network"
                return "onsite", Mismatch("not_onsite", words, address=where)
            words = f"client ({shown}) is on the library network"
            return "onsite", Mismatch("onsite", words, address=where)
    return None
