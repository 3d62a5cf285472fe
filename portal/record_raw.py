"""The raw record as librarians read it: the bytes as displayable text, XML indented,
and a MARC field table from ISO 2709 or MARCXML (also inside an OAI-PMH record).

XML is parsed by the harvesters' safe parser: no DTD, no entities, no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from harvesters.xml import XmlError, localname, parse_xml

_CONTROL_SIGNS = {0x1D: "␝", 0x1E: "␞", 0x1F: "␟"}


def raw_text(content: bytes) -> str:
    """Raw bytes as displayable text: UTF-8 (bad bytes replaced), MARC separators made visible."""
    text = content.decode("utf-8", errors="replace")
    table: dict[int, str] = dict(_CONTROL_SIGNS)
    table.update({c: "\ufffd" for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x1D))})
    return text.translate(table)


def is_iso2709(content: bytes) -> bool:
    return len(content) >= 24 and content[:5].isdigit() and b"\x1e" in content


MARC_SLIM = "http://www.loc.gov/MARC21/slim"


def pretty_xml(content: bytes) -> str:
    """XML indented two spaces a level ('' when it is not XML or not safe, well-formed XML:
    the page then shows it as received). Parsed by the harvesters' safe parser: no DTD,
    no entities, no network."""
    if not content.lstrip().startswith(b"<"):
        return ""
    try:
        root = parse_xml(content)
    except XmlError:
        return ""
    etree.indent(root, space="  ")
    return raw_text(etree.tostring(root, encoding="utf-8", pretty_print=True))


@dataclass
class MarcField:
    """One row of the MARC table: tag, indicators, and the data or the subfields."""

    tag: str
    indicators: tuple[str, str] = ("", "")
    data: str = ""  # leader and control fields
    subfields: list[tuple[str, str]] = field(default_factory=list)


def marc_fields(content: bytes) -> list[MarcField]:
    """The MARC record's fields (binary ISO 2709 or MARCXML, also inside an OAI-PMH
    record); [] for anything else. A blank indicator is shown as "#", as LC does."""
    if is_iso2709(content):
        return _iso2709_fields(content)
    if content.lstrip().startswith(b"<"):
        try:
            root = parse_xml(content)
        except XmlError:
            return []
        return _marcxml_fields(root)
    return []


def _indicator(value: str | None) -> str:
    value = (value or "").strip()
    return value if value else "#"


def _iso2709_fields(content: bytes) -> list[MarcField]:
    try:
        from pymarc import Record as MarcRecord

        marc = MarcRecord(data=content, force_utf8=True)
    except Exception:  # a malformed record still shows as received
        return []
    rows = [MarcField("LDR", data=str(marc.leader))]
    for f in marc.fields:
        if f.is_control_field():
            rows.append(MarcField(f.tag, data=raw_text((f.data or "").encode())))
        else:
            ind = f.indicators
            rows.append(
                MarcField(
                    f.tag,
                    (_indicator(ind[0] if ind else ""), _indicator(ind[1] if ind else "")),
                    subfields=[(sf.code, raw_text(sf.value.encode())) for sf in f.subfields],
                )
            )
    return rows


def _marcxml_fields(root: etree._Element) -> list[MarcField]:
    record = (
        root
        if _is_marc_record(root)
        else next((e for e in root.iter() if isinstance(e.tag, str) and _is_marc_record(e)), None)
    )
    if record is None:
        return []
    rows = []
    for child in record:
        if not isinstance(child.tag, str):
            continue
        name = localname(child)
        text = raw_text((child.text or "").encode())
        if name == "leader":
            rows.append(MarcField("LDR", data=text))
        elif name == "controlfield":
            rows.append(MarcField(child.get("tag", ""), data=text))
        elif name == "datafield":
            subfields = [
                (sub.get("code", ""), raw_text((sub.text or "").encode()))
                for sub in child
                if isinstance(sub.tag, str) and localname(sub) == "subfield"
            ]
            indicators = (_indicator(child.get("ind1")), _indicator(child.get("ind2")))
            rows.append(MarcField(child.get("tag", ""), indicators, subfields=subfields))
    return rows


def _is_marc_record(element: etree._Element) -> bool:
    if localname(element) != "record":
        return False
    namespace = etree.QName(element).namespace
    if namespace == MARC_SLIM:
        return True
    return namespace is None and any(
        isinstance(c.tag, str) and localname(c) in ("datafield", "controlfield") for c in element
    )
