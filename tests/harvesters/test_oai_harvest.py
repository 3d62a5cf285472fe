"""The OAI-PMH harvester over real HTTP: our provider, faults injected, and pyoai's server."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pymarc
import pytest

from catalogue.settings import HarvestSettings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.oai_provider import make_wsgi_app
from harvesters.oai_repository import (
    DAYS,
    MARC21,
    OAI_DC,
    MemoryRepository,
    OaiItem,
    dc_element,
    marcxml_element,
)
from harvesters.runner import HarvestOptions, harvest_source, harvest_sources
from tests.support.faults import Faults, args_of
from tests.support.http import serve_wsgi
from tests.support.pyoai_server import DcRecord, make_pyoai_app

BASE = datetime(2025, 3, 1, tzinfo=UTC)
FAST = HarvestSettings(timeout=1.0, max_retries=3, backoff=0.01, max_retry_after=0.05)
TITLES = ["Truyện Kiều", "Số đỏ", "Hà Nội băm sáu phố phường", "Dế Mèn phiêu lưu ký", "Chí Phèo"]


def dc_repo(count=35, deleted=(4, 20), granularity=None, **kw) -> MemoryRepository:
    items = [
        OaiItem(f"oai:qg:{i:04d}", BASE + timedelta(hours=i), deleted=i in deleted, sets=["books"])
        for i in range(1, count + 1)
    ]

    def render(item, prefix):
        n = int(item.identifier.rsplit(":", 1)[1])
        return dc_element(
            {
                "title": [f"{TITLES[n % len(TITLES)]} {n}"],
                "creator": ["Nguyễn Du"],
                "date": [str(1900 + n)],
                "language": ["vie"],
                "type": ["Text"],
            }
        )

    extra = {"granularity": granularity} if granularity else {}
    return MemoryRepository(
        "Thư viện Quốc gia", items, render, [OAI_DC], [("books", "Sách")], **extra, **kw
    )


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'cat.sqlite'}")
    yield store
    store.close()


@pytest.fixture
def sleeps():
    return []


def harvest(store, url, sleeps, key="qg", prefix="oai_dc", full=False, settings=FAST):
    source = Source(key=key, name="Thư viện Quốc gia", type="oai", url=url, metadata_prefix=prefix)
    store.put_source(source)
    return harvest_source(
        store, source, settings, HarvestOptions(full=full, progress=False, sleep=sleeps.append)
    )


def serve(repo, page_size=10):
    faults = Faults(make_wsgi_app(repo, page_size=page_size))
    return faults, serve_wsgi(faults, "/oai")


def list_requests(faults):
    return [r for r in faults.log if r.args.get("verb") == "ListRecords"]


def test_full_harvest_follows_tokens_and_keeps_deletions(store, sleeps):
    faults, server = serve(dc_repo())
    with server as url:
        run = harvest(store, url, sleeps)
    assert run.status == "succeeded", run.message
    assert (run.added, run.deleted, run.failed, run.pages) == (33, 2, 0, 4)
    assert len(list_requests(faults)) == 4
    assert store.count_records("qg") == 33
    assert store.get_record("qg:0004").deleted
    record = store.get_record("qg:0005")
    assert record.title == "Truyện Kiều 5" and record.authors == ["Nguyễn Du"]
    assert record.raw_format == "oai_dc"
    raw_format, raw = store.get_raw("qg:0005")
    assert raw_format == "oai_dc" and "Truyện Kiều 5".encode() in raw


def test_second_run_is_incremental_and_fetches_nothing_new(store, sleeps):
    repo = dc_repo()
    faults, server = serve(repo)
    with server as url:
        harvest(store, url, sleeps)
        again = harvest(store, url, sleeps)
        assert again.mode == "incremental" and again.status == "succeeded"
        assert (again.added, again.updated, again.deleted) == (0, 0, 0)
        assert "from" in list_requests(faults)[-1].args  # noRecordsMatch: an empty run
        # A record changes and one is withdrawn at the library: the next run sees just those.
        now = datetime.now(UTC).replace(microsecond=0)
        repo.items[0] = OaiItem("oai:qg:0001", now, sets=["books"])
        repo.items[1] = OaiItem("oai:qg:0002", now, deleted=True, sets=["books"])
        third = harvest(store, url, sleeps)
    assert (third.added, third.updated, third.deleted, third.unchanged) == (0, 0, 1, 1)
    assert store.get_record("qg:0002").deleted


def test_day_granularity_sends_a_day_from(store, sleeps):
    faults, server = serve(dc_repo(granularity=DAYS))
    with server as url:
        harvest(store, url, sleeps)
        harvest(store, url, sleeps)
    sent = list_requests(faults)[-1].args["from"]
    assert len(sent) == 10 and sent == datetime.now(UTC).strftime("%Y-%m-%d")


def test_marcxml_records_crosswalk_with_exact_vietnamese(store, sleeps):
    title = unicodedata.normalize("NFC", "Lịch sử Thăng Long – Hà Nội")
    marc = pymarc.Record(force_utf8=True)
    marc.add_field(pymarc.Field(tag="001", data="000777"))
    marc.add_field(pymarc.Field(tag="008", data="150101s2015    vm            000 0 vie d"))
    marc.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("1", "0"),
            subfields=[pymarc.Subfield("a", title)],
        )
    )
    item = OaiItem("oai:hn:000777", BASE)
    repo = MemoryRepository("Thư viện Hà Nội", [item], lambda i, p: marcxml_element(marc), [MARC21])
    _, server = serve(repo)
    with server as url:
        run = harvest(store, url, sleeps, key="hn", prefix="marc21")
    assert run.added == 1, run.errors
    record = store.get_record("hn:000777")
    assert record.title.encode() == title.encode()
    assert record.languages == ["vie"] and record.year == 2015
    assert store.get_raw("hn:000777")[0] == "marcxml"


def test_503_with_retry_after_is_waited_out(store, sleeps):
    faults, server = serve(dc_repo())
    faults.on_request(2, "503", times=2, retry_after=7)
    with server as url:
        run = harvest(store, url, sleeps)
    assert run.status == "succeeded" and run.added == 33
    assert sleeps == [FAST.max_retry_after] * 2  # Retry-After honoured, within our bound


def test_timeout_is_retried(store, sleeps):
    faults, server = serve(dc_repo())
    faults.on_request(3, "hang", seconds=3)
    with server as url:
        run = harvest(store, url, sleeps)
        faults.release()
    assert run.status == "succeeded" and run.added == 33
    assert len(sleeps) == 1


def test_persistent_500_fails_the_run_and_keeps_what_came_before(store, sleeps):
    faults, server = serve(dc_repo())
    faults.when(lambda env: "resumptionToken" in args_of(env), "500", times=None)
    with server as url:
        run = harvest(store, url, sleeps)
    assert run.status == "failed"
    assert "gave up after 4 attempts" in run.message and "500" in run.message
    assert store.count_records("qg") == 9  # page 1 (one deletion) was committed and stays
    assert run.errors[-1].position.startswith("page 2 (resumptionToken=")


def test_redirect_loop_fails_cleanly(store, sleeps):
    faults, server = serve(dc_repo())
    faults.on_request(1, "redirect_loop")
    with server as url:
        run = harvest(store, url, sleeps)
    assert run.status == "failed" and "redirect loop" in run.message
    assert sleeps == []  # not retried: waiting cannot mend it


def test_down_source_is_retried_then_marked_failed(store, sleeps):
    run = harvest(store, "http://127.0.0.1:9/oai", sleeps)  # discard port: nothing listens
    assert run.status == "failed" and "ConnectionError" in run.message
    assert len(sleeps) == FAST.max_retries


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("truncate", "malformed XML"),
        ("bad_utf8", "malformed XML"),
        ("oai_error", "badResumptionToken"),
    ],
)
def test_broken_page_fails_the_run_and_the_next_run_resumes(store, sleeps, kind, reason):
    faults, server = serve(dc_repo())
    faults.on_request(4, kind)  # Identify, page 1, page 2, then page 3 breaks
    with server as url:
        first = harvest(store, url, sleeps)
        assert first.status == "failed" and reason in first.message
        assert first.errors[-1].position.startswith("page 3")
        assert store.count_records("qg") == 18  # pages 1-2, less their two deletions
        second = harvest(store, url, sleeps)
    assert second.mode == "resume" and second.status == "succeeded", second.message
    assert second.pages == 2 and second.added == 15 and second.deleted == 0
    resumed = list_requests(faults)[3]
    assert set(resumed.args) == {"verb", "resumptionToken"}
    assert store.count_records("qg") == 33


def test_a_retry_run_in_between_does_not_stop_the_resume(store, sleeps):
    """A librarian's "retry failed records" is a run of its own; the next harvest still
    resumes the interrupted list rather than starting an incremental one."""
    faults, server = serve(dc_repo())
    faults.on_request(4, "500", times=4)  # page 3 fails for good
    with server as url:
        assert harvest(store, url, sleeps).status == "failed"
        retry = store.start_run("qg", "retry")
        store.finish_run(retry, "succeeded")
        second = harvest(store, url, sleeps)
    assert second.mode == "resume" and second.status == "succeeded", second.message
    assert store.count_records("qg") == 33


def test_expired_token_on_resume_falls_back_to_a_fresh_list(store, sleeps):
    faults, server = serve(dc_repo())
    faults.on_request(3, "500", times=4)  # page 2 fails for good
    with server as url:
        assert harvest(store, url, sleeps).status == "failed"
        faults.when(lambda env: "resumptionToken" in args_of(env), "oai_error", times=1)
        second = harvest(store, url, sleeps)
    assert second.status == "succeeded" and store.count_records("qg") == 33


@pytest.mark.parametrize("kind", ["xxe_file", "xxe_http"])
def test_external_entities_are_never_resolved_or_fetched(store, sleeps, kind):
    faults, server = serve(dc_repo())
    faults.on_request(2, kind)
    with server as url:
        run = harvest(store, url, sleeps)
    assert run.status == "failed" and "DOCTYPE" in run.message
    assert faults.canary_hits == []
    assert store.count_records("qg") == 0
    assert b"<!DOCTYPE" in run.errors[-1].raw  # the page is kept for the librarian to see


def test_no_records_is_an_empty_successful_run(store, sleeps):
    _, server = serve(dc_repo(count=0))
    with server as url:
        run = harvest(store, url, sleeps)
    assert run.status == "succeeded" and run.added == 0


def test_record_without_title_is_recorded_and_the_rest_load(store, sleeps):
    repo = dc_repo(count=12, deleted=())
    original = repo.render

    def render(item, prefix):
        element = original(item, prefix)
        if item.identifier.endswith("0007"):
            for child in list(element):
                if child.tag.endswith("title"):
                    element.remove(child)
        return element

    repo.render = render
    _, server = serve(repo)
    with server as url:
        run = harvest(store, url, sleeps)
    assert run.status == "succeeded"
    assert (run.added, run.failed) == (11, 1)
    error = run.errors[0]
    assert error.position == "page 1, record 7" and "title" in error.reason
    assert error.record_id == "oai:qg:0007" and b"Nguy" in error.raw


def test_harvests_an_independent_implementation_pyoai(store, sleeps):
    records = [
        DcRecord(
            f"oai:pyoai:{i}",
            BASE + timedelta(days=i),
            {"title": [f"Bản đồ Hà Nội {i}"], "type": ["Cartographic"]},
            sets=["maps"],
            deleted=i == 5,
        )
        for i in range(1, 11)
    ]
    with serve_wsgi(
        make_pyoai_app(records, sets=[("maps", "Bản đồ")], batch_size=3), "/oai"
    ) as url:
        source = Source(key="pyoai", name="pyoai", type="oai", url=url, metadata_prefix="oai_dc")
        store.put_source(source)
        run = harvest_source(store, source, FAST, HarvestOptions(progress=False))
    assert run.status == "succeeded", run.message
    assert run.pages >= 3 and (run.added, run.deleted) == (9, 1)
    assert store.get_record("pyoai:1").format == "map"


def test_concurrent_sources_do_not_corrupt_each_other(store, sleeps):
    servers = [serve(dc_repo(count=25 + 5 * n, deleted=())) for n in range(3)]
    with servers[0][1] as a, servers[1][1] as b, servers[2][1] as c:
        sources = [
            Source(key=f"lib{n}", name=f"L{n}", type="oai", url=u, metadata_prefix="oai_dc")
            for n, u in enumerate((a, b, c))
        ]
        for s in sources:
            store.put_source(s)
        runs = harvest_sources(store, sources, FAST, HarvestOptions(progress=False), workers=3)
    assert [r.added for r in runs] == [25, 30, 35]
    assert [store.count_records(f"lib{n}") for n in range(3)] == [25, 30, 35]


def test_holdings_name_the_library_and_every_record_is_held_somewhere(store, sleeps):
    _, server = serve(dc_repo(count=3, deleted=()))
    with server as url:
        harvest(store, url, sleeps)
    holdings = store.get_record("qg:0001").holdings
    assert [(h.library, h.status) for h in holdings] == [("Thư viện Quốc gia", "unknown")]


def test_identify_formats_and_sets_for_testing_a_source(sleeps):
    from harvesters.http import RetryPolicy
    from harvesters.oai import OaiClient, server_info

    _, server = serve(dc_repo(granularity=DAYS))
    with server as url:
        client = OaiClient(url, RetryPolicy(timeout=2))
        assert client.identify().repositoryName == "Thư viện Quốc gia"
        assert [f.metadataPrefix for f in client.metadata_formats()] == ["oai_dc"]
        assert [(s.setSpec, s.setName) for s in client.sets()] == [("books", "Sách")]
        assert server_info(client).granularity == DAYS


def test_a_set_restricts_the_harvest(store, sleeps):
    repo = dc_repo(count=10, deleted=())
    repo.items[0].sets = ["maps"]
    repo.set_names.append(("maps", "Bản đồ"))
    faults, server = serve(repo)
    with server as url:
        source = Source(
            key="qg", name="QG", type="oai", url=url, metadata_prefix="oai_dc", set="maps"
        )
        store.put_source(source)
        run = harvest_source(store, source, FAST, HarvestOptions(progress=False))
    assert run.added == 1 and list_requests(faults)[0].args["set"] == "maps"
