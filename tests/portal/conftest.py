"""Portal fixtures: a real SQLite store and tantivy index holding the sample Hanoi catalogue.

The catalogue is built once per session (migrations and indexing are the slow part);
each test gets its own app around it, so app-level changes never leak between tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from catalogue import users
from catalogue.rights import Conditions, LicenceRule, Outcomes, save_rule
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from tests.indexer.sample_records import HIDDEN_IDS, sample_records, visibility_of
from tests.support.admin_console import console, small  # noqa: F401 — console test fixtures

WITHDRAWN_ID = "hanoi-library:hn-withdrawn"


@dataclass
class Catalogue:
    settings: Settings
    store: Store
    index: TantivyIndex


def _fill(store: Store) -> None:
    """Save the sample records as harvests would, one run per library, plus one deletion."""
    records = sample_records()
    for key in sorted({r.source_key for r in records}):
        store.put_source(Source(key=key, name=key, type="oai", url="http://127.0.0.1:1/oai"))
        run = store.start_run(key, "full")
        items = [
            HarvestedItem(r.local_id, b"<record/>", "oai_dc", r)
            for r in records
            if r.source_key == key
        ]
        if key == "hanoi-library":
            items.append(HarvestedItem("hn-withdrawn", b"", "oai_dc", None, deleted=True))
        store.save_items(run, key, items)
        store.finish_run(run, "succeeded")


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalogue]:
    data_dir: Path = tmp_path_factory.mktemp("portal-data")
    settings = Settings(data_dir=data_dir)
    store = Store(settings.db_url)
    _fill(store)
    # The archive's records are hidden by a licence rule, as a library would set it up;
    # the index takes its visibility from the same rules.
    save_rule(
        store,
        LicenceRule(
            name="Restricted archive",
            conditions=Conditions(sources=("archive",)),
            outcomes=Outcomes(see_record="hidden", view_content="hidden", download="hidden"),
            reason="The archive's records are restricted to staff.",
        ),
    )
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    assert {r.id for r in store.iter_records() if visibility_of(r) == "hidden"} == HIDDEN_IDS
    yield Catalogue(settings, store, index)
    store.close()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at production cost takes ~160 ms a hash; the portal tests hash a lot."""
    monkeypatch.setattr(
        users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def app(catalogue: Catalogue) -> Flask:
    return create_app(catalogue.settings, store=catalogue.store, index=catalogue.index)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
