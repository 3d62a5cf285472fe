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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    ColumnElement,
    String,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload, sessionmaker

from catalogue.convert import aware, record_from_row, run_from_row, source_from_row
from catalogue.record import DigitalObject, Record
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


@dataclass
class ChangedRecord:
    """A record with the catalogue's own change facts: when thuvien last changed it (its
    `updated_at`, the OAI-PMH datestamp) and that change's number in the change sequence."""

    record: Record
    updated_at: datetime
    change_seq: int


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
        """Add a source, or update it if the key exists (its harvest state is kept).

        A value longer than its column is refused with ValueError (PostgreSQL would
        refuse it mid-transaction; SQLite would keep it silently): same on both.
        """
        _check_fits(
            SourceRow,
            key=source.key,
            name=source.name,
            type=source.type,
            metadata_prefix=source.metadata_prefix,
            set_spec=source.set,
            schedule=source.schedule,
        )
        with self.session() as s:
            row = s.get(SourceRow, source.key)
            if row is None:
                row = SourceRow(key=source.key, created_at=utcnow())
                s.add(row)
            row.name, row.type, row.url = source.name, source.type, source.url
            row.metadata_prefix, row.set_spec = source.metadata_prefix, source.set
            row.schedule, row.enabled = source.schedule, source.enabled
            row.opac_url = source.opac_url

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
                from_=_utc_or_none(from_),
                server_time=_utc_or_none(server_time),
            )
            s.add(row)
            s.flush()
            return row.id

    def set_run_server_time(self, run_id: int, server_time: datetime) -> None:
        with self.session() as s:
            s.execute(
                update(HarvestRunRow)
                .where(HarvestRunRow.id == run_id)
                .values(server_time=_utc(server_time))
            )

    def record_error(
        self, run_id: int, position: str, reason: str, *, raw: bytes = b"", record_id: str = ""
    ) -> None:
        """Keep a record (or page) that could not be used, with where and why.

        A position or id longer than its column (a page named by a long resumption
        token) is clipped: the error must always be kept, and `raw` has it all.
        """
        with self.session() as s:
            _add_error(s, run_id, position, reason, raw=raw, record_id=record_id)

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
        latest = {f"{source_key}:{item.local_id}": item for item in items}  # last copy wins
        refused = {
            i: (item, why) for i, item in latest.items() if (why := _unstorable(i, item.local_id))
        }
        for record_id in refused:
            del latest[record_id]
        with self.session() as s:
            for record_id, (item, reason) in refused.items():  # kept with the page, not lost
                _add_error(s, run_id, "record", reason, raw=item.raw, record_id=record_id)
            top = _reserve_seqs(s, len(latest))
            # Read the clock under the write lock: change times then rise with change
            # numbers, so an OAI-PMH `from` harvest of /oai never misses a late page.
            now = utcnow()
            ids = list(latest)
            known = {
                row.id: (row.content_hash, row.deleted)
                for row in s.execute(
                    select(RecordRow.id, RecordRow.content_hash, RecordRow.deleted).where(
                        RecordRow.id.in_(ids)
                    )
                )
            }
            raw_known = dict(
                s.execute(
                    select(RawRecordRow.id, RawRecordRow.sha256).where(RawRecordRow.id.in_(ids))
                ).all()
            )
            batch = _Batch()
            for seq, (record_id, item) in enumerate(latest.items(), start=top - len(latest) + 1):
                batch.raw(record_id, source_key, item, run_id, now, raw_known)
                outcome = batch.record(record_id, source_key, item, seq, now, known)
                setattr(counts, outcome, getattr(counts, outcome) + 1)
            batch.write(s)
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

    def work_key_of(self, record_id: str) -> str | None:
        """The work key a record was last indexed under (None before its first index sync)."""
        with self.session() as s:
            return s.scalar(select(RecordRow.work_key).where(RecordRow.id == record_id))

    def records_of_work(self, work_key: str, limit: int = 200) -> list[Record]:
        """Live records indexed under one work key (the work's records in every library)."""
        with self.session() as s:
            rows = s.scalars(
                select(RecordRow)
                .where(RecordRow.work_key == work_key, RecordRow.deleted.is_(False))
                .order_by(RecordRow.id)
                .limit(limit)
                .options(selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects))
            ).all()
            return [record_from_row(r) for r in rows]

    def recent_records(self, limit: int = 10) -> list[Record]:
        """Live records most recently added or changed, newest first."""
        with self.session() as s:
            rows = s.scalars(
                select(RecordRow)
                .where(RecordRow.deleted.is_(False))
                .order_by(RecordRow.change_seq.desc())
                .limit(limit)
                .options(selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects))
            ).all()
            return [record_from_row(r) for r in rows]

    # -- digital objects: ingest and fixity ------------------------------------

    def objects_of(self, record_ids: Sequence[str]) -> list[StoredObject]:
        """The digital objects of live records, with what ingest made of each."""
        if not record_ids:
            return []
        with self.session() as s:
            rows = s.scalars(
                select(DigitalObjectRow)
                .join(RecordRow, RecordRow.id == DigitalObjectRow.record_id)
                .where(DigitalObjectRow.record_id.in_(list(record_ids)), ~RecordRow.deleted)
                .order_by(DigitalObjectRow.record_id, DigitalObjectRow.position)
            ).all()
            return [_stored_object(r) for r in rows]

    def stored_objects(self, batch: int = 1000) -> Iterator[StoredObject]:
        """Every object ingest has stored a copy of (for fixity checks), a batch per query."""
        last = 0
        while True:
            with self.session() as s:
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
        self, *, source_key: str = "", collection: str = "", limit: int = 1000
    ) -> list[Record]:
        """Live records with at least one stored page image, of a source or a collection."""
        has_images = exists(
            select(literal(1)).where(
                DigitalObjectRow.record_id == RecordRow.id,
                DigitalObjectRow.kind == "image",
                DigitalObjectRow.stored_path != "",
            )
        )
        query = select(RecordRow).where(~RecordRow.deleted, has_images)
        if source_key:
            query = query.where(RecordRow.source_key == source_key)
        if collection:
            query = query.where(_in_collections(self.engine.dialect.name, [collection]))
        query = (
            query.order_by(RecordRow.id)
            .limit(limit)
            .options(selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects))
        )
        with self.session() as s:
            return [record_from_row(r) for r in s.scalars(query).all()]

    def digitised_groups(self) -> tuple[list[str], list[str]]:
        """(source keys, collection names) that have live records with stored page images."""
        has_images = exists(
            select(literal(1)).where(
                DigitalObjectRow.record_id == RecordRow.id,
                DigitalObjectRow.kind == "image",
                DigitalObjectRow.stored_path != "",
            )
        )
        names = _collection_values(self.engine.dialect.name)
        with self.session() as s:
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
        self, record_id: str, position: int, location: str, obj: DigitalObject, at: datetime
    ) -> bool:
        """Keep what ingest found of one object (its copy, checksum, size, measures).

        Matched on the location too: if a newer harvest replaced the object meanwhile,
        nothing is written (False) rather than pinning this copy to another file.
        """
        with self.session() as s:
            result = s.execute(
                update(DigitalObjectRow)
                .where(
                    DigitalObjectRow.record_id == record_id,
                    DigitalObjectRow.position == position,
                    DigitalObjectRow.location == location,
                )
                .values(**_ingest_values(obj), ingested_at=_utc(at))
            )
            return bool(result.rowcount)

    # -- OAI-PMH listing ---------------------------------------------------

    def changed_records(
        self,
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
        query = select(RecordRow).where(RecordRow.change_seq > after_seq)
        if until_seq is not None:
            query = query.where(RecordRow.change_seq <= until_seq)
        if from_ is not None:
            query = query.where(RecordRow.updated_at >= _utc(from_))
        if until is not None:
            query = query.where(RecordRow.updated_at <= _utc(until))
        if source_key is not None:
            # SQLite must walk the change_seq index, not the (source, local id) one: that
            # would sort the whole library again for every page.
            column = _no_index(RecordRow.source_key, self.engine.dialect.name)
            query = query.where(column == source_key)
        if collections is not None or any_collection:
            names = None if any_collection else list(collections or [])
            query = query.where(_in_collections(self.engine.dialect.name, names))
        query = (
            query.order_by(RecordRow.change_seq)
            .limit(limit)
            .options(selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects))
        )
        with self.session() as s:
            rows = s.scalars(query).all()
            return [
                ChangedRecord(record_from_row(r), aware(r.updated_at), r.change_seq) for r in rows
            ]

    def get_changed_record(self, record_id: str) -> ChangedRecord | None:
        """One record (deleted or not) with its change time and number."""
        with self.session() as s:
            row = s.get(
                RecordRow,
                record_id,
                options=[selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects)],
            )
            if row is None:
                return None
            return ChangedRecord(record_from_row(row), aware(row.updated_at), row.change_seq)

    def get_records(self, record_ids: Sequence[str]) -> dict[str, Record]:
        """Records (deleted ones included) by id, in one query; unknown ids are left out."""
        if not record_ids:
            return {}
        with self.session() as s:
            rows = s.scalars(
                select(RecordRow)
                .where(RecordRow.id.in_(list(record_ids)))
                .options(selectinload(RecordRow.holdings), selectinload(RecordRow.digital_objects))
            ).all()
            return {r.id: record_from_row(r) for r in rows}

    def get_raws(self, record_ids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """Raw records as received, by id (ids without one are left out)."""
        if not record_ids:
            return {}
        with self.session() as s:
            rows = s.execute(
                select(RawRecordRow.id, RawRecordRow.raw_format, RawRecordRow.content).where(
                    RawRecordRow.id.in_(list(record_ids))
                )
            ).all()
        return {i: (f, c) for i, f, c in rows}

    def earliest_change(self) -> datetime | None:
        """The oldest `updated_at` of any record; None for an empty catalogue.

        Records are never removed and a change only moves `updated_at` forward, so a
        value read once stays a lower bound of every datestamp for good.
        """
        with self.session() as s:
            return aware(s.scalar(select(func.min(RecordRow.updated_at))))

    def collection_samples(self, per_collection: int = 5) -> dict[str, list[str]]:
        """Every collection name of live records, with the ids of up to `per_collection` of
        its most recently changed records (one pass over the catalogue)."""
        names = _collection_values(self.engine.dialect.name)
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
        with self.session() as s:
            for name, record_id in s.execute(query):
                if isinstance(name, str) and name:
                    samples.setdefault(name, []).append(record_id)
        return samples

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
        """A named counter's value (0 if never set). One Core select: the portal asks
        for the licence rules' version on every request."""
        query = select(CounterRow.value).where(CounterRow.name == name)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar() or 0

    def set_counter(self, name: str, value: int) -> None:
        with self.session() as s:
            _ensure_counter(s, name)
            s.execute(update(CounterRow).where(CounterRow.name == name).values(value=value))


@dataclass
class StoredObject:
    """A digital object row: whose it is, where, and what ingest made of it."""

    record_id: str
    position: int
    object: DigitalObject
    ingested_at: datetime | None


# What ingest writes on an object row (kept across re-harvests that rewrite the rows).
INGEST_FIELDS = ("mime_type", "bytes", "sha256", "duration", "width", "height", "stored_path")


def _ingest_values(obj: DigitalObject) -> dict:
    return {name: getattr(obj, name) for name in INGEST_FIELDS}


def _stored_object(row: DigitalObjectRow) -> StoredObject:
    obj = DigitalObject(**{f: getattr(row, f) for f in DigitalObject.__dataclass_fields__})
    return StoredObject(row.record_id, row.position, obj, aware(row.ingested_at))


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


def _utc(value: datetime) -> datetime:
    """UTC, as every stored time is (SQLite compares them as text)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_or_none(value: datetime | None) -> datetime | None:
    """Times are stored in UTC: SQLite keeps a datetime's wall time and drops its offset."""
    return None if value is None else _utc(value)


def _no_index(column: ColumnElement[str], dialect: str) -> ColumnElement[str]:
    """The same text, but to SQLite no reason to pick an index on `column`."""
    return column.concat("") if dialect == "sqlite" else column


def _collection_values(dialect: str):
    """A table-valued function over one record's `collections`, one `value` per name."""
    if dialect == "postgresql":
        source = func.json_array_elements_text(RecordRow.data["collections"])
        return source.table_valued("value").render_derived(name="collection_names")
    # SQLite's JSON1 (json_each's columns have fixed names: no column list allowed)
    return (
        func.json_each(RecordRow.data, "$.collections")
        .table_valued("value")
        .alias("collection_names")
    )


def _in_collections(dialect: str, names: list[str] | None) -> ColumnElement[bool]:
    """The record holds one of `names` in its collections (any collection when None)."""
    values = _collection_values(dialect)
    query = select(literal(1)).select_from(values)
    if names is not None:
        query = query.where(values.c.value.in_(names))
    return exists(query)


def _reserve_seqs(s: Session, n: int) -> int:
    """Take n numbers of the change sequence; returns the highest.

    One UPDATE … RETURNING: it takes the row's write lock (PostgreSQL) or the database's
    (SQLite) at once, so concurrent pages get disjoint numbers in commit order.
    """
    _ensure_counter(s, CHANGE_SEQ)
    return s.execute(
        update(CounterRow)
        .where(CounterRow.name == CHANGE_SEQ)
        .values(value=CounterRow.value + n)
        .returning(CounterRow.value)
    ).scalar_one()


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


def _check_fits(table, **values: str) -> None:
    for name, value in values.items():
        limit = _LIMITS[table].get(name)
        if limit and value and len(value) > limit:
            raise ValueError(f"{name} is longer than {limit} characters: {value[:60]!r}…")


def _clip(table, row: dict) -> dict:
    """Text longer than its column, cut to fit (the raw record keeps the whole of it).

    PostgreSQL refuses an over-long value and with it the whole page; SQLite would
    keep it. Clipping makes both keep the same thing and the page load.
    """
    for name, limit in _LIMITS[table].items():
        value = row.get(name)
        if isinstance(value, str) and len(value) > limit:
            row[name] = value[:limit]
    return row


def _unstorable(record_id: str, local_id: str) -> str:
    """Why a record cannot be stored under its id ("" if it can): ids are never clipped,
    as two records would then share one."""
    for name, column, value in (("local id", "local_id", local_id), ("record id", "id", record_id)):
        limit = _LIMITS[RecordRow][column]
        if len(value) > limit:
            return f"{name} is longer than {limit} characters; record not stored"
    return ""


def _add_error(
    s: Session, run_id: int, position: str, reason: str, *, raw: bytes, record_id: str
) -> None:
    row = {"position": position, "reason": reason, "record_id": record_id}
    s.add(
        HarvestErrorRow(run_id=run_id, raw=raw, created_at=utcnow(), **_clip(HarvestErrorRow, row))
    )
    s.execute(
        update(HarvestRunRow)
        .where(HarvestRunRow.id == run_id)
        .values(failed=HarvestRunRow.failed + 1)
    )


def _ensure_counter(s: Session, name: str) -> None:
    """Create a counter at 0 unless it exists, without racing a concurrent creator.

    A plain INSERT after a failed SELECT would let two first writers both insert; on
    PostgreSQL the second then fails with a duplicate key and loses its whole page.
    """
    s.execute(_dialect_insert(s)(CounterRow).values(name=name, value=0).on_conflict_do_nothing())


def _dialect_insert(s: Session):
    """The INSERT of the session's database, which knows ON CONFLICT (both backends do)."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


class _Batch:
    """The rows one page of harvested records turns into, written in a few bulk statements."""

    def __init__(self) -> None:
        self.new_raw: list[dict] = []
        self.changed_raw: list[dict] = []
        self.new_records: list[dict] = []
        self.changed_records: list[dict] = []
        self.replaced: list[str] = []  # records whose holdings and objects are rewritten
        self.holdings: list[dict] = []
        self.objects: list[dict] = []

    def raw(self, record_id, source_key, item, run_id, now, known: dict[str, str]) -> None:
        digest = hashlib.sha256(item.raw).hexdigest()
        if known.get(record_id) == digest:
            return
        row = {
            "id": record_id,
            "source_key": source_key,
            "raw_format": item.raw_format,
            "content": item.raw,
            "sha256": digest,
            "harvested_at": now,
            "run_id": run_id,
        }
        (self.changed_raw if record_id in known else self.new_raw).append(_clip(RawRecordRow, row))

    def record(self, record_id, source_key, item, seq, now, known) -> str:
        """Queue the record's rows; returns which of PageCounts' fields it counts as."""
        record = None if item.deleted else item.record
        full = record.to_dict() if record is not None else None
        digest = _content_hash(full)
        previous = known.get(record_id)
        if previous is None:
            outcome = "deleted" if record is None else "added"
        elif record is None:
            outcome = "unchanged" if previous[1] else "deleted"
        elif not previous[1] and previous[0] == digest:
            outcome = "unchanged"
        else:
            outcome = "added" if previous[1] else "updated"
        if outcome == "unchanged":
            return outcome
        row = {
            "id": record_id,
            "source_key": source_key,
            "local_id": item.local_id,
            "deleted": record is None,
            "datestamp": _utc_or_none(item.datestamp or (record.datestamp if record else None)),
            "title": record.title if record else "",
            "format": record.format if record else "",
            "year": record.year if record else None,
            "data": {},
            "content_hash": digest,
            "change_seq": seq,
            "updated_at": now,
        }
        _clip(RecordRow, row)
        if previous is None:
            self.new_records.append(row)
        else:
            self.changed_records.append(row)
            self.replaced.append(record_id)
        if record is not None:
            for key in ("holdings", "digital_objects", "id"):  # kept in their own tables
                full.pop(key)
            row["data"] = full
            self.holdings += [
                _clip(
                    HoldingRow,
                    {
                        **h,
                        "status_read_at": _utc_or_none(h["status_read_at"]),
                        "record_id": record_id,
                        "position": i,
                    },
                )
                for i, h in enumerate(map(vars, record.holdings))
            ]
            self.objects += [
                _clip(
                    DigitalObjectRow,
                    {**d, "record_id": record_id, "position": i, "ingested_at": None},
                )
                for i, d in enumerate(map(vars, record.digital_objects))
            ]
        return outcome

    def write(self, s: Session) -> None:
        if self.new_raw:
            s.execute(insert(RawRecordRow), self.new_raw)
        if self.changed_raw:
            s.execute(update(RawRecordRow), self.changed_raw)
        if self.replaced:
            self._keep_ingested(s)
            s.execute(delete(HoldingRow).where(HoldingRow.record_id.in_(self.replaced)))
            s.execute(delete(DigitalObjectRow).where(DigitalObjectRow.record_id.in_(self.replaced)))
        if self.new_records:
            s.execute(insert(RecordRow), self.new_records)
        if self.changed_records:
            s.execute(update(RecordRow), self.changed_records)
        if self.holdings:
            s.execute(insert(HoldingRow), self.holdings)
        if self.objects:
            s.execute(insert(DigitalObjectRow), self.objects)

    def _keep_ingested(self, s: Session) -> None:
        """Objects of replaced records that were ingested keep their copy, by location.

        A re-harvested record's object rows are rewritten from the crosswalk, which
        knows nothing of ingest: without this, every update would lose the stored copy,
        checksum and measures, and the next ingest would fetch the file again.
        """
        if not self.objects:
            return
        kept = {
            (row.record_id, row.location): row
            for row in s.scalars(
                select(DigitalObjectRow).where(
                    DigitalObjectRow.record_id.in_(self.replaced),
                    DigitalObjectRow.stored_path != "",
                )
            )
        }
        for obj in self.objects:
            old = kept.get((obj["record_id"], obj["location"]))
            if old is not None and not obj.get("stored_path"):
                obj.update({name: getattr(old, name) for name in INGEST_FIELDS})
                obj["ingested_at"] = old.ingested_at


def _content_hash(data: dict | None) -> str:
    """What tells an update from a re-harvest of the same thing (the datestamp excluded)."""
    if data is None:
        return ""
    text = json.dumps(
        {k: v for k, v in data.items() if k != "datestamp"},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
