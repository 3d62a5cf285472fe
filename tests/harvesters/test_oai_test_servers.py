"""The OAI-PMH servers harvester tests meet: pyoai, and the fault middleware.

Everything goes through a socket on 127.0.0.1, as a harvester would meet it.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from lxml import etree
from sickle import Sickle, oaiexceptions

from harvesters.oai_provider import make_wsgi_app
from tests.support.faults import Faults, args_of
from tests.support.http import serve_wsgi
from tests.support.oai_provider import BASE, PAGE, SAFE, _repository
from tests.support.pyoai_server import DcRecord, make_pyoai_app

# --- an OAI-PMH server we did not write ----------------------------------------------


def test_sickle_harvests_the_pyoai_server_through_three_pages():
    records = [
        DcRecord(f"oai:pyoai:{i}", BASE + timedelta(days=i), {"title": [f"Bản ghi {i}"]},
                 ["even" if i % 2 == 0 else "odd"], deleted=i == 4)
        for i in range(10)
    ]  # fmt: skip
    app = Faults(make_pyoai_app(records, sets=[("even", "Even"), ("odd", "Odd")], batch_size=3))
    with serve_wsgi(app) as base:
        sickle = Sickle(base)
        harvested = list(sickle.ListRecords(metadataPrefix="oai_dc"))
        pages = len(app.log)
        assert Sickle(base).Identify().repositoryName == "pyoai test repository"
        even = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="even"))
        one = sickle.GetRecord(metadataPrefix="oai_dc", identifier="oai:pyoai:1")
        with pytest.raises(oaiexceptions.IdDoesNotExist):
            sickle.GetRecord(metadataPrefix="oai_dc", identifier="oai:pyoai:99")
    assert pages >= 3
    assert [r.header.identifier for r in harvested] == [f"oai:pyoai:{i}" for i in range(10)]
    assert [r.deleted for r in harvested].count(True) == 1
    assert harvested[0].metadata["title"] == ["Bản ghi 0"]
    assert len(even) == 5 and one.metadata["title"] == ["Bản ghi 1"]


# --- the fault middleware, over real HTTP --------------------------------------------


@pytest.fixture
def faulty():
    faults = Faults(make_wsgi_app(_repository(), page_size=PAGE))
    with serve_wsgi(faults) as base:
        yield faults, base
        faults.release()


IDENTIFY = {"verb": "Identify"}
RECORDS = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}


def test_fault_503_with_retry_after_then_ok(faulty):
    faults, base = faulty
    faults.on_request(1, "503", times=2, retry_after=0)
    first = requests.get(base, params=IDENTIFY, timeout=5)
    assert first.status_code == 503 and first.headers["Retry-After"] == "0"
    assert Sickle(base, max_retries=3).Identify().repositoryName == "Thư viện Hà Nội"
    assert [r.fault for r in faults.log] == ["503", "503", None]


def test_fault_500(faulty):
    faults, base = faulty
    faults.when(lambda env: True, "500", times=None)
    assert [requests.get(base, params=IDENTIFY, timeout=5).status_code for _ in "ab"] == [500] * 2


def test_fault_hang_times_out_client_and_not_the_server(faulty):
    faults, base = faulty
    faults.on_request(1, "hang", seconds=10)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get(base, params=IDENTIFY, timeout=0.3)
    assert requests.get(base, params=IDENTIFY, timeout=5).status_code == 200  # not blocked
    assert time.monotonic() - started < 5


def test_hanging_handler_does_not_hang_shutdown():
    faults = Faults(make_wsgi_app(_repository()))
    faults.on_request(1, "hang", seconds=30)

    def call(base: str) -> None:
        with pytest.raises(requests.Timeout):
            requests.get(base, params=IDENTIFY, timeout=0.5)

    with serve_wsgi(faults) as base:
        caller = threading.Thread(target=call, args=(base,), daemon=True)
        caller.start()
        time.sleep(0.2)
        started = time.monotonic()
    assert time.monotonic() - started < 3
    caller.join(timeout=2)
    faults.release()


def test_fault_redirect_loop(faulty):
    faults, base = faulty
    faults.on_request(1, "redirect_loop")
    with pytest.raises(requests.TooManyRedirects):
        requests.get(base, params=IDENTIFY, timeout=5)
    assert len(faults.log) == 1  # the loop itself is not numbered


def test_fault_truncated_page(faulty):
    faults, base = faulty
    faults.on_request(1, "truncate")
    body = requests.get(base, params=RECORDS, timeout=5).content
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(body, SAFE)


def test_fault_invalid_utf8(faulty):
    faults, base = faulty
    faults.on_request(1, "bad_utf8")
    body = requests.get(base, params=RECORDS, timeout=5).content
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(body, SAFE)


def test_fault_oai_error_on_page_three(faulty):
    faults, base = faulty
    faults.on_request(3, "oai_error", code="badResumptionToken")
    harvested = []
    with pytest.raises(oaiexceptions.BadResumptionToken):
        for record in Sickle(base).ListRecords(metadataPrefix="oai_dc"):
            harvested.append(record)
    assert len(harvested) == 2 * PAGE
    assert "resumptionToken" in faults.log[2].args


def test_fault_when_predicate_and_post_args_are_logged(faulty):
    faults, base = faulty
    faults.when(lambda env: "resumptionToken" in args_of(env), "oai_error", code="badArgument")
    with pytest.raises(oaiexceptions.BadArgument):
        list(Sickle(base, http_method="POST").ListRecords(metadataPrefix="oai_dc"))
    assert [(r.method, r.fault) for r in faults.log] == [("POST", None), ("POST", "oai_error")]
    assert faults.log[0].args == RECORDS


def test_fault_external_file_entity(faulty):
    faults, base = faulty
    faults.on_request(1, "xxe_file")
    body = requests.get(base, params=RECORDS, timeout=5).content
    assert b'SYSTEM "file:///etc/passwd"' in body and b"&xxe;" in body
    safe = etree.tostring(etree.fromstring(body, SAFE))
    assert b"root:" not in safe
    if Path("/etc/passwd").exists():  # prove the page is really hostile
        unsafe = etree.XMLParser(resolve_entities=True, no_network=True)
        assert b"root:" in etree.tostring(etree.fromstring(body, unsafe))


def test_fault_external_http_entity_and_canary(faulty):
    faults, base = faulty
    faults.on_request(1, "xxe_http")
    body = requests.get(base, params=RECORDS, timeout=5).content
    canary = base + "/_faults/canary"
    assert f'SYSTEM "{canary}/entity"'.encode() in body
    etree.fromstring(body, SAFE)
    assert faults.canary_hits == []  # a safe parser never fetches it
    assert requests.get(canary + "/entity", timeout=5).status_code == 200
    assert faults.canary_hits == ["/_faults/canary/entity"]
    assert len(faults.log) == 1


def test_fault_exact_body(faulty):
    faults, base = faulty
    faults.on_request(1, "body", body=b"<not-oai/>")
    assert requests.get(base, params=IDENTIFY, timeout=5).content == b"<not-oai/>"
    with pytest.raises(ValueError, match="unknown fault kind"):
        faults.on_request(2, "explode")


def test_concurrent_requests_are_served(faulty):
    faults, base = faulty
    results: list[int] = []

    def fetch() -> None:
        results.append(requests.get(base, params=RECORDS, timeout=10).status_code)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 8 and len(faults.log) == 8
