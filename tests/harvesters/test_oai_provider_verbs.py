"""The OAI-PMH provider's six verbs, harvested over real HTTP with sickle.

Everything goes through a socket on 127.0.0.1, as a harvester would meet it.
"""

from __future__ import annotations

import io

import pymarc
from lxml import etree
from sickle import Sickle

from harvesters.oai_provider import make_wsgi_app
from tests.support.faults import Faults
from tests.support.http import serve_wsgi
from tests.support.oai_provider import COUNT, DELETED, NS, PAGE, _get, _ident, _repository, _sets
from tests.support.oai_provider import url as url  # a fixture

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
