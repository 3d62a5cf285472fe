"""Writing one harvested page: its raw records as received, the unified records with their
holdings and digital objects, and the run's counts, in one transaction and a few bulk
statements."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from catalogue.runs import HarvestedItem, PageCounts
from catalogue.storable import clip, unstorable, utc_or_none, utcnow
from catalogue.store_counters import reserve_seqs
from catalogue.store_objects import INGEST_FIELDS
from catalogue.store_runs import add_error
from catalogue.tables import DigitalObjectRow, HarvestRunRow, HoldingRow, RawRecordRow, RecordRow

if TYPE_CHECKING:
    from catalogue.store import Store


def save_items(
    store: Store,
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
        i: (item, why) for i, item in latest.items() if (why := unstorable(i, item.local_id))
    }
    for record_id in refused:
        del latest[record_id]
    with store.session() as s:
        for record_id, (item, reason) in refused.items():  # kept with the page, not lost
            add_error(s, run_id, "record", reason, raw=item.raw, record_id=record_id)
        top = reserve_seqs(s, len(latest))
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
        (self.changed_raw if record_id in known else self.new_raw).append(clip(RawRecordRow, row))

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
            "datestamp": utc_or_none(item.datestamp or (record.datestamp if record else None)),
            "title": record.title if record else "",
            "format": record.format if record else "",
            "year": record.year if record else None,
            "data": {},
            "content_hash": digest,
            "change_seq": seq,
            "updated_at": now,
        }
        clip(RecordRow, row)
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
                clip(
                    HoldingRow,
                    {
                        **h,
                        "status_read_at": utc_or_none(h["status_read_at"]),
                        "record_id": record_id,
                        "position": i,
                    },
                )
                for i, h in enumerate(map(vars, record.holdings))
            ]
            self.objects += [
                clip(
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
