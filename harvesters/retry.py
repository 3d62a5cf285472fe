"""Retry the records that failed in one harvest run, and nothing else.

The retry is a run of its own (mode "retry") with its own counts and errors, so the
failed run stays as it was and the history shows what the retry did. What is asked
again depends on what failed:

- an OAI-PMH record (its error carries the OAI identifier): `GetRecord` for it alone;
- a record of a MARC file or folder (or a file at a URL): the file is read again and
  the records at the failed positions ("<file>, record <n>") or with the failed
  control numbers (001) are picked out;
- a digital object that could not be fetched (position "digital object …", the
  record's id): the record's objects are ingested again.

A problem that concerned a whole page or the run itself (a page that was not XML, a
source that was down) names no record: it cannot be retried one by one, and is left
for the next harvest (counted in the run's message). A record that fails again is
recorded against the retry run, with the new reason.

A retry never moves the source's incremental watermark, and schedules do not count
it as a harvest (catalogue.schedule ignores retry runs).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from catalogue.runs import HarvestError, HarvestRun
from catalogue.schedule import RETRY_MODE
from catalogue.settings import HarvestSettings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters import marc as marc_files
from harvesters.errors import HarvestFailed, RecordError
from harvesters.ingest import Ingester
from harvesters.oai import OAI_NS, OaiClient, OaiError, read_record
from harvesters.runner import marc_item, policy_from, save_batch

log = logging.getLogger(__name__)

MAX_RECORDS = 500  # asked again by one retry; the rest wait for the next one
INGEST_POSITION = "digital object "
_MARC_POSITION = re.compile(r"^(?P<label>.+), record (?P<number>\d+)(?: \(byte \d+\))?$")


class NothingToRetry(ValueError):
    """The run has no failed record that can be asked for again."""


@dataclass
class RetryPlan:
    """A run's errors sorted by what a retry can do with them."""

    records: list[HarvestError] = field(default_factory=list)  # fetched again
    objects: list[str] = field(default_factory=list)  # record ids whose objects are ingested
    left: list[HarvestError] = field(default_factory=list)  # whole pages, the run: not retried

    @property
    def count(self) -> int:
        return len(self.records) + len(self.objects)


def plan_retry(run: HarvestRun, source: Source) -> RetryPlan:
    """What a retry of `run` would ask again (at most MAX_RECORDS; duplicates once)."""
    plan = RetryPlan()
    seen: set[tuple[str, str]] = set()
    for error in run.errors:
        if error.position.startswith(INGEST_POSITION) and error.record_id:
            key = ("object", error.record_id)
            if key not in seen:
                plan.objects.append(error.record_id)
        elif source.type == "oai" and error.record_id:
            key = ("record", error.record_id)
            if key not in seen:
                plan.records.append(error)
        elif source.type == "marc" and (error.record_id or _MARC_POSITION.match(error.position)):
            key = ("record", error.record_id or error.position)
            if key not in seen:
                plan.records.append(error)
        else:
            plan.left.append(error)
            continue
        seen.add(key)
    overflow = max(0, plan.count - MAX_RECORDS)
    if overflow:
        plan.objects = plan.objects[: max(0, MAX_RECORDS - len(plan.records))]
        plan.records = plan.records[:MAX_RECORDS]
    return plan


def retry_failed(
    store: Store,
    run_id: int,
    settings: HarvestSettings,
    *,
    sleep: Callable[[float], None] | None = None,
) -> HarvestRun:
    """Fetch again the records that failed in run `run_id` and save them, as a new run.

    Raises NothingToRetry (before starting a run) when no failed record can be retried;
    never raises for anything the source does: the retry run records it.
    """
    failed = store.run(run_id)
    source = store.get_source(failed.source_key)
    if source is None:
        raise NothingToRetry(f"the source {failed.source_key!r} no longer exists")
    plan = plan_retry(failed, source)
    if not plan.count:
        raise NothingToRetry(f"run {run_id} has no failed record to retry")
    watermark, _ = store.harvest_state(source.key)
    retry_id = store.start_run(source.key, RETRY_MODE, server_time=watermark)
    ingester = Ingester.for_harvest(source, settings)
    message = f"retry of run {run_id}: {plan.count} records asked again"
    if plan.left:
        message += (
            f"; {len(plan.left)} problems concerned a whole page or the run and wait for "
            "the next harvest"
        )
    try:
        if plan.records and source.type == "oai":
            _retry_oai(store, retry_id, source, settings, plan.records, ingester, sleep)
        elif plan.records:
            _retry_marc(store, retry_id, source, settings, plan.records, ingester)
        if plan.objects and ingester is not None:
            live = [rid for rid in plan.objects if store.get_record(rid) is not None]
            ingester.ingest_records(store, retry_id, live)
    except Exception as exc:  # noqa: BLE001 — every failure ends the run recorded
        if isinstance(exc, HarvestFailed):
            reason, position, raw = exc.reason, exc.position or "retry", exc.raw
        else:
            log.exception("retry run %s crashed", retry_id)
            reason, position, raw = f"internal error: {type(exc).__name__}: {exc}", "retry", b""
        store.record_error(retry_id, position, reason, raw=raw)
        return store.finish_run(retry_id, "failed", f"{message}; stopped: {reason}")
    finally:
        if ingester is not None:
            ingester.close()
    # The watermark stays: finishing sets it to the run's server time, the one it had.
    return store.finish_run(retry_id, "succeeded", message)


