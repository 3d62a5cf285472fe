"""Selective harvesting from /oai (sets, from and until) and the records themselves:
GetRecord in Dublin Core and MARC, deleted records as headers.
"""

from __future__ import annotations

import pytest
from sickle import Sickle

from tests.support.oai_catalogue import (
    CHANGED_IDS,
    DELETED,
    DELETED_IDS,
    LATER,
    LIBRARIES,
    LIVE,
    NS,
    _all_ids,
    _id,
    _identifiers,
    _library,
    _oai_id,
    _request,
)


def test_sets_select_a_library_or_a_collection(oai):
    library_b = {i for i in _all_ids() if ":thu-vien-b:" in i}
    assert _identifiers(oai.url, set="library:thu-vien-b") == library_b
    assert len(library_b) == LIVE // 2 + DELETED // 2
    spoken = {_oai_id(_id(i)) for i in range(LIVE) if i % 5 == 0}
    assert _identifiers(oai.url, set="collection:sach-noi") == spoken
    han_nom = {_oai_id(_id(i)) for i in range(LIVE) if i % 7 == 0}
    assert _identifiers(oai.url, set="collection:han-nom") == han_nom
    assert _identifiers(oai.url, set="collection") == spoken | han_nom
    assert _identifiers(oai.url, set="library") == _all_ids()
    assert _identifiers(oai.url, set="library:nowhere") == set()
    assert _identifiers(oai.url, set="collection:khong-co") == set()
    records = Sickle(oai.url).ListRecords(metadataPrefix="marcxml", set="collection:han-nom")
    assert all("collection:han-nom" in r.header.setSpecs for r in records)


def test_from_and_until_select_by_change_time_inclusively(oai):
    changed = {_oai_id(i) for i in CHANGED_IDS}
    assert _identifiers(oai.url, **{"from": LATER.strftime("%Y-%m-%dT%H:%M:%SZ")}) == changed
    # Record 49 changed at 00:49:00.5: "until 00:49:00" takes it in, to the second.
    first_fifty = {_oai_id(_id(i)) for i in range(50)} - changed
    assert _identifiers(oai.url, until="2024-01-01T00:49:00Z") == first_fifty
    window = {_oai_id(_id(i)) for i in range(61, 70)}  # 60 changed later
    assert (
        _identifiers(oai.url, **{"from": "2024-01-01T01:00:00Z"}, until="2024-01-01T01:09:00Z")
        == window
    )
    same_day = _identifiers(oai.url, **{"from": "2024-01-01"}, until="2024-01-01")
    assert same_day == _all_ids() - changed


def test_get_record_as_dublin_core(oai):
    record = Sickle(oai.url).GetRecord(identifier=_oai_id(_id(5)), metadataPrefix="oai_dc")
    assert record.header.identifier == _oai_id(_id(5))
    assert record.header.setSpecs == ["library:thu-vien-b", "collection:sach-noi"]
    dc = record.metadata
    assert dc["title"] == ["Sách số 5"] and dc["creator"] == ["Nguyễn Du"]
    assert dc["publisher"] == ["Hà Nội : Nxb. Văn học"] and dc["date"] == ["1905"]
    assert dc["type"] == ["Sound", "audiobook"] and dc["relation"] == ["Sách nói"]
    assert dc["language"] == ["vie"]
    page = oai.url.removesuffix("/oai") + "/record/thu-vien-b:r005"
    assert dc["identifier"] == [page]


def test_get_record_as_marcxml_serves_marc_as_it_was_received(oai):
    root = _request(oai.url, verb="GetRecord", identifier=_oai_id(_id(3)), metadataPrefix="marcxml")
    marc = root.find(".//o:metadata/m:record", NS)
    assert marc.findtext("m:controlfield[@tag='001']", namespaces=NS) == "r003"
    assert marc.findtext("m:datafield[@tag='952']/m:subfield[@code='p']", namespaces=NS) == (
        "BARCODE-3"
    )
    iso = _request(oai.url, verb="GetRecord", identifier=_oai_id(_id(9)), metadataPrefix="marc21")
    assert iso.findtext(".//m:controlfield[@tag='001']", namespaces=NS) == "iso-9"


@pytest.mark.parametrize("prefix", ["marcxml", "marc21"])
def test_get_record_as_marcxml_is_built_for_other_records(oai, prefix):
    root = _request(oai.url, verb="GetRecord", identifier=_oai_id(_id(5)), metadataPrefix=prefix)
    marc = root.find(".//o:metadata/m:record", NS)
    assert marc.findtext("m:leader", namespaces=NS)[6] == "i"  # audiobook
    assert marc.findtext("m:controlfield[@tag='001']", namespaces=NS) == "thu-vien-b:r005"
    assert marc.findtext("m:datafield[@tag='245']/m:subfield[@code='a']", namespaces=NS) == (
        "Sách số 5"
    )
    assert marc.findtext("m:datafield[@tag='773']/m:subfield[@code='t']", namespaces=NS) == (
        "Sách nói"
    )
    copy = {s.get("code"): s.text for s in marc.findall("m:datafield[@tag='852']/m:subfield", NS)}
    assert copy == {"a": LIBRARIES[_library(5)], "h": "895.922 5", "p": "MV-5", "t": "3"}


def test_a_deleted_record_is_a_header_marked_deleted(oai):
    record = Sickle(oai.url).GetRecord(identifier=_oai_id(DELETED_IDS[0]), metadataPrefix="oai_dc")
    assert record.deleted and record.header.deleted
    root = _request(oai.url, verb="GetRecord", identifier=_oai_id(DELETED_IDS[0]),
                    metadataPrefix="marcxml")  # fmt: skip
    assert root.find(".//o:header", NS).get("status") == "deleted"
    assert root.find(".//o:metadata", NS) is None
