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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from catalogue import DigitalObject, Holding, Record, normalise_text
from catalogue.identifiers import (
    compact_isbn,
    normalise_isbn,
    normalise_issn,
    normalise_lccn,
    normalise_oclc,
)
from harvesters.crosswalk.dc import (
    DC_TYPE_TABLE,
    DC_WEAK_TYPES,
    FORMAT_HINTS,
    _match_type,
    _mentions_music,
)
from harvesters.crosswalk.marc import AUTHOR_RELATORS, ddc_number
from harvesters.crosswalk.rules import (
    CrosswalkError,
    Transform,
    apply_transforms,
    assign,
    drop_unknown,
    first_year,
    split_contents,
    strip_brackets,
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
)

__all__ = ["MODS_NS", "MODS_RULES", "filing_title", "mods_format", "mods_to_record", "rights_note"]

MODS_NS = "http://www.loc.gov/mods/v3"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
Reader = Callable[[etree._Element], Any]


# --- reading elements ------------------------------------------------------------------


def text(element: etree._Element) -> str:
    """The element's text (descendants included), spaces collapsed, NFC."""
    return normalise_text(" ".join("".join(element.itertext()).split()))


@dataclass(frozen=True)
class _Step:
    name: str
    attr: str = ""
    value: str | None = None  # None: attribute present (any value)
    absent: bool = False

    def accepts(self, element: etree._Element) -> bool:
        if not self.attr:
            return True
        found = element.get(self.attr)
        if self.absent:
            return found is None or not found.strip()
        if found is None:
            return False
        return self.value is None or found.strip().casefold() == self.value


_STEP = re.compile(
    r"^(?P<name>[A-Za-z]+)(?:\[(?P<not>!)?@(?P<attr>[A-Za-z]+)(?:=(?P<v>[^\]]+))?\])?$"
)


