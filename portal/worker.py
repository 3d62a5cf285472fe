"""`thuvien worker`: run due harvests on their schedules and "harvest now" requests.

Each pass asks `catalogue.schedule.due` which sources are due, harvests them (a few
at once), each in isolation: an exception or a failed run of one source is logged
and recorded, and the others run. Then, if the store holds changes the search index
has not absorbed (this pass's, or an earlier `thuvien harvest`'s), the index is
brought up to date. Between passes the worker sleeps `poll_seconds`, so a "harvest
now" from the console starts within that time.

Stopping: set `stop_event` (the CLI does on SIGTERM or Ctrl-C). Harvests under way
finish and are recorded; sources not started yet wait for the next worker.

Run one worker per catalogue: two would harvest the same due source twice.

It lives in portal/ because it joins two stages, harvesting and indexing (as
`thuvien demo` does); which sources are due is `catalogue.schedule`.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import TypeVar

from catalogue.runs import HarvestRun
from catalogue.schedule import DueSource, clear_harvest_request, due
from catalogue.settings import Settings
from catalogue.store import Store
from harvesters.runner import HarvestOptions, harvest_source, summary_line
from indexer.backends import open_index
from indexer.sync import INDEX_MARK, sync_index

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class WorkerPass:
    """What one pass did: the due sources (in order), their runs, failures outside a
    run (source key → reason), and the index sync's report line or error ("" for none)."""

    at: datetime
    due: list[str] = field(default_factory=list)
    runs: list[HarvestRun] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    index_line: str = ""
    index_error: str = ""
    skipped: list[str] = field(default_factory=list)  # due, but the worker was stopping

    @property
    def ok(self) -> bool:
        """Every due source harvested successfully and the index synced."""
        return (
            all(r.status == "succeeded" for r in self.runs)
            and not self.errors
            and not self.index_error
            and not self.skipped
        )


def run_worker(
    store: Store,
    settings: Settings,
    *,
    once: bool = False,
    poll_seconds: float = 30,
    now: datetime | Callable[[], datetime] | None = None,
    stop_event: threading.Event | None = None,
    out: Callable[[str], None] = print,
    workers: int = 4,
    tz: tzinfo | None = None,
    options: HarvestOptions | None = None,
) -> WorkerPass:
    """Run passes until `stop_event` is set (or one pass if `once`); returns the last pass.

    `now`: a fixed time or a clock (tests); `tz`: the zone schedules are read in
    (default: the machine's, as cron); `options`: harvest options (no progress bars).
    """
    stop = stop_event or threading.Event()
    clock = now if callable(now) else (lambda: now) if now is not None else _utcnow
    last = WorkerPass(at=clock())
    while not stop.is_set():
        last = run_pass(
            store,
            settings,
            now=clock(),
            stop_event=stop,
            out=out,
            workers=workers,
            tz=tz,
            options=options,
        )
        if once:
            break
        stop.wait(poll_seconds)
    return last


def run_pass(
    store: Store,
    settings: Settings,
    *,
    now: datetime | None = None,
    stop_event: threading.Event | None = None,
    out: Callable[[str], None] = print,
    workers: int = 4,
    tz: tzinfo | None = None,
    options: HarvestOptions | None = None,
) -> WorkerPass:
    """Harvest every source due at `now`, then sync the index if it is behind the store."""
    stop = stop_event or threading.Event()
    options = options or HarvestOptions(progress=False)
    result = WorkerPass(at=now or _utcnow())
    try:
        todo = due(store, result.at, tz=tz)
    except Exception as exc:  # noqa: BLE001 — the database is away: try again next pass
        log.exception("worker: could not read the due sources")
        result.errors["*"] = f"could not read the due sources: {type(exc).__name__}: {exc}"
        out(f"worker: {result.errors['*']}")
        return result
    if todo:
        _harvest_all(store, settings, todo, result, stop, out, workers, options)
    # What was just harvested, or changed earlier (`thuvien harvest`, a failed sync) and
    # not indexed yet.
    if _index_behind(store):
        _sync(store, settings, result, out)
    return result


