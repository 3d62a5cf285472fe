"""Values made to store alike on SQLite and PostgreSQL: times in UTC, text that fits.

SQLite keeps a datetime's wall time and drops its offset, and keeps text of any
length; PostgreSQL converts times and refuses over-long text (and with it the whole
transaction). What the store writes goes through here first, so both keep the same.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import String

from catalogue.tables import (
    DigitalObjectRow,
    HarvestErrorRow,
    HoldingRow,
    RawRecordRow,
    RecordRow,
    SourceRow,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc(value: datetime) -> datetime:
    """UTC, as every stored time is (SQLite compares them as text)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_or_none(value: datetime | None) -> datetime | None:
    """Times are stored in UTC: SQLite keeps a datetime's wall time and drops its offset."""
    return None if value is None else utc(value)


def utc_or_now(now: datetime | None) -> datetime:
    """`now` in UTC, or the current time when the caller names none (tests name one)."""
    return utcnow() if now is None else utc(now)


def _string_limits(table) -> dict[str, int]:
    """Column name -> the most characters its String(n) type holds (unbounded ones left out)."""
    return {
        c.key: c.type.length
        for c in table.__table__.columns
        if isinstance(c.type, String) and c.type.length
    }


_LIMITS = {
    table: _string_limits(table)
    for table in (SourceRow, HarvestErrorRow, RawRecordRow, RecordRow, HoldingRow, DigitalObjectRow)
}


def check_fits(table, **values: str) -> None:
    """ValueError naming the first value longer than its column of `table`."""
    for name, value in values.items():
        limit = _LIMITS[table].get(name)
        if limit and value and len(value) > limit:
            raise ValueError(f"{name} is longer than {limit} characters: {value[:60]!r}…")


def clip(table, row: dict) -> dict:
    """Text longer than its column, cut to fit (the raw record keeps the whole of it).

    PostgreSQL refuses an over-long value and with it the whole page; SQLite would
    keep it. Clipping makes both keep the same thing and the page load.
    """
    for name, limit in _LIMITS[table].items():
        value = row.get(name)
        if isinstance(value, str) and len(value) > limit:
            row[name] = value[:limit]
    return row


def unstorable(record_id: str, local_id: str) -> str:
    """Why a record cannot be stored under its id ("" if it can): ids are never clipped,
    as two records would then share one."""
    for name, column, value in (("local id", "local_id", local_id), ("record id", "id", record_id)):
        limit = _LIMITS[RecordRow][column]
        if len(value) > limit:
            return f"{name} is longer than {limit} characters; record not stored"
    return ""
