"""MARCXML elements to pymarc Records, for OAI pages and MARCXML files alike."""

from __future__ import annotations

import pymarc
from lxml import etree

from harvesters.xml import localname


def element_to_marc(element: etree._Element) -> pymarc.Record:
    """Build a pymarc Record from a MARCXML <record> element (any namespace or none)."""
    record = pymarc.Record(force_utf8=True)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = localname(child)
        if name == "leader":
            record.leader = pymarc.Leader((child.text or "").ljust(24)[:24])
        elif name == "controlfield":
            record.add_field(pymarc.Field(tag=child.get("tag", ""), data=child.text or ""))
        elif name == "datafield":
            subfields = [
                pymarc.Subfield(code=sf.get("code", ""), value=sf.text or "")
                for sf in child
                if isinstance(sf.tag, str) and localname(sf) == "subfield"
            ]
            record.add_field(
                pymarc.Field(
                    tag=child.get("tag", ""),
                    indicators=pymarc.Indicators(
                        child.get("ind1", " ")[:1] or " ", child.get("ind2", " ")[:1] or " "
                    ),
                    subfields=subfields,
                )
            )
    return record


def find_marc_record(metadata: etree._Element) -> etree._Element | None:
    """The <record> inside an OAI <metadata> (or the element itself if it is one)."""
    if localname(metadata) == "record":
        return metadata
    for element in metadata.iter():
        if isinstance(element.tag, str) and localname(element) == "record":
            return element
    return None
