"""The catalogue store: sources, harvest runs, raw and unified records (SQLAlchemy 2).

SQLite by default (WAL, so several harvests can write one after another without
corrupting each other), PostgreSQL by URL. The schema is owned by the Alembic
migrations in catalogue/migrations; opening a store brings it up to date.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload, sessionmaker

from catalogue.convert import aware, fields_of, record_from_row, run_from_row, source_from_row
from catalogue.record import Record
from catalogue.runs import HarvestedItem, HarvestRun, PageCounts
from catalogue.sources import Source
from catalogue.tables import (
    CounterRow,
    DigitalObjectRow,
    HarvestErrorRow,
    HarvestRunRow,
    HoldingRow,
    RawRecordRow,
    RecordRow,
    SourceRow,
)

CHANGE_SEQ = "change_seq"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Store:
    """All reads and writes of the catalogue go through here."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine = _make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            from catalogue.migrate import upgrade

            upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # -- sources ---------------------------------------------------------

    def put_source(self, source: Source) -> None:
        """Add a source, or update it if the key exists (its harvest state is kept)."""
        with self.session() as s:
            row = s.get(SourceRow, source.key)
            if row is None:
                row = SourceRow(key=source.key, created_at=utcnow())
                s.add(row)
            row.name, row.type, row.url = source.name, source.type, source.url
            row.metadata_prefix, row.set_spec = source.metadata_prefix, source.set
            row.schedule, row.enabled = source.schedule, source.enabled

    def get_source(self, key: str) -> Source | None:
        with self.session() as s:
            row = s.get(SourceRow, key)
            return source_from_row(row) if row else None

    def sources(self) -> list[Source]:
        with self.session() as s:
            rows = s.scalars(select(SourceRow).order_by(SourceRow.key))
            return [source_from_row(r) for r in rows]

    def delete_source(self, key: str) -> bool:
        with self.session() as s:
            row = s.get(SourceRow, key)
            if row is None:
                return False
            s.delete(row)
            return True

    def harvest_state(self, key: str) -> tuple[datetime | None, str]:
        """The incremental watermark and the granularity the source declared."""
        with self.session() as s:
            row = s.get(SourceRow, key)
            if row is None:
                return None, ""
            return aware(row.harvested_until), row.granularity

    def set_granularity(self, key: str, granularity: str) -> None:
        with self.session() as s:
            s.execute(update(SourceRow).where(SourceRow.key == key).values(granularity=granularity))

    def reset_harvest_state(self, key: str) -> None:
        """Forget the watermark so the next run is a full harvest."""
        with self.session() as s:
            s.execute(update(SourceRow).where(SourceRow.key == key).values(harvested_until=None))

    # -- harvest runs ----------------------------------------------------

    def start_run(
        self,
        source_key: str,
        mode: str,
        *,
        from_: datetime | None = None,
        server_time: datetime | None = None,
    ) -> int:
        with self.session() as s:
            row = HarvestRunRow(
                source_key=source_key,
                mode=mode,
                status="running",
                started_at=utcnow(),
                from_=from_,
                server_time=server_time,
            )
            s.add(row)
            s.flush()
            return row.id

    def set_run_server_time(self, run_id: int, server_time: datetime) -> None:
        with self.session() as s:
            s.execute(
                update(HarvestRunRow)
                .where(HarvestRunRow.id == run_id)
                .values(server_time=server_time)
            )

    def record_error(
        self, run_id: int, position: str, reason: str, *, raw: bytes = b"", record_id: str = ""
    ) -> None:
        """Keep a record (or page) that could not be used, with where and why."""
        with self.session() as s:
            s.add(
                HarvestErrorRow(
                    run_id=run_id,
                    position=position,
                    reason=reason,
                    raw=raw,
                    record_id=record_id,
                    created_at=utcnow(),
                )
            )
            s.execute(
                update(HarvestRunRow)
                .where(HarvestRunRow.id == run_id)
                .values(failed=HarvestRunRow.failed + 1)
            )

    def save_items(
        self,
        run_id: int,
        source_key: str,
        items: Sequence[HarvestedItem],
        *,
        resumption_token: str | None = None,
    ) -> PageCounts:
        """Write one page (or batch) of harvested records in one transaction.

        The change counter is bumped first, which takes the write lock at once: pages
        from concurrent harvests commit one after another, in change-sequence order.
        """
        counts = PageCounts()
        now = utcnow()
        with self.session() as s:
            top = _reserve_seqs(s, len(items))
            seq = top - len(items)
            ids = [f"{source_key}:{item.local_id}" for item in items]
            existing = {
                r.id: r
                for r in s.scalars(
                    select(RecordRow)
                    .where(RecordRow.id.in_(ids))
                    .options(
                        selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects)
                    )
                )
            }
            raws = {
                r.id: r for r in s.scalars(select(RawRecordRow).where(RawRecordRow.id.in_(ids)))
            }
            for record_id, item in zip(ids, items, strict=True):
                seq += 1
                _save_raw(s, raws.get(record_id), record_id, source_key, item, run_id, now)
                outcome = _save_record(
                    s, existing.get(record_id), record_id, source_key, item, seq, now
                )
                setattr(counts, outcome, getattr(counts, outcome) + 1)
                if record_id not in existing and outcome != "unchanged":
                    s.flush()
            values = {
                "added": HarvestRunRow.added + counts.added,
                "updated": HarvestRunRow.updated + counts.updated,
                "deleted": HarvestRunRow.deleted + counts.deleted,
                "unchanged": HarvestRunRow.unchanged + counts.unchanged,
                "pages": HarvestRunRow.pages + 1,
            }
            if resumption_token is not None:
                values["resumption_token"] = resumption_token
            s.execute(update(HarvestRunRow).where(HarvestRunRow.id == run_id).values(**values))
        return counts

    def finish_run(self, run_id: int, status: str, message: str = "") -> HarvestRun:
        """Close a run; a successful one moves the source's watermark to its server time."""
        with self.session() as s:
            row = s.get(HarvestRunRow, run_id)
            row.status, row.message, row.finished_at = status, message, utcnow()
            if status == "succeeded":
                row.resumption_token = ""
                s.execute(
                    update(SourceRow)
                    .where(SourceRow.key == row.source_key)
                    .values(harvested_until=row.server_time)
                )
        return self.run(run_id)

    def run(self, run_id: int) -> HarvestRun:
        with self.session() as s:
            row = s.get(HarvestRunRow, run_id, options=[selectinload(HarvestRunRow.errors)])
            return run_from_row(row)

    def runs(self, source_key: str | None = None, limit: int = 50) -> list[HarvestRun]:
        with self.session() as s:
            query = select(HarvestRunRow).order_by(HarvestRunRow.id.desc()).limit(limit)
            if source_key:
                query = query.where(HarvestRunRow.source_key == source_key)
            rows = s.scalars(query.options(selectinload(HarvestRunRow.errors))).all()
            return [run_from_row(r) for r in rows]

    def last_run(self, source_key: str) -> HarvestRun | None:
        runs = self.runs(source_key, limit=1)
        return runs[0] if runs else None

    # -- records ---------------------------------------------------------

    def get_record(self, record_id: str) -> Record | None:
        with self.session() as s:
            row = s.get(
                RecordRow,
                record_id,
                options=[selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects)],
            )
            return record_from_row(row) if row else None

    def get_raw(self, record_id: str) -> tuple[str, bytes] | None:
        with self.session() as s:
            row = s.get(RawRecordRow, record_id)
            return (row.raw_format, row.content) if row else None

    def count_records(self, source_key: str | None = None, *, deleted: bool = False) -> int:
        with self.session() as s:
            query = select(func.count()).select_from(RecordRow).where(RecordRow.deleted == deleted)
            if source_key:
                query = query.where(RecordRow.source_key == source_key)
            return s.scalar(query) or 0

    def changes_since(self, seq: int, limit: int = 1000) -> list[tuple[int, Record]]:
        """Records changed after `seq`, oldest change first (deleted ones included)."""
        with self.session() as s:
            rows = s.scalars(
                select(RecordRow)
                .where(RecordRow.change_seq > seq)
                .order_by(RecordRow.change_seq)
                .limit(limit)
                .options(selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects))
            ).all()
            return [(r.change_seq, record_from_row(r)) for r in rows]

    def iter_records(self, batch: int = 1000, *, deleted: bool = False) -> Iterator[Record]:
        """Every record, in id order, a batch per query so memory stays flat."""
        last = ""
        while True:
            with self.session() as s:
                rows = s.scalars(
                    select(RecordRow)
                    .where(RecordRow.id > last, RecordRow.deleted == deleted)
                    .order_by(RecordRow.id)
                    .limit(batch)
                    .options(
                        selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects)
                    )
                ).all()
            if not rows:
                return
            yield from (record_from_row(r) for r in rows)
            last = rows[-1].id

    def max_change_seq(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.max(RecordRow.change_seq))) or 0

    def changed_since(self, seq: int) -> tuple[set[str], set[str]]:
        """Ids changed after `seq`: (live ones, deleted ones)."""
        with self.session() as s:
            rows = s.execute(
                select(RecordRow.id, RecordRow.deleted).where(RecordRow.change_seq > seq)
            ).all()
        return {i for i, d in rows if not d}, {i for i, d in rows if d}

    def work_keys(self) -> dict[str, str | None]:
        """The work key each live record was last indexed under."""
        with self.session() as s:
            rows = s.execute(select(RecordRow.id, RecordRow.work_key).where(~RecordRow.deleted))
            return dict(rows.all())

    def set_work_keys(self, keys: dict[str, str]) -> None:
        with self.session() as s:
            for record_id, key in keys.items():
                s.execute(update(RecordRow).where(RecordRow.id == record_id).values(work_key=key))

    def counter(self, name: str) -> int:
        with self.session() as s:
            row = s.get(CounterRow, name)
            return row.value if row else 0

    def set_counter(self, name: str, value: int) -> None:
        with self.session() as s:
            row = s.get(CounterRow, name)
            if row is None:
                s.add(CounterRow(name=name, value=value))
            else:
                row.value = value


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # noqa: ANN001 — DB-API connection
        # Let SQLAlchemy issue BEGIN itself, so BEGIN IMMEDIATE below takes effect.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        # Writers queue on the lock instead of failing with "database is locked" mid-transaction.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _reserve_seqs(s: Session, n: int) -> int:
    """Take n numbers of the change sequence; returns the highest."""
    row = s.get(CounterRow, CHANGE_SEQ, with_for_update=True)
    if row is None:
        row = CounterRow(name=CHANGE_SEQ, value=0)
        s.add(row)
    row.value += n
    s.flush()
    return row.value


