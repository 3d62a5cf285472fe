"""Digital objects as ingest sees them: each object's stored copy, checksum and measures,
the objects fixity checks walk, and the records with stored page images (the viewer's
collections)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, exists, literal, select, true, update

from catalogue.convert import aware, record_from_row
from catalogue.dialects import collection_values, in_collections
from catalogue.record import DigitalObject, Record
from catalogue.storable import utc
from catalogue.store_records import WITH_CHILDREN
from catalogue.tables import DigitalObjectRow, RecordRow

if TYPE_CHECKING:
    from catalogue.store import Store

# What ingest writes on an object row (kept across re-harvests that rewrite the rows).
INGEST_FIELDS = ("mime_type", "bytes", "sha256", "duration", "width", "height", "stored_path")


@dataclass
class StoredObject:
    """A digital object row: whose it is, where, and what ingest made of it."""

    record_id: str
    position: int
    object: DigitalObject
    ingested_at: datetime | None


def objects_of(store: Store, record_ids: Sequence[str]) -> list[StoredObject]:
    """The digital objects of live records, with what ingest made of each."""
    if not record_ids:
        return []
    with store.session() as s:
        rows = s.scalars(
            select(DigitalObjectRow)
            .join(RecordRow, RecordRow.id == DigitalObjectRow.record_id)
            .where(DigitalObjectRow.record_id.in_(list(record_ids)), ~RecordRow.deleted)
            .order_by(DigitalObjectRow.record_id, DigitalObjectRow.position)
        ).all()
        return [_stored_object(r) for r in rows]


def stored_objects(store: Store, batch: int = 1000) -> Iterator[StoredObject]:
    """Every object ingest has stored a copy of (for fixity checks), a batch per query."""
    last = 0
    while True:
        with store.session() as s:
            rows = s.scalars(
                select(DigitalObjectRow)
                .where(DigitalObjectRow.id > last, DigitalObjectRow.stored_path != "")
                .order_by(DigitalObjectRow.id)
                .limit(batch)
            ).all()
        if not rows:
            return
        yield from (_stored_object(r) for r in rows)
        last = rows[-1].id


def digitised_records(
    store: Store, *, source_key: str = "", collection: str = "", limit: int = 1000
) -> list[Record]:
    """Live records with at least one stored page image, of a source or a collection."""
    query = select(RecordRow).where(~RecordRow.deleted, _has_stored_images())
    if source_key:
        query = query.where(RecordRow.source_key == source_key)
    if collection:
        query = query.where(in_collections(store.engine.dialect.name, [collection]))
    query = query.order_by(RecordRow.id).limit(limit).options(*WITH_CHILDREN)
    with store.session() as s:
        return [record_from_row(r) for r in s.scalars(query).all()]


def digitised_groups(store: Store) -> tuple[list[str], list[str]]:
    """(source keys, collection names) that have live records with stored page images."""
    has_images = _has_stored_images()
    names = collection_values(store.engine.dialect.name)
    with store.session() as s:
        keys = s.scalars(
            select(RecordRow.source_key)
            .where(~RecordRow.deleted, has_images)
            .distinct()
            .order_by(RecordRow.source_key)
        ).all()
        collections = s.scalars(
            select(names.c.value)
            .select_from(RecordRow)
            .join(names, true())
            .where(~RecordRow.deleted, has_images)
            .distinct()
        ).all()
    return list(keys), sorted(c for c in collections if isinstance(c, str) and c)


def record_ingest(
    store: Store, record_id: str, position: int, location: str, obj: DigitalObject, at: datetime
) -> bool:
    """Keep what ingest found of one object (its copy, checksum, size, measures).

    Matched on the location too: if a newer harvest replaced the object meanwhile,
    nothing is written (False) rather than pinning this copy to another file.
    """
    with store.session() as s:
        result = s.execute(
            update(DigitalObjectRow)
            .where(
                DigitalObjectRow.record_id == record_id,
                DigitalObjectRow.position == position,
                DigitalObjectRow.location == location,
            )
            .values(**{name: getattr(obj, name) for name in INGEST_FIELDS}, ingested_at=utc(at))
        )
        return bool(result.rowcount)


def _has_stored_images() -> ColumnElement[bool]:
    """The record has an image object ingest stored a copy of (a page the viewer can show)."""
    return exists(
        select(literal(1)).where(
            DigitalObjectRow.record_id == RecordRow.id,
            DigitalObjectRow.kind == "image",
            DigitalObjectRow.stored_path != "",
        )
    )


def _stored_object(row: DigitalObjectRow) -> StoredObject:
    obj = DigitalObject(**{f: getattr(row, f) for f in DigitalObject.__dataclass_fields__})
    return StoredObject(row.record_id, row.position, obj, aware(row.ingested_at))
