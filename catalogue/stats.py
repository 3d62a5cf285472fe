"""Figures for the librarian's dashboard, each one a few GROUP BY queries.

Nothing here walks the records in Python: every figure is counted by the database,
so the dashboard costs the same few queries for a thousand records or a million.

- the catalogue: live records per source (library) with how many have digital
  objects (the digitised share), per format, per language;
- harvest health: per source, the last run and its status, the last success, the
  failed runs and the records that failed in a recent window;
- access: restricted content opened (audit log `content.accessed` entries) per day,
  per kind of content and per record, and failed log-ins per day.

Days are calendar days in a fixed offset from UTC (default: the server's, which
should be the library's), so "today" on the dashboard is the librarian's today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, and_, case, cast, exists, func, literal, select, true

from catalogue.audit import CONTENT_ACCESSED
from catalogue.convert import aware
from catalogue.store import Store
from catalogue.tables import (
    AuditEntryRow,
    DigitalObjectRow,
    HarvestRunRow,
    LoginAttemptRow,
    RecordRow,
    SourceRow,
)

WINDOW_DAYS = 30
TOP_RECORDS = 10
NO_LANGUAGE = ""  # the language "value" counted for records that name none


@dataclass(frozen=True)
class SourceRecords:
    """One library's live records and how many of them have digital objects."""

    key: str
    name: str
    records: int
    digitised: int

    @property
    def digitised_share(self) -> float:
        return self.digitised / self.records if self.records else 0.0


@dataclass(frozen=True)
class Count:
    """A value (a format, a language code, a kind of content) and how many."""

    value: str
    count: int


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class RecordCount:
    """A record and how often its restricted content was opened."""

    record_id: str
    title: str
    count: int


@dataclass(frozen=True)
class SourceHealth:
    """How one source's harvests have gone. `failed_runs` and `records_failed` count the
    runs started in the window; `last_*` are about the most recent run of all."""

    key: str
    name: str
    enabled: bool
    last_run_id: int | None
    last_status: str  # "" when never harvested
    last_started: datetime | None
    last_failed_records: int
    last_success: datetime | None
    runs: int
    failed_runs: int
    records_failed: int


@dataclass(frozen=True)
class AccessStats:
    days: list[DayCount]
    kinds: list[Count]
    top_records: list[RecordCount]
    failed_logins: list[DayCount]

    @property
    def total(self) -> int:
        return sum(d.count for d in self.days)


# -- the catalogue --------------------------------------------------------------------


def records_per_source(store: Store) -> list[SourceRecords]:
    """Live records per source with their digitised count, largest library first.

    Sources without records are listed too (with zeros); records of a source that has
    since been deleted are listed under their key.
    """
    digitised = exists().where(DigitalObjectRow.record_id == RecordRow.id)
    query = (
        select(
            RecordRow.source_key,
            func.count(),
            func.sum(case((digitised, 1), else_=0)),
        )
        .where(RecordRow.deleted.is_(False))
        .group_by(RecordRow.source_key)
    )
    with store.session() as s:
        counts = {key: (n, d or 0) for key, n, d in s.execute(query)}
        names = dict(s.execute(select(SourceRow.key, SourceRow.name)).all())
    rows = [
        SourceRecords(key, names.get(key, key), *counts.get(key, (0, 0)))
        for key in {*counts, *names}
    ]
    return sorted(rows, key=lambda r: (-r.records, r.name.casefold(), r.key))


def records_per_format(store: Store) -> list[Count]:
    """Live records per format, most first ("" for records without one)."""
    query = (
        select(RecordRow.format, func.count())
        .where(RecordRow.deleted.is_(False))
        .group_by(RecordRow.format)
    )
    with store.session() as s:
        return _ranked(s.execute(query))


def records_per_language(store: Store) -> list[Count]:
    """Live records per language code, most first. A record in two languages counts
    for both; records naming none count under NO_LANGUAGE."""
    values = _json_values(store, "languages")
    named = (
        select(values.c.value, func.count())
        .select_from(RecordRow)
        .join(values, true())
        .where(RecordRow.deleted.is_(False))
        .group_by(values.c.value)
    )
    unnamed = (
        select(func.count())
        .select_from(RecordRow)
        .where(
            RecordRow.deleted.is_(False),
            ~exists(select(literal(1)).select_from(_json_values(store, "languages"))),
        )
    )
    with store.session() as s:
        rows = [(v, n) for v, n in s.execute(named) if isinstance(v, str) and v]
        none = s.scalar(unnamed) or 0
    if none:
        rows.append((NO_LANGUAGE, none))
    return _ranked(rows)


# -- harvests --------------------------------------------------------------------------


