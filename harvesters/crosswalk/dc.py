"""Dublin Core (oai_dc) → Record: a mapping table, a type vocabulary, a file rule.

`dc` is a mapping of the 15 element names (no "dc:" prefix) to their values in the
order received, as sickle gives them. Read `DC_RULES` top to bottom; rows for one
field are in order of preference. `DC_TYPE_TABLE` says which dc:type word means which
format; `DC_OBJECT_SOURCES` which elements may name files.

Decisions a librarian may want to know:
- title: only the first dc:title counts; " : " splits it into title and subtitle, and
  a trailing " / Nguyễn Du" (statement of responsibility) is dropped.
- publisher "Hà Nội : Nxb. Trẻ" gives place "Hà Nội" and publisher "Nxb. Trẻ".
- coverage is appended to subjects (it is almost always a place in our sources).
- classification numbers in dc:subject (a bare Dewey number "895.9223", "DDC 959.731",
  DSpace's "ddc:530", a UDC number "94(597)" or "UDC 821.922") are not subjects: they
  become call numbers (classification), label dropped, Dewey prime marks removed.
- source/relation: plain text is a collection name; URLs of files become digital objects.
- identifier: a URL ending in a known file extension is a digital object; other URLs
  (handles, landing pages) are not files and are not kept here.
- rights: a rightsstatements.org / Creative Commons URI becomes `rights_statement`;
  free text is not a URI, so it stays out of the Record (see `rights_note`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from catalogue import DigitalObject, Record, normalise_text
from catalogue.identifiers import compact_isbn, normalise_isbn, normalise_issn
from harvesters.crosswalk.marc import PUBLISHED, ddc_number
from harvesters.crosswalk.rules import (
    CrosswalkError,
    Transform,
    apply_transforms,
    assign,
    first_year,
    strip_isbd,
    strip_name_dates,
)
from harvesters.crosswalk.vocab import (
    fold,
    has_file_extension,
    language_code,
    looks_like_url,
    object_kind,
    rights_uri,
    split_language_codes,
)

__all__ = ["DC_RULES", "classification_number", "dc_format", "dc_to_record", "rights_note"]

DcValues = Mapping[str, Sequence[str] | str]


@dataclass(frozen=True)
class DcRule:
    """One row: Record `target` ← DC `elements` (":"-separated), then `transforms`."""

    target: str
    elements: str
    transforms: Sequence[Transform] = ()
    one: bool = False
    first: bool = False  # look only at the element's first value


# --- helpers the table refers to -------------------------------------------------------

_RESPONSIBILITY = re.compile(r"(?:^|\s+)/\s+")  # " / Nguyễn Du" ends the title


def main_title(value: str) -> str:
    """ "Truyện Kiều : bản mới / Nguyễn Du" → "Truyện Kiều"."""
    return strip_isbd(_RESPONSIBILITY.split(value)[0].split(" : ")[0])


def subtitle(value: str) -> str | None:
    """ "Truyện Kiều : bản mới / Nguyễn Du" → "bản mới"."""
    parts = _RESPONSIBILITY.split(value)[0].split(" : ", 1)
    return strip_isbd(parts[1]) if len(parts) == 2 else None


def split_packed(value: str) -> list[str]:
    """ "Văn học; Thơ ca; Việt Nam" (several subjects in one element) → three values."""
    return [strip_isbd(part) for part in value.split(";") if part.strip()]


# Classification numbers in dc:subject. Dewey: three digits, maybe a decimal part with
# prime marks ("895.9221/32"). UDC: numbers joined by ":" or "+", with auxiliaries in
# brackets or quotes ("94(597)", "821.922:82-3", '94(597)"1945"'). Unlabelled, a UDC
# number must show one of its signs, so "1945" or "1945-1954" (eras) stay subjects.
_DEWEY = re.compile(r"\d{3}(?:\.\d+(?:[/']\d+)*)?")
_UDC_PART = r'\d{1,3}(?:\.\d+)*(?:-\d+)?(?:\([0-9=.\-]+\)|"[0-9.\-]+")*'
_UDC = re.compile(rf"{_UDC_PART}(?:\s*[:+]\s*{_UDC_PART})*")
_UDC_SIGNS = re.compile(r'[(:+"]')
_LCC = re.compile(r"[A-Z]{1,3}\s?\d{1,4}(?:\.\d+)?(?:\s?\.?[A-Z]\d+)*")
_CLASS_LABEL = re.compile(
    r"^\s*(?P<label>ddc|dewey|udc|udk|cdu|lcc)(?:\s*\d{1,2}(?=\s*:))?\s*[:=]?\s*", re.IGNORECASE
)


def classification_number(value: str) -> str | None:
    """The class number a dc:subject value is, or None if it is a real subject."""
    text = value.strip()
    labelled = _CLASS_LABEL.match(text)
    if labelled:
        number = text[labelled.end() :].strip()
        scheme = labelled["label"].casefold()
        if scheme == "lcc":
            return number if _LCC.fullmatch(number) else None
        if _DEWEY.fullmatch(number):
            return ddc_number(number) if scheme in ("ddc", "dewey") else number
        return number if _UDC.fullmatch(number) else None
    if _DEWEY.fullmatch(text):
        return ddc_number(text)
    if _UDC.fullmatch(text) and _UDC_SIGNS.search(text):
        return text
    return None


def not_classification(value: str) -> str | None:
    """A dc:subject value that is a subject, not a class number."""
    return None if classification_number(value) else value


def place_part(value: str) -> str | None:
    """ "Hà Nội : Nxb. Trẻ" → "Hà Nội"; None if no place was written."""
    parts = value.split(" : ", 1)
    return parts[0] if len(parts) == 2 else None


def publisher_part(value: str) -> str:
    """ "Hà Nội : Nxb. Trẻ" → "Nxb. Trẻ"."""
    return value.split(" : ", 1)[-1]


def person(value: str) -> str:
    """ "Nguyễn Du, 1765-1820." → "Nguyễn Du"."""
    return strip_isbd(strip_name_dates(strip_isbd(value)))


_ISBN_LABEL = re.compile(r"^\s*(?:urn:isbn:|isbn\b)", re.IGNORECASE)
_ISSN_LABEL = re.compile(r"^\s*(?:urn:issn:|issn\b)", re.IGNORECASE)


def isbn_identifier(value: str) -> str | None:
    """An identifier labelled "ISBN …"/"urn:isbn:…", or an unlabelled hyphenated or
    978/979 number that passes the check digit, as ISBN-13."""
    if _ISBN_LABEL.match(value):
        return normalise_isbn(value)
    if re.fullmatch(r"[0-9][0-9\- ]{8,15}[0-9Xx]", value.strip()):
        isbn = normalise_isbn(value)
        compact = compact_isbn(value)
        if isbn and ("-" in value or (len(compact) == 13 and compact[:3] in ("978", "979"))):
            return isbn
    return None


def invalid_isbn_identifier(value: str) -> str | None:
    """A labelled ISBN whose check digit fails (unlabelled numbers may be anything)."""
    if _ISBN_LABEL.match(value) and not normalise_isbn(value):
        return compact_isbn(value) or None
    return None


def issn_identifier(value: str) -> str | None:
    """ "ISSN 0866-7489", "urn:issn:0866-7489" or a bare "0866-7489" that checks out."""
    if _ISSN_LABEL.match(value) or re.fullmatch(r"\s*[0-9]{4}-[0-9]{3}[0-9Xx]\s*", value):
        return normalise_issn(value)
    return None


def not_url(value: str) -> str | None:
    """Collection names only: URLs in source/relation are links, not names."""
    return None if looks_like_url(value) or value.startswith(("urn:", "info:")) else value


# --- the table -------------------------------------------------------------------------

DC_RULES: tuple[DcRule, ...] = (
    # target              elements            transforms                    options
    DcRule("title", "title", [main_title], one=True, first=True),
    DcRule("subtitle", "title", [subtitle], one=True, first=True),
    DcRule("authors", "creator", [person]),
    DcRule("contributors", "contributor", [person]),
    DcRule("subjects", "subject", [split_packed, not_classification]),
    DcRule("subjects", "coverage", [split_packed]),
    DcRule("call_numbers", "subject", [split_packed, classification_number]),
    DcRule("description", "description", []),  # every value, one paragraph each
    DcRule("publisher", "publisher", [publisher_part, *PUBLISHED], one=True),
    DcRule("place", "publisher", [place_part, *PUBLISHED], one=True),
    DcRule("year", "date", [first_year], one=True),
    DcRule("languages", "language", [split_language_codes, language_code]),
    DcRule("isbns", "identifier", [isbn_identifier]),
    DcRule("invalid_isbns", "identifier", [invalid_isbn_identifier]),
    DcRule("issns", "identifier", [issn_identifier]),
    DcRule("collections", "source:relation", [not_url, strip_isbd]),
    DcRule("rights_statement", "rights", [rights_uri], one=True),
)

# dc:type words (folded: lowercase, no diacritics; regex allowed) → format. First match
# wins, so the longer phrase comes first ("sach noi" before "sach").
# DCMI's own generic types are "weak": any specific word in another dc:type beats them.
DC_TYPE_TABLE: tuple[tuple[str, str], ...] = (
    ("sach noi", "audiobook"),
    ("audiobook", "audiobook"),
    ("audio book", "audiobook"),
    ("talking book", "audiobook"),
    ("luan an", "thesis"),
    ("luan van", "thesis"),
    ("khoa luan", "thesis"),
    ("thesis", "thesis"),
    ("masterthesis", "thesis"),
    ("doctoralthesis", "thesis"),
    ("bachelorthesis", "thesis"),
    ("dissertation", "thesis"),
    ("ban thao", "manuscript"),
    ("ban viet tay", "manuscript"),
    ("manuscript", "manuscript"),
    ("bai bao", "article"),
    ("bai trich", "article"),
    ("article", "article"),
    ("tap chi", "periodical"),
    ("tap san", "periodical"),
    ("bao(?! cao| tang)", "periodical"),  # báo; not báo cáo (report), bảo tàng (museum)
    ("newspaper", "periodical"),
    ("periodical", "periodical"),
    ("journal", "periodical"),
    ("magazine", "periodical"),
    ("serial", "periodical"),
    ("ban do", "map"),
    ("luoc do", "map"),
    ("map", "map"),
    ("atlas", "map"),
    ("cartographic", "map"),
    ("am nhac", "music"),
    ("ban nhac", "music"),
    ("music", "music"),
    ("score", "music"),
    ("phim", "video"),
    ("video", "video"),
    ("film", "video"),
    ("tai lieu luu tru", "archival"),
    ("luu tru", "archival"),
    ("archival", "archival"),
    ("sach", "book"),
    ("book", "book"),
    ("ebook", "book"),
    ("monograph", "book"),
    ("hinh anh", "image"),
    ("anh", "image"),
    ("tranh", "image"),
    ("photograph", "image"),
    ("poster", "image"),
    ("postcard", "image"),
)
DC_WEAK_TYPES: tuple[tuple[str, str], ...] = (
    ("text", "book"),
    ("sound", "audiobook"),
    ("stillimage", "image"),
    ("image", "image"),
    ("movingimage", "video"),
)
# A "Sound" record is music, not an audiobook, when its type/subject/format says so.
MUSIC_WORDS = ("am nhac", "nhac", "bai hat", "ca khuc", "dan ca", "music", "song", "songs")
# dc:format mime types, used for the format only when dc:type says nothing we know.
FORMAT_HINTS: tuple[tuple[str, str], ...] = (
    ("audio/", "audiobook"),
    ("video/", "video"),
    ("image/", "image"),
)
# Which elements may name files, and which file kinds each may contribute.
DC_OBJECT_SOURCES: tuple[tuple[str, frozenset[str]], ...] = (
    ("identifier", frozenset({"image", "audio", "pdf", "text"})),
    ("source", frozenset({"image", "audio", "pdf"})),
    ("relation", frozenset({"image", "audio", "pdf"})),
)


def _match_type(value: str, table: Sequence[tuple[str, str]]) -> str | None:
    key = fold(value.rsplit("/", 1)[-1] if "/" in value else value)
    for word, result in table:
        if re.search(rf"(?<![a-z]){word}(?![a-z])", key):
            return result
    return None


def dc_format(dc: DcValues) -> str:
    """Format from dc:type (specific words, then DCMI types), then dc:format; else book."""
    types = _values(dc, "type")
    found = next((f for t in types if (f := _match_type(t, DC_TYPE_TABLE))), None)
    found = found or next((f for t in types if (f := _match_type(t, DC_WEAK_TYPES))), None)
    if not found:
        mimes = [fold(v) for v in _values(dc, "format")]
        found = next((f for m in mimes for p, f in FORMAT_HINTS if m.startswith(p)), None)
    if found == "audiobook" and _mentions_music(dc):
        return "music"
    return found or "book"


def _mentions_music(dc: DcValues) -> bool:
    text = " ".join(fold(v) for e in ("type", "subject", "format") for v in _values(dc, e))
    return any(re.search(rf"(?<![a-z]){w}(?![a-z])", text) for w in MUSIC_WORDS)


def dc_objects(dc: DcValues) -> list[DigitalObject]:
    """Files named in identifier/source/relation, in that order (order = 0, 1, 2…)."""
    objects: list[DigitalObject] = []
    seen: set[str] = set()
    for element, kinds in DC_OBJECT_SOURCES:
        for value in _values(dc, element):
            url = value.strip()
            located = looks_like_url(url) or looks_like_relative_path(url)
            if not (located and has_file_extension(url)) or url in seen:
                continue
            kind, mime = object_kind(url)
            if kind in kinds:
                seen.add(url)
                objects.append(
                    DigitalObject(kind=kind, location=url, order=len(objects), mime_type=mime)
                )
    return objects


def looks_like_relative_path(value: str) -> bool:
    """ "scans/hn-12/page-001.jpg": a file beside the repository, resolved at ingest
    against the OAI base URL. No scheme, not absolute, no spaces (then it is prose)."""
    return (
        bool(value)
        and ":" not in value
        and not value.startswith(("/", "\\"))
        and not any(c.isspace() for c in value)
    )


def _values(dc: DcValues, element: str) -> list[str]:
    """The element's values, NFC, empty ones dropped; a lone string counts as one value."""
    raw = dc.get(element) or []
    if isinstance(raw, str):
        raw = [raw]
    return [normalise_text(" ".join(v.split())) for v in raw if v and v.strip()]


def rule_values(dc: DcValues, rule: DcRule) -> list[Any]:
    values: list[str] = []
    for element in rule.elements.split(":"):
        found = _values(dc, element)
        values.extend(found[:1] if rule.first else found)
    return apply_transforms(values, rule.transforms)


def dc_to_record(
    dc: DcValues,
    *,
    source_key: str,
    local_id: str,
    datestamp: datetime | None = None,
) -> Record:
    """Build a Record from Dublin Core element values; CrosswalkError if there is no title."""
    record = Record(
        source_key=source_key,
        local_id=normalise_text(local_id),
        datestamp=datestamp,
        raw_format="oai_dc",
    )
    for rule in DC_RULES:
        assign(record, rule.target, rule_values(dc, rule), one=rule.one)
    if not record.title:
        raise CrosswalkError("no title: dc:title is missing or empty")
    record.format = dc_format(dc)
    record.digital_objects = dc_objects(dc)
    return record


def rights_note(dc: DcValues) -> str:
    """dc:rights free text (values that are not just a URI), one per line.

    Record has no field for it yet; only a rights URI reaches the Record.
    """
    return "\n".join(v for v in _values(dc, "rights") if not looks_like_url(v))