def _content_hash(record: Record | None) -> str:
    if record is None:
        return ""
    data = record.to_dict()
    data.pop("datestamp", None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _save_raw(
    s: Session,
    row: RawRecordRow | None,
    record_id: str,
    source_key: str,
    item: HarvestedItem,
    run_id: int,
    now: datetime,
) -> None:
    digest = hashlib.sha256(item.raw).hexdigest()
    if row is None:
        s.add(
            RawRecordRow(
                id=record_id,
                source_key=source_key,
                raw_format=item.raw_format,
                content=item.raw,
                sha256=digest,
                harvested_at=now,
                run_id=run_id,
            )
        )
    elif row.sha256 != digest:
        row.content, row.sha256, row.raw_format = item.raw, digest, item.raw_format
        row.harvested_at, row.run_id = now, run_id


def _save_record(
    s: Session,
    row: RecordRow | None,
    record_id: str,
    source_key: str,
    item: HarvestedItem,
    seq: int,
    now: datetime,
) -> str:
    """Insert, update, delete or leave a record; returns which of PageCounts' fields it was."""
    record = None if item.deleted else item.record
    digest = _content_hash(record)
    if row is None:
        row = RecordRow(id=record_id, source_key=source_key, local_id=item.local_id)
        s.add(row)
        outcome = "deleted" if record is None else "added"
    elif record is None:
        if row.deleted:
            return "unchanged"
        outcome = "deleted"
    elif not row.deleted and row.content_hash == digest:
        return "unchanged"
    else:
        outcome = "updated" if not row.deleted else "added"
    row.deleted = record is None
    row.datestamp = item.datestamp or (record.datestamp if record else None)
    row.content_hash, row.change_seq, row.updated_at = digest, seq, now
    if record is None:
        row.title, row.format, row.year, row.data = "", "", None, {}
        row.holdings, row.digital_objects = [], []
        return outcome
    data = record.to_dict()
    for key in ("holdings", "digital_objects", "id"):
        data.pop(key)
    row.data, row.title, row.format, row.year = data, record.title, record.format, record.year
    row.holdings = [HoldingRow(position=i, **fields_of(h)) for i, h in enumerate(record.holdings)]
    row.digital_objects = [
        DigitalObjectRow(position=i, **fields_of(d)) for i, d in enumerate(record.digital_objects)
    ]
    return outcome
