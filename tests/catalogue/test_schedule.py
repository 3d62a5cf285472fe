"""Scheduled harvests: which sources are due, and the worker that runs them over real HTTP."""

import socket
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from catalogue import schedule
from catalogue.schedule import due_sources, next_harvest, pending_requests, request_harvest
from catalogue.settings import HarvestSettings, Settings
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.tables import HarvestRunRow
from harvesters.demo.generator import generate
from harvesters.demo.libraries import oai_repository
from harvesters.oai_provider import make_wsgi_app
from harvesters.runner import HarvestOptions
from indexer.backends import open_index
from indexer.protocol import SearchQuery
from portal import worker
from portal.worker import run_worker
from tests.support.faults import Faults
from tests.support.http import serve_wsgi

NOW = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
FAST = HarvestSettings(timeout=1.0, max_retries=1, backoff=0.01, max_retry_after=0.05)
QUIET = HarvestOptions(progress=False, sleep=lambda _s: None)
YEARLY = "0 0 1 1 *"  # never ran: due now; then not again before New Year


@pytest.fixture
def store(store_url):
    store = Store(store_url)
    yield store
    store.close()


def add(store, key, schedule="", enabled=True, url="http://127.0.0.1:9/oai", prefix="oai_dc"):
    source = Source(key, f"Thư viện {key}", "oai", url, prefix, schedule=schedule, enabled=enabled)
    store.put_source(source)
    return source


def ran(store, key, started, status="succeeded"):
    """A run of `key` that started at `started` and ended with `status`."""
    run_id = store.start_run(key, "full")
    with store.session() as s:
        s.execute(
            update(HarvestRunRow).where(HarvestRunRow.id == run_id).values(started_at=started)
        )
    if status != "running":
        store.finish_run(run_id, status)


def keys(store, now=NOW, tz=UTC):
    return [s.key for s in due_sources(store, now, tz=tz)]


# -- which sources are due -------------------------------------------------------------


def test_hourly_and_daily_schedules_are_due_once_per_fire_time(store):
    add(store, "hourly-due", "0 * * * *")
    ran(store, "hourly-due", NOW.replace(hour=9, minute=10))  # 10:00 fired since
    add(store, "hourly-done", "0 * * * *")
    ran(store, "hourly-done", NOW.replace(hour=10, minute=0, second=4))  # ran for 10:00
    add(store, "daily-due", "0 2 * * *")
    ran(store, "daily-due", NOW - timedelta(days=1, hours=8, minutes=29))  # yesterday 02:01
    add(store, "daily-done", "0 2 * * *")
    ran(store, "daily-done", NOW.replace(hour=2, minute=0, second=1), status="failed")
    assert keys(store) == ["daily-due", "hourly-due"]
    # At 11:00 the hourly ones fire again; the daily one that ran today waits for tomorrow.
    assert keys(store, NOW.replace(hour=11, minute=0)) == ["daily-due", "hourly-done", "hourly-due"]
    assert "daily-done" in keys(store, NOW.replace(day=2, hour=2, minute=0))


def test_never_run_disabled_and_unscheduled_sources(store):
    add(store, "new", "0 2 * * *")  # never ran: due at once
    add(store, "off", "* * * * *", enabled=False)
    add(store, "manual")  # no schedule: only when asked
    assert keys(store) == ["new"]


def test_a_harvest_now_request_makes_any_source_due_first(store):
    add(store, "scheduled", "0 * * * *")
    add(store, "manual")
    add(store, "off", "0 * * * *", enabled=False)
    assert request_harvest(store, "off", now=NOW - timedelta(minutes=1))
    assert request_harvest(store, "manual", now=NOW)
    assert not request_harvest(store, "nope")
    assert keys(store) == ["off", "manual", "scheduled"]  # oldest request first
    reasons = [(d.source.key, d.reason) for d in schedule.due(store, NOW, tz=UTC)]
    assert reasons == [("off", "requested"), ("manual", "requested"), ("scheduled", "scheduled")]
    # Asking again does not move the request back in the queue.
    request_harvest(store, "off", now=NOW + timedelta(minutes=5))
    assert pending_requests(store) == {"off": NOW - timedelta(minutes=1), "manual": NOW}
    schedule.clear_harvest_request(store, "off")
    assert pending_requests(store) == {"manual": NOW}


