"""Records by change: what changed after a change number (for the index sync) and the
keyset pages, change times and collections the OAI-PMH provider lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, true

from catalogue.convert import aware, record_from_row
from catalogue.dialects import collection_values, in_collections, no_index
from catalogue.record import Record
from catalogue.storable import utc
from catalogue.store_records import WITH_CHILDREN
from catalogue.tables import RecordRow

if TYPE_CHECKING:
    from catalogue.store import Store


@dataclass
class ChangedRecord:
    """A record with the catalogue's own change facts: when thuvien last changed it (its
    `updated_at`, the OAI-PMH datestamp) and that change's number in the change sequence."""

    record: Record
    updated_at: datetime
    change_seq: int


def max_change_seq(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.max(RecordRow.change_seq))) or 0


def changes_since(store: Store, seq: int, limit: int = 1000) -> list[tuple[int, Record]]:
    """Records changed after `seq`, oldest change first (deleted ones included)."""
    with store.session() as s:
        rows = s.scalars(
            select(RecordRow)
            .where(RecordRow.change_seq > seq)
            .order_by(RecordRow.change_seq)
            .limit(limit)
            .options(*WITH_CHILDREN)
        ).all()
        return [(r.change_seq, record_from_row(r)) for r in rows]


def changed_since(store: Store, seq: int) -> tuple[set[str], set[str]]:
    """Ids changed after `seq`: (live ones, deleted ones)."""
    with store.session() as s:
        rows = s.execute(
            select(RecordRow.id, RecordRow.deleted).where(RecordRow.change_seq > seq)
        ).all()
    return {i for i, d in rows if not d}, {i for i, d in rows if d}


def changed_records(
    store: Store,
    after_seq: int,
    *,
    until_seq: int | None = None,
    limit: int = 100,
    from_: datetime | None = None,
    until: datetime | None = None,
    source_key: str | None = None,
    collections: Sequence[str] | None = None,
    any_collection: bool = False,
) -> list[ChangedRecord]:
    """Records (deleted ones included) with after_seq < change_seq <= until_seq, in
    change-sequence order: keyset pages, each one bounded query however big the store.

    Optional filters: from_ <= updated_at <= until; one source; holding one of the
    named `collections`, or any collection at all (`any_collection`).
    """
    dialect = store.engine.dialect.name
    query = select(RecordRow).where(RecordRow.change_seq > after_seq)
    if until_seq is not None:
        query = query.where(RecordRow.change_seq <= until_seq)
    if from_ is not None:
        query = query.where(RecordRow.updated_at >= utc(from_))
    if until is not None:
        query = query.where(RecordRow.updated_at <= utc(until))
    if source_key is not None:
        # SQLite must walk the change_seq index, not the (source, local id) one: that
        # would sort the whole library again for every page.
        query = query.where(no_index(RecordRow.source_key, dialect) == source_key)
    if collections is not None or any_collection:
        names = None if any_collection else list(collections or [])
        query = query.where(in_collections(dialect, names))
    query = query.order_by(RecordRow.change_seq).limit(limit).options(*WITH_CHILDREN)
    with store.session() as s:
        return [_changed(r) for r in s.scalars(query).all()]


def get_changed_record(store: Store, record_id: str) -> ChangedRecord | None:
    """One record (deleted or not) with its change time and number."""
    with store.session() as s:
        row = s.get(RecordRow, record_id, options=WITH_CHILDREN)
        return _changed(row) if row is not None else None


def earliest_change(store: Store) -> datetime | None:
    """The oldest `updated_at` of any record; None for an empty catalogue.

    Records are never removed and a change only moves `updated_at` forward, so a
    value read once stays a lower bound of every datestamp for good.
    """
    with store.session() as s:
        return aware(s.scalar(select(func.min(RecordRow.updated_at))))


def collection_samples(store: Store, per_collection: int = 5) -> dict[str, list[str]]:
    """Every collection name of live records, with the ids of up to `per_collection` of
    its most recently changed records (one pass over the catalogue)."""
    names = collection_values(store.engine.dialect.name)
    ranked = (
        select(
            names.c.value.label("name"),
            RecordRow.id.label("id"),
            func.row_number()
            .over(partition_by=names.c.value, order_by=RecordRow.change_seq.desc())
            .label("rank"),
        )
        .select_from(RecordRow)
        .join(names, true())
        .where(RecordRow.deleted.is_(False))
        .subquery()
    )
    query = (
        select(ranked.c.name, ranked.c.id)
        .where(ranked.c.rank <= per_collection)
        .order_by(ranked.c.name, ranked.c.rank)
    )
    samples: dict[str, list[str]] = {}
    with store.session() as s:
        for name, record_id in s.execute(query):
            if isinstance(name, str) and name:
                samples.setdefault(name, []).append(record_id)
    return samples


def _changed(row: RecordRow) -> ChangedRecord:
    return ChangedRecord(record_from_row(row), aware(row.updated_at), row.change_seq)
