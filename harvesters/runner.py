"""Run harvests: one source's run from start to a recorded end, or many at once.

A run always ends recorded, as `succeeded` or `failed` with the reason; what was
committed before a failure stays, and the next run resumes from it.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime

from tqdm import tqdm

from catalogue.record import Holding
from catalogue.runs import HarvestedItem, HarvestRun
from catalogue.schedule import RETRY_MODE
from catalogue.settings import HarvestSettings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters import marc as marc_files
from harvesters.errors import HarvestFailed
from harvesters.http import RetryPolicy
from harvesters.ingest import Ingester
from harvesters.oai import OaiClient, OaiError, incremental_from, list_records, server_info

log = logging.getLogger(__name__)


@dataclass
class HarvestOptions:
    full: bool = False
    progress: bool = True
    sleep: Callable[[float], None] | None = None  # tests shorten backoff waits


def policy_from(settings: HarvestSettings) -> RetryPolicy:
    return RetryPolicy(
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        backoff=settings.backoff,
        max_retry_after=settings.max_retry_after,
    )


def harvest_source(
    store: Store, source: Source, settings: HarvestSettings, options: HarvestOptions | None = None
) -> HarvestRun:
    """Harvest one source; never raises for anything the source sends."""
    options = options or HarvestOptions()
    run_fn = _harvest_oai if source.type == "oai" else _harvest_marc
    return run_fn(store, source, settings, options)


def harvest_sources(
    store: Store,
    sources: Iterable[Source],
    settings: HarvestSettings,
    options: HarvestOptions | None = None,
    workers: int = 4,
) -> list[HarvestRun]:
    """Harvest several sources concurrently; one failing source never stops the others."""
    sources = list(sources)
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(sources) or 1))) as pool:
        return list(pool.map(lambda s: harvest_source(store, s, settings, options), sources))


def summary_line(run: HarvestRun) -> str:
    took = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
    line = (
        f"{run.source_key}: {run.status} ({run.mode}) — {run.added} added, {run.updated} updated, "
        f"{run.deleted} deleted, {run.unchanged} unchanged, {run.failed} failed "
        f"[{run.pages} pages, {took:.1f}s]"
    )
    return f"{line}: {run.message}" if run.message and run.status != "succeeded" else line


@contextmanager
def _progress(source: Source, options: HarvestOptions, unit: str) -> Iterator[tqdm | None]:
    if not (options.progress and sys.stderr.isatty()):
        yield None
        return
    with tqdm(desc=source.key, unit=unit, leave=False, file=sys.stderr) as bar:
        yield bar


def save_batch(
    store: Store,
    run_id: int,
    source: Source,
    items: Iterable[HarvestedItem],
    ingester: Ingester | None,
    **kwargs,
) -> None:
    """Save a page (or batch) of records, then ingest the digital objects they name.

    Holdings are named for the source's library first (`held_by`). Ingest comes after
    the save, so a record whose files cannot be fetched still loads; its failures are
    recorded against the run like any bad record.
    """
    items = [held_by(item, source) for item in items]
    store.save_items(run_id, source.key, items, **kwargs)
    if ingester is None:
        return
    live = [f"{source.key}:{item.local_id}" for item in items if item.record is not None]
    try:
        ingester.ingest_records(store, run_id, live)
    except Exception as exc:  # noqa: BLE001 — ingest never undoes or stops the harvest
        log.exception("%s: ingest of a page failed", source.key)
        store.record_error(run_id, "ingest", f"internal error: {type(exc).__name__}: {exc}")


def _finish_failed(store: Store, run_id: int, exc: Exception) -> HarvestRun:
    if isinstance(exc, HarvestFailed):
        reason, position, raw = exc.reason, exc.position or "run", exc.raw
    else:  # a bug of ours: record it like any failure, never lose the run
        log.exception("harvest run %s crashed", run_id)
        reason, position, raw = f"internal error: {type(exc).__name__}: {exc}", "run", b""
    store.record_error(run_id, position, reason, raw=raw)
    return store.finish_run(run_id, "failed", reason)


def held_by(item: HarvestedItem, source: Source) -> HarvestedItem:
    """Name the source's library on its holdings; a record without any is held there.

    Crosswalks know only the source key; a reader needs "Thư viện Hà Nội".
    """
    record = item.record
    if record is None:
        return item
    for holding in record.holdings:
        if holding.library in ("", source.key):
            holding.library = source.name
    if not record.holdings:
        record.holdings.append(Holding(library=source.name))
    return item


# -- OAI-PMH ---------------------------------------------------------------


def _harvest_oai(
    store: Store, source: Source, settings: HarvestSettings, options: HarvestOptions
) -> HarvestRun:
    client = OaiClient(source.url, policy_from(settings), sleep=options.sleep)
    watermark, granularity = store.harvest_state(source.key)
    # A retry of failed records is not a harvest: resume from the last real run.
    previous = next((r for r in store.runs(source.key, limit=20) if r.mode != RETRY_MODE), None)
    resume = (
        not options.full
        and previous is not None
        and previous.status == "failed"
        and previous.resumption_token
    )
    mode = "resume" if resume else ("incremental" if watermark and not options.full else "full")
    run_id = store.start_run(source.key, mode, from_=None if mode == "full" else watermark)
    ingester = Ingester.for_harvest(source, settings)
    try:
        info = server_info(client)
        if info.granularity != granularity:
            store.set_granularity(source.key, info.granularity)
        server_time = previous.server_time if resume and previous.server_time else info.time
        store.set_run_server_time(run_id, server_time)
        from_ = (
            incremental_from(watermark, info.granularity) if watermark and not options.full else ""
        )
        pages = _oai_pages(client, source, from_, previous.resumption_token if resume else "")
        with _progress(source, options, "rec") as bar:
            for page in pages:
                save_batch(store, run_id, source, page.items, ingester, resumption_token=page.token)
                for position, reason, raw, identifier in page.errors:
                    store.record_error(run_id, position, reason, raw=raw, record_id=identifier)
                if bar is not None:
                    bar.total = page.complete_list_size or bar.total
                    bar.update(len(page.items) + len(page.errors))
    except Exception as exc:  # noqa: BLE001 — every failure ends the run recorded
        return _finish_failed(store, run_id, exc)
    finally:
        if ingester is not None:
            ingester.close()
    return store.finish_run(run_id, "succeeded")


def _oai_pages(client: OaiClient, source: Source, from_: str, resume_token: str):
    """Pages of the run; a resumption token the server no longer knows falls back to `from`."""
    args = {"from_": from_, "set_spec": source.set}
    if resume_token:
        try:
            yield from list_records(
                client, source.key, source.metadata_prefix, resume_token=resume_token
            )
            return
        except OaiError as exc:
            if exc.code != "badResumptionToken":
                raise
            log.info("%s: saved resumption token expired; harvesting from %r", source.key, from_)
    yield from list_records(client, source.key, source.metadata_prefix, **args)


# -- MARC files ------------------------------------------------------------


def _harvest_marc(
    store: Store, source: Source, settings: HarvestSettings, options: HarvestOptions
) -> HarvestRun:
    watermark, _ = store.harvest_state(source.key)
    since = None if options.full else watermark
    run_id = store.start_run(source.key, "incremental" if since else "full", from_=since)
    ingester = Ingester.for_harvest(source, settings)
    cleanup = None
    try:
        if marc_files.is_url(source.url):
            fetched = marc_files.download(source.url, policy_from(settings), since)
            files, cleanup = ([fetched.file] if fetched.file else []), fetched.cleanup
        else:
            files = marc_files.local_files(source.url, since, settings.marc_roots())
        newest = max((f.modified for f in files), default=watermark)
        if newest:
            store.set_run_server_time(run_id, newest)
        with _progress(source, options, "rec") as bar, fewer_collections():
            for f in files:
                _load_marc_file(store, run_id, source, f, settings.batch_size, bar, ingester)
    except Exception as exc:  # noqa: BLE001 — every failure ends the run recorded
        return _finish_failed(store, run_id, exc)
    finally:
        if cleanup:
            cleanup.unlink(missing_ok=True)
        if ingester is not None:
            ingester.close()
    return store.finish_run(run_id, "succeeded")


_GC_LOCK = threading.Lock()
_GC_USERS: list = [0, None]  # harvests inside fewer_collections(), thresholds before them


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect young objects every 20,000 allocations instead of every 700, while a
    MARC harvest runs (restored when the last concurrent one ends).

    A harvest allocates millions of short-lived objects that die by reference count;
    with the default threshold the collector walks the young ones some 40 times per
    thousand records, about a sixth of the storing process's time. Records, rows and
    pages form next to no reference cycles, so memory stays flat.
    """
    with _GC_LOCK:
        if _GC_USERS[0] == 0:
            _GC_USERS[1] = gc.get_threshold()
            young, *older = _GC_USERS[1]
            gc.set_threshold(max(young, marc_files.GC_YOUNG), *older)
        _GC_USERS[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_USERS[0] -= 1
            if _GC_USERS[0] == 0:
                gc.set_threshold(*_GC_USERS[1])


def _load_marc_file(
    store: Store,
    run_id: int,
    source: Source,
    f: marc_files.MarcFile,
    batch_size: int,
    bar,
    ingester: Ingester | None = None,
) -> None:
    """Store one file's records in batches; its bad records are recorded and skipped.

    Reading and crosswalking may run in a second process (`file_outcomes`); storing
    and recording stay here, in file order, exactly as if it were all one loop.
    """
    batch: list[HarvestedItem] = []
    outcomes = marc_files.file_outcomes(f, source.key)
    try:
        with closing(outcomes):
            for outcome in outcomes:
                if isinstance(outcome, marc_files.MarcFailure):
                    _record_failure(store, run_id, outcome)
                else:
                    batch.append(outcome)
                if bar is not None:
                    bar.update(1)
                if len(batch) >= batch_size:
                    save_batch(store, run_id, source, batch, ingester)
                    batch = []
    finally:  # a file that breaks part-way still keeps every record read before the break
        if batch:
            save_batch(store, run_id, source, batch, ingester)


def _record_failure(store: Store, run_id: int, failure: marc_files.MarcFailure) -> None:
    store.record_error(
        run_id, failure.position, failure.reason, raw=failure.raw, record_id=failure.record_id
    )


def marc_item(
    store: Store,
    run_id: int,
    source_key: str,
    entry: marc_files.MarcEntry,
    modified: datetime | None = None,
) -> HarvestedItem | None:
    """One entry of a MARC file as an item to save; a bad entry is recorded on the run."""
    outcome = marc_files.marc_outcome(entry, source_key, modified)
    if isinstance(outcome, marc_files.MarcFailure):
        _record_failure(store, run_id, outcome)
        return None
    return outcome
