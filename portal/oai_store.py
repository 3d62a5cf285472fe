"""The catalogue store as the OAI-PMH provider's repository, a keyset page at a time.

Apart from the /oai view (portal.oai) because it is the part that reads the store: what
a list, a set, an identifier and a datestamp are over the catalogue, and the per-app
cache of what is costly to read there (the earliest change, the collections).

Lists of up to COUNT_LIMIT stored records carry a completeListSize beside the cursor (spec
3.5), so a harvester can show its progress: the items the requester may see, counted
once when the list starts (the hidden ones are not counted) and carried in the list's
positions. A longer list is not counted: that would read the whole catalogue.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from lxml import etree

from catalogue.record import Record
from catalogue.store import Store
from catalogue.store_changes import ChangedRecord
from harvesters.oai_provider import identifier_description
from harvesters.oai_repository import (
    MARC21,
    MARCXML,
    OAI_DC,
    SECONDS,
    MetadataFormat,
    OaiItem,
    dc_element,
    marcxml_element,
)
from indexer.text import fold
from portal.oai_metadata import raw_marc_element, record_dc, record_marc

# One element per language: oai_dc has no xml:lang.
REPOSITORY_DESCRIPTION = [
    "Mục lục liên hợp các thư viện Hà Nội",
    "The union catalogue of Hanoi's libraries",
]
SAMPLE_RECORD_ID = "thu-vien-quoc-gia:000123"  # what Identify's sampleIdentifier shows
LIBRARIES = ("library", "Thư viện")
COLLECTIONS = ("collection", "Bộ sưu tập")
MARC_PREFIXES = frozenset({MARCXML.prefix, MARC21.prefix})
COLLECTIONS_TTL = 60.0  # seconds the collection list may lag behind the store
SAMPLES_PER_COLLECTION = 5
_ID_SAFE = "-_.!~*'();/?:@&=+$,"  # the oai-identifier local part's characters, bar "%"
COUNT_LIMIT = 10_000  # stored records a new list may read to count itself
COUNT_PAGE = 1_000


@dataclass
class StoreItem(OaiItem):
    """An item with the record it stands for and, when fetched with its page, its raw form
    (("", b"") when the store has none; None when not fetched)."""

    record: Record | None = None
    raw: tuple[str, bytes] | None = None


class StoreRepository:
    """The catalogue store as a `PagedOaiRepository`.

    Positions are "<last change_seq read>.<change_seq the list was frozen at>", then
    ".<list size>" when the list was counted: a list walks the change sequence (indexed)
    and never sees changes made after it began; those carry a later datestamp and come
    with the next incremental harvest. `list_size` is the size of the list last paged
    through (None when not counted).
    """

    granularity = SECONDS
    deleted_record = "persistent"
    has_sets = True

    def __init__(
        self,
        store: Store,
        cache: OaiCache,
        *,
        repository_name: str,
        admin_emails: list[str],
        namespace: str,
        may_see: Callable[[Record], bool],
        record_url: Callable[[str], str],
        home_url: str = "",
    ) -> None:
        self.store = store
        self.cache = cache
        self.repository_name = repository_name
        self.admin_emails = admin_emails
        self.namespace = namespace
        self.may_see = may_see
        self.record_url = record_url
        self.home_url = home_url
        self.list_size: int | None = None

    @property
    def earliest_datestamp(self) -> datetime:
        return self.cache.earliest(self.store) or datetime.now(UTC)

    @property
    def descriptions(self) -> list[etree._Element]:
        """Identify's: the union catalogue in Dublin Core, and how its identifiers read
        (when the namespace is a domain name, as oai-identifier requires)."""
        about = dc_element(
            {
                "title": [self.repository_name],
                "description": REPOSITORY_DESCRIPTION,
                "type": ["Collection"],
                "language": ["vie", "eng"],
                "identifier": [self.home_url],
            }
        )
        identifiers = identifier_description(self.namespace, self.identifier(SAMPLE_RECORD_ID))
        return [about] if identifiers is None else [about, identifiers]

    # identifiers

    def identifier(self, record_id: str) -> str:
        return f"oai:{self.namespace}:{quote(record_id, safe=_ID_SAFE)}"

    def record_id(self, identifier: str) -> str | None:
        head = f"oai:{self.namespace}:"
        if not identifier.startswith(head) or len(identifier) == len(head):
            return None
        return unquote(identifier[len(head) :], errors="strict")

    # formats and sets

    def metadata_formats(self, identifier: str | None = None) -> list[MetadataFormat]:
        return [OAI_DC, MARCXML, MARC21]

    def sets(self) -> list[tuple[str, str]]:
        found = [LIBRARIES]
        found += [(f"{LIBRARIES[0]}:{s.key}", s.name or s.key) for s in self.store.sources()]
        found.append(COLLECTIONS)
        visible = self._visible_collections()
        by_slug: dict[str, str] = {}
        for name in sorted(visible):
            by_slug.setdefault(collection_slug(name), name)
        found += [(f"{COLLECTIONS[0]}:{slug}", name) for slug, name in sorted(by_slug.items())]
        return found

    def _visible_collections(self) -> set[str]:
        """Collections with at least one record the requester may see, judged on a few of
        each collection's most recently changed records (one batch query per round)."""
        pending = {name: list(ids) for name, ids in self.cache.collections(self.store).items()}
        visible: set[str] = set()
        while pending:
            wanted = {name: ids.pop(0) for name, ids in pending.items()}
            records: dict[str, Record] = {}
            for chunk in _chunks(sorted(set(wanted.values())), 500):
                records.update(self.store.get_records(chunk))
            for name, record_id in wanted.items():
                record = records.get(record_id)
                seen = record and not record.deleted and name in record.collections
                if seen and self.may_see(record):
                    visible.add(name)
            pending = {n: ids for n, ids in pending.items() if n not in visible and ids}
        return visible

    def _set_filter(self, set_spec: str | None) -> dict[str, Any] | None:
        """The store filter for a set; None when no record can be in it."""
        if set_spec is None or set_spec == LIBRARIES[0]:
            return {}
        if set_spec == COLLECTIONS[0]:
            return {"any_collection": True}
        kind, _, rest = set_spec.partition(":")
        if kind == LIBRARIES[0] and rest and ":" not in rest:
            return {"source_key": rest}
        if kind == COLLECTIONS[0] and rest and ":" not in rest:
            names = [n for n in self.cache.collections(self.store) if collection_slug(n) == rest]
            return {"collections": names} if names else None
        return None

    # lists

    def list_page(
        self,
        *,
        prefix: str | None,
        from_: datetime | None,
        until: datetime | None,
        set_spec: str | None,
        position: str | None,
        limit: int,
    ) -> tuple[list[tuple[OaiItem, str]], str | None]:
        filters = self._set_filter(set_spec)
        if filters is None:
            return [], None
        if position is None:
            frozen = self.store.max_change_seq()
            after, size = 0, self._count(frozen, from_, until, filters)
        else:
            after, frozen, size = self._position(position)
        self.list_size = size
        end_of = f"{frozen}" if size is None else f"{frozen}.{size}"
        rows = self.store.changed_records(
            after, until_seq=frozen, limit=limit, from_=from_, until=until, **filters
        )
        raws = None
        if prefix in MARC_PREFIXES:
            raws = self.store.get_raws([r.record.id for r in rows if not r.record.deleted])
        entries: list[tuple[OaiItem, str]] = []
        for row in rows:
            if self.may_see(row.record):
                raw = None if raws is None else raws.get(row.record.id, ("", b""))
                entries.append((self._item(row, raw), f"{row.change_seq}.{end_of}"))
        end = f"{rows[-1].change_seq}.{end_of}" if len(rows) == limit else None
        return entries, end

    def _position(self, position: str) -> tuple[int, int, int | None]:
        """(last change_seq read, change_seq frozen at, list size or None)."""
        parts = [int(part) for part in position.split(".")]
        if len(parts) not in (2, 3) or not 0 <= parts[0] <= parts[1] or min(parts) < 0:
            raise ValueError(f"not a list position: {position!r}")
        return parts[0], parts[1], parts[2] if len(parts) == 3 else None

    def _count(
        self, frozen: int, from_: datetime | None, until: datetime | None, filters: dict[str, Any]
    ) -> int | None:
        """How many items a new list holds for this requester; None when it is longer
        than COUNT_LIMIT stored records (counting it would read the whole catalogue)."""
        seen = after = read = 0
        while read < COUNT_LIMIT:
            rows = self.store.changed_records(
                after, until_seq=frozen, limit=COUNT_PAGE, from_=from_, until=until, **filters
            )
            seen += sum(1 for row in rows if self.may_see(row.record))
            read += len(rows)
            if len(rows) < COUNT_PAGE:
                return seen
            after = rows[-1].change_seq
        return None

    def get_item(self, identifier: str) -> OaiItem | None:
        try:
            record_id = self.record_id(identifier)
        except UnicodeDecodeError:
            return None
        row = self.store.get_changed_record(record_id) if record_id else None
        if row is None or not self.may_see(row.record):
            return None
        return self._item(row, None)

    def _item(self, row: ChangedRecord, raw: tuple[str, bytes] | None) -> StoreItem:
        record = row.record
        sets = [f"{LIBRARIES[0]}:{record.source_key}"]
        for slug in dict.fromkeys(collection_slug(c) for c in record.collections):
            sets.append(f"{COLLECTIONS[0]}:{slug}")
        return StoreItem(
            self.identifier(record.id), row.updated_at, record.deleted, sets, record, raw
        )

    # metadata

    def metadata(self, item: OaiItem, prefix: str) -> etree._Element | None:
        record = getattr(item, "record", None)
        if record is None or record.deleted:
            return None
        url = self.record_url(record.id)
        if prefix == OAI_DC.prefix:
            return dc_element(record_dc(record, url))
        if prefix in MARC_PREFIXES:
            raw = getattr(item, "raw", None)
            if raw is None:
                raw = self.store.get_raws([record.id]).get(record.id, ("", b""))
            element = raw_marc_element(*raw)
            return element if element is not None else marcxml_element(record_marc(record, url))
        return None


