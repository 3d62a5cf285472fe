"""Rows of the store to the catalogue's dataclasses (and back, for child rows)."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, TypeVar

from catalogue.record import DigitalObject, Holding, Record
from catalogue.runs import HarvestError, HarvestRun
from catalogue.sources import Source
from catalogue.tables import HarvestRunRow, RecordRow, SourceRow

T = TypeVar("T")


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def from_columns(cls: type[T], row: object, **overrides: Any) -> T:
    """A dataclass from the row's same-named columns, datetimes made UTC-aware again."""
    values = {f.name: getattr(row, f.name) for f in fields(cls) if f.name not in overrides}
    values = {k: aware(v) if isinstance(v, datetime) else v for k, v in values.items()}
    return cls(**values, **overrides)


def record_from_row(row: RecordRow) -> Record:
    if row.deleted:
        return Record(
            source_key=row.source_key,
            local_id=row.local_id,
            deleted=True,
            datestamp=aware(row.datestamp),
        )
    data = dict(row.data)
    data["holdings"] = []
    data["digital_objects"] = []
    record = Record.from_dict(data)
    record.holdings = [from_columns(Holding, h) for h in row.holdings]
    record.digital_objects = [from_columns(DigitalObject, d) for d in row.digital_objects]
    record.datestamp = aware(record.datestamp)
    return record


def source_from_row(row: SourceRow) -> Source:
    return Source(
        key=row.key,
        name=row.name,
        type=row.type,
        url=row.url,
        metadata_prefix=row.metadata_prefix,
        set=row.set_spec,
        schedule=row.schedule,
        enabled=row.enabled,
        opac_url=row.opac_url or "",
        website=row.website or "",
        address=row.address or "",
        hours=row.hours or "",
        contact=row.contact or "",
    )


def run_from_row(row: HarvestRunRow) -> HarvestRun:
    errors = [from_columns(HarvestError, e) for e in row.errors]
    return from_columns(HarvestRun, row, errors=errors)
