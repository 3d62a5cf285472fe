"""Harvest runs: starting and closing one, the errors kept against it, and reading them
back for the console and the worker."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from catalogue.convert import run_from_row
from catalogue.runs import HarvestRun
from catalogue.storable import clip, utc, utc_or_none, utcnow
from catalogue.tables import HarvestErrorRow, HarvestRunRow, SourceRow

if TYPE_CHECKING:
    from catalogue.store import Store


def start_run(
    store: Store,
    source_key: str,
    mode: str,
    *,
    from_: datetime | None = None,
    server_time: datetime | None = None,
) -> int:
    with store.session() as s:
        row = HarvestRunRow(
            source_key=source_key,
            mode=mode,
            status="running",
            started_at=utcnow(),
            from_=utc_or_none(from_),
            server_time=utc_or_none(server_time),
        )
        s.add(row)
        s.flush()
        return row.id


def set_run_server_time(store: Store, run_id: int, server_time: datetime) -> None:
    with store.session() as s:
        s.execute(
            update(HarvestRunRow)
            .where(HarvestRunRow.id == run_id)
            .values(server_time=utc(server_time))
        )


def record_error(
    store: Store,
    run_id: int,
    position: str,
    reason: str,
    *,
    raw: bytes = b"",
    record_id: str = "",
) -> None:
    """Keep a record (or page) that could not be used, with where and why.

    A position or id longer than its column (a page named by a long resumption
    token) is clipped: the error must always be kept, and `raw` has it all.
    """
    with store.session() as s:
        add_error(s, run_id, position, reason, raw=raw, record_id=record_id)


def add_error(
    s: Session, run_id: int, position: str, reason: str, *, raw: bytes, record_id: str
) -> None:
    """An error row for the run, and one more failure in its count (in `s`'s transaction)."""
    row = {"position": position, "reason": reason, "record_id": record_id}
    s.add(
        HarvestErrorRow(run_id=run_id, raw=raw, created_at=utcnow(), **clip(HarvestErrorRow, row))
    )
    s.execute(
        update(HarvestRunRow)
        .where(HarvestRunRow.id == run_id)
        .values(failed=HarvestRunRow.failed + 1)
    )


def finish_run(store: Store, run_id: int, status: str, message: str = "") -> HarvestRun:
    """Close a run; a successful one moves the source's watermark to its server time."""
    with store.session() as s:
        row = s.get(HarvestRunRow, run_id)
        row.status, row.message, row.finished_at = status, message, utcnow()
        if status == "succeeded":
            row.resumption_token = ""
            s.execute(
                update(SourceRow)
                .where(SourceRow.key == row.source_key)
                .values(harvested_until=row.server_time)
            )
    return run(store, run_id)


def run(store: Store, run_id: int) -> HarvestRun:
    with store.session() as s:
        row = s.get(HarvestRunRow, run_id, options=[selectinload(HarvestRunRow.errors)])
        return run_from_row(row)


def runs(store: Store, source_key: str | None = None, limit: int = 50) -> list[HarvestRun]:
    with store.session() as s:
        query = select(HarvestRunRow).order_by(HarvestRunRow.id.desc()).limit(limit)
        if source_key:
            query = query.where(HarvestRunRow.source_key == source_key)
        rows = s.scalars(query.options(selectinload(HarvestRunRow.errors))).all()
        return [run_from_row(r) for r in rows]


def last_run(store: Store, source_key: str) -> HarvestRun | None:
    latest = runs(store, source_key, limit=1)
    return latest[0] if latest else None
