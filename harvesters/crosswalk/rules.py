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

A table is compiled once, at import, into a `RuleTable`: the rows stay the single
source of truth, but a record is then read in one walk over its fields, with each
subfield normalised once and each row's transforms run once per distinct value.
"""

from __future__ import annotations

import re
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


def subfield_pairs(field: pymarc.Field, codes: str) -> list[tuple[str, str]]:
    """(code, NFC text) of the wanted subfields in field order, empty ones skipped."""
    return [
        (code, clean_text[value])
        for code, value in getattr(field, "subfields", None) or ()
        if code in codes and value and value.strip()
    ]


def clean_subfields(field: pymarc.Field) -> list[tuple[str, str]]:
    """(code, NFC text) of every non-empty subfield in field order: what `subfield_pairs`
    gives for all codes, each text cleaned once (and remembered, see `Memo`)."""
    pairs = []
    for code, value in getattr(field, "subfields", None) or ():
        if value and (text := clean_text[value]):
            pairs.append((code, text))
    return pairs


class Memo(dict):
    """A pure function of one hashable argument, remembering its latest results:
    `memo[value]` is `fn(value)`.

    Catalogues repeat themselves (publishers, places, subject headings, language codes,
    fixed-field slices), so most values have been seen a few records earlier. A dict
    underneath, so a value seen before costs one lookup. Bounded: cleared when full, so
    memory stays flat however long the harvest.
    """

    def __init__(self, fn: Callable[[Any], Any], size: int = 4096) -> None:
        super().__init__()
        self.fn, self.size = fn, size

    def __missing__(self, value: Any) -> Any:
        result = self.fn(value)
        if len(self) >= self.size:
            self.clear()
        self[value] = result
        return result

    def __call__(self, value: Any) -> Any:
        return self[value]


def _clean(value: str) -> str:
    return normalise_text(" ".join(value.split()))


clean_text = Memo(_clean)  # a subfield's text: spaces collapsed, NFC, trimmed


class _FieldView:
    """One field as the table reads it, built once per record however many rows read it."""

    __slots__ = ("field", "control", "data", "ind1", "ind2", "pairs")

    def __init__(self, field: pymarc.Field) -> None:
        self.field = field
        self.control = field.is_control_field()
        if self.control:
            self.data = normalise_text(field.data or "")
            self.ind1 = self.ind2 = ""
        else:
            self.ind1 = _indicator[field.indicator1]
            self.ind2 = _indicator[field.indicator2]
            self.pairs = clean_subfields(field)

    def part_values(self, part: _Part, rule: Rule) -> list[str]:
        """What one spec part reads from this field: a slice, a joined field, or subfields."""
        if self.control:
            data = self.data
            if part.start is not None:
                data = data[part.start : part.end] if len(data) >= part.end else ""
            return [data] if data.strip() else []
        if rule.when is not None and not rule.when(self.field):
            return []
        codes = part.codes
        pairs = [pair for pair in self.pairs if pair[0] in codes]
        if rule.each:
            return [value for _, value in pairs]
        return [rule.join(pairs)] if pairs else []


_indicator = Memo(lambda actual: (actual or " ").replace("#", " "))  # "#" and "" are blank


def _wanted(indicator: str) -> str | None:
    return None if indicator == "*" else indicator.replace("#", " ")


class RuleTable:
    """A mapping table compiled once, at import: which rows each tag feeds.

    The rows stay the single source of truth; this only changes how they are run. A
    record's fields are walked once, each field's subfields are normalised once (not
    once per row that reads it), a row's transforms run once per distinct value (see
    `Memo`), and a `one` row whose field is already filled is not run at all. The
    result is the same as running the rows one by one in table order.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        check_rules(self.rules)
        # tag → (slot, wanted indicator 1, wanted indicator 2) for each spec part reading
        # it; a slot collects the fields one (row, spec part) reads. None: any indicator.
        routes: dict[str, list[tuple[int, str | None, str | None]]] = {}
        self.slots: list[tuple[int, _Part]] = []  # slot → (row, spec part)
        row_slots = []
        for row, rule in enumerate(self.rules):
            first = len(self.slots)
            for part in parse_spec(rule.spec):
                route = (len(self.slots), _wanted(part.ind1), _wanted(part.ind2))
                routes.setdefault(part.tag, []).append(route)
                self.slots.append((row, part))
            row_slots.append(range(first, len(self.slots)))
        self.routes = {tag: tuple(found) for tag, found in routes.items()}
        self.row_slots = tuple(row_slots)
        self.slot_rows = tuple(row for row, _ in self.slots)
        self.chains = tuple(_chain(rule.transforms) for rule in self.rules)

    def matches(self, marc: pymarc.Record) -> list[list[_FieldView] | None]:
        """slot → the fields that (row, spec part) reads, in record order: the one walk."""
        found: list[list[_FieldView] | None] = [None] * len(self.slots)
        routes_of = self.routes.get
        for field in marc.fields:
            routes = routes_of(field.tag)
            if routes is None:
                continue
            view = _FieldView(field)
            control, ind1, ind2 = view.control, view.ind1, view.ind2
            for slot, want1, want2 in routes:
                if control or (
                    (want1 is None or ind1 == want1) and (want2 is None or ind2 == want2)
                ):
                    views = found[slot]
                    if views is None:
                        found[slot] = [view]
                    else:
                        views.append(view)
        return found

    def raw_values(self, row: int, found: list[list[_FieldView] | None]) -> Iterator[str]:
        """One row's values before its transforms: spec parts in order, fields in order."""
        rule = self.rules[row]
        for slot in self.row_slots[row]:
            views = found[slot]
            if views:
                part = self.slots[slot][1]
                for view in views:
                    yield from view.part_values(part, rule)

    def values(self, marc: pymarc.Record, row: int) -> list[Any]:
        """Every value one row yields from one record, in record order."""
        chain = self.chains[row]
        return [out for value in self.raw_values(row, self.matches(marc)) for out in chain[value]]

    def apply(self, marc: pymarc.Record, record: Record) -> None:
        """Fill the record from every row, in table order (see `assign`)."""
        found = self.matches(marc)
        slot_rows = self.slot_rows
        # Rows without a field are skipped: assign would change nothing.
        for row in sorted({slot_rows[slot] for slot, views in enumerate(found) if views}):
            rule = self.rules[row]
            current = getattr(record, rule.target)
            if rule.one and not isinstance(current, list):
                if current in ("", None):  # else an earlier row filled it: nothing to do
                    first = self._first(row, found)
                    if first:
                        setattr(record, rule.target, first[0])
                continue
            chain = self.chains[row]
            values = [out for value in self.raw_values(row, found) for out in chain[value]]
            if values:
                assign(record, rule.target, values, one=rule.one)

    def _first(self, row: int, found: list[list[_FieldView] | None]) -> tuple[Any, ...]:
        """A `one` row's first value, as (value,), or (): the rest need not be transformed."""
        chain = self.chains[row]
        for value in self.raw_values(row, found):
            results = chain[value]
            if results:
                return results
        return ()


