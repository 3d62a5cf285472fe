"""Keep the search index in step with the store: incremental by default, or a rebuild.

The store numbers every change (`change_seq`); the index's mark is the highest
number it has absorbed. A run indexes what changed above the mark, re-indexes
records whose work key moved (a new copy can join two records into one work), and
deletes what was deleted. The mark moves only after the index has committed, so a
crash part-way is repaired by simply running again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from catalogue.record import Record
from catalogue.rights import load_policy
from catalogue.store import Store
from indexer.documents import to_document
from indexer.pipeline import Batches, prepared_batches
from indexer.protocol import SearchIndex
from indexer.works import cluster_works, signature

INDEX_MARK = "index_seq"
BATCH = 1000


@dataclass
class IndexReport:
    indexed: int
    deleted: int
    rekeyed: int
    total: int
    rebuilt: bool

    def line(self) -> str:
        kind = "rebuilt" if self.rebuilt else "updated"
        return (
            f"index {kind}: {self.indexed} indexed, {self.deleted} deleted, "
            f"{self.rekeyed} moved to another work; {self.total} records in the index"
        )


def sync_index(
    store: Store,
    index: SearchIndex,
    *,
    rebuild: bool = False,
    visibility: Callable[[Record], str] | None = None,
    onsite_networks: Iterable[str] = (),
) -> IndexReport:
    """Bring `index` up to date with `store`; see the module docstring for how.

    `visibility` gives each record's access level; by default the store's licence
    rules and the library networks decide it (`Policy.record_visibility`), so a hidden
    record is never searchable.
    """
    visibility = visibility or load_policy(store, onsite_networks).record_visibility
    top = store.max_change_seq()
    mark = 0 if rebuild else store.counter(INDEX_MARK)
    if not rebuild and mark >= top:
        return IndexReport(0, 0, 0, index.count(), False)
    live_changed, deleted = store.changed_since(mark)
    # Clustering needs every live record: whether two records are one work is a
    # question about the whole catalogue, not about the changed ones alone. Records
    # stream past once and only their signatures stay, so memory stays bounded.
    keys = cluster_works(signature(r) for r in store.iter_records())
    old_keys = store.work_keys()
    rekeyed = {i for i, k in keys.items() if old_keys.get(i) != k and i not in live_changed}
    del old_keys
    if rebuild:
        # Forget the mark first: a rebuild cut short leaves a part-empty index, and the
        # next run of either kind must then index everything again.
        store.set_counter(INDEX_MARK, 0)
        index.clear()
        ordered = sorted(keys)
        batches = _batches(store.iter_records(batch=BATCH))
    else:
        index.delete(sorted(deleted))
        ordered = sorted((live_changed | rekeyed) & keys.keys())
        batches = (
            list(store.get_records(ordered[start : start + BATCH]).values())
            for start in range(0, len(ordered), BATCH)
        )

    def documents() -> Iterator[list[dict[str, Any]]]:
        for batch in batches:
            yield [
                to_document(r, work_key=keys[r.id], visibility=visibility(r))
                for r in batch
                if not r.deleted and r.id in keys
            ]

    # A rebuild cleared the index first: every document is new.
    add_documents(index, documents, records=len(ordered), new=rebuild, store=store)
    index.commit()
    store.set_work_keys({i: keys[i] for i in ordered})
    store.set_counter(INDEX_MARK, top)
    return IndexReport(
        indexed=len(ordered),
        deleted=0 if rebuild else len(deleted),
        rekeyed=len(rekeyed),
        total=index.count(),
        rebuilt=rebuild,
    )


def add_documents(
    index: SearchIndex,
    documents: Batches,
    *,
    records: int,
    new: bool = False,
    store: Store | None = None,
) -> None:
    """Add batches of search documents, made in a second process when that pays
    (indexer.pipeline); `store` is what `documents` reads, if anything."""

    def after_fork() -> None:
        if store is not None:  # the child needs its own connections
            store.engine.dispose(close=False)

    for prepared in prepared_batches(
        documents, index.prepare, records=records, after_fork=after_fork
    ):
        index.add_prepared(prepared, new=new)


def _batches(records: Iterable[Record], size: int = BATCH) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def reindex_records(
    store: Store, index: SearchIndex, ids: Iterable[str], *, visibility: Callable[[Record], str]
) -> int:
    """Rewrite the documents of these records only: how a licence-rule change applies at once.

    Work keys stay as the last sync left them; records not indexed yet (no work key)
    are left to the next `sync_index`, which indexes them with the same rules.
    The index mark does not move: this is not a sync.
    """
    keys = store.work_keys()
    done = 0
    batch: list[dict] = []
    for record_id in ids:
        record = store.get_record(record_id)
        if record is None or record.deleted or not keys.get(record_id):
            continue
        batch.append(to_document(record, work_key=keys[record_id], visibility=visibility(record)))
        if len(batch) >= BATCH:
            index.add(batch)
            done += len(batch)
            batch = []
    index.add(batch)
    index.commit()
    return done + len(batch)
