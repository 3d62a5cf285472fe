"""MARC21 → Record: the mapping tables, then the few fields that need more than a row.

Read `MARC_RULES` top to bottom: each row says which Record field is filled from which
tags/subfields and how the text is cleaned (spec notation in `rules.py`). Rows for the
same field are in order of preference. Below it: `FORMAT_TABLE` (leader/008 → format),
`HOLDING_LAYOUTS` (852 / Koha 952 → holdings) and `OBJECT_LAYOUT` (856 → files).

Local fields, documented here because no standard defines them:
- 979 $a: collection name (thuvien's demo data and some Vietnamese Koha setups);
- 952: Koha's item field (layout per Koha's default MARC framework);
- 099 / 090: local call numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pymarc

from catalogue import DigitalObject, Holding, Record, normalise_text
from catalogue.identifiers import (
    compact_isbn,
    normalise_isbn,
    normalise_issn,
    normalise_lccn,
    normalise_oclc,
)
from harvesters.crosswalk.rules import (
    CrosswalkError,
    Memo,
    Rule,
    RuleTable,
    clean_subfields,
    drop_unknown,
    first_year,
    split_contents,
    strip_brackets,
    strip_isbd,
    subfield_pairs,
)
from harvesters.crosswalk.vocab import language_code, object_kind, rights_uri, split_language_codes

__all__ = ["filing_title", "marc_format", "marc_to_record", "rights_note", "MARC_RULES"]


# --- helpers the table refers to -------------------------------------------------------

# Relator terms ($e; $j in meeting names) and codes ($4) that make a name an author.
# Anything else ("dịch", "translator", "người đọc", "narrator", "chủ biên") → contributors.
AUTHOR_RELATORS = frozenset(
    {"author", "aut", "cre", "creator", "writer", "wrt", "tác giả", "tg", "tác giả chính"}
)
SUBDIVISIONS = "vxyz"  # form, general, chronological, geographic subdivisions


def relators(field: pymarc.Field) -> list[str]:
    """Relator terms and codes of a name field, lowercased, punctuation stripped
    ($4 may be an id.loc.gov URI: its last segment is the code)."""
    codes = "j4" if field.tag.endswith("11") else "e4"
    return [
        strip_isbd(v.rsplit("/", 1)[-1]).strip(" .").casefold()
        for _, v in subfield_pairs(field, codes)
    ]


def is_author(field: pymarc.Field) -> bool:
    """A name with no relator, or with an author relator; name/title (with $t) entries are
    works, not people, so they are neither authors nor contributors."""
    if _is_work(field):
        return False
    terms = relators(field)
    return not terms or any(term in AUTHOR_RELATORS for term in terms)


def is_contributor(field: pymarc.Field) -> bool:
    """A name with relators, none of them "author": translator, narrator, editor…"""
    return not _is_work(field) and not is_author(field)


def _is_work(field: pymarc.Field) -> bool:
    """A name/title entry: it has a title ($t)."""
    return any(code in "t" and value and value.strip() for code, value in field.subfields)


def join_title(parts: Sequence[tuple[str, str]]) -> str:
    """245 $a $n $p without the " :", " /", " =" that introduce the subfields left out."""
    return " ".join(re.sub(r"\s*[/:;=]\s*$", "", value) for _, value in parts)


def join_heading(parts: Sequence[tuple[str, str]]) -> str:
    """A subject heading: main part, then each $v $x $y $z after " -- "."""
    main = strip_isbd(" ".join(v for code, v in parts if code not in SUBDIVISIONS))
    subs = [strip_isbd(v) for code, v in parts if code in SUBDIVISIONS]
    return " -- ".join(p for p in [main, *subs] if p)


def invalid_isbn(value: str) -> str | None:
    """The compacted number when 020 $a fails its check digit (kept findable, apart)."""
    return None if normalise_isbn(value) else compact_isbn(value) or None


def ddc_number(value: str) -> str:
    """ "895.9221/32" → "895.922132": prime marks segment a DDC number, they are not in it."""
    return re.sub(r"(?<=[0-9])[/'](?=[0-9])", "", value)


def available_from(value: str) -> date | None:
    """506 $g availability date: "20300101", "2030-01-01" or a bare year (→ 1 January)."""
    match = re.search(r"([0-9]{4})-?([0-9]{2})?-?([0-9]{2})?", value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None


# --- the table -------------------------------------------------------------------------

NAME = "100abcq:110abn:111acdn:700abcq:710abn:711acdn"
SUBJECT = "600abcdqtvxyz:610abcdtvxyz:611acdntvxyz:630adfklmnprstvxyz:650abcdvxyz:651avxyz"
PUBLISHED = [strip_brackets, strip_isbd, drop_unknown]
PUBLISHED_IN = "264|*1|c:264|*0|c:264|*4|c:260c"  # publication, production, copyright
LANGUAGES = [split_language_codes, language_code]  # "vieeng" → vie, eng

MARC_RULES: tuple[Rule, ...] = (
    # target             spec                     transforms         options
    Rule("title", "245anp", [strip_isbd], one=True, join=join_title),
    Rule("title", "245k", [strip_isbd], one=True),  # archival form
    Rule("subtitle", "245b", [strip_isbd], one=True),
    Rule("authors", NAME, [strip_isbd], when=is_author),
    Rule("contributors", NAME, [strip_isbd], when=is_contributor),
    Rule("subjects", SUBJECT, [], join=join_heading),
    Rule("subjects", "653a", [strip_isbd], each=True),  # keywords
    Rule("genres", "655avxyz", [], join=join_heading),
    Rule("languages", "008[35-37]", [language_code]),
    Rule("languages", "041a", LANGUAGES, each=True),
    Rule("year", "008[7-10]", [first_year], one=True),
    Rule("year", PUBLISHED_IN, [first_year], one=True),
    Rule("publisher", "264|*1|b:260b", PUBLISHED, one=True, each=True),
    Rule("place", "264|*1|a:260a", PUBLISHED, one=True, each=True),
    Rule("edition", "250ab", [strip_isbd], one=True),
    Rule("isbns", "020a", [normalise_isbn], each=True),
    Rule("invalid_isbns", "020a", [invalid_isbn], each=True),
    Rule("invalid_isbns", "020z", [compact_isbn], each=True),  # cancelled
    Rule("issns", "022a", [normalise_issn], each=True),
    Rule("oclc", "035a", [normalise_oclc], one=True, each=True),
    Rule("lccn", "010a", [normalise_lccn], one=True),
    Rule("call_numbers", "050ab:090ab", []),
    Rule("call_numbers", "082ab", [ddc_number]),
    Rule("call_numbers", "099a:852khim:952o", []),
    Rule("series", "490a:440a:830a", [strip_isbd]),
    Rule("contents", "505agrt", [split_contents]),
    Rule("description", "255a", [strip_isbd]),  # a map's scale: "Tỷ lệ 1:10.000"
    Rule("description", "520ab", []),  # every 520, one paragraph each
    Rule("rights_statement", "540u:540a:506u", [rights_uri], one=True, each=True),
    Rule("embargo_until", "506g", [available_from], one=True),
    Rule("collections", "773t:979a", [strip_isbd]),
)
MARC_TABLE = RuleTable(MARC_RULES)  # compiled once: one walk over a record's fields
TITLE_TABLE = RuleTable(rule for rule in MARC_RULES if rule.target == "title")


# --- format: leader/06 (type), leader/07 (level) and 008 --------------------------------


def is_thesis(marc: pymarc.Record) -> bool:
    """008/24-27 nature of contents "m" (thesis), or a 502 dissertation note."""
    return "m" in fixed(marc, 24, 28) or bool(marc.get_fields("502"))


def is_video(marc: pymarc.Record) -> bool:
    """008/33 type of visual material: m motion picture, v videorecording."""
    return fixed(marc, 33, 34) in ("m", "v")


def always(marc: pymarc.Record) -> bool:
    return True


FORMAT_TABLE = (
    # leader/06   leader/07   and…         → format        (first matching row wins)
    ("at", "ab", always, "article"),  # component part
    ("at", "si", always, "periodical"),  # serial, integrating resource
    ("at", "", is_thesis, "thesis"),  # typescript theses too
    ("t", "", always, "manuscript"),
    ("a", "", always, "book"),
    ("ef", "", always, "map"),
    ("cdj", "", always, "music"),  # scores and music recordings
    ("i", "", always, "audiobook"),  # nonmusical sound recording
    ("g", "", is_video, "video"),
    ("gk", "", always, "image"),  # slides, photos, posters
    ("p", "", always, "archival"),  # mixed materials
)


def marc_format(marc: pymarc.Record) -> str:
    """The Record format from FORMAT_TABLE; "book" when nothing matches (m, o, r, junk)."""
    leader = str(marc.leader or "").ljust(24)
    kind, level = leader[6], leader[7]
    for kinds, levels, test, result in FORMAT_TABLE:
        if kind in kinds and (not levels or level in levels) and test(marc):
            return result
    return "book"


def fixed(marc: pymarc.Record, start: int, end: int) -> str:
    """008 positions [start, end), '' when the 008 is missing or too short."""
    data = first_control(marc, "008")
    return data[start:end] if len(data) >= end else ""


# --- holdings: 852 and Koha 952 --------------------------------------------------------


@dataclass(frozen=True)
class HoldingLayout:
    """Which subfields of an item field hold what. Codes are tried/joined in order."""

    tag: str
    library: str  # first non-empty; falls back to the source key
    location: str  # joined with ", "
    call_number: str  # joined with " "
    barcode: str
    status: tuple[tuple[str, str], ...] = ()  # (subfield, status) if set and not "0"
    default_status: str = "unknown"
    due: str = ""  # the date a copy on loan is due back (YYYY-MM-DD, or YYYYMMDD)
    copy_number: str = ""  # the library's number for the copy ("2"), first non-empty


HOLDING_LAYOUTS = (
    # The library is the source's (the harvest names it); branch codes describe where
    # in that library the copy is, so they lead the location.
    # MARC holdings: $a institution/branch, $b sublocation, $c shelving location, $k$h$i$m call no.,
    # $p barcode, $t copy number.
    HoldingLayout(
        "852", library="", location="abc", call_number="khim", barcode="p", copy_number="t"
    ),
    # Koha items: $b holding branch (where it is now), $c shelving location, $o call number,
    # $p barcode, $t copy number (items.copynumber).
    HoldingLayout(
        "952",
        library="",
        location="bc",
        call_number="o",
        barcode="p",
        copy_number="t",
        status=(
            ("1", "unknown"),  # itemlost: Record has no "lost" status
            ("0", "unknown"),  # withdrawn
            ("4", "in_repair"),  # damaged
            ("q", "on_loan"),  # date due
            ("7", "reference_only"),  # not for loan (any non-zero value)
        ),
        default_status="available",
        due="q",
    ),
)


_isbd = Memo(strip_isbd)  # branch, shelf and location names repeat from copy to copy


def holdings(marc: pymarc.Record, source_key: str, read_at: datetime | None) -> list[Holding]:
    """One Holding per 852/952 field, in record order of the layouts."""
    found = []
    for layout in HOLDING_LAYOUTS:
        for field in marc.get_fields(layout.tag):
            if not field.is_control_field():
                found.append(_holding(field, layout, source_key, read_at))
    return found


def _holding(
    field: pymarc.Field, layout: HoldingLayout, source_key: str, read_at: datetime | None
) -> Holding:
    # Each subfield cleaned once, then read for several columns.
    pairs = [(code, _isbd[value]) for code, value in clean_subfields(field)]

    def values(codes: str) -> list[str]:
        return [v for code, v in pairs if code in codes]

    libraries = [v for code in layout.library for v in values(code)]
    status = layout.default_status
    if layout.status:
        flagged = {code for code, v in pairs if v.strip() not in ("", "0")}
        for code, meaning in layout.status:
            if any(flag in code for flag in flagged):
                status = meaning
                break
    return Holding(
        library=libraries[0] if libraries else source_key,
        location=", ".join(values(layout.location)),
        call_number=" ".join(values(layout.call_number)),
        status=status,
        status_read_at=read_at if layout.status else None,
        barcode=" ".join(values(layout.barcode)),
        due=_due(values(layout.due)) if layout.due and status == "on_loan" else None,
        copy_number=_first(values(layout.copy_number)) if layout.copy_number else "",
    )


def _first(values: list[str]) -> str:
    """The first value with text in it, trimmed ("" when there is none)."""
    return next((v.strip() for v in values if v.strip()), "")


_DUE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def _due(values: list[str]) -> date | None:
    """The first value that is a date (Koha writes 2026-06-13, some systems 20260613)."""
    for value in values:
        found = _DUE.match(value.strip())
        if found:
            try:
                return date(*(int(part) for part in found.groups()))
            except ValueError:
                continue
    return None


# --- digital objects: 856 --------------------------------------------------------------


@dataclass(frozen=True)
class ObjectLayout:
    tag: str = "856"
    location: str = "u"  # every $u is one file
    label: str = "3y"  # materials specified, else link text
    mime: str = "q"  # electronic format type: a mime type or "JPEG"
    skip_ind2: str = "2"  # 2 = related resource (publisher blurb), not the item itself


OBJECT_LAYOUT = ObjectLayout()


def digital_objects(marc: pymarc.Record) -> list[DigitalObject]:
    """Files from 856 in order of occurrence (order = 0, 1, 2…)."""
    layout, objects = OBJECT_LAYOUT, []
    for field in marc.get_fields(layout.tag):
        if field.is_control_field() or (field.indicator2 or " ") in layout.skip_ind2:
            continue
        labels = [v for code in layout.label for _, v in subfield_pairs(field, code)]
        mime = next((v for _, v in subfield_pairs(field, layout.mime)), "")
        for _, url in subfield_pairs(field, layout.location):
            kind, mime_type = object_kind(url, mime)
            objects.append(
                DigitalObject(
                    kind=kind,
                    location=url.strip(),
                    label=strip_isbd(labels[0]) if labels else "",
                    order=len(objects),
                    mime_type=mime_type,
                )
            )
    return objects


# --- the crosswalk ---------------------------------------------------------------------


def marc_to_record(
    marc: pymarc.Record,
    *,
    source_key: str,
    local_id: str | None = None,
    datestamp: datetime | None = None,
    raw_format: str = "marc21",
) -> Record:
    """Build a Record from a decoded pymarc record; CrosswalkError if it has no title.

    `local_id` defaults to 001. A record marked deleted (leader/05 "d") needs no title:
    the harvester only needs its id to remove it.
    """
    if not isinstance(marc, pymarc.Record):
        raise CrosswalkError("not a MARC record (the reader could not parse it)")
    local_id = normalise_text(local_id or control_number(marc))
    if not local_id:
        raise CrosswalkError("no local id: 001 is missing or empty")
    record = Record(
        source_key=source_key, local_id=local_id, datestamp=datestamp, raw_format=raw_format
    )
    record.deleted = str(marc.leader or "").ljust(24)[5] == "d"
    MARC_TABLE.apply(marc, record)
    if not record.title and not record.deleted:
        raise CrosswalkError("no title: 245 $a (or $k) is missing or empty")
    record.format = marc_format(marc)
    record.holdings = holdings(marc, source_key, datestamp)
    record.digital_objects = digital_objects(marc)
    return record


def control_number(marc: pymarc.Record) -> str:
    """001, or '' when absent."""
    return first_control(marc, "001").strip()


def first_control(marc: pymarc.Record, tag: str) -> str:
    """The data of the first control field `tag`, '' when absent (pymarc raises KeyError)."""
    fields = [f for f in marc.get_fields(tag) if f.is_control_field()]
    return (fields[0].data or "") if fields else ""


def filing_title(marc: pymarc.Record) -> str:
    """The title to sort by: 245 ind2 says how many leading characters (an article) to skip.

    The Record keeps "The history of Hanoi"; this gives "history of Hanoi". (Record has
    no sort-title field yet; the indexer can call this with the raw record.)
    """
    rows = range(len(TITLE_TABLE.rules))
    title = next((v for row in rows for v in TITLE_TABLE.values(marc, row)), "")
    fields = [f for f in marc.get_fields("245") if not f.is_control_field()]
    skip = fields[0].indicator2 if fields else "0"
    count = int(skip) if skip and skip.isdigit() else 0
    return title[count:].lstrip() if 0 < count < len(title) else title


def rights_note(marc: pymarc.Record) -> str:
    """Free-text access and use terms (506 $a–$f, 540 $a without a URI), one per line.

    Record has no field for these notes yet; only a rights URI reaches the Record.
    """
    notes = []
    for tag, codes in (("506", "abcdef"), ("540", "abcd")):
        for field in marc.get_fields(tag):
            text = " ".join(v for _, v in subfield_pairs(field, codes))
            if text and not (tag == "540" and rights_uri(text) and len(text.split()) == 1):
                notes.append(text)
    return "\n".join(notes)