def parse_path(path: str) -> tuple[tuple[_Step, ...], ...]:
    """ "identifier[@type=isbn]:relatedItem[@type=series]/titleInfo" → steps, at import."""
    alternatives = []
    for alternative in path.split(":"):
        steps = []
        for part in alternative.split("/"):
            match = _STEP.match(part)
            if not match:
                raise ValueError(f"bad MODS path step {part!r} in {path!r}")
            steps.append(
                _Step(
                    name=match["name"],
                    attr=match["attr"] or "",
                    value=match["v"].casefold() if match["v"] else None,
                    absent=bool(match["not"]),
                )
            )
        alternatives.append(tuple(steps))
    return tuple(alternatives)


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Child elements called `name` in the MODS namespace (or in none, as some feeds send)."""
    return [
        child
        for child in element
        if isinstance(child.tag, str) and child.tag in (f"{{{MODS_NS}}}{name}", name)
    ]


def find(element: etree._Element, path: str) -> list[etree._Element]:
    """Every element `path` reaches from `element`, alternatives in order, each in record order."""
    found: list[etree._Element] = []
    for steps in _compiled(path):
        current = [element]
        for step in steps:
            current = [c for e in current for c in children(e, step.name) if step.accepts(c)]
        found.extend(current)
    return found


_PATHS: dict[str, tuple[tuple[_Step, ...], ...]] = {}


def _compiled(path: str) -> tuple[tuple[_Step, ...], ...]:
    if path not in _PATHS:
        _PATHS[path] = parse_path(path)
    return _PATHS[path]


def first_text(element: etree._Element, path: str) -> str:
    return next((t for e in find(element, path) if (t := text(e))), "")


# --- readers the table refers to (element → value) -------------------------------------


def title_text(title_info: etree._Element, *, non_sort: bool = True) -> str:
    """nonSort + title, then ". partNumber" and ", partName" (MARC 245 $a $n $p)."""
    main = first_text(title_info, "title")
    if not main:
        return ""
    article = "".join(t for e in children(title_info, "nonSort") for t in e.itertext())
    article = normalise_text(" ".join(article.split())) if non_sort else ""
    space = "" if article.endswith(("'", "’", "-")) else " "
    title = strip_isbd(f"{article}{space}{main}" if article else main)
    numbers = [t for e in children(title_info, "partNumber") if (t := strip_isbd(text(e)))]
    names = [t for e in children(title_info, "partName") if (t := strip_isbd(text(e)))]
    if numbers or names:
        title = ". ".join([title, ", ".join([*numbers, *names])])
    return title


def subtitle_text(title_info: etree._Element) -> str:
    return strip_isbd(first_text(title_info, "subTitle"))


def is_main_title(title_info: etree._Element) -> bool:
    """The title a record is known by: the first titleInfo without a type, else the first."""
    parent = title_info.getparent()
    siblings = children(parent, "titleInfo") if parent is not None else [title_info]
    untyped = [s for s in siblings if not (s.get("type") or "").strip()]
    return title_info is (untyped or siblings)[0]


SUBJECT_PARTS = ("topic", "geographic", "temporal", "name", "titleInfo", "genre", "occupation")


def subject_heading(subject: etree._Element) -> str:
    """One `subject`: its parts in record order, joined by " -- " (a MARC-style heading)."""
    parts = []
    for child in subject:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name == "name":
            parts.append(name_text(child, east_asian=True))
        elif name == "titleInfo":
            parts.append(title_text(child))
        elif name == "hierarchicalGeographic":
            parts.extend(text(c) for c in child if isinstance(c.tag, str))
        elif name in SUBJECT_PARTS:
            parts.append(text(child))
    return " -- ".join(strip_isbd(p) for p in parts if p)


def series_title(related: etree._Element) -> str:
    """A series' title with its number ("Tủ sách Văn học ; 12")."""
    infos = children(related, "titleInfo")
    main = next((i for i in infos if is_main_title(i)), None)
    return title_text(main) if main is not None else ""


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
    if (identifier.get("invalid") or "").casefold() == "yes" or not normalise_isbn(value):
        return compact_isbn(value) or None
    return None


def classification(element: etree._Element) -> str:
    """A class number; Dewey's prime marks ("895.9221/32") are segmentation, not data."""
    value = text(element)
    return ddc_number(value) if (element.get("authority") or "").casefold() == "ddc" else value


def language_term(term: etree._Element) -> str | None:
    """languageTerm: an iso639-2b code as given; other codes (rfc, iso639-1) and names mapped."""
    return language_code(text(term))


def edition_text(element: etree._Element) -> str:
    return strip_isbd(text(element))


# --- names -----------------------------------------------------------------------------

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


PUBLISHED = [strip_brackets, strip_isbd, drop_unknown]
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


# --- format: typeOfResource, then genre / form words, then issuance -----------------------

FORMAT_TABLE: tuple[tuple[str, str], ...] = (
    # typeOfResource (folded)          → format        (first matching row wins)
    ("cartographic", "map"),
    ("notated music", "music"),
    ("sound recording-musical", "music"),
    ("sound recording-nonmusical", "audiobook"),
    ("sound recording", "audiobook"),  # music when genre/subject say so
    ("still image", "image"),
    ("moving image", "video"),
    ("mixed material", "archival"),
    ("three dimensional object", "image"),
)
SERIAL_ISSUANCE = frozenset({"serial", "continuing", "integrating resource"})


