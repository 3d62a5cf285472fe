"""The OAI-PMH provider, harvested over real HTTP with sickle; the pyoai server; the faults.

Everything goes through a socket on 127.0.0.1, as a harvester would meet it.
"""

from __future__ import annotations

import io
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymarc
import pytest
import requests
from lxml import etree
from sickle import Sickle, oaiexceptions

from harvesters.oai_provider import make_wsgi_app, respond
from harvesters.oai_repository import (
    DAYS,
    MARC21,
    MODS,
    MODS_NS,
    OAI_DC,
    MemoryRepository,
    OaiItem,
    dc_element,
    marcxml_element,
    mods_element,
)
from tests.support.faults import Faults, args_of
from tests.support.http import serve_wsgi
from tests.support.pyoai_server import DcRecord, make_pyoai_app

NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
BASE = datetime(2024, 3, 1, tzinfo=UTC)
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
COUNT, PAGE = 25, 10
DELETED = {3, 17}


def _ident(i: int) -> str:
    return f"oai:thu-vien-ha-noi:{i:06d}"


def _sets(i: int) -> list[str]:
    return ["maps"] if i % 5 == 4 else ["books:vie"] if i % 2 == 0 else ["books"]


def _render(item: OaiItem, prefix: str) -> etree._Element | None:
    i = int(item.identifier.rsplit(":", 1)[1])
    if prefix == "oai_dc":
        return dc_element({"title": [f"Sách số {i}"], "language": ["vie"]})
    if "maps" in item.sets:
        return None  # maps have no MARC record: cannotDisseminateFormat
    record = pymarc.Record()
    record.add_field(pymarc.Field(tag="001", data=str(i)))
    title = pymarc.Subfield(code="a", value=f"Sách số {i}")
    record.add_field(pymarc.Field(tag="245", indicators=["0", "0"], subfields=[title]))
    return marcxml_element(record)


def _repository(**overrides) -> MemoryRepository:
    items = [
        OaiItem(_ident(i), BASE + timedelta(hours=i), i in DELETED, _sets(i)) for i in range(COUNT)
    ]
    options = dict(
        formats=[OAI_DC, MARC21],
        set_names=[("books", "Sách"), ("books:vie", "Sách tiếng Việt"), ("maps", "Bản đồ")],
    )
    return MemoryRepository("Thư viện Hà Nội", items, _render, **{**options, **overrides})


@pytest.fixture(scope="module")
def url():
    with serve_wsgi(make_wsgi_app(_repository(), page_size=PAGE), "/oai") as base:
        yield base


def _get(url: str, params) -> etree._Element:
    response = requests.get(url, params=params, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(response.content, SAFE)
    _check_shape(root)
    return root


def _check_shape(root: etree._Element) -> None:
    """The OAI-PMH.xsd envelope: responseDate, request, then errors or the verb's element."""
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/}OAI-PMH"
    location = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert location.split() == [NS["o"], "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"]
    names = [etree.QName(child).localname for child in root]
    assert names[:2] == ["responseDate", "request"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root[0].text)
    rest = names[2:]
    assert set(rest) == {"error"} or rest == [root[1].get("verb")]


def _error_codes(root: etree._Element) -> list[str]:
    return [e.get("code") for e in root.findall("o:error", NS)]


# --- the six verbs, harvested with sickle -------------------------------------------


def test_identify(url):
    identify = Sickle(url).Identify()
    assert identify.repositoryName == "Thư viện Hà Nội"
    assert identify.baseURL == url
    assert identify.protocolVersion == "2.0"
    assert identify.earliestDatestamp == "2024-03-01T00:00:00Z"
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.adminEmail == "admin@example.org"


def test_list_metadata_formats(url):
    formats = {f.metadataPrefix: f for f in Sickle(url).ListMetadataFormats()}
    assert set(formats) == {"oai_dc", "marc21"}
    assert formats["marc21"].metadataNamespace == "http://www.loc.gov/MARC21/slim"
    for_item = Sickle(url).ListMetadataFormats(identifier=_ident(1))
    assert {f.metadataPrefix for f in for_item} == {"oai_dc", "marc21"}