def _chain(transforms: Sequence[Transform]) -> Memo | _Unremembered:
    """One raw value through a row's transforms, as a tuple (see apply_transforms).

    Remembered per distinct value, unless a transform depends on more than its
    argument (`first_year` reads today's date)."""

    def run(value: str) -> tuple[Any, ...]:
        return tuple(apply_transforms([value], transforms))

    if any(t in UNREMEMBERED for t in transforms):
        return _Unremembered(run)
    return Memo(run)


class _Unremembered:
    """`chain[value]` for a chain that must run every time."""

    def __init__(self, fn: Callable[[str], tuple[Any, ...]]) -> None:
        self.fn = fn

    def __getitem__(self, value: str) -> tuple[Any, ...]:
        return self.fn(value)


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
    return RuleTable((rule,)).values(marc, 0)


def check_rules(rules: Iterable[Rule]) -> None:
    """Parse every spec and check every target exists on Record, at import time."""
    names = set(Record.__dataclass_fields__)
    for rule in rules:
        if rule.target not in names:
            raise ValueError(f"Record has no field {rule.target!r}")
        parse_spec(rule.spec)


def assign(record: Record, target: str, values: Sequence[Any], *, one: bool) -> None:
    """Put values on the record.

    Lists: deduplicated append. Single fields with `one`: the first value wins, and a
    later rule only fills the field if it is still empty. Text fields without `one`:
    every value, as paragraphs.
    """
    current = getattr(record, target)
    if isinstance(current, list):
        keys = _text_key  # dedupe_key, inlined: this runs for every list value
        seen = {keys[v] if isinstance(v, str) else v for v in current}
        for value in values:
            key = keys[value] if isinstance(value, str) else value
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
        return _text_key[value]
    return value


_PUNCTUATION = re.compile(r"[^\w\s]")
_text_key = Memo(lambda value: " ".join(_PUNCTUATION.sub(" ", value).split()).casefold())


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


_ISBD_TAIL = re.compile(r"\s*[/:;=,]\s*$")
_WORD_END = re.compile(r"[\s.]")


def strip_isbd(value: str) -> str:
    """Remove trailing ISBD punctuation (" /", " :", " ;", " =", ",", "."), keep "J." & "Jr."."""
    text = value.strip()
    while text:
        stripped = _ISBD_TAIL.sub("", text)
        if stripped == text and text.endswith(".") and not text.endswith("..."):
            last = _WORD_END.split(text[:-1])[-1]
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


def first_year(value: str) -> int | None:  # reads today's date: see UNREMEMBERED
    """The first plausible 4-digit year in "c2005", "[1998?]", "2015-03-02"."""
    for match in re.finditer(r"(?<![0-9])([0-9]{4})(?![0-9])", value):
        year = int(match.group(1))
        if 1000 <= year <= date.today().year + 5:
            return year
    return None


# Transforms whose result depends on more than their argument: never remembered.
UNREMEMBERED: frozenset[Callable] = frozenset({first_year})


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
