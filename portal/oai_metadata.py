"""Records as OAI-PMH metadata: oai_dc and MARCXML.

Apart from the repository (portal.oai_store) because it is a crosswalk, thuvien's record
to the formats, that needs no store and no request: the DC is shaped so thuvien's own DC
crosswalk reads the same record back, and a record harvested as MARC is served from its
raw form as received rather than rebuilt.
"""

from __future__ import annotations

import re

import pymarc
from lxml import etree

from catalogue.record import Record
from harvesters.marcxml import element_to_marc, find_marc_record
from harvesters.oai_provider import OAI_NS
from harvesters.oai_repository import MARC_NS, marcxml_element
from harvesters.xml import XmlError, parse_xml

# The default repositoryName; also the label of a MARC record's 856 link to its page.
REPOSITORY_NAME = "thuvien"

# format → (DCMI type, a dc:type word thuvien's own DC crosswalk reads back as the format)
DC_TYPES = {
    "book": ("Text", "book"),
    "periodical": ("Text", "periodical"),
    "article": ("Text", "article"),
    "thesis": ("Text", "thesis"),
    "map": ("Image", "map"),
    "manuscript": ("Text", "manuscript"),
    "image": ("StillImage", "image"),
    "audiobook": ("Sound", "audiobook"),
    "music": ("Sound", "music"),
    "video": ("MovingImage", "video"),
    "archival": ("Collection", "archival"),
}


def record_dc(record: Record, url: str = "") -> dict[str, list[str]]:
    """Dublin Core element values for a record, shaped so thuvien's DC crosswalk reads
    the same record back (title " : " subtitle, "place : publisher", labelled ISBNs)."""
    title = f"{record.title} : {record.subtitle}" if record.subtitle else record.title
    publisher = record.publisher
    if publisher and record.place:
        publisher = f"{record.place} : {publisher}"
    types = DC_TYPES.get(record.format, ("Text", record.format))
    identifiers = [url] if url else []
    identifiers += [f"ISBN {isbn}" for isbn in record.isbns]
    identifiers += [f"ISSN {issn}" for issn in record.issns]
    return {
        "title": [title],
        "creator": record.authors,
        "subject": record.subjects,
        "description": _paragraphs(record.description),
        "publisher": [publisher] if publisher else [],
        "contributor": record.contributors,
        "date": [str(record.year)] if record.year else [],
        "type": list(types),
        "identifier": identifiers,
        "language": record.languages,
        "relation": record.collections,
        "rights": [record.rights_statement] if record.rights_statement else [],
    }


# format → leader/06-07, and a character for 008/24 (nature of contents) or 008/33
# (type of visual material) where the format needs one to be told apart.
MARC_TYPES = {
    "book": ("am", {}),
    "periodical": ("as", {}),
    "article": ("ab", {}),
    "thesis": ("am", {24: "m"}),
    "map": ("em", {}),
    "manuscript": ("tm", {}),
    "image": ("km", {}),
    "audiobook": ("im", {}),
    "music": ("jm", {}),
    "video": ("gm", {33: "v"}),
    "archival": ("pc", {}),
}


def record_marc(record: Record, url: str = "") -> pymarc.Record:
    """A MARC21 record built from a unified record (for records not harvested as MARC)."""
    kind, fixed = MARC_TYPES.get(record.format, ("am", {}))
    marc = pymarc.Record(leader=f"00000n{kind} a2200000uu 4500", force_utf8=True)
    marc.add_field(pymarc.Field(tag="001", data=record.id))
    marc.add_field(pymarc.Field(tag="008", data=_fixed_field(record, fixed)))

    def add(tag: str, indicators: str, *pairs: tuple[str, str]) -> None:
        subfields = [pymarc.Subfield(code, value) for code, value in pairs if value]
        if subfields:
            ind = pymarc.Indicators(indicators[0], indicators[1])
            marc.add_field(pymarc.Field(tag=tag, indicators=ind, subfields=subfields))

    add("010", "  ", ("a", record.lccn))
    for isbn in record.isbns:
        add("020", "  ", ("a", isbn))
    for issn in record.issns:
        add("022", "  ", ("a", issn))
    if record.oclc:
        add("035", "  ", ("a", f"(OCoLC){record.oclc}"))
    if len(record.languages) > 1:
        add("041", "0 ", *(("a", lang) for lang in record.languages))
    for call_number in record.call_numbers:
        add("099", "  ", ("a", call_number))
    if record.authors:
        add("100", "1 ", ("a", record.authors[0]))
    add("245", "10" if record.authors else "00", ("a", record.title), ("b", record.subtitle))
    add("250", "  ", ("a", record.edition))
    add("264", " 1", ("a", record.place), ("b", record.publisher),
        ("c", str(record.year) if record.year else ""))  # fmt: skip
    for series in record.series:
        add("490", "0 ", ("a", series))
    if record.contents:
        add("505", "0 ", ("a", " -- ".join(record.contents)))
    if record.embargo_until:
        add("506", "  ", ("g", record.embargo_until.isoformat()))
    for paragraph in _paragraphs(record.description):
        add("520", "  ", ("a", paragraph))
    add("540", "  ", ("u", record.rights_statement))
    for subject in record.subjects:
        add("650", " 4", ("a", subject))
    for genre in record.genres:
        add("655", " 4", ("a", genre))
    for author in record.authors[1:]:
        add("700", "1 ", ("a", author), ("4", "aut"))
    for contributor in record.contributors:
        add("700", "1 ", ("a", contributor), ("4", "ctb"))
    for collection in record.collections:
        add("773", "0 ", ("t", collection))
    for holding in record.holdings:
        add("852", "  ", ("a", holding.library), ("b", holding.location),
            ("h", holding.call_number), ("p", holding.barcode),
            ("t", holding.copy_number))  # fmt: skip
    if url:  # ind2 2: a related resource (the record page), not the item itself
        add("856", "42", ("u", url), ("y", REPOSITORY_NAME))
    return marc


def _fixed_field(record: Record, fixed: dict[int, str]) -> str:
    """008: no entry date, one publication date, no place, the format's codes, language."""
    year = f"{record.year:04d}" if record.year and 0 < record.year < 10000 else ""
    chars = list(f"{'':6}{'s' if year else 'n'}{year or 'uuuu'}{'':4}xx {'':17}")
    for offset, char in fixed.items():
        chars[offset] = char
    language = record.languages[0] if record.languages else "und"
    return "".join(chars) + f"{language[:3]:<3} d"


def raw_marc_element(raw_format: str, content: bytes) -> etree._Element | None:
    """The MARCXML of a record harvested as MARC, from its raw form as received: the
    MARCXML <record> itself when it is in the MARC21 slim namespace, else converted.
    None when the raw record is not MARC or cannot be read."""
    try:
        if raw_format == "marcxml":
            root = parse_xml(content)
            metadata = root.find(f"{{{OAI_NS}}}metadata")  # kept as a whole OAI <record>
            start = metadata[0] if metadata is not None and len(metadata) else root
            found = find_marc_record(start)
            if found is None:
                return None
            if etree.QName(found).namespace == MARC_NS:
                return found
            return marcxml_element(element_to_marc(found))
        if raw_format == "marc21":
            marc = pymarc.Record(content, to_unicode=True, utf8_handling="replace")
            return marcxml_element(marc)
    except (XmlError, ValueError):
        return None
    except Exception:  # noqa: BLE001 — pymarc raises many kinds for a broken record
        return None
    return None


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