class OaiCache:
    """What is costly over a big catalogue, kept per app: the earliest change time and
    the collections (each with a few record ids, for the visibility check)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._earliest: datetime | None = None
        self._collections: dict[str, list[str]] | None = None
        self._seq = -1
        self._read_at = 0.0

    def earliest(self, store: Store) -> datetime | None:
        if self._earliest is None:  # a lower bound for good once read (see the store)
            self._earliest = store.earliest_change()
        return self._earliest

    def collections(self, store: Store) -> dict[str, list[str]]:
        """Collection name → sample record ids, re-read when the store has changed and the
        list is older than COLLECTIONS_TTL."""
        with self._lock:
            stale = time.monotonic() - self._read_at > COLLECTIONS_TTL
            if self._collections is None or (stale and store.max_change_seq() != self._seq):
                seq = store.max_change_seq()
                self._collections = store.collection_samples(SAMPLES_PER_COLLECTION)
                self._seq, self._read_at = seq, time.monotonic()
            return self._collections


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def collection_slug(name: str) -> str:
    """A stable setSpec part for a collection name: "Sách nói" → "sach-noi".

    Names with no Latin letters or digits get a short hash of the name instead.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    if slug:
        return slug
    return "c" + hashlib.sha256(name.strip().encode("utf-8")).hexdigest()[:10]
