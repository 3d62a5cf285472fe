"""What an OAI-PMH provider serves: items, formats, the repository protocol, an
in-memory repository, and the oai_dc / MARCXML / MODS renderers.

Kept apart from the protocol machinery in `oai_provider` so a repository (the demo
libraries, later the union catalogue) needs only this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from lxml import etree

from harvesters.crosswalk import MODS_NS
from harvesters.xml import parse_xml

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MARC_NS = "http://www.loc.gov/MARC21/slim"
SECONDS = "YYYY-MM-DDThh:mm:ssZ"
DAYS = "YYYY-MM-DD"
DC_ELEMENTS = (
    "title", "creator", "subject", "description", "publisher", "contributor", "date",
    "type", "format", "identifier", "source", "language", "relation", "coverage", "rights",
)  # fmt: skip
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones converted to it."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass
class OaiItem:
    """One item as the protocol sees it: identity, change time, sets, deletion."""

    identifier: str
    datestamp: datetime
    deleted: bool = False
    sets: list[str] = field(default_factory=list)


@dataclass
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


OAI_DC = MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS)
MARC21 = MetadataFormat(
    "marc21", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", MARC_NS
)
# The same MARC21 slim schema under the other prefix harvesters commonly ask for.
MARCXML = MetadataFormat("marcxml", MARC21.schema, MARC_NS)
# MODS 3.x records (`mods_element` of a repository's render function makes the root).
MODS = MetadataFormat("mods", "http://www.loc.gov/standards/mods/v3/mods-3-8.xsd", MODS_NS)


class OaiRepository(Protocol):
    """What the provider needs from a store.

    `list_items` returns the items with from_ <= datestamp <= until (None: unbounded)
    in set_spec or a set below it ("a:b" is in "a"), ordered by `item_key`, plus
    their total. The schema needs at least one admin email. A repository may also
    have `descriptions`: elements for Identify's <description>s.
    """

    repository_name: str
    admin_emails: list[str]
    earliest_datestamp: datetime
    granularity: str
    deleted_record: str

    def metadata_formats(self, identifier: str | None = None) -> list[MetadataFormat]: ...

    def sets(self) -> list[tuple[str, str]]: ...

    def list_items(
        self,
        *,
        from_: datetime | None,
        until: datetime | None,
        set_spec: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[OaiItem], int]: ...

    def get_item(self, identifier: str) -> OaiItem | None: ...

    def metadata(self, item: OaiItem, prefix: str) -> etree._Element | None: ...


class PagedOaiRepository(Protocol):
    """A repository that pages by position (keyset) rather than by offset, for stores too
    big to count or skip through (the union catalogue).

    Positions are the repository's own opaque strings; the provider only hands them
    back, inside signed resumption tokens. `list_page(position=None, …)` starts a new
    list and may freeze it there (items changed later stay out of it). It reads at most
    `limit` stored items after `position` and returns the ones the requester may see,
    each with the position just after it, plus the position after everything read, or
    None when the list has ended. Hidden items move the position but are never
    returned, so a page may hold fewer than `limit` items, even none. `prefix` says which
    metadata format the items will be rendered in (None: headers only), so metadata can
    be fetched with the page. An invalid position raises ValueError.

    A repository that knows how many items the list being paged holds for this
    requester (never counting ones they may not see) says so in a `list_size`
    attribute after `list_page`; the provider writes it as completeListSize.
    `has_sets` says whether sets are supported without building the set list.
    """

    repository_name: str
    admin_emails: list[str]
    earliest_datestamp: datetime
    granularity: str
    deleted_record: str
    has_sets: bool

    def metadata_formats(self, identifier: str | None = None) -> list[MetadataFormat]: ...

    def sets(self) -> list[tuple[str, str]]: ...

    def list_page(
        self,
        *,
        prefix: str | None,
        from_: datetime | None,
        until: datetime | None,
        set_spec: str | None,
        position: str | None,
        limit: int,
    ) -> tuple[list[tuple[OaiItem, str]], str | None]: ...

    def get_item(self, identifier: str) -> OaiItem | None: ...

    def metadata(self, item: OaiItem, prefix: str) -> etree._Element | None: ...


@dataclass
class MemoryRepository:
    """An in-memory repository for the demo and tests; `render(item, prefix)` makes metadata."""

    repository_name: str
    items: list[OaiItem]
    render: Callable[[OaiItem, str], etree._Element | None]
    formats: list[MetadataFormat] = field(default_factory=lambda: [OAI_DC])
    set_names: list[tuple[str, str]] = field(default_factory=list)
    admin_emails: list[str] = field(default_factory=lambda: ["admin@example.org"])
    granularity: str = SECONDS
    deleted_record: str = "persistent"
    earliest_datestamp: datetime = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.earliest_datestamp is None:
            stamps = [item.datestamp for item in self.items]
            self.earliest_datestamp = min(stamps, default=datetime(2000, 1, 1, tzinfo=UTC))

    def metadata_formats(self, identifier: str | None = None) -> list[MetadataFormat]:
        return list(self.formats)

    def sets(self) -> list[tuple[str, str]]:
        return list(self.set_names)

    def list_items(
        self,
        *,
        from_: datetime | None,
        until: datetime | None,
        set_spec: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[OaiItem], int]:
        found = sorted((i for i in self.items if _matches(i, from_, until, set_spec)), key=item_key)
        return found[offset : offset + limit], len(found)

    def get_item(self, identifier: str) -> OaiItem | None:
        return next((i for i in self.items if i.identifier == identifier), None)

    def metadata(self, item: OaiItem, prefix: str) -> etree._Element | None:
        if prefix not in {f.prefix for f in self.formats}:
            return None
        return self.render(item, prefix)


def item_key(item: OaiItem) -> tuple[datetime, str]:
    """The order every repository must list items in."""
    return (as_utc(item.datestamp), item.identifier)


def _matches(item: OaiItem, from_: datetime | None, until: datetime | None, spec: str | None):
    stamp = as_utc(item.datestamp)
    in_set = spec is None or any(s == spec or s.startswith(spec + ":") for s in item.sets)
    return in_set and (from_ is None or stamp >= from_) and (until is None or stamp <= until)


def xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (MARC data is full of them)."""
    return _XML_ILLEGAL.sub("", text)