def mods_format(mods: etree._Element) -> str:
    """The Record format (see the module notes): typeOfResource, words, issuance; else book."""
    types = find(mods, "typeOfResource")
    kind = fold(text(types[0])) if types else ""
    words = [text(e) for e in find(mods, "genre:physicalDescription/form")]
    by_type = next((f for key, f in FORMAT_TABLE if kind.startswith(key)), None)
    if by_type == "audiobook" and _mentions_music({"type": words, "subject": _topics(mods)}):
        return "music"
    if by_type:
        return by_type
    if any((t.get("manuscript") or "").casefold() == "yes" for t in types):
        return "manuscript"
    # Text, or no typeOfResource: genre and form words say more (thesis, article, map…).
    by_words = next((f for w in words if (f := _match_type(w, DC_TYPE_TABLE))), None)
    if by_words:
        return by_words
    if {fold(text(e)) for e in find(mods, "originInfo/issuance")} & SERIAL_ISSUANCE:
        return "periodical"
    if not kind:
        media = [text(e).lower() for e in find(mods, "physicalDescription/internetMediaType")]
        by_media = next((f for m in media for p, f in FORMAT_HINTS if m.startswith(p)), None)
        by_weak = next((f for w in words if (f := _match_type(w, DC_WEAK_TYPES))), None)
        return by_weak or by_media or "book"
    return "book"


def _topics(mods: etree._Element) -> list[str]:
    return [text(e) for e in find(mods, "subject/topic:subject/genre")]


# --- holdings: location/physicalLocation, shelfLocator, holdingSimple ---------------------


def holdings(mods: etree._Element, source_key: str) -> list[Holding]:
    """One Holding per copy a `location` describes (see the module notes)."""
    found = []
    for location in children(mods, "location"):
        places = [strip_isbd(t) for e in children(location, "physicalLocation") if (t := text(e))]
        shelf = " ".join(strip_isbd(text(e)) for e in children(location, "shelfLocator"))
        copies = find(location, "holdingSimple/copyInformation")
        if not copies and (places or shelf):
            found.append(Holding(library=source_key, location=", ".join(places), call_number=shelf))
        for copy in copies:
            sub = [strip_isbd(t) for e in children(copy, "subLocation") if (t := text(e))]
            own_shelf = " ".join(strip_isbd(text(e)) for e in children(copy, "shelfLocator"))
            found.append(
                Holding(
                    library=source_key,
                    location=", ".join(places + sub),
                    call_number=own_shelf or shelf,
                    barcode=" ".join(text(e) for e in children(copy, "itemIdentifier")),
                )
            )
    return found


# --- digital objects: location/url and identifier[@type=uri] ----------------------------------

NOT_FILES = frozenset({"object in context", "preview"})  # landing pages and thumbnails


def digital_objects(mods: etree._Element) -> list[DigitalObject]:
    """Files named by location/url, then identifier type uri, in order (order = 0, 1, 2…)."""
    media = [text(e) for e in find(mods, "physicalDescription/internetMediaType")]
    hint = media[0] if len(media) == 1 else ""
    objects: list[DigitalObject] = []
    seen: set[str] = set()
    candidates = [(e, e.get("access") or "") for e in find(mods, "location/url")]
    candidates += [(e, "") for e in find(mods, "identifier[@type=uri]:identifier[@type=url]")]
    for element, access in candidates:
        url = text(element)
        access = access.strip().casefold()
        if not looks_like_url(url) or url in seen or access in NOT_FILES:
            continue
        if not (has_file_extension(url) or access == "raw object"):
            continue
        seen.add(url)
        kind, mime = object_kind(url, "" if has_file_extension(url) else hint)
        objects.append(
            DigitalObject(
                kind=kind,
                location=url,
                label=strip_isbd(element.get("displayLabel") or element.get("note") or ""),
                order=len(objects),
                mime_type=mime,
            )
        )
    return objects


# --- the crosswalk ---------------------------------------------------------------------


def mods_root(element: etree._Element) -> etree._Element:
    """The `mods` element itself, inside a `modsCollection` if need be."""
    if etree.QName(element).localname == "modsCollection":
        inner = children(element, "mods")
        if not inner:
            raise CrosswalkError("modsCollection holds no mods record")
        return inner[0]
    if etree.QName(element).localname != "mods":
        raise CrosswalkError(f"not a MODS record: <{etree.QName(element).localname}>")
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
