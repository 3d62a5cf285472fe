"""MODS 3.x → Record: a mapping table, a format table, holdings and files.

The input is a parsed `<mods:mods>` element (as OAI-PMH `metadataPrefix=mods` carries
it inside `<metadata>`; a `<modsCollection>` around one record is accepted too). Read
`MODS_RULES` top to bottom: each row says which Record field is filled from which
MODS elements and how the text is read and cleaned. Rows for the same field are in
order of preference. A path is child element names joined by "/", a step may test an
attribute (`identifier[@type=isbn]`, `dateIssued[@keyDate=yes]`, `titleInfo[!@type]`:
attribute absent); alternatives are joined by ":". Attribute values compare without
regard to case (`type="ISBN"` is common).

Decisions a librarian may want to know:
- title: the first `titleInfo` without a type (else the first of any type); its
  nonSort, title, partNumber and partName make the title ("The" + "history of Hanoi" →
  "The history of Hanoi", "L'" + "Annam" → "L'Annam"; parts after ". " and ", "), as
  MARC's 245 $a$n$p does. `filing_title` gives the title without the nonSort part.
- names: `displayForm` if given; else the name parts, family and given in Vietnamese
  (East Asian) order "Nguyễn Du" for records in vie/chi/jpn/kor, else inverted
  "Smith, John" as MARC catalogues them; dates are dropped. A name without a role or
  with an author role (text or marcrelator code) is an author; other roles
  (translator, narrator, editor…) make a contributor.
- format: `FORMAT_TABLE` on typeOfResource first; text (or no type) is refined by
  genre and physicalDescription/form words (the Dublin Core type vocabulary), then
  originInfo/issuance (serial → periodical); else book.
- physicalDescription: `form` and `internetMediaType` only hint at the format and the
  files' mime type; `extent` has no Record field (MARC's 300 is not kept either).
- subjects: one heading per `subject`, its topic / geographic / temporal / name /
  titleInfo / genre children joined by " -- " as MARC headings are.
- identifiers: isbn normalised to ISBN-13 (failing check digit, or `invalid="yes"`:
  kept apart in invalid_isbns), issn, lccn, oclc.
- files: `location/url` and `identifier[@type=uri]` URLs that name a file (a known file
  extension, or `access="raw object"`) are digital objects; landing pages ("object in
  context", handles) and previews are not files, so they are not kept here.
- holdings: one per `location` holding a physicalLocation, shelfLocator or
  holdingSimple/copyInformation; the library is the source's (the harvest names it),
  physicalLocation and subLocation make the location, shelfLocator the call number,
  itemIdentifier the barcode.
- relatedItem: type="series" → series; type="host" → collections (as MARC 773).
- accessCondition: a rightsstatements.org / Creative Commons URI (in the text or its
  xlink:href) becomes rights_statement; free text stays out (see `rights_note`).

The parts live beside this module, each named for what it reads: `mods_paths` (the
path language), `mods_titles`, `mods_names`, `mods_format`, `mods_locations` (holdings
and files). This module holds the table and the entry points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from catalogue import Record, normalise_text
from catalogue.identifiers import (
    compact_isbn,
    normalise_isbn,
    normalise_issn,
    normalise_lccn,
    normalise_oclc,
)
from harvesters.crosswalk.marc import PUBLISHED, ddc_number, invalid_isbn
from harvesters.crosswalk.mods_format import mods_format
from harvesters.crosswalk.mods_locations import digital_objects, holdings
from harvesters.crosswalk.mods_names import EAST_ASIAN_LANGUAGES, name_text, names
from harvesters.crosswalk.mods_paths import MODS_NS, children, find, parse_path, text
from harvesters.crosswalk.mods_titles import (
    is_main_title,
    series_title,
    subtitle_text,
    title_text,
)
from harvesters.crosswalk.rules import (
    CrosswalkError,
    Transform,
    apply_transforms,
    assign,
    first_year,
    split_contents,
    strip_isbd,
)
from harvesters.crosswalk.vocab import language_code, looks_like_url, rights_uri
from harvesters.xml import localname

__all__ = ["MODS_NS", "MODS_RULES", "filing_title", "mods_to_record", "rights_note"]

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
Reader = Callable[[etree._Element], Any]


# --- readers the table refers to (element → value) -------------------------------------

SUBJECT_PARTS = ("topic", "geographic", "temporal", "name", "titleInfo", "genre", "occupation")


def subject_heading(subject: etree._Element) -> str:
    """One `subject`: its parts in record order, joined by " -- " (a MARC-style heading)."""
    parts = []
    for child in subject:
        if not isinstance(child.tag, str):
            continue
        name = localname(child)
        if name == "name":
            parts.append(name_text(child, east_asian=True))
        elif name == "titleInfo":
            parts.append(title_text(child))
        elif name == "hierarchicalGeographic":
            parts.extend(text(c) for c in child if isinstance(c.tag, str))
        elif name in SUBJECT_PARTS:
            parts.append(text(child))
    return " -- ".join(strip_isbd(p) for p in parts if p)


def access_uri(condition: etree._Element) -> str | None:
    """A rights URI from accessCondition's xlink:href or its text."""
    return rights_uri(condition.get(XLINK_HREF) or "") or rights_uri(text(condition))


