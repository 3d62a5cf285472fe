"""Reading unified and raw records: by id, in batches, the newest, and by work (the work
keys the index sync keeps on each record)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from catalogue.convert import record_from_row
from catalogue.record import Record
from catalogue.tables import RawRecordRow, RecordRow

if TYPE_CHECKING:
    from catalogue.store import Store

# Loads a record row's holdings and digital objects with it (a Record is incomplete without).
WITH_CHILDREN = (selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects))


def get_record(store: Store, record_id: str) -> Record | None:
    with store.session() as s:
        row = s.get(RecordRow, record_id, options=WITH_CHILDREN)
        return record_from_row(row) if row else None


def get_records(store: Store, record_ids: Sequence[str]) -> dict[str, Record]:
    """Records (deleted ones included) by id, in one query; unknown ids are left out."""
    if not record_ids:
        return {}
    with store.session() as s:
        rows = s.scalars(
            select(RecordRow).where(RecordRow.id.in_(list(record_ids))).options(*WITH_CHILDREN)
        ).all()
        return {r.id: record_from_row(r) for r in rows}


def get_raw(store: Store, record_id: str) -> tuple[str, bytes] | None:
    with store.session() as s:
        row = s.get(RawRecordRow, record_id)
        return (row.raw_format, row.content) if row else None


def get_raws(store: Store, record_ids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
    """Raw records as received, by id (ids without one are left out)."""
    if not record_ids:
        return {}
    with store.session() as s:
        rows = s.execute(
            select(RawRecordRow.id, RawRecordRow.raw_format, RawRecordRow.content).where(
                RawRecordRow.id.in_(list(record_ids))
            )
        ).all()
    return {i: (f, c) for i, f, c in rows}


def count_records(store: Store, source_key: str | None = None, *, deleted: bool = False) -> int:
    with store.session() as s:
        query = select(func.count()).select_from(RecordRow).where(RecordRow.deleted == deleted)
        if source_key:
            query = query.where(RecordRow.source_key == source_key)
        return s.scalar(query) or 0


def iter_records(store: Store, batch: int = 1000, *, deleted: bool = False) -> Iterator[Record]:
    """Every record, in id order, a batch per query so memory stays flat."""
    last = ""
    while True:
        with store.session() as s:
            rows = s.scalars(
                select(RecordRow)
                .where(RecordRow.id > last, RecordRow.deleted == deleted)
                .order_by(RecordRow.id)
                .limit(batch)
                .options(*WITH_CHILDREN)
            ).all()
        if not rows:
            return
        yield from (record_from_row(r) for r in rows)
        last = rows[-1].id


def recent_records(store: Store, limit: int = 10) -> list[Record]:
    """Live records most recently added or changed, newest first."""
    with store.session() as s:
        rows = s.scalars(
            select(RecordRow)
            .where(RecordRow.deleted.is_(False))
            .order_by(RecordRow.change_seq.desc())
            .limit(limit)
            .options(*WITH_CHILDREN)
        ).all()
        return [record_from_row(r) for r in rows]


def work_key_of(store: Store, record_id: str) -> str | None:
    """The work key a record was last indexed under (None before its first index sync)."""
    with store.session() as s:
        return s.scalar(select(RecordRow.work_key).where(RecordRow.id == record_id))


def records_of_work(store: Store, work_key: str, limit: int = 200) -> list[Record]:
    """Live records indexed under one work key (the work's records in every library)."""
    with store.session() as s:
        rows = s.scalars(
            select(RecordRow)
            .where(RecordRow.work_key == work_key, RecordRow.deleted.is_(False))
            .order_by(RecordRow.id)
            .limit(limit)
            .options(*WITH_CHILDREN)
        ).all()
        return [record_from_row(r) for r in rows]


def work_keys(store: Store) -> dict[str, str | None]:
    """The work key each live record was last indexed under."""
    with store.session() as s:
        rows = s.execute(select(RecordRow.id, RecordRow.work_key).where(~RecordRow.deleted))
        return dict(rows.all())


def set_work_keys(store: Store, keys: dict[str, str]) -> None:
    with store.session() as s:
        for record_id, key in keys.items():
            s.execute(update(RecordRow).where(RecordRow.id == record_id).values(work_key=key))
