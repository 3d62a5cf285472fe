"""The sources table: harvest sources as librarians define them, and each one's
incremental harvest state (watermark and declared granularity)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from catalogue.convert import aware, source_from_row
from catalogue.sources import Source
from catalogue.storable import check_fits, utcnow
from catalogue.tables import HarvestRunRow, SourceRow

if TYPE_CHECKING:
    from catalogue.store import Store


def put_source(store: Store, source: Source) -> None:
    """Add a source, or update it if the key exists (its harvest state is kept).

    A value longer than its column is refused with ValueError (PostgreSQL would
    refuse it mid-transaction; SQLite would keep it silently): same on both.
    """
    check_fits(
        SourceRow,
        key=source.key,
        name=source.name,
        type=source.type,
        metadata_prefix=source.metadata_prefix,
        set_spec=source.set,
        schedule=source.schedule,
    )
    with store.session() as s:
        row = s.get(SourceRow, source.key)
        if row is None:
            row = SourceRow(key=source.key, created_at=utcnow())
            s.add(row)
        row.name, row.type, row.url = source.name, source.type, source.url
        row.metadata_prefix, row.set_spec = source.metadata_prefix, source.set
        row.schedule, row.enabled = source.schedule, source.enabled
        row.opac_url = source.opac_url
        row.website, row.address = source.website, source.address
        row.hours, row.contact = source.hours, source.contact


def get_source(store: Store, key: str) -> Source | None:
    with store.session() as s:
        row = s.get(SourceRow, key)
        return source_from_row(row) if row else None


def sources(store: Store) -> list[Source]:
    with store.session() as s:
        rows = s.scalars(select(SourceRow).order_by(SourceRow.key))
        return [source_from_row(r) for r in rows]


def last_harvests(store: Store) -> dict[str, datetime]:
    """Source key -> when its latest successful harvest run finished: when its records
    were last brought up to date here (a source never harvested is left out)."""
    with store.session() as s:
        rows = s.execute(
            select(HarvestRunRow.source_key, func.max(HarvestRunRow.finished_at))
            .where(HarvestRunRow.status == "succeeded", HarvestRunRow.finished_at.is_not(None))
            .group_by(HarvestRunRow.source_key)
        )
        return {key: aware(finished) for key, finished in rows if finished is not None}


def delete_source(store: Store, key: str) -> bool:
    with store.session() as s:
        row = s.get(SourceRow, key)
        if row is None:
            return False
        s.delete(row)
        return True


def harvest_state(store: Store, key: str) -> tuple[datetime | None, str]:
    """The incremental watermark and the granularity the source declared."""
    with store.session() as s:
        row = s.get(SourceRow, key)
        if row is None:
            return None, ""
        return aware(row.harvested_until), row.granularity


def set_granularity(store: Store, key: str, granularity: str) -> None:
    with store.session() as s:
        s.execute(update(SourceRow).where(SourceRow.key == key).values(granularity=granularity))


def reset_harvest_state(store: Store, key: str) -> None:
    """Forget the watermark so the next run is a full harvest."""
    with store.session() as s:
        s.execute(update(SourceRow).where(SourceRow.key == key).values(harvested_until=None))
