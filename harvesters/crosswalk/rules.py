"""The mapping-table machinery: a `Rule` is one row "target field ← MARC spec, transforms".

The tables live in `marc.py`; this module is how a row is read, so the tables can stay
tables. A spec, in Traject's notation, is one or more parts joined by ":":

    "245anp"      tag 245, subfields a, n, p (in the order they occur), joined by spaces
    "264|*1|b"    tag 264 with indicator 1 any and indicator 2 = "1", subfield b
    "008[35-37]"  positions 35–37 of a control field (inclusive, 0-based)

A rule's values are passed through its transforms in order; a transform returns a
value, None/"" to drop it, or a list to fan out. `one=True` keeps the first value of
the first rule (in table order) that yields one, so earlier rows are preferred
sources; list fields collect values from every matching row, deduplicated.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pymarc

from catalogue import Record, normalise_text

Transform = Callable[[str], Any]
Joiner = Callable[[Sequence[tuple[str, str]]], str]
FieldTest = Callable[[pymarc.Field], bool]


class CrosswalkError(ValueError):
    """A record that cannot become a catalogue Record (the reason says why)."""


def join_space(parts: Sequence[tuple[str, str]]) -> str:
    """Subfields joined as cataloguers wrote them, one space apart."""
    return " ".join(value for _, value in parts)


@dataclass(frozen=True)
class Rule:
    """One row of a mapping table: Record `target` ← MARC `spec`, then `transforms`."""

    target: str
    spec: str
    transforms: Sequence[Transform] = ()
    one: bool = False
    each: bool = False  # one value per subfield instead of one per field
    join: Joiner = join_space
    when: FieldTest | None = None  # only fields passing this test


@dataclass(frozen=True)
class _Part:
    tag: str
    ind1: str
    ind2: str
    codes: str
    start: int | None
    end: int | None


_SPEC = re.compile(
    r"^(?P<tag>[0-9A-Za-z]{3})"
    r"(?:\|(?P<i1>[ *#0-9a-z])(?P<i2>[ *#0-9a-z])\|)?"
    r"(?:\[(?P<start>[0-9]+)(?:-(?P<end>[0-9]+))?\]|(?P<codes>[0-9a-z]*))$"
)


def parse_spec(spec: str) -> tuple[_Part, ...]:
    """Parse "100abc:264|*1|b:008[35-37]" once, at import time, failing loudly on typos."""
    parts = []
    for text in spec.split(":"):
        match = _SPEC.match(text)
        if not match:
            raise ValueError(f"bad MARC spec {text!r} in {spec!r}")
        start = match["start"]
        parts.append(
            _Part(
                tag=match["tag"],
                ind1=match["i1"] or "*",
                ind2=match["i2"] or "*",
                codes=match["codes"] or "",
                start=int(start) if start is not None else None,
                end=int(match["end"] or start) + 1 if start is not None else None,
            )
        )
    return tuple(parts)


def _indicator_ok(wanted: str, actual: str | None) -> bool:
    if wanted == "*":
        return True
    actual = (actual or " ").replace("#", " ")
    return actual == wanted.replace("#", " ")


def subfield_pairs(field: pymarc.Field, codes: str) -> list[tuple[str, str]]:
    """(code, NFC text) of the wanted subfields in field order, empty ones skipped."""
    pairs = []
    for sub in getattr(field, "subfields", None) or ():
        if sub.code in codes and sub.value and sub.value.strip():
            pairs.append((sub.code, normalise_text(" ".join(sub.value.split()))))
    return pairs


def fields_by_tag(marc: pymarc.Record) -> dict[str, list[pymarc.Field]]:
    """The record's fields grouped by tag, built once per record.

    pymarc's get_fields scans every field on each call, and a crosswalk asks ~60 times
    per record. Crosswalks take one record at a time and never change it, so the last
    record's grouping is kept per thread (harvests run in threads).
    """
    last = getattr(_LAST, "entry", None)
    if last is not None and last[0] is marc:
        return last[1]
    grouped: dict[str, list[pymarc.Field]] = {}
    for field in marc.fields:
        grouped.setdefault(field.tag, []).append(field)
    _LAST.entry = (marc, grouped)
    return grouped


_LAST = threading.local()


def _part_values(marc: pymarc.Record, part: _Part, rule: Rule) -> Iterator[str]:
    for field in fields_by_tag(marc).get(part.tag, ()):
        if field.is_control_field():
            data = normalise_text(field.data or "")
            if part.start is not None:
                data = data[part.start : part.end] if len(data) >= part.end else ""
            if data.strip():
                yield data
            continue
        if not (
            _indicator_ok(part.ind1, field.indicator1)
            and _indicator_ok(part.ind2, field.indicator2)
        ):
            continue
        if rule.when is not None and not rule.when(field):
            continue
        pairs = subfield_pairs(field, part.codes)
        if rule.each:
            yield from (value for _, value in pairs)
        elif pairs:
            yield rule.join(pairs)


def apply_transforms(values: Iterable[Any], transforms: Sequence[Transform]) -> list[Any]:
    """Run values through the transforms; drop None/'' and flatten lists."""
    current = list(values)
    for transform in transforms:
        following: list[Any] = []
        for value in current:
            result = transform(value)
            if isinstance(result, (list, tuple)):
                following.extend(r for r in result if r not in (None, ""))
            elif result not in (None, ""):
                following.append(result)
        current = following
    return current


def rule_values(marc: pymarc.Record, rule: Rule) -> list[Any]:
    """Every value one rule yields from one record, in record order."""
    parts = _PARSED.get(rule.spec) or _PARSED.setdefault(rule.spec, parse_spec(rule.spec))
    raw = [value for part in parts for value in _part_values(marc, part, rule)]
    return apply_transforms(raw, rule.transforms)


_PARSED: dict[str, tuple[_Part, ...]] = {}


def check_rules(rules: Iterable[Rule]) -> None:
    """Parse every spec and check every target exists on Record, at import time."""
    names = set(Record.__dataclass_fields__)
    for rule in rules:
        if rule.target not in names:
            raise ValueError(f"Record has no field {rule.target!r}")
        _PARSED[rule.spec] = parse_spec(rule.spec)


def assign(record: Record, target: str, values: Sequence[Any], *, one: bool) -> None:
    """Put values on the record.

    Lists: deduplicated append. Single fields with `one`: the first value wins, and a
    later rule only fills the field if it is still empty. Text fields without `one`:
    every value, as paragraphs.
    """
    current = getattr(record, target)
    if isinstance(current, list):
        seen = {dedupe_key(v) for v in current}
        for value in values:
            key = dedupe_key(value)
            if key not in seen:
                seen.add(key)
                current.append(value)
    elif values and isinstance(current, str) and not one:
        # A text field fed by every matching field (520 summaries): one paragraph each.
        setattr(record, target, "\n\n".join(filter(None, [current, *map(str, values)])))
    elif values and current in ("", None):
        setattr(record, target, values[0])


def dedupe_key(value: Any) -> Any:
    """ "Nguyễn Du" and "Nguyễn, Du." are one name; "Hà Nội" and "Hạ Nội" are two."""
    if isinstance(value, str):
        return " ".join(re.sub(r"[^\w\s]", " ", value).split()).casefold()
    return value


# --- text transforms shared by the crosswalks ------------------------------------------

# Abbreviations whose final period is part of the word, not ISBD punctuation.
KEEP_PERIOD = frozenset(
    {
        "jr",
        "sr",
        "co",
        "inc",
        "ltd",
        "st",
        "dr",
        "mr",
        "mrs",
        "ms",
        "etc",
        "ed",
        "eds",
        "vol",
        "tp",
        "nxb",
        "tr",
        "bs",
        "ts",
        "gs",
        "pgs",
        "ths",
        "cn",
    }
)


def strip_isbd(value: str) -> str:
    """Remove trailing ISBD punctuation (" /", " :", " ;", " =", ",", "."), keep "J." & "Jr."."""
    text = value.strip()
    while text:
        stripped = re.sub(r"\s*[/:;=,]\s*$", "", text)
        if stripped == text and text.endswith(".") and not text.endswith("..."):
            last = re.split(r"[\s.]", text[:-1])[-1]
            if (len(last) > 1 or last.isdigit()) and last.casefold() not in KEEP_PERIOD:
                stripped = text[:-1].rstrip()
        if stripped == text:
            break
        text = stripped
    return text


def strip_brackets(value: str) -> str:
    """ "[Hà Nội]" → "Hà Nội": supplied-data brackets are cataloguing, not data."""
    return value.replace("[", "").replace("]", "").strip()


# Place/publisher "unknown" markers in English and Vietnamese cataloguing.
UNKNOWN_MARKERS = frozenset(
    {
        "s.l",
        "s.n",
        "sine loco",
        "sine nomine",
        "k.đ",
        "k.nxb",
        "knxb",
        "k.n.x.b",
        "không rõ",
        "không rõ nơi xuất bản",
        "không rõ nhà xuất bản",
        "place of publication not identified",
        "publisher not identified",
    }
)


def drop_unknown(value: str) -> str | None:
    """None for "[S.l.]", "[s.n.]", "[K.nxb.]": an unknown publisher is no publisher."""
    key = strip_brackets(value).strip(" .?").casefold()
    return None if key in UNKNOWN_MARKERS else value


def first_year(value: str) -> int | None:
    """The first plausible 4-digit year in "c2005", "[1998?]", "2015-03-02"."""
    for match in re.finditer(r"(?<![0-9])([0-9]{4})(?![0-9])", value):
        year = int(match.group(1))
        if 1000 <= year <= date.today().year + 5:
            return year
    return None


def strip_name_dates(value: str) -> str:
    """ "Nguyễn Du, 1765-1820" → "Nguyễn Du": dates identify a name, they are not the name."""
    return _NAME_DATES.sub("", value).strip()


_NAME_DATES = re.compile(
    r",?\s*\(?\b(?:b\.\s*|d\.\s*|ca\.\s*)?[0-9]{3,4}\??\s*-\s*(?:[0-9]{3,4}\??)?\)?\.?\s*$"
)


def split_contents(value: str) -> list[str]:
    """A formatted contents note "Ch. 1 (12:30) -- Ch. 2" → one entry per item.

    Only a spaced " -- " separates items; "1945--1954" inside an item stays.
    """
    items = [strip_isbd(item) for item in re.split(r"(?:^|\s)--(?=\s|$)", value)]
    return [item for item in items if any(c.isalnum() for c in item)]