def _harvest_all(
    store: Store,
    settings: Settings,
    todo: list[DueSource],
    result: WorkerPass,
    stop: threading.Event,
    out: Callable[[str], None],
    workers: int,
    options: HarvestOptions,
) -> None:
    result.due = [d.source.key for d in todo]
    out("worker: due: " + ", ".join(f"{d.source.key} ({d.reason})" for d in todo))

    def harvest(item: DueSource) -> tuple[HarvestRun | None, str]:
        if stop.is_set():
            return None, "stopping"
        return _harvest_one(store, item, settings, options)

    for item, (run, error) in zip(todo, _in_threads(todo, harvest, workers), strict=True):
        key = item.source.key
        if error == "stopping":
            result.skipped.append(key)
            out(f"{key}: not started: the worker is stopping")
            continue
        if run is not None:
            result.runs.append(run)
            out(summary_line(run))
        if error:
            result.errors[key] = error
            if run is None:
                out(f"{key}: error: {error}")


def _index_behind(store: Store) -> bool:
    """The store has changes the search index has not absorbed."""
    try:
        return store.counter(INDEX_MARK) < store.max_change_seq()
    except Exception:  # noqa: BLE001 — the database is away: the next pass looks again
        log.exception("worker: could not compare the index with the store")
        return False


def _harvest_one(
    store: Store, item: DueSource, settings: Settings, options: HarvestOptions
) -> tuple[HarvestRun | None, str]:
    """One source's run, isolated: whatever goes wrong is recorded, never raised."""
    key = item.source.key
    before = None
    try:
        before = store.last_run(key)
        clear_harvest_request(store, key)  # the run starts now: the request is answered
        return harvest_source(store, item.source, settings.harvest, options), ""
    except Exception as exc:  # noqa: BLE001 — one source never stops the others
        log.exception("worker: harvest of %s crashed", key)
        reason = f"{type(exc).__name__}: {exc}"
        return _record_crash(store, key, before, reason), reason


def _record_crash(
    store: Store, key: str, before: HarvestRun | None, reason: str
) -> HarvestRun | None:
    """Close the crashed run as failed (or record a failed one), so the console shows it
    and the schedule moves on; best effort, as the database may be what failed."""
    message = f"worker: internal error: {reason}"
    try:
        last = store.last_run(key)
        if (
            last is not None
            and last.status == "running"
            and (before is None or last.id != before.id)
        ):
            run_id = last.id
        else:
            watermark, _ = store.harvest_state(key)
            mode = "incremental" if watermark else "full"
            run_id = store.start_run(key, mode, from_=watermark)
        store.record_error(run_id, "run", message)
        return store.finish_run(run_id, "failed", message)
    except Exception:  # noqa: BLE001
        log.exception("worker: could not record the failed run of %s", key)
        return None


def _sync(store: Store, settings: Settings, result: WorkerPass, out: Callable[[str], None]) -> None:
    try:
        report = sync_index(
            store, open_index(settings), onsite_networks=settings.rights.onsite_networks
        )
    except Exception as exc:  # noqa: BLE001 — the next pass tries again
        log.exception("worker: index sync failed")
        result.index_error = f"{type(exc).__name__}: {exc}"
        out(f"worker: index sync failed: {result.index_error}")
        return
    result.index_line = report.line()
    out(result.index_line)


def _in_threads(items: Sequence[T], fn: Callable[[T], R], workers: int) -> list[R]:
    """fn over items on up to `workers` daemon threads, results in order.

    Daemon threads, so a forced stop (a second Ctrl-C) does not wait for a harvest.
    """
    results: list[R] = [None] * len(items)  # type: ignore[list-item]
    todo: queue.Queue[int] = queue.Queue()
    for i in range(len(items)):
        todo.put(i)

    def work() -> None:
        while True:
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            results[i] = fn(items[i])

    threads = [
        threading.Thread(target=work, name=f"thuvien-worker-{n}", daemon=True)
        for n in range(max(1, min(workers, len(items))))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _utcnow() -> datetime:
    return datetime.now(UTC)