def isbn_of(identifier: etree._Element) -> str | None:
    if (identifier.get("invalid") or "").casefold() == "yes":
        return None
    return normalise_isbn(text(identifier))


def invalid_isbn_of(identifier: etree._Element) -> str | None:
    """An ISBN marked invalid, or failing its check digit: kept findable, apart."""
    value = text(identifier)
    if (identifier.get("invalid") or "").casefold() == "yes":
        return compact_isbn(value) or None
    return invalid_isbn(value)


def classification(element: etree._Element) -> str:
    """A class number; Dewey's prime marks ("895.9221/32") are segmentation, not data."""
    value = text(element)
    return ddc_number(value) if (element.get("authority") or "").casefold() == "ddc" else value


def language_term(term: etree._Element) -> str | None:
    """languageTerm: an iso639-2b code as given; other codes (rfc, iso639-1) and names mapped."""
    return language_code(text(term))


def edition_text(element: etree._Element) -> str:
    return strip_isbd(text(element))


# --- the table -------------------------------------------------------------------------


@dataclass(frozen=True)
class ModsRule:
    """One row: Record `target` ← MODS `path`, read with `read`, then `transforms`."""

    target: str
    path: str
    transforms: Sequence[Transform] = ()
    one: bool = False
    read: Reader = text
    when: Callable[[etree._Element], bool] | None = None


# A publication event first (MODS 3.5+ eventType), then an originInfo without one.
PUBLISHERS = "originInfo[@eventType=publication]/publisher:originInfo[!@eventType]/publisher"
# The key date first, then issued, copyright, created (w3cdtf "2005-03-01", marc "2005",
# "c2005", "[1998?]": the first plausible year counts).
DATES = (
    "originInfo/dateIssued[@keyDate=yes]:originInfo/dateIssued:originInfo/copyrightDate"
    ":originInfo/dateCreated:originInfo/dateCaptured"
)