def test_a_source_being_harvested_is_not_due_until_its_run_ends(store):
    add(store, "busy", "* * * * *")
    ran(store, "busy", NOW - timedelta(minutes=20), status="running")
    request_harvest(store, "busy", now=NOW)
    assert keys(store) == []
    # A run "running" for half a day was left behind by a process that died.
    assert keys(store, NOW + schedule.STALE_RUN) == ["busy"]


def test_schedules_are_read_in_the_given_time_zone(store):
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")  # 02:00 in Hà Nội is 19:00 UTC the day before
    add(store, "nightly", "0 2 * * *")
    ran(store, "nightly", datetime(2026, 2, 28, 12, 0, tzinfo=UTC))
    evening = datetime(2026, 2, 28, 19, 30, tzinfo=UTC)
    assert keys(store, evening, tz=hanoi) == ["nightly"]
    assert keys(store, evening, tz=UTC) == []
    assert next_harvest(store, "nightly", now=evening, tz=UTC) == datetime(
        2026, 3, 1, 2, 0, tzinfo=UTC
    )
    assert next_harvest(store, "nightly", now=evening, tz=hanoi) == evening  # due already


def test_next_harvest(store):
    add(store, "hourly", "0 * * * *")
    add(store, "manual")
    assert next_harvest(store, "hourly", now=NOW, tz=UTC) == NOW  # never ran
    ran(store, "hourly", NOW.replace(minute=5))
    assert next_harvest(store, "hourly", now=NOW, tz=UTC) == NOW.replace(hour=11, minute=0)
    assert next_harvest(store, "manual", now=NOW) is None
    request_harvest(store, "manual", now=NOW)
    assert next_harvest(store, "manual", now=NOW) == NOW
    assert next_harvest(store, "nope", now=NOW) is None