def test_list_sets(url):
    sets = {s.setSpec: s.setName for s in Sickle(url).ListSets()}
    assert sets == {"books": "Sách", "books:vie": "Sách tiếng Việt", "maps": "Bản đồ"}


def test_list_sets_pages_with_tokens():
    with serve_wsgi(make_wsgi_app(_repository(), page_size=1)) as base:
        assert [s.setSpec for s in Sickle(base).ListSets()] == ["books", "books:vie", "maps"]


def test_list_records_walks_three_pages_of_tokens():
    faults = Faults(make_wsgi_app(_repository(), page_size=PAGE))
    with serve_wsgi(faults) as base:
        records = list(Sickle(base).ListRecords(metadataPrefix="oai_dc"))
    assert [r.header.identifier for r in records] == [_ident(i) for i in range(COUNT)]
    assert len(faults.log) == 3
    assert "resumptionToken" in faults.log[2].args
    assert records[1].metadata["title"] == ["Sách số 1"]


def test_resumption_token_attributes(url):
    first = _get(url, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    token = first.find(".//o:resumptionToken", NS)
    assert (token.get("completeListSize"), token.get("cursor")) == ("25", "0")
    assert len(first.findall(".//o:header", NS)) == PAGE
    second = _get(url, {"verb": "ListIdentifiers", "resumptionToken": token.text})
    token = second.find(".//o:resumptionToken", NS)
    assert (token.get("completeListSize"), token.get("cursor")) == ("25", "10")
    first_token = first.find(".//o:resumptionToken", NS).text
    assert second[1].attrib == {"verb": "ListIdentifiers", "resumptionToken": first_token}
    last = _get(url, {"verb": "ListIdentifiers", "resumptionToken": token.text})
    token = last.find(".//o:resumptionToken", NS)
    assert token.text is None and token.get("cursor") == "20"
    assert len(last.findall(".//o:header", NS)) == 5


def test_single_page_list_has_no_token(url):
    root = _get(url, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "maps"})
    assert root.find(".//o:resumptionToken", NS) is None


def test_from_until_seconds_and_days(url):
    sickle = Sickle(url)
    found = sickle.ListIdentifiers(
        metadataPrefix="oai_dc", **{"from": "2024-03-01T05:00:00Z", "until": "2024-03-01T07:00:00Z"}
    )
    assert [h.identifier for h in found] == [_ident(5), _ident(6), _ident(7)]
    whole_day = sickle.ListIdentifiers(metadataPrefix="oai_dc", until="2024-03-01")
    assert len(list(whole_day)) == 24  # until a day includes all of that day
    next_day = sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2024-03-02"})
    assert [h.identifier for h in next_day] == [_ident(24)]


def test_sets_are_hierarchical(url):
    sickle = Sickle(url)
    books = {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="books")}
    assert books == {_ident(i) for i in range(COUNT) if "maps" not in _sets(i)}
    vie = [h.setSpecs for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="books:vie")]
    assert vie and all(specs == ["books:vie"] for specs in vie)


def test_deleted_records_are_headers_only(url):
    records = {r.header.identifier: r for r in Sickle(url).ListRecords(metadataPrefix="oai_dc")}
    assert {i for i, r in records.items() if r.deleted} == {_ident(i) for i in DELETED}
    root = _get(url, {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": _ident(3)})
    assert root.find(".//o:header", NS).get("status") == "deleted"
    assert root.find(".//o:metadata", NS) is None


def test_get_record_in_both_formats(url):
    sickle = Sickle(url)
    record = sickle.GetRecord(metadataPrefix="oai_dc", identifier=_ident(2))
    assert record.metadata == {"title": ["Sách số 2"], "language": ["vie"]}
    marc = sickle.GetRecord(metadataPrefix="marc21", identifier=_ident(2))
    parsed = pymarc.parse_xml_to_array(io.BytesIO(etree.tostring(marc.xml.find(".//{*}record"))))
    assert parsed[0]["245"]["a"] == "Sách số 2"


def test_list_records_skips_items_without_the_format(url):
    records = list(Sickle(url).ListRecords(metadataPrefix="marc21"))
    identifiers = {r.header.identifier for r in records}
    assert _ident(4) not in identifiers and _ident(1) in identifiers


def test_post_is_answered_like_get(url):
    records = list(Sickle(url, http_method="POST").ListRecords(metadataPrefix="oai_dc"))
    assert len(records) == COUNT


# --- every error code ----------------------------------------------------------------

ERRORS = [
    ({}, "badVerb"),
    ({"verb": "Dance"}, "badVerb"),
    ([("verb", "Identify"), ("verb", "Identify")], "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "GetRecord", "identifier": _ident(1)}, "badArgument"),
    ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "oai_dc")],
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-03-01T00:00:00"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-02-30"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-03-01",
      "until": "2024-03-02T00:00:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-03-02",
      "until": "2024-03-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "bad set"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "a\x01b"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "garbage"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": _ident(4)},
     "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:x:nope"},
     "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": "oai:x:nope"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "music"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2030-01-01"}, "noRecordsMatch"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "code"), ERRORS)
