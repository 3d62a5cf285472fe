"""Rows of the store to the catalogue's dataclasses (and back, for child rows)."""

from __future__ import annotations

from datetime import UTC, datetime

from catalogue.record import DigitalObject, Holding, Record
from catalogue.runs import HarvestError, HarvestRun
from catalogue.sources import Source
from catalogue.tables import HarvestRunRow, RecordRow, SourceRow


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def fields_of(obj: Holding | DigitalObject) -> dict:
    return dict(vars(obj))


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
    record.holdings = [
        Holding(
            library=h.library,
            location=h.location,
            call_number=h.call_number,
            status=h.status,
            status_read_at=aware(h.status_read_at),
            barcode=h.barcode,
        )
        for h in row.holdings
    ]
    record.digital_objects = [
        DigitalObject(
            kind=d.kind,
            location=d.location,
            label=d.label,
            order=d.order,
            mime_type=d.mime_type,
            bytes=d.bytes,
            sha256=d.sha256,
            duration=d.duration,
            width=d.width,
            height=d.height,
        )
        for d in row.digital_objects
    ]
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
    )


def run_from_row(row: HarvestRunRow) -> HarvestRun:
    return HarvestRun(
        id=row.id,
        source_key=row.source_key,
        mode=row.mode,
        status=row.status,
        started_at=aware(row.started_at),
        finished_at=aware(row.finished_at),
        added=row.added,
        updated=row.updated,
        deleted=row.deleted,
        unchanged=row.unchanged,
        failed=row.failed,
        pages=row.pages,
        resumption_token=row.resumption_token,
        message=row.message,
        from_=aware(row.from_),
        server_time=aware(row.server_time),
        errors=[
            HarvestError(position=e.position, reason=e.reason, record_id=e.record_id, raw=e.raw)
            for e in row.errors
        ],
    )