MODS_RULES: tuple[ModsRule, ...] = (
    # target            path                                  transforms / options
    ModsRule("title", "titleInfo", one=True, read=title_text, when=is_main_title),
    ModsRule("subtitle", "titleInfo", one=True, read=subtitle_text, when=is_main_title),
    # authors / contributors ← name: see `names` (name order depends on the language)
    ModsRule("subjects", "subject", read=subject_heading),
    ModsRule("genres", "genre", [strip_isbd]),
    ModsRule("languages", "language/languageTerm", read=language_term),
    ModsRule("year", DATES, [first_year], one=True),
    ModsRule("year", "relatedItem[@type=host]/part/date", [first_year], one=True),
    ModsRule("publisher", PUBLISHERS, PUBLISHED, one=True),
    ModsRule("place", "originInfo/place/placeTerm[@type=text]", PUBLISHED, one=True),
    ModsRule("place", "originInfo/place/placeTerm[!@type]", PUBLISHED, one=True),
    ModsRule("edition", "originInfo/edition", one=True, read=edition_text),
    ModsRule("description", "abstract"),  # every abstract, one paragraph each
    ModsRule("contents", "tableOfContents", [split_contents]),
    ModsRule("isbns", "identifier[@type=isbn]", read=isbn_of),
    ModsRule("invalid_isbns", "identifier[@type=isbn]", read=invalid_isbn_of),
    ModsRule("issns", "identifier[@type=issn]", [normalise_issn]),
    ModsRule("lccn", "identifier[@type=lccn]", [normalise_lccn], one=True),
    ModsRule("oclc", "identifier[@type=oclc]", [normalise_oclc], one=True),
    ModsRule("call_numbers", "classification", read=classification),
    ModsRule(
        "call_numbers",
        "location/shelfLocator:location/holdingSimple/copyInformation/shelfLocator",
        [strip_isbd],
    ),
    ModsRule("series", "relatedItem[@type=series]", read=series_title),
    ModsRule("collections", "relatedItem[@type=host]", read=series_title),
    ModsRule("rights_statement", "accessCondition", one=True, read=access_uri),
)


def _check_rules(rules: Sequence[ModsRule]) -> None:
    """Every path parses and every target is a Record field, at import time."""
    fields = set(Record.__dataclass_fields__)
    for rule in rules:
        if rule.target not in fields:
            raise ValueError(f"Record has no field {rule.target!r}")
        parse_path(rule.path)


_check_rules(MODS_RULES)


def rule_values(mods: etree._Element, rule: ModsRule) -> list[Any]:
    """Every value one row yields from one record, in record order."""
    elements = find(mods, rule.path)
    if rule.when is not None:
        elements = [e for e in elements if rule.when(e)]
    read = [value for e in elements if (value := rule.read(e)) not in (None, "")]
    return apply_transforms(read, rule.transforms)


# --- the crosswalk ---------------------------------------------------------------------


def mods_root(element: etree._Element) -> etree._Element:
    """The `mods` element itself, inside a `modsCollection` if need be."""
    if localname(element) == "modsCollection":
        inner = children(element, "mods")
        if not inner:
            raise CrosswalkError("modsCollection holds no mods record")
        return inner[0]
    if localname(element) != "mods":
        raise CrosswalkError(f"not a MODS record: <{localname(element)}>")
    return element


def mods_to_record(
    element: etree._Element,
    *,
    source_key: str,
    local_id: str,
    datestamp: datetime | None = None,
) -> Record:
    """Build a Record from a parsed MODS element; CrosswalkError if there is no title."""
    mods = mods_root(element)
    record = Record(
        source_key=source_key,
        local_id=normalise_text(local_id),
        datestamp=datestamp,
        raw_format="mods",
    )
    for rule in MODS_RULES:
        assign(record, rule.target, rule_values(mods, rule), one=rule.one)
    if not record.title:
        raise CrosswalkError("no title: mods:titleInfo/mods:title is missing or empty")
    east_asian = not record.languages or record.languages[0] in EAST_ASIAN_LANGUAGES
    assign(record, "authors", names(mods, authors=True, east_asian=east_asian), one=False)
    assign(record, "contributors", names(mods, authors=False, east_asian=east_asian), one=False)
    record.format = mods_format(mods)
    record.holdings = holdings(mods, source_key)
    record.digital_objects = digital_objects(mods)
    return record


def filing_title(element: etree._Element) -> str:
    """The title to sort by: the main title without its nonSort part ("history of Hanoi")."""
    mods = mods_root(element)
    main = next((i for i in children(mods, "titleInfo") if is_main_title(i)), None)
    return title_text(main, non_sort=False) if main is not None else ""


def rights_note(element: etree._Element) -> str:
    """accessCondition free text (not just a URI), one per line.

    Record has no field for it yet; only a rights URI reaches the Record.
    """
    mods = mods_root(element)
    notes = [text(e) for e in children(mods, "accessCondition")]
    return "\n".join(n for n in notes if n and not (looks_like_url(n) and len(n.split()) == 1))