def test_error_codes(url, params, code):
    root = _get(url, params)
    assert _error_codes(root) == [code]
    request = root.find("o:request", NS)
    assert request.text == url
    if code in ("badVerb", "badArgument"):
        assert request.attrib == {}  # spec 3.2: no attributes echoed for these
    else:
        assert request.get("verb") == dict(params)["verb"]


def test_no_set_hierarchy_and_no_metadata_formats():
    class NoFormatsFor1(MemoryRepository):
        def metadata_formats(self, identifier=None):
            return [] if identifier == _ident(1) else super().metadata_formats(identifier)

    repository = NoFormatsFor1("Plain", _repository().items, _render)  # no sets
    with serve_wsgi(make_wsgi_app(repository)) as base:
        assert _error_codes(_get(base, {"verb": "ListSets"})) == ["noSetHierarchy"]
        root = _get(base, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "a"})
        assert _error_codes(root) == ["noSetHierarchy"]
        root = _get(base, {"verb": "ListIdentifiers", "metadataPrefix": "x", "set": "a"})
        assert _error_codes(root) == ["cannotDisseminateFormat", "noSetHierarchy"]
        root = _get(base, {"verb": "ListMetadataFormats", "identifier": _ident(1)})
        assert _error_codes(root) == ["noMetadataFormats"]
        with pytest.raises(oaiexceptions.NoSetHierarchy):
            Sickle(base).ListSets()


def test_tampered_token_is_bad_resumption_token(url):
    first = _get(url, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    token = first.find(".//o:resumptionToken", NS).text
    payload, mac = token.split(".")
    swapped = "A" if payload[5] != "A" else "B"
    for bad in (payload[:5] + swapped + payload[6:] + "." + mac, token + "x", token[:-3]):
        root = _get(url, {"verb": "ListRecords", "resumptionToken": bad})
        assert _error_codes(root) == ["badResumptionToken"]
    other_verb = _get(url, {"verb": "ListIdentifiers", "resumptionToken": token})
    assert _error_codes(other_verb) == ["badResumptionToken"]
    with pytest.raises(oaiexceptions.BadResumptionToken):
        list(Sickle(url).ListRecords(resumptionToken=token[:-2]))


def test_token_from_another_secret_is_rejected():
    repository, now = _repository(), datetime.now(UTC)
    first = etree.fromstring(
        respond(repository, {"verb": "ListSets"}, "http://x", now, page_size=1, secret=b"a")
    )
    token = first.find(".//o:resumptionToken", NS).text
    args = {"verb": "ListSets", "resumptionToken": token}
    same = etree.fromstring(respond(repository, args, "http://x", now, page_size=1, secret=b"a"))
    other = etree.fromstring(respond(repository, args, "http://x", now, page_size=1, secret=b"b"))
    assert _error_codes(same) == [] and _error_codes(other) == ["badResumptionToken"]


def test_day_granularity_repository():
    repository = _repository(granularity=DAYS)
    with serve_wsgi(make_wsgi_app(repository)) as base:
        assert Sickle(base).Identify().earliestDatestamp == "2024-03-01"
        header = next(iter(Sickle(base).ListIdentifiers(metadataPrefix="oai_dc")))
        assert header.datestamp == "2024-03-01"
        root = _get(base, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc",
                           "from": "2024-03-01T00:00:00Z"})  # fmt: skip
        assert _error_codes(root) == ["badArgument"]


