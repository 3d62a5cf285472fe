"""Strict, safe XML parsing for everything harvested.

No entity expansion, no DTD loading, no network, no silent recovery: a page that is
not well-formed, not UTF-8 as declared, or carries a DTD is refused with the reason.
"""

from __future__ import annotations

from lxml import etree


class XmlError(ValueError):
    """Input that is not safe, well-formed XML."""


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=False,
        remove_blank_text=True,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse a whole document, refusing DTDs (where entity attacks live)."""
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise XmlError(f"malformed XML: {exc}") from exc
    check_no_dtd(root.getroottree())
    return root


def check_no_dtd(tree: etree._ElementTree) -> None:
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlError(
            "XML carries a DOCTYPE/entity declarations; refused (entities are never resolved)"
        )


def localname(element: etree._Element) -> str:
    return etree.QName(element).localname
