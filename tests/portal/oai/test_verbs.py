"""The union catalogue's OAI-PMH provider at /oai, harvested over real HTTP with sickle:
Identify, ListMetadataFormats, ListSets, and lists paged with resumption tokens.
"""

from __future__ import annotations

import pytest
import requests
from lxml import etree
from sickle import Sickle, oaiexceptions

from harvesters.oai_provider import identifier_description
from harvesters.oai_repository import DC_NS, MARC_NS, OAI_DC_NS
from portal import oai_store
from portal.oai_store import StoreRepository
from tests.support.oai_catalogue import (
    DELETED,
    DELETED_IDS,
    LATER,
    LIVE,
    NS,
    _all_ids,
    _id,
    _oai_id,
    _request,
    _token_attributes,
)

# --- the six verbs, harvested with sickle ---------------------------------------------


def test_identify(oai):
    identify = Sickle(oai.url).Identify()
    assert identify.repositoryName == "thuvien"
    assert identify.baseURL == oai.url
    assert identify.protocolVersion == "2.0"
    assert identify.adminEmail == "admin@example.org"
    assert identify.earliestDatestamp == "2024-01-01T00:00:00Z"
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    # The union catalogue described in Dublin Core; no oai-identifier description, as
    # the default namespace "thuvien" is not the domain name that schema requires.
    (description,) = _request(oai.url, verb="Identify").findall("o:Identify/o:description", NS)
    (about,) = description
    assert about.tag == f"{{{OAI_DC_NS}}}dc"
    assert about.findtext(f"{{{DC_NS}}}title") == "thuvien"
    descriptions = [d.text for d in about.findall(f"{{{DC_NS}}}description")]
    assert descriptions == [
        "Mục lục liên hợp các thư viện Hà Nội",
        "The union catalogue of Hanoi's libraries",
    ]
    home = about.findtext(f"{{{DC_NS}}}identifier")
    assert requests.get(home, timeout=10).status_code == 200


def test_identify_describes_identifiers_when_the_namespace_is_a_domain():
    repo = StoreRepository(None, None, repository_name="t", admin_emails=[],
                           namespace="thuvien.hanoi.gov.vn", may_see=lambda r: True,
                           record_url=str, home_url="https://thuvien.hanoi.gov.vn/")  # fmt: skip
    about, identifiers = repo.descriptions
    assert about.findtext(f"{{{DC_NS}}}identifier") == "https://thuvien.hanoi.gov.vn/"
    oai_id = "{http://www.openarchives.org/OAI/2.0/oai-identifier}"
    assert identifiers.tag == f"{oai_id}oai-identifier"
    assert [(etree.QName(c).localname, c.text) for c in identifiers] == [
        ("scheme", "oai"),
        ("repositoryIdentifier", "thuvien.hanoi.gov.vn"),
        ("delimiter", ":"),
        ("sampleIdentifier", "oai:thuvien.hanoi.gov.vn:thu-vien-quoc-gia:000123"),
    ]
    assert repo.record_id(identifiers[3].text) == "thu-vien-quoc-gia:000123"
    assert identifier_description("thuvien", "oai:thuvien:1") is None
    assert identifier_description("-bad.example", "oai:-bad.example:1") is None


def test_list_metadata_formats(oai):
    formats = {f.metadataPrefix: f for f in Sickle(oai.url).ListMetadataFormats()}
    assert set(formats) == {"oai_dc", "marcxml", "marc21"}
    assert formats["marcxml"].metadataNamespace == formats["marc21"].metadataNamespace == MARC_NS
    assert formats["oai_dc"].schema == "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
    for_item = Sickle(oai.url).ListMetadataFormats(identifier=_oai_id(_id(1)))
    assert {f.metadataPrefix for f in for_item} == set(formats)
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        Sickle(oai.url).ListMetadataFormats(identifier=_oai_id("thu-vien-a:nope"))


def test_list_sets_has_libraries_and_collections(oai):
    sets = {s.setSpec: s.setName for s in Sickle(oai.url).ListSets()}
    assert sets == {
        "library": "Thư viện",
        "library:thu-vien-a": "Thư viện Hà Nội",
        "library:thu-vien-b": "Thư viện Quốc gia Việt Nam",
        "collection": "Bộ sưu tập",
        "collection:sach-noi": "Sách nói",
        "collection:han-nom": "Hán Nôm",
    }


def test_list_records_pages_through_every_record_once(oai):
    before = len(oai.faults.log)
    records = list(Sickle(oai.url).ListRecords(metadataPrefix="oai_dc"))
    asked = oai.faults.log[before:]
    assert len(asked) == 3 and all("resumptionToken" in r.args for r in asked[1:])
    ids = [r.header.identifier for r in records]
    assert len(ids) == len(set(ids)) == LIVE + DELETED
    assert {r.header.identifier for r in records if r.deleted} == {_oai_id(i) for i in DELETED_IDS}
    live = {r.header.identifier: r for r in records if not r.deleted}
    assert set(live) == _all_ids(deleted=False)
    eight = live[_oai_id(_id(8))]
    assert eight.metadata["title"] == ["Sách số 8 : bản mới"]
    assert eight.header.datestamp == "2024-01-01T00:08:00Z"
    assert eight.header.setSpecs == ["library:thu-vien-a"]
    both = live[_oai_id(_id(35))].header
    assert both.datestamp == "2024-01-01T00:35:00Z"  # 00:35:00.5, to the second
    assert both.setSpecs == ["library:thu-vien-b", "collection:sach-noi", "collection:han-nom"]
    changed = live[_oai_id(_id(10))]
    assert changed.metadata["title"] == ["Sách số 10 (sửa)"]
    assert changed.header.datestamp > LATER.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_tokens_carry_a_cursor_and_the_list_size(oai):
    pages = _token_attributes(oai.url)
    assert [(p["cursor"], p["items"]) for p in pages] == [("0", 100), ("100", 100), ("200", 56)]
    harvested = list(Sickle(oai.url).ListIdentifiers(metadataPrefix="oai_dc"))
    # The size of the whole list, on every page, is what a full harvest brings.
    assert {p["completeListSize"] for p in pages} == {str(len(harvested))} == {"256"}
    records = _token_attributes(oai.url, "ListRecords", set="library:thu-vien-b")
    assert {p["completeListSize"] for p in records} == {"128"}  # sets are counted too


def test_a_list_too_long_to_count_cheaply_carries_no_size(oai, monkeypatch):
    monkeypatch.setattr(oai_store, "COUNT_LIMIT", 200)
    monkeypatch.setattr(oai_store, "COUNT_PAGE", 50)
    pages = _token_attributes(oai.url)
    assert [p.get("completeListSize") for p in pages] == [None, None, None]
    assert [p["cursor"] for p in pages] == ["0", "100", "200"]
    monkeypatch.setattr(oai_store, "COUNT_LIMIT", 300)  # enough: counted after all
    assert {p.get("completeListSize") for p in _token_attributes(oai.url)} == {"256"}


def test_post_gives_what_get_gives(oai):
    by_get = {h.identifier for h in Sickle(oai.url).ListIdentifiers(metadataPrefix="oai_dc")}
    sickle = Sickle(oai.url, http_method="POST")
    by_post = {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc")}
    assert by_get == by_post == _all_ids()
    assert oai.faults.log[-1].method == "POST"
    identify = _request(oai.url, "POST", verb="Identify")
    assert identify.findtext(".//o:repositoryName", namespaces=NS) == "thuvien"