def test_local_zone_follows_tz(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    assert schedule.local_zone().utcoffset(NOW) == timedelta(hours=7)
    monkeypatch.setenv("TZ", "Nowhere/Atlantis")
    assert schedule.local_zone() is not None  # falls back to the machine's zone


# -- the worker over real HTTP ---------------------------------------------------------


@pytest.fixture
def settings(tmp_path):
    return replace(Settings(data_dir=tmp_path / "data"), harvest=FAST)


@pytest.fixture
def demo_library():
    """One demo library answering OAI-PMH on 127.0.0.1 (Dublin Core)."""
    catalogue = generate(seed=7, works=20)
    library = next(lib for lib in catalogue.libraries if lib.metadata_prefix == "oai_dc")
    faults = Faults(make_wsgi_app(oai_repository(catalogue, library), page_size=10))
    with serve_wsgi(faults, "/oai") as url:
        yield library, url, faults


@pytest.fixture
def refused_url():
    """An address nothing listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/oai"


def worker_store(settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Store(settings.db_url)


def test_one_pass_harvests_due_sources_and_indexes_despite_a_source_that_is_down(
    settings, demo_library, refused_url
):
    library, url, _faults = demo_library
    store = worker_store(settings)
    add(store, "down", YEARLY, url=refused_url)
    add(store, library.key, YEARLY, url=url)
    lines = []
    result = run_worker(store, settings, once=True, out=lines.append, tz=UTC, options=QUIET)

    assert result.due == ["down", library.key]
    assert not result.ok
    by_key = {r.source_key: r for r in result.runs}
    assert by_key["down"].status == "failed"
    assert by_key[library.key].status == "succeeded" and by_key[library.key].added > 0
    assert store.last_run("down").status == "failed"
    assert store.count_records(library.key) == by_key[library.key].added
    index = open_index(settings)
    assert index.count() > 0
    assert index.search(SearchQuery(q="*", per_page=1)).total > 0
    assert any(line.startswith("index updated:") for line in lines)
    assert any(line.startswith("down: failed") for line in lines)

    # Both just ran: nothing is due until the next fire time.
    again = run_worker(store, settings, once=True, out=lines.append, tz=UTC, options=QUIET)
    assert again.due == [] and again.ok
    store.close()


def test_a_crashing_harvest_is_recorded_and_the_others_still_run(
    settings, demo_library, monkeypatch
):
    library, url, _faults = demo_library
    store = worker_store(settings)
    add(store, "broken", YEARLY, url=url)
    add(store, library.key, YEARLY, url=url)
    real = worker.harvest_source

    def harvest_source(store, source, *args, **kw):
        if source.key == "broken":
            raise RuntimeError("a bug in a crosswalk")
        return real(store, source, *args, **kw)

    monkeypatch.setattr(worker, "harvest_source", harvest_source)
    result = run_worker(store, settings, once=True, out=lambda _l: None, tz=UTC, options=QUIET)
    assert result.errors == {"broken": "RuntimeError: a bug in a crosswalk"}
    assert store.last_run(library.key).status == "succeeded"
    crashed = store.last_run("broken")
    assert crashed.status == "failed" and "a bug in a crosswalk" in crashed.message
    assert result.index_line  # the good source was indexed
    # The failed run counts as this fire time's run: the broken source is not retried at once.
    assert schedule.due_sources(store, tz=UTC) == []
    store.close()


def test_harvest_now_is_picked_up_and_cleared(settings, demo_library):
    library, url, faults = demo_library
    store = worker_store(settings)
    add(store, library.key, url=url)  # no schedule: harvested only when asked
    assert run_worker(store, settings, once=True, out=lambda _l: None, options=QUIET).due == []
    assert faults.log == []

    request_harvest(store, library.key)
    result = run_worker(store, settings, once=True, out=lambda _l: None, options=QUIET)
    assert result.due == [library.key] and result.ok
    assert pending_requests(store) == {}
    assert store.last_run(library.key).status == "succeeded"
    again = run_worker(store, settings, once=True, out=lambda _l: None, options=QUIET)
    assert again.due == []
    store.close()


def test_the_worker_loop_answers_requests_until_stopped(settings, demo_library):
    library, url, _faults = demo_library
    store = worker_store(settings)
    add(store, library.key, url=url)
    stop = threading.Event()
    lines = []
    loop = threading.Thread(
        target=run_worker,
        args=(store, settings),
        kwargs={"poll_seconds": 0.05, "stop_event": stop, "out": lines.append, "options": QUIET},
    )
    loop.start()
    try:
        time.sleep(0.2)
        assert store.last_run(library.key) is None
        request_harvest(store, library.key)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any("index updated" in x for x in lines):
            time.sleep(0.05)
    finally:
        stop.set()
        loop.join(timeout=20)
    assert not loop.is_alive()
    assert store.last_run(library.key).status == "succeeded"
    assert pending_requests(store) == {}
    store.close()


def test_a_stopping_worker_starts_no_more_harvests(settings, refused_url):
    store = worker_store(settings)
    add(store, "a", "* * * * *", url=refused_url)
    stop = threading.Event()
    stop.set()
    assert run_worker(store, settings, once=True, stop_event=stop, options=QUIET).due == []
    result = worker.run_pass(store, settings, stop_event=stop, out=lambda _l: None, options=QUIET)
    assert result.skipped == ["a"] and not result.ok and store.last_run("a") is None
    store.close()


def test_the_index_catches_up_with_changes_made_outside_the_worker(
    settings, demo_library, monkeypatch
):
    from harvesters.runner import harvest_source

    library, url, _faults = demo_library
    store = worker_store(settings)
    source = add(store, library.key, url=url)  # no schedule: the worker never harvests it
    assert harvest_source(store, source, settings.harvest, QUIET).status == "succeeded"

    def broken_index(_settings):
        raise OSError("disk full")

    monkeypatch.setattr(worker, "open_index", broken_index)
    failed = run_worker(store, settings, once=True, out=lambda _l: None, options=QUIET)
    assert failed.due == [] and failed.index_error == "OSError: disk full" and not failed.ok
    monkeypatch.undo()
    # The next pass tries again: `thuvien harvest` without `thuvien index` gets indexed.
    caught_up = run_worker(store, settings, once=True, out=lambda _l: None, options=QUIET)
    assert caught_up.due == [] and caught_up.index_line.startswith("index updated:")
    assert open_index(settings).count() > 0
    idle = run_worker(store, settings, once=True, out=lambda _l: None, options=QUIET)
    assert idle.index_line == "" and idle.ok
    store.close()