def harvest_health(
    store: Store, *, now: datetime | None = None, days: int = WINDOW_DAYS
) -> list[SourceHealth]:
    """Every source's harvest health, in key order (see SourceHealth)."""
    since = _utc(now) - timedelta(days=days)
    run = HarvestRunRow
    latest = select(run.source_key, func.max(run.id).label("id")).group_by(run.source_key)
    latest = latest.subquery()
    last_runs = select(run.source_key, run.id, run.status, run.started_at, run.failed).join(
        latest, run.id == latest.c.id
    )
    successes = (
        select(run.source_key, func.max(run.finished_at))
        .where(run.status == "succeeded")
        .group_by(run.source_key)
    )
    recent = (
        select(
            run.source_key,
            func.count(),
            func.sum(case((run.status == "failed", 1), else_=0)),
            func.sum(run.failed),
        )
        .where(run.started_at >= since)
        .group_by(run.source_key)
    )
    with store.session() as s:
        sources = s.execute(select(SourceRow.key, SourceRow.name, SourceRow.enabled)).all()
        last = {key: (i, st, at, f) for key, i, st, at, f in s.execute(last_runs)}
        success = dict(s.execute(successes).all())
        window = {key: (n, f or 0, r or 0) for key, n, f, r in s.execute(recent)}
    out = []
    for key, name, enabled in sorted(sources):
        run_id, status, started, failed = last.get(key, (None, "", None, 0))
        runs, failed_runs, records_failed = window.get(key, (0, 0, 0))
        out.append(
            SourceHealth(
                key=key,
                name=name,
                enabled=enabled,
                last_run_id=run_id,
                last_status=status,
                last_started=aware(started),
                last_failed_records=failed or 0,
                last_success=aware(success.get(key)),
                runs=runs,
                failed_runs=failed_runs,
                records_failed=records_failed,
            )
        )
    return out


# -- access -----------------------------------------------------------------------------


def access_stats(
    store: Store,
    *,
    now: datetime | None = None,
    days: int = WINDOW_DAYS,
    offset: timedelta | None = None,
    top: int = TOP_RECORDS,
) -> AccessStats:
    """Restricted content opened, and failed log-ins, over the last `days` days (today
    included), in days of `offset` from UTC (default: the server's local offset)."""
    offset = local_offset() if offset is None else offset
    today = (_utc(now) + offset).date()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), UTC) - offset  # local midnight
    entry = AuditEntryRow
    accessed = and_(entry.action == CONTENT_ACCESSED, entry.at >= since)
    day = _day(store, entry.at, offset)
    per_day = select(day, func.count()).where(accessed).group_by(day)
    kind = entry.detail["kind"].as_string()
    per_kind = select(kind, func.count()).where(accessed).group_by(kind)
    opened = func.count().label("opened")
    per_record = (
        select(entry.target, RecordRow.title, opened)
        .outerjoin(RecordRow, RecordRow.id == entry.target)
        .where(accessed)
        .group_by(entry.target, RecordRow.title)
        .order_by(opened.desc(), entry.target)
        .limit(top)
    )
    attempt_day = _day(store, LoginAttemptRow.at, offset)
    failed_logins = (
        select(attempt_day, func.count())
        .where(LoginAttemptRow.succeeded.is_(False), LoginAttemptRow.at >= since)
        .group_by(attempt_day)
    )
    with store.session() as s:
        by_day = _by_day(s.execute(per_day))
        kinds = _ranked((k or "", n) for k, n in s.execute(per_kind))
        records = [RecordCount(i, t or "", n) for i, t, n in s.execute(per_record)]
        logins = _by_day(s.execute(failed_logins))
    span = [first + timedelta(days=i) for i in range(days)]
    return AccessStats(
        days=[DayCount(d, by_day.get(d, 0)) for d in span],
        kinds=kinds,
        top_records=records,
        failed_logins=[DayCount(d, logins.get(d, 0)) for d in span],
    )


def local_offset() -> timedelta:
    """The server's current offset from UTC."""
    return datetime.now().astimezone().utcoffset() or timedelta(0)


# -- SQL pieces --------------------------------------------------------------------------


def _day(store: Store, column, offset: timedelta):
    """The calendar day of a stored UTC time, `offset` from UTC, as SQL."""
    if store.engine.dialect.name == "postgresql":
        return cast(func.timezone("UTC", column) + offset, Date)
    seconds = int(offset.total_seconds())
    return func.date(column, f"{seconds:+d} seconds")


def _json_values(store: Store, key: str):
    """A table-valued function over one record's JSON list `key`, one `value` per item
    (as the store's collections filter does)."""
    if store.engine.dialect.name == "postgresql":
        source = func.json_array_elements_text(RecordRow.data[key])
        return source.table_valued("value").render_derived(name=f"{key}_values")
    return func.json_each(RecordRow.data, f"$.{key}").table_valued("value").alias(f"{key}_values")


def _by_day(rows) -> dict[date, int]:
    out: dict[date, int] = {}
    for value, count in rows:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        out[day] = out.get(day, 0) + count
    return out


def _ranked(rows) -> list[Count]:
    counts = [Count(value or "", count) for value, count in rows]
    return sorted(counts, key=lambda c: (-c.count, c.value))


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