def dc_element(values: Mapping[str, Sequence[str]]) -> etree._Element:
    """An <oai_dc:dc> record from DC element name -> values, in the schema's element order."""
    unknown = set(values) - set(DC_ELEMENTS)
    if unknown:
        raise ValueError(f"not Dublin Core elements: {sorted(unknown)}")
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC.schema}")
    for name in DC_ELEMENTS:
        for value in values.get(name, []):
            if value and value.strip():
                etree.SubElement(root, f"{{{DC_NS}}}{name}").text = xml_safe(value)
    return root


def marcxml_element(record: Any) -> etree._Element:
    """A MARCXML <record> from a pymarc.Record, dropping characters XML can't carry."""
    root = etree.Element(f"{{{MARC_NS}}}record", nsmap={None: MARC_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{MARC_NS} {MARC21.schema}")
    etree.SubElement(root, f"{{{MARC_NS}}}leader").text = xml_safe(str(record.leader))
    for fld in record.fields:
        if fld.is_control_field():
            control = etree.SubElement(root, f"{{{MARC_NS}}}controlfield", tag=fld.tag)
            control.text = xml_safe(fld.data or "")
            continue
        data = etree.SubElement(
            root,
            f"{{{MARC_NS}}}datafield",
            tag=fld.tag,
            ind1=xml_safe(fld.indicator1 or " ")[:1] or " ",
            ind2=xml_safe(fld.indicator2 or " ")[:1] or " ",
        )
        for sub in fld.subfields:
            code = xml_safe(sub.code)[:1] or " "
            etree.SubElement(data, f"{{{MARC_NS}}}subfield", code=code).text = xml_safe(sub.value)
    return root


def mods_element(xml: bytes) -> etree._Element:
    """A MODS record a repository serves as written (a catalogue's own MODS export),
    parsed safely and checked to be one: a `<mods>` root in the MODS namespace."""
    root = parse_xml(xml)
    if root.tag != f"{{{MODS_NS}}}mods":
        raise ValueError(f"not a MODS record: <{root.tag}>")
    return root
