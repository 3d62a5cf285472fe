"""The OAI-PMH provider's XML writing: namespaces, the response envelope, error
documents, item headers and records, and Identify's oai-identifier description.

Every element the provider writes is made here, so text is always made XML-safe and
datestamps always follow the repository's granularity.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from lxml import etree

from harvesters.oai_repository import (
    DAYS,
    SECONDS,
    XSI_NS,
    OaiItem,
    OaiRepository,
    PagedOaiRepository,
    as_utc,
    xml_safe,
)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_ID_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_ID_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
# oai-identifier.xsd's repositoryIdentifierType: a domain name.
_REPOSITORY_ID = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")


def error_document(
    base_url: str, now: datetime, errors: Sequence[tuple[str, str]], request: Mapping[str, str]
) -> bytes:
    """An OAI-PMH error response; badVerb/badArgument echo no request attributes (spec 3.2)."""
    if any(code in ("badVerb", "badArgument") for code, _ in errors):
        request = {}
    root = envelope(base_url, now, request, None)
    for code, message in errors:
        etree.SubElement(root, oai_tag("error"), code=code).text = xml_safe(message)
    return serialise(root)


def envelope(
    base_url: str, now: datetime, request: Mapping[str, str], body: etree._Element | None
) -> etree._Element:
    root = etree.Element(oai_tag("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    sub(root, "responseDate", stamp(now, SECONDS))
    sub(root, "request", base_url).attrib.update(request)
    if body is not None:
        root.append(body)
    return root


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def identifier_description(namespace: str, sample_identifier: str) -> etree._Element | None:
    """Identify's oai-identifier <description>, which tells a harvester how to read the
    identifiers; None when `namespace` is not a domain name, as the schema requires."""
    if not _REPOSITORY_ID.fullmatch(namespace):
        return None
    root = etree.Element(_id_tag("oai-identifier"), nsmap={None: OAI_ID_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_ID_NS} {OAI_ID_SCHEMA}")
    for name, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", namespace),
        ("delimiter", ":"),
        ("sampleIdentifier", sample_identifier),
    ):
        etree.SubElement(root, _id_tag(name)).text = text
    return root


def _id_tag(name: str) -> str:
    return f"{{{OAI_ID_NS}}}{name}"


def header_element(repo: OaiRepository | PagedOaiRepository, item: OaiItem) -> etree._Element:
    el = etree.Element(oai_tag("header"))
    if item.deleted:
        el.set("status", "deleted")
    sub(el, "identifier", item.identifier)
    sub(el, "datestamp", stamp(item.datestamp, repo.granularity))
    for spec in item.sets:
        sub(el, "setSpec", spec)
    return el


def record_element(
    repo: OaiRepository | PagedOaiRepository, prefix: str, item: OaiItem
) -> etree._Element | None:
    """A <record>: header only when deleted; None when the item lacks this format."""
    el = etree.Element(oai_tag("record"))
    el.append(header_element(repo, item))
    if item.deleted:
        return el
    metadata = repo.metadata(item, prefix)
    if metadata is None:
        return None
    payload = copy.deepcopy(metadata)
    payload.tail = None
    sub(el, "metadata").append(payload)
    return el


def oai_tag(name: str) -> str:
    return f"{{{OAI_NS}}}{name}"


def sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, oai_tag(name))
    if text is not None:
        el.text = xml_safe(text)
    return el


def row(parent: etree._Element, name: str, **children: str) -> etree._Element:
    element = sub(parent, name)
    for child, text in children.items():
        sub(element, child, text)
    return element


def stamp(value: datetime, granularity: str) -> str:
    value = as_utc(value)
    return value.strftime("%Y-%m-%d" if granularity == DAYS else "%Y-%m-%dT%H:%M:%SZ")
