"""The catalogue store: sources, harvest runs, raw and unified records (SQLAlchemy 2).

SQLite by default (WAL, so several harvests can write one after another without
corrupting each other), PostgreSQL by URL. The schema is owned by the Alembic
migrations in catalogue/migrations; opening a store brings it up to date.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from catalogue import (
    store_changes,
    store_counters,
    store_objects,
    store_pages,
    store_records,
    store_runs,
    store_sources,
)
from catalogue.dialects import make_engine


class Store:
    """All reads and writes of the catalogue go through here.

    Store owns the engine and its transactions; each part of the catalogue's data is
    owned by a module of its own (sources, runs, page writes, records, changes,
    digital objects, counters), whose functions take the store first and are bound
    below as its methods, so every caller still has one object to ask.
    """

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine = make_engine(url)
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

    # sources and their harvest state
    put_source = store_sources.put_source
    get_source = store_sources.get_source
    sources = store_sources.sources
    delete_source = store_sources.delete_source
    harvest_state = store_sources.harvest_state
    set_granularity = store_sources.set_granularity
    reset_harvest_state = store_sources.reset_harvest_state

    # harvest runs, their errors, and the pages they write
    start_run = store_runs.start_run
    set_run_server_time = store_runs.set_run_server_time
    record_error = store_runs.record_error
    finish_run = store_runs.finish_run
    run = store_runs.run
    runs = store_runs.runs
    last_run = store_runs.last_run
    save_items = store_pages.save_items

    # records
    get_record = store_records.get_record
    get_records = store_records.get_records
    get_raw = store_records.get_raw
    get_raws = store_records.get_raws
    count_records = store_records.count_records
    iter_records = store_records.iter_records
    recent_records = store_records.recent_records
    work_key_of = store_records.work_key_of
    records_of_work = store_records.records_of_work
    work_keys = store_records.work_keys
    set_work_keys = store_records.set_work_keys

    # records by change: the index sync and OAI-PMH
    max_change_seq = store_changes.max_change_seq
    changes_since = store_changes.changes_since
    changed_since = store_changes.changed_since
    changed_records = store_changes.changed_records
    get_changed_record = store_changes.get_changed_record
    earliest_change = store_changes.earliest_change
    collection_samples = store_changes.collection_samples

    # digital objects: ingest and fixity
    objects_of = store_objects.objects_of
    stored_objects = store_objects.stored_objects
    digitised_records = store_objects.digitised_records
    digitised_groups = store_objects.digitised_groups
    record_ingest = store_objects.record_ingest

    # named counters
    counter = store_counters.counter
    set_counter = store_counters.set_counter