def test_list_continues_correctly_when_items_change_mid_harvest():
    repository, now = _repository(), datetime.now(UTC)
    args = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    first = etree.fromstring(respond(repository, args, "http://x", now, page_size=PAGE))
    seen = [h.text for h in first.iterfind(".//o:identifier", NS)]
    token = first.find(".//o:resumptionToken", NS).text
    repository.items[2].datestamp = now + timedelta(seconds=5)  # moves behind the frozen list
    repository.items.pop(5)  # vanishes (no deletion tracking)
    while token:
        args = {"verb": "ListIdentifiers", "resumptionToken": token}
        page = etree.fromstring(respond(repository, args, "http://x", now, page_size=PAGE))
        seen += [h.text for h in page.iterfind(".//o:identifier", NS)]
        token = page.find(".//o:resumptionToken", NS).text
    assert seen == [_ident(i) for i in range(COUNT)]  # nothing skipped, nothing twice


def test_bad_http_input():
    with serve_wsgi(make_wsgi_app(_repository())) as base:
        response = requests.get(base + "?verb=Identify&x=%ff", timeout=5)
        assert _error_codes(etree.fromstring(response.content, SAFE)) == ["badArgument"]
        assert requests.put(base, timeout=5).status_code == 405
        head = requests.head(base + "?verb=Identify", timeout=5)
        assert head.status_code == 200 and head.content == b""
        form = requests.post(base, data="verb=Identify", timeout=5,
                             headers={"Content-Type": "text/plain"})  # fmt: skip
        assert _error_codes(etree.fromstring(form.content, SAFE)) == ["badVerb"]


def test_metadata_helpers():
    with pytest.raises(ValueError, match="not Dublin Core"):
        dc_element({"author": ["x"]})
    dc = dc_element({"title": ["Hà Nội\x1b xưa", ""], "creator": ["Nam Cao"]})
    assert [e.text for e in dc] == ["Hà Nội xưa", "Nam Cao"]  # control chars dropped
    record = pymarc.Record()
    record.add_field(pymarc.Field(tag="001", data="42"))
    subfield = pymarc.Subfield(code="a", value="Truyện\x1f Kiều")
    record.add_field(pymarc.Field(tag="245", indicators=["1", " "], subfields=[subfield]))
    element = marcxml_element(record)
    back = pymarc.parse_xml_to_array(io.BytesIO(etree.tostring(element)))[0]
    assert back["001"].data == "42" and back["245"]["a"] == "Truyện Kiều"
    assert back["245"].indicator1 == "1"


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


def test_mods_is_disseminated_as_written_and_checked():
    """A repository serving its own MODS export: the format is advertised with its
    schema, GetRecord carries the record unchanged, and non-MODS XML is refused."""
    xml = (
        '<mods xmlns="http://www.loc.gov/mods/v3" version="3.8">'
        "<titleInfo><title>Hà Nội băm sáu phố phường</title></titleInfo></mods>"
    ).encode()
    item = OaiItem("oai:hn:1", BASE)
    repo = MemoryRepository("Thư viện Hà Nội", [item], lambda i, p: mods_element(xml), [MODS])
    with serve_wsgi(make_wsgi_app(repo), "/oai") as url:
        sickle = Sickle(url)
        (fmt,) = list(sickle.ListMetadataFormats())
        record = sickle.GetRecord(identifier="oai:hn:1", metadataPrefix="mods")
    assert (fmt.metadataPrefix, fmt.metadataNamespace) == ("mods", MODS_NS)
    assert fmt.schema.endswith("/mods/v3/mods-3-8.xsd")
    mods = record.xml.find(".//{http://www.loc.gov/mods/v3}mods")
    assert mods.get("version") == "3.8"
    assert (
        mods.findtext(f"{{{MODS_NS}}}titleInfo/{{{MODS_NS}}}title") == "Hà Nội băm sáu phố phường"
    )
    with pytest.raises(ValueError, match="not a MODS record"):
        mods_element(b'<dc xmlns="http://purl.org/dc/elements/1.1/"/>')