# -- OAI-PMH --------------------------------------------------------------------------------


def _retry_oai(
    store: Store,
    retry_id: int,
    source: Source,
    settings: HarvestSettings,
    errors: list[HarvestError],
    ingester: Ingester | None,
    sleep: Callable[[float], None] | None,
) -> None:
    client = OaiClient(source.url, policy_from(settings), sleep=sleep)
    for error in errors:
        identifier = error.record_id
        position = f"GetRecord {identifier}"[:300]
        try:
            response = client.checked(
                verb="GetRecord", identifier=identifier, metadataPrefix=source.metadata_prefix
            )
        except OaiError as exc:
            if exc.code in ("idDoesNotExist", "cannotDisseminateFormat"):
                store.record_error(
                    retry_id, position, exc.reason, raw=exc.raw, record_id=identifier
                )
                continue
            raise  # the source says something is wrong with the requests: stop
        element = response.xml.find(f"{{{OAI_NS}}}GetRecord/{{{OAI_NS}}}record")
        if element is None:
            store.record_error(
                retry_id,
                position,
                "response has neither GetRecord nor an OAI error",
                raw=response.content,
                record_id=identifier,
            )
            continue
        raw = etree.tostring(element, encoding="utf-8")
        try:
            item = read_record(element, raw, source.key, source.metadata_prefix)
        except RecordError as exc:
            store.record_error(retry_id, position, str(exc), raw=raw, record_id=identifier)
            continue
        save_batch(store, retry_id, source, [item], ingester)


# -- MARC files -----------------------------------------------------------------------------


def _retry_marc(
    store: Store,
    retry_id: int,
    source: Source,
    settings: HarvestSettings,
    errors: list[HarvestError],
    ingester: Ingester | None,
) -> None:
    by_position: dict[tuple[str, int], HarvestError] = {}
    by_id: dict[str, HarvestError] = {}
    for error in errors:
        if error.record_id:
            by_id[error.record_id] = error
        match = _MARC_POSITION.match(error.position)
        if match:
            by_position[(match["label"], int(match["number"]))] = error
    found: set[int] = set()
    for entry in _entries(source, settings):
        match = _MARC_POSITION.match(entry.position)
        key = (match["label"], int(match["number"])) if match else None
        error = by_position.get(key) if key else None
        control = _control_number(entry)
        if error is None and control:
            error = by_id.get(control)
        if error is None or id(error) in found:
            continue
        found.add(id(error))
        item = marc_item(store, retry_id, source.key, entry)
        if item is not None:
            save_batch(store, retry_id, source, [item], ingester)
    for error in errors:
        if id(error) not in found:
            store.record_error(
                retry_id,
                error.position,
                "the record is no longer in the source (the file changed or is gone)",
                record_id=error.record_id,
            )


def _entries(source: Source, settings: HarvestSettings) -> Iterator[marc_files.MarcEntry]:
    """Every record of the source's files, read again in full (no `since`)."""
    if marc_files.is_url(source.url):
        fetched = marc_files.download(source.url, policy_from(settings), None)
        try:
            if fetched.file is not None:
                yield from marc_files.read_file(fetched.file.path, fetched.file.label)
        finally:
            if fetched.cleanup:
                fetched.cleanup.unlink(missing_ok=True)
        return
    for f in marc_files.local_files(source.url, None, settings.marc_roots()):
        yield from marc_files.read_file(f.path, f.label)


def _control_number(entry: marc_files.MarcEntry) -> str:
    if entry.marc is None:
        return ""
    control = entry.marc.get("001")
    return (control.data or "").strip() if control is not None else ""
