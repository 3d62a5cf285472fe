"""Retrying a run's failed records (harvesters.retry and the run page's button).

Against real sources: an OAI-PMH provider over HTTP (the same provider and fault log
the harvester tests use) and a MARC folder on disk. The library fixes its records,
the librarian retries: just those records are fetched again, as a new run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pymarc
import pytest
from flask import Flask

from catalogue import audit, schedule
from catalogue.runs import HarvestError, HarvestRun
from catalogue.settings import HarvestSettings, Settings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.oai_provider import make_wsgi_app
from harvesters.oai_repository import OAI_DC, MemoryRepository, OaiItem, dc_element
from harvesters.retry import NothingToRetry, plan_retry, retry_failed
from harvesters.runner import HarvestOptions, harvest_source
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from tests.support.accounts import browser, csrf, log_in, make_user
from tests.support.faults import Faults
from tests.support.http import serve_wsgi

FAST = HarvestSettings(timeout=2.0, max_retries=1, backoff=0.01, max_retry_after=0.05)
BASE = datetime(2025, 3, 1, tzinfo=UTC)

# sickle (third-party) compiles a regex literal with an invalid escape when first used.
pytestmark = pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")


@dataclass
class Library:
    """An OAI-PMH library whose records can be broken (no title) and fixed again."""

    repo: MemoryRepository
    broken: set[str]
    faults: Faults
    url: str

    def requests(self, verb: str) -> list[dict[str, str]]:
        return [r.args for r in self.faults.log if r.args.get("verb") == verb]


@pytest.fixture
def library() -> Iterator[Library]:
    items = [OaiItem(f"oai:bd:{i}", BASE + timedelta(hours=i)) for i in range(1, 8)]
    broken = {"oai:bd:3", "oai:bd:5"}

    def render(item, prefix):
        number = item.identifier.rsplit(":", 1)[1]
        title = [] if item.identifier in broken else [f"Địa chí Ba Đình {number}"]
        return dc_element({"title": title, "language": ["vie"], "date": ["1999"]})

    repo = MemoryRepository("Thư viện Ba Đình", items, render, [OAI_DC])
    faults = Faults(make_wsgi_app(repo, page_size=3))
    with serve_wsgi(faults, "/oai") as url:
        yield Library(repo, broken, faults, url)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'retry.sqlite'}")
    yield store
    store.close()


def oai_source(store: Store, url: str) -> Source:
    source = Source("ba-dinh", "Thư viện Ba Đình", "oai", url, metadata_prefix="oai_dc")
    store.put_source(source)
    return source


def harvest(store: Store, source: Source) -> HarvestRun:
    return harvest_source(store, source, FAST, HarvestOptions(progress=False))


# -- OAI-PMH --------------------------------------------------------------------------------


def test_an_oai_retry_fetches_just_the_failed_records(store: Store, library: Library):
    source = oai_source(store, library.url)
    first = harvest(store, source)
    assert (first.status, first.added, first.failed) == ("succeeded", 5, 2)
    assert {e.record_id for e in first.errors} == {"oai:bd:3", "oai:bd:5"}
    watermark = store.harvest_state(source.key)[0]

    library.broken.clear()  # the library fixes its records
    library.faults.log.clear()
    retried = retry_failed(store, first.id, FAST)

    assert retried.id != first.id and retried.mode == "retry"
    assert (retried.status, retried.added, retried.updated, retried.failed) == (
        "succeeded",
        2,
        0,
        0,
    )
    assert "retry of run" in retried.message
    asked = library.requests("GetRecord")
    assert sorted(a["identifier"] for a in asked) == ["oai:bd:3", "oai:bd:5"]
    assert all(a["metadataPrefix"] == "oai_dc" for a in asked)
    assert not library.requests("ListRecords")  # nothing else was harvested again
    record = store.get_record("ba-dinh:3")
    assert record.title == "Địa chí Ba Đình 3"
    assert record.holdings[0].library == "Thư viện Ba Đình"  # as a harvest names it
    assert store.count_records("ba-dinh") == 7
    # The failed run is kept as it was; the watermark has not moved.
    assert store.run(first.id).failed == 2
    assert store.harvest_state(source.key)[0] == watermark


def test_records_that_fail_again_are_recorded_against_the_retry(store: Store, library: Library):
    source = oai_source(store, library.url)
    first = harvest(store, source)
    library.broken.discard("oai:bd:3")  # fixed; 5 still broken
    library.repo.items = [i for i in library.repo.items if i.identifier != "oai:bd:5"]
    library.repo.items.append(OaiItem("oai:bd:5x", BASE))  # 5 withdrawn without a trace
    retried = retry_failed(store, first.id, FAST)
    assert (retried.status, retried.added, retried.failed) == ("succeeded", 1, 1)
    [error] = retried.errors
    assert error.record_id == "oai:bd:5" and error.position == "GetRecord oai:bd:5"
    assert "idDoesNotExist" in error.reason

    library.repo.items.append(OaiItem("oai:bd:5", BASE))
    library.broken.add("oai:bd:5")
    again = retry_failed(store, retried.id, FAST)  # a retry of the retry
    [error] = again.errors
    assert error.record_id == "oai:bd:5" and "no title" in error.reason
    assert error.raw.startswith(b"<record")  # kept as received


def test_a_source_down_during_a_retry_ends_it_failed_and_recorded(store: Store, library: Library):
    source = oai_source(store, library.url)
    first = harvest(store, source)
    library.faults.when(lambda env: "GetRecord" in env.get("QUERY_STRING", ""), "503", times=None)
    retried = retry_failed(store, first.id, FAST, sleep=lambda _s: None)
    assert retried.status == "failed" and retried.mode == "retry"
    assert "503" in retried.message
    assert store.get_record("ba-dinh:3") is None
    assert store.last_run(source.key).id == retried.id


def test_page_level_problems_are_left_for_the_next_harvest(store: Store):
    source = Source("x", "X", "oai", "http://127.0.0.1:1/oai", metadata_prefix="oai_dc")
    run = HarvestRun(
        1, "x", "full", "failed", BASE, BASE, 0, 0, 0, 0, 3, 1, "", "",
        errors=[
            HarvestError("page 2 (resumptionToken=abc)", "not XML"),
            HarvestError("page 1, record 2", "no title", record_id="oai:x:2"),
            HarvestError("page 1, record 2", "no title", record_id="oai:x:2"),
            HarvestError("digital object 1: http://x/a.jpg", "404", record_id="x:9"),
        ],
    )  # fmt: skip
    plan = plan_retry(run, source)
    assert [e.record_id for e in plan.records] == ["oai:x:2"]
    assert plan.objects == ["x:9"] and plan.count == 2
    assert [e.position for e in plan.left] == ["page 2 (resumptionToken=abc)"]

    store.put_source(source)
    run_id = store.start_run("x", "full")
    store.record_error(run_id, "run", "connection refused")
    store.finish_run(run_id, "failed", "connection refused")
    with pytest.raises(NothingToRetry):
        retry_failed(store, run_id, FAST)
    assert store.last_run("x").id == run_id  # no run was started


def test_a_retry_is_not_a_harvest_for_the_schedule(store: Store, library: Library):
    source = oai_source(store, library.url)
    store.put_source(Source(**{**source.__dict__, "schedule": "0 2 * * *"}))
    first = harvest(store, source)
    later = datetime.now(UTC) + timedelta(days=3)
    before = schedule.next_harvest(store, source.key, now=later, tz=UTC)
    library.broken.clear()
    retry_failed(store, first.id, FAST)
    assert schedule.next_harvest(store, source.key, now=later, tz=UTC) == before
    assert source.key in [d.source.key for d in schedule.due(store, later, tz=UTC)]


# -- MARC files -----------------------------------------------------------------------------


def marc(control: str, title: str | None) -> bytes:
    record = pymarc.Record(force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data=control))
    if title is not None:
        record.add_field(
            pymarc.Field(
                tag="245",
                indicators=pymarc.Indicators("1", "0"),
                subfields=[pymarc.Subfield("a", title)],
            )
        )
    return record.as_marc()


def test_a_marc_retry_rereads_the_file_and_picks_the_failed_records(store: Store, tmp_path: Path):
    folder = tmp_path / "exports"
    folder.mkdir()
    export = folder / "ba-dinh.mrc"
    good = marc("bd-1", "Phố cổ Hà Nội")
    broken_length = b"00099" + marc("bd-2", "Hồ Gươm")[5:]  # the leader lies about the length
    no_title = marc("bd-3", None)
    export.write_bytes(good + broken_length + no_title + marc("bd-4", "Cầu Long Biên"))
    source = Source("bd-marc", "Thư viện Ba Đình", "marc", str(folder))
    store.put_source(source)
    first = harvest(store, source)
    assert (first.added, first.failed) == (2, 2)
    positions = sorted(e.position for e in first.errors)
    assert positions[0].endswith(f"record 2 (byte {len(good)})")

    # The library fixes both records; record 2 grows, so the bytes after it move.
    export.write_bytes(
        good
        + marc("bd-2", "Hồ Gươm và đền Ngọc Sơn")
        + marc("bd-3", "Văn Miếu")
        + marc("bd-4", "Cầu Long Biên")
    )
    retried = retry_failed(store, first.id, FAST)
    assert (retried.status, retried.added, retried.unchanged, retried.failed) == (
        "succeeded",
        2,
        0,
        0,
    )
    assert store.get_record("bd-marc:bd-2").title == "Hồ Gươm và đền Ngọc Sơn"
    assert store.get_record("bd-marc:bd-3").title == "Văn Miếu"

    export.write_bytes(good)  # the file shrinks: the records are gone
    store_run = store.start_run(source.key, "full")
    store.record_error(store_run, f"{export}, record 3 (byte 99)", "no title", record_id="bd-9")
    store.finish_run(store_run, "succeeded")
    gone = retry_failed(store, store_run, FAST)
    assert gone.failed == 1 and "no longer in the source" in gone.errors[0].reason


# -- the console ----------------------------------------------------------------------------


@pytest.fixture
def console(tmp_path: Path, library: Library) -> Iterator[tuple[Flask, Store, HarvestRun]]:
    settings = Settings(data_dir=tmp_path, harvest=FAST)
    store = Store(settings.db_url)
    source = oai_source(store, library.url)
    first = harvest(store, source)
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    yield create_app(settings, store=store, index=index), store, first
    store.close()


def test_the_run_page_retries_and_shows_the_new_run(console, library: Library):
    app, store, first = console
    client = browser(app)
    name = make_user(app, "librarian")
    assert log_in(client, name).status_code == 303
    page = lxml.html.fromstring(client.get(f"/admin/runs/{first.id}").get_data(as_text=True))
    [form] = page.xpath("//form[contains(@action, '/retry')]")
    assert form.get("action") == f"/admin/runs/{first.id}/retry"
    assert "2 biểu ghi lỗi sẽ được lấy lại" in " ".join(page.text_content().split())

    anonymous = browser(app).get("/search?q=Ba+Đình+3").get_data(as_text=True)
    assert "ba-dinh:3" not in anonymous
    library.broken.clear()
    token = csrf(client, f"/admin/runs/{first.id}")
    assert client.post(f"/admin/runs/{first.id}/retry").status_code == 400  # no CSRF token
    response = client.post(f"/admin/runs/{first.id}/retry", data={"csrf_token": token})
    assert response.status_code == 303
    retried = store.last_run("ba-dinh")
    assert response.headers["Location"] == f"/admin/runs/{retried.id}"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    text = " ".join(lxml.html.fromstring(shown).text_content().split())
    assert "Thử lại các biểu ghi lỗi" in text  # the run's kind, in words
    assert "2 biểu ghi đã được lưu" in text
    assert not lxml.html.fromstring(shown).xpath("//form[contains(@action, '/retry')]")

    # The retried records are searchable at once.
    found = browser(app).get("/search?q=Địa+chí+Ba+Đình+3").get_data(as_text=True)
    assert "/record/ba-dinh:3" in found
    [entry] = audit.entries(store, action=audit.HARVEST_RETRIED)
    assert entry.actor == name and entry.target == "ba-dinh"
    assert entry.detail["run"] == first.id and entry.detail["retry_run"] == retried.id
    assert entry.detail["added"] == 2


def test_only_staff_retry(console):
    app, store, first = console
    reader = browser(app)
    assert log_in(reader, make_user(app, "reader")).status_code == 303
    token = csrf(reader, "/account")
    assert (
        reader.post(f"/admin/runs/{first.id}/retry", data={"csrf_token": token}).status_code == 403
    )
    assert store.last_run("ba-dinh").id == first.id
    librarian = browser(app)
    assert log_in(librarian, make_user(app, "librarian")).status_code == 303
    token = csrf(librarian, "/admin/")
    assert librarian.post("/admin/runs/999999/retry", data={"csrf_token": token}).status_code == 404
