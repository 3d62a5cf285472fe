"""Which sources are due for a harvest: their cron `schedule`, and "harvest now" requests.

A source is due when

- it is enabled, has a `schedule`, and the schedule fires at least once after its
  last run started (or it never ran) and no later than now; or
- someone asked for a harvest now (`request_harvest`, from the console) and the
  worker has not started that run yet. A request is honoured for a disabled source
  too, as `thuvien harvest KEY` is: it is a person's explicit wish.

A source whose last run is still `running` (a `thuvien harvest` in another terminal,
say) is not due until that run ends, unless the run is older than `STALE_RUN`: a
process killed mid-harvest leaves its run `running` for ever.

Schedules are read in the machine's local time zone, as cron reads them
("0 2 * * *" is 2 o'clock at night where the catalogue runs; set TZ to change it),
or in the zone given as `tz`.

Running due harvests is `harvesters.worker.run_worker` (the catalogue is the first
stage and knows nothing of harvesting).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from catalogue.convert import aware, source_from_row
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.tables import HarvestRunRow, SourceRow

STALE_RUN = timedelta(hours=12)
# The mode of a run that asked a run's failed records again (harvesters.retry): not a harvest.
RETRY_MODE = "retry"


@dataclass(frozen=True)
class DueSource:
    """A due source and why: "requested" (harvest now) or "scheduled"."""

    source: Source
    reason: str
    requested_at: datetime | None = None


def request_harvest(store: Store, key: str, *, now: datetime | None = None) -> bool:
    """Ask the worker to harvest the source soon. False if there is no such source.

    A request already pending keeps its time (asking twice is one request). The
    caller records who asked in the audit log (`audit.HARVEST_REQUESTED`).
    """
    at = _utc(now) if now is not None else datetime.now(UTC)
    with store.session() as s:
        row = s.get(SourceRow, key)
        if row is None:
            return False
        if row.harvest_requested_at is None:
            row.harvest_requested_at = at
        return True


def pending_requests(store: Store) -> dict[str, datetime]:
    """Sources with a "harvest now" request the worker has not started yet, and since when."""
    with store.session() as s:
        rows = s.execute(
            select(SourceRow.key, SourceRow.harvest_requested_at).where(
                SourceRow.harvest_requested_at.is_not(None)
            )
        ).all()
    return {key: aware(at) for key, at in rows}


def clear_harvest_request(store: Store, key: str) -> None:
    """The worker is starting the source's run: the request is being answered. One made
    after this moment stays pending and gets a run of its own."""
    with store.session() as s:
        s.execute(update(SourceRow).where(SourceRow.key == key).values(harvest_requested_at=None))


def due_sources(
    store: Store, now: datetime | None = None, *, tz: tzinfo | None = None
) -> list[Source]:
    """The sources to harvest now: requested ones first (oldest request first), then
    scheduled ones by key. See the module docstring for the rules."""
    return [d.source for d in due(store, now, tz=tz)]


def due(store: Store, now: datetime | None = None, *, tz: tzinfo | None = None) -> list[DueSource]:
    """`due_sources` with the reason each one is due."""
    now = _utc(now) if now is not None else datetime.now(UTC)
    zone = tz or local_zone()
    with store.session() as s:
        rows = s.scalars(select(SourceRow).order_by(SourceRow.key)).all()
        last = _last_runs(s)
        sources = [(source_from_row(r), aware(r.harvest_requested_at)) for r in rows]
    requested: list[DueSource] = []
    scheduled: list[DueSource] = []
    for source, requested_at in sources:
        started, status = last.get(source.key, (None, ""))
        if status == "running" and started is not None and now - started < STALE_RUN:
            continue
        if requested_at is not None:
            requested.append(DueSource(source, "requested", requested_at))
        elif _schedule_due(source, started, now, zone):
            scheduled.append(DueSource(source, "scheduled"))
    requested.sort(key=lambda d: (d.requested_at, d.source.key))
    return requested + scheduled


def _schedule_due(source: Source, started: datetime | None, now: datetime, zone: tzinfo) -> bool:
    if not (source.enabled and source.schedule):
        return False
    return started is None or next_fire(source.schedule, started, zone) <= now


def next_harvest(
    store: Store, key: str, *, now: datetime | None = None, tz: tzinfo | None = None
) -> datetime | None:
    """When the schedule next makes the source due (UTC); `now` if it is due already
    (or requested); None for a disabled or unscheduled source without a request."""
    now = _utc(now) if now is not None else datetime.now(UTC)
    with store.session() as s:
        row = s.get(SourceRow, key)
        if row is None:
            return None
        source, requested_at = source_from_row(row), row.harvest_requested_at
        started = _last_runs(s, key).get(key, (None, ""))[0]
    if requested_at is not None:
        return now
    if not (source.enabled and source.schedule):
        return None
    if started is None:
        return now
    return max(now, next_fire(source.schedule, started, tz or local_zone()))


def next_fire(schedule: str, after: datetime, zone: tzinfo) -> datetime:
    """The first time the cron `schedule`, read in `zone`, fires after `after` (UTC)."""
    fire = croniter(schedule, _utc(after).astimezone(zone)).get_next(datetime)
    return fire.astimezone(UTC)


def local_zone() -> tzinfo:
    """The machine's time zone as cron would use it: $TZ, else /etc/localtime, else UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    localtime = Path("/etc/localtime")
    if localtime.exists():
        try:
            with localtime.open("rb") as fh:
                return ZoneInfo.from_file(fh, key="localtime")
        except (OSError, ValueError):
            pass
    return datetime.now().astimezone().tzinfo or UTC


def _last_runs(s: Session, key: str | None = None) -> dict[str, tuple[datetime | None, str]]:
    """Each source's latest harvest run: when it started and its status. A retry of a
    run's failed records (mode "retry") is not a harvest: schedules do not count it."""
    latest = (
        select(HarvestRunRow.source_key, func.max(HarvestRunRow.id).label("id"))
        .where(HarvestRunRow.mode != RETRY_MODE)
        .group_by(HarvestRunRow.source_key)
    )
    if key is not None:
        latest = latest.where(HarvestRunRow.source_key == key)
    latest = latest.subquery()
    rows = s.execute(
        select(HarvestRunRow.source_key, HarvestRunRow.started_at, HarvestRunRow.status).join(
            latest, HarvestRunRow.id == latest.c.id
        )
    ).all()
    return {k: (aware(started), status) for k, started, status in rows}


def _utc(value: datetime) -> datetime:
    return aware(value).astimezone(UTC)
