"""The union catalogue's OAI-PMH provider at /oai, harvested over real HTTP: with sickle,
with raw requests for the protocol's errors, and with thuvien's own OAI harvester.

The catalogue: 250 live records in two libraries and two collections (needing three
pages of 100), six deleted ones, change times we set, and ten records changed later.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pymarc
import pytest
import requests
from lxml import etree
from sickle import Sickle, oaiexceptions
from sqlalchemy import update

from catalogue import Holding, Record
from catalogue.runs import HarvestedItem
from catalogue.settings import HarvestSettings, Settings
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.tables import RecordRow
from harvesters.oai_provider import identifier_description, respond
from harvesters.oai_repository import (
    DC_NS,
    MARC_NS,
    OAI_DC,
    OAI_DC_NS,
    SECONDS,
    OaiItem,
    dc_element,
    marcxml_element,
)
from harvesters.runner import HarvestOptions, harvest_source
from indexer import TantivyIndex
from portal import access, oai_store
from portal.app import create_app
from portal.oai import PAGE_SIZE_CONFIG
from portal.oai_metadata import record_dc
from portal.oai_store import StoreRepository, collection_slug
from tests.support.faults import Faults
from tests.support.http import serve_wsgi

NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "m": MARC_NS,
}
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
BASE = datetime(2024, 1, 1, tzinfo=UTC)
LATER = BASE + timedelta(days=30)  # every record changed after this was changed by the test
LIBRARIES = {"thu-vien-a": "Thư viện Hà Nội", "thu-vien-b": "Thư viện Quốc gia Việt Nam"}
LIVE, DELETED = 250, 6
FAST = HarvestSettings(timeout=5.0, max_retries=1, backoff=0.01, max_retry_after=0.05)


def _library(i: int) -> str:
    return "thu-vien-a" if i % 2 == 0 else "thu-vien-b"


def _id(i: int) -> str:
    return f"{_library(i)}:r{i:03d}"


def _collections(i: int) -> list[str]:
    return (["Sách nói"] if i % 5 == 0 else []) + (["Hán Nôm"] if i % 7 == 0 else [])


def _record(i: int, title: str = "") -> Record:
    return Record(
        _library(i),
        f"r{i:03d}",
        title=title or f"Sách số {i}",
        subtitle="bản mới" if i % 4 == 0 else "",
        authors=["Nguyễn Du"],
        languages=["vie"],
        year=1900 + i,
        publisher="Nxb. Văn học",
        place="Hà Nội",
        subjects=["Văn học Việt Nam"],
        collections=_collections(i),
        format="audiobook" if i % 5 == 0 else "book",
        holdings=[
            Holding(
                library=LIBRARIES[_library(i)],
                call_number=f"895.922 {i}",
                barcode=f"MV-{i}",
                copy_number=str(i % 3 + 1),
            )
        ],
    )


def _marc_raw(i: int) -> bytes:
    """Record i as a MARC library's OAI endpoint sent it: an OAI <record> holding MARCXML."""
    marc = pymarc.Record()
    marc.add_field(pymarc.Field(tag="001", data=f"r{i:03d}"))
    title = pymarc.Subfield("a", f"Sách số {i}")
    marc.add_field(pymarc.Field("245", pymarc.Indicators("0", "0"), [title]))
    item = [pymarc.Subfield("o", f"895.922 {i}"), pymarc.Subfield("p", f"BARCODE-{i}")]
    marc.add_field(pymarc.Field("952", pymarc.Indicators(" ", " "), item))
    record = etree.Element(f"{{{NS['o']}}}record", nsmap={None: NS["o"]})
    header = etree.SubElement(record, f"{{{NS['o']}}}header")
    etree.SubElement(header, f"{{{NS['o']}}}identifier").text = f"oai:lib:r{i:03d}"
    etree.SubElement(record, f"{{{NS['o']}}}metadata").append(marcxml_element(marc))
    return etree.tostring(record, encoding="utf-8")


def _item(i: int, title: str = "") -> HarvestedItem:
    if i % 10 == 3:  # harvested as MARC
        return HarvestedItem(f"r{i:03d}", _marc_raw(i), "marcxml", _record(i, title))
    if i % 10 == 9:  # read from an ISO 2709 file
        marc = pymarc.Record(force_utf8=True)
        marc.add_field(pymarc.Field(tag="001", data=f"iso-{i}"))
        marc.add_field(
            pymarc.Field("245", pymarc.Indicators("0", "0"), [pymarc.Subfield("a", "T")])
        )
        return HarvestedItem(f"r{i:03d}", marc.as_marc(), "marc21", _record(i, title))
    return HarvestedItem(f"r{i:03d}", b"<oai_dc/>", "oai_dc", _record(i, title))


DELETED_IDS = [f"{_library(i)}:r{i:03d}" for i in range(LIVE, LIVE + DELETED)]
CHANGED_NUMBERS = (10, 20, 30, 40, 50, 60, 70, 80, 91, 93)  # in both libraries
CHANGED_IDS = [_id(i) for i in CHANGED_NUMBERS]
LIVE_IDS = [_id(i) for i in range(LIVE)]


def _stamp(i: int) -> datetime:
    """The change time we give record i: a minute apart from BASE, half a second past."""
    return BASE + timedelta(minutes=i, milliseconds=500 if i % 2 else 0)


def _fill(store: Store) -> None:
    for key, name in LIBRARIES.items():
        store.put_source(Source(key=key, name=name, type="oai", url="http://127.0.0.1:1/oai"))
        run = store.start_run(key, "full")
        items = [_item(i) for i in range(LIVE) if _library(i) == key]
        gone = [i for i in range(LIVE, LIVE + DELETED) if _library(i) == key]
        items += [HarvestedItem(f"r{i:03d}", b"", "oai_dc", None, deleted=True) for i in gone]
        store.save_items(run, key, items)
        store.finish_run(run, "succeeded")
    with store.session() as s:
        for i in range(LIVE + DELETED):
            row_id = _id(i)
            s.execute(update(RecordRow).where(RecordRow.id == row_id).values(updated_at=_stamp(i)))
    # Ten records change now, long after every stamp above.
    for key in LIBRARIES:
        run = store.start_run(key, "incremental")
        changed = [_item(i, f"Sách số {i} (sửa)") for i in CHANGED_NUMBERS if _library(i) == key]
        assert store.save_items(run, key, changed).updated == len(changed)
        store.finish_run(run, "succeeded")


@dataclass
class Endpoint:
    url: str
    store: Store
    faults: Faults


def _serve(tmp: Path) -> Iterator[Endpoint]:
    """The portal over a filled catalogue, on a real HTTP server, requests logged."""
    settings = Settings(data_dir=tmp, secret_key="a-test-secret-of-enough-length")
    store = Store(settings.db_url)
    _fill(store)
    app = create_app(settings, store=store, index=TantivyIndex(settings.index_dir))
    app.config[PAGE_SIZE_CONFIG] = 100
    faults = Faults(app)
    try:
        with serve_wsgi(faults, "/oai") as url:
            yield Endpoint(url, store, faults)
    finally:
        store.close()


@pytest.fixture(scope="module")
def oai(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    yield from _serve(tmp_path_factory.mktemp("oai"))


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Endpoint]:
    """A catalogue of its own, for tests that change it."""
    yield from _serve(tmp_path / "portal")


def _oai_id(record_id: str) -> str:
    return f"oai:thuvien:{record_id}"


def _request(url: str, method: str = "GET", **params: str) -> etree._Element:
    if method == "POST":
        response = requests.post(url, data=params, timeout=10)
    else:
        response = requests.get(url, params=params, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(response.content, SAFE)
    assert root.tag == f"{{{NS['o']}}}OAI-PMH"
    names = [etree.QName(child).localname for child in root]
    assert names[:2] == ["responseDate", "request"] and root[1].text == url
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root[0].text)
    assert set(names[2:]) == {"error"} or names[2:] == [root[1].get("verb")]
    return root


def _errors(root: etree._Element) -> list[str]:
    return [e.get("code") for e in root.findall("o:error", NS)]


def _identifiers(url: str, **params: str) -> set[str]:
    """Every identifier ListIdentifiers gives, deleted ones included; none for noRecordsMatch."""
    try:
        headers = list(Sickle(url).ListIdentifiers(metadataPrefix="oai_dc", **params))
    except oaiexceptions.NoRecordsMatch:
        return set()
    found = [h.identifier for h in headers]
    assert len(found) == len(set(found)), "an identifier came twice"
    return set(found)


def _all_ids(*, deleted: bool = True) -> set[str]:
    return {_oai_id(i) for i in LIVE_IDS + (DELETED_IDS if deleted else [])}


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


def _token_attributes(url: str, verb: str = "ListIdentifiers", **params: str) -> list[dict]:
    """Each page's resumptionToken attributes, following the list to its end."""
    found, params = [], {"verb": verb, "metadataPrefix": "oai_dc", **params}
    while True:
        root = _request(url, **params)
        token = root.find(f"o:{verb}/o:resumptionToken", NS)
        found.append(dict(token.attrib, items=len(root.findall(".//o:header", NS))))
        if not token.text:
            return found
        params = {"verb": verb, "resumptionToken": token.text}


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


# --- errors ----------------------------------------------------------------------------

LISTING = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"verb": "Nope"}, "badVerb"),
        ({}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({**LISTING, "from": "yesterday"}, "badArgument"),
        ({**LISTING, "from": "2024-01-02", "until": "2024-01-01"}, "badArgument"),
        ({**LISTING, "from": "2024-01-01", "until": "2024-01-02T00:00:00Z"}, "badArgument"),
        ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({**LISTING, "set": "not a set"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "mods", "identifier": _oai_id(_id(1))},
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": _oai_id("a:nope")},
            "idDoesNotExist",
        ),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": _id(1)}, "idDoesNotExist"),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:other:" + _id(1)},
            "idDoesNotExist",
        ),
        ({"verb": "ListRecords", "resumptionToken": "garbage"}, "badResumptionToken"),
        ({**LISTING, "resumptionToken": "x"}, "badArgument"),
        ({**LISTING, "from": "2099-01-01"}, "noRecordsMatch"),
        ({**LISTING, "until": "2023-12-31T23:59:59Z"}, "noRecordsMatch"),
        ({**LISTING, "set": "library:nowhere"}, "noRecordsMatch"),
    ],
)
def test_protocol_errors(oai, params, code, method):
    assert _errors(_request(oai.url, method, **params)) == [code]


def _first_token(url: str, verb: str = "ListIdentifiers") -> str:
    root = _request(url, verb=verb, metadataPrefix="oai_dc")
    return root.find(".//o:resumptionToken", NS).text


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def test_tampered_or_misused_tokens_are_refused(oai):
    token = _first_token(oai.url)
    payload, mac = token.split(".")
    state = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    for forged in (
        _b64(state.replace(b'"n":100', b'"n":0')) + "." + mac,  # changed state, old signature
        payload + "." + _b64(b"\x00" * 12),  # a made-up signature
        payload[:-2] + "." + mac,
        "",
    ):
        root = _request(oai.url, verb="ListIdentifiers", resumptionToken=forged)
        assert _errors(root) == (["badArgument"] if not forged else ["badResumptionToken"])
    root = _request(oai.url, verb="ListRecords", resumptionToken=token)  # another verb's token
    assert _errors(root) == ["badResumptionToken"]
    assert _errors(_request(oai.url, verb="ListIdentifiers", resumptionToken=token)) == []


# --- access ----------------------------------------------------------------------------


def test_hidden_records_behave_as_if_they_did_not_exist(oai, monkeypatch):
    hidden = {_id(i) for i in range(LIVE) if i % 7 == 0} | {_id(11), DELETED_IDS[1]}
    monkeypatch.setattr(access, "may_publish_record", lambda record: record.id not in hidden)
    visible = _all_ids() - {_oai_id(i) for i in hidden}
    before = len(oai.faults.log)
    records = list(Sickle(oai.url).ListRecords(metadataPrefix="oai_dc"))
    ids = [r.header.identifier for r in records]
    assert len(ids) == len(set(ids)) and set(ids) == visible
    assert len(oai.faults.log) - before == 3  # 219 records: pages of up to 100 go on
    # The list's size counts what the requester may see, never a hidden record.
    assert {p["completeListSize"] for p in _token_attributes(oai.url)} == {str(len(visible))}
    assert _identifiers(oai.url, set="library:thu-vien-b") == {
        i for i in visible if ":thu-vien-b:" in i
    }
    for record_id in (_id(11), _id(14), DELETED_IDS[1]):
        for verb, extra in (("GetRecord", {"metadataPrefix": "oai_dc"}),
                            ("ListMetadataFormats", {})):  # fmt: skip
            root = _request(oai.url, verb=verb, identifier=_oai_id(record_id), **extra)
            assert _errors(root) == ["idDoesNotExist"]
    # Every Hán Nôm record is hidden, so the collection is not there either.
    sets = {s.setSpec for s in Sickle(oai.url).ListSets()}
    assert "collection:han-nom" not in sets and "collection:sach-noi" in sets
    assert _errors(_request(oai.url, **LISTING, set="collection:han-nom")) == ["noRecordsMatch"]


# --- harvested by thuvien itself ------------------------------------------------------


def _harvest(store: Store, url: str, key: str, prefix: str = "oai_dc", full: bool = False):
    source = Source(key=key, name="thuvien", type="oai", url=url, metadata_prefix=prefix)
    store.put_source(source)
    options = HarvestOptions(full=full, progress=False, sleep=lambda _seconds: None)
    return harvest_source(store, source, FAST, options)


def test_thuvien_harvests_its_own_feed(oai, tmp_path):
    union = Store(f"sqlite:///{tmp_path / 'union.sqlite'}")
    try:
        for key, prefix in (("union-dc", "oai_dc"), ("union-marc", "marcxml")):
            run = _harvest(union, oai.url, key, prefix)
            assert run.status == "succeeded", run.message
            assert (run.added, run.deleted, run.failed, run.pages) == (LIVE, DELETED, 0, 3)
            assert union.count_records(key) == oai.store.count_records() == LIVE
            assert union.count_records(key, deleted=True) == DELETED
        copy = union.get_record("union-dc:thu-vien-a:r008")
        assert (copy.title, copy.subtitle, copy.authors) == ("Sách số 8", "bản mới", ["Nguyễn Du"])
        assert (copy.publisher, copy.place, copy.year) == ("Nxb. Văn học", "Hà Nội", 1908)
        spoken = union.get_record("union-marc:thu-vien-b:r035")
        assert spoken.format == "audiobook"
        assert spoken.collections == ["Sách nói", "Hán Nôm"]
        assert union.get_record("union-dc:thu-vien-b:r035").format == "audiobook"
    finally:
        union.close()


def test_incremental_harvests_of_the_feed_bring_just_the_changes(fresh, tmp_path):
    union = Store(f"sqlite:///{tmp_path / 'union.sqlite'}")
    try:
        first = _harvest(union, fresh.url, "union")
        assert (first.status, first.added, first.deleted) == ("succeeded", LIVE, DELETED)
        again = _harvest(union, fresh.url, "union")
        assert again.mode == "incremental" and (again.added, again.updated, again.deleted) == (
            0,
            0,
            0,
        )
        run = fresh.store.start_run("thu-vien-a", "incremental")
        gone = HarvestedItem("r004", b"", "oai_dc", None, deleted=True)
        fresh.store.save_items(run, "thu-vien-a", [_item(2, "Sách số 2 (bản sửa)"), gone])
        third = _harvest(union, fresh.url, "union")
        assert (third.added, third.updated, third.deleted) == (0, 1, 1)
        assert union.get_record("union:thu-vien-a:r002").title == "Sách số 2 (bản sửa)"
        assert union.get_record("union:thu-vien-a:r004").deleted
    finally:
        union.close()


def test_a_list_under_way_is_not_disturbed_by_changes(fresh):
    root = _request(fresh.url, **LISTING)
    started = root.findtext("o:responseDate", namespaces=NS)
    seen = [h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)]
    token = root.find(".//o:resumptionToken", NS).text
    later = sorted(i for i in _all_ids(deleted=False) - set(seen) if i[12:] not in CHANGED_IDS)
    record_id = later[0].removeprefix("oai:thuvien:")
    number = int(record_id[-3:])
    run = fresh.store.start_run(_library(number), "incremental")
    fresh.store.save_items(run, _library(number), [_item(number, "Đổi giữa chừng")])
    while token:
        root = _request(fresh.url, verb="ListIdentifiers", resumptionToken=token)
        seen += [
            h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)
        ]
        token = root.find(".//o:resumptionToken", NS).text
    assert len(seen) == len(set(seen)) == LIVE + DELETED - 1
    assert later[0] not in seen  # it changed after the list began: the next harvest has it
    since = _identifiers(fresh.url, **{"from": started})
    assert later[0] in since and since <= {later[0]} | {_oai_id(i) for i in CHANGED_IDS}


def test_dublin_core_types_read_back_as_the_same_format():
    from harvesters.crosswalk.dc import dc_format

    for fmt in ("book", "periodical", "article", "thesis", "map", "manuscript", "image",
                "audiobook", "music", "video", "archival"):  # fmt: skip
        assert dc_format(record_dc(Record("a", "1", title="T", format=fmt))) == fmt


def test_collection_slugs_are_stable_ascii():
    assert collection_slug("Sách nói") == "sach-noi"
    assert collection_slug("  Đại Việt — Hán Nôm ") == "dai-viet-han-nom"
    chinese = collection_slug("大越史記")
    assert re.fullmatch(r"c[0-9a-f]{10}", chinese) and chinese == collection_slug("大越史記")


def test_identifiers_round_trip_whatever_the_record_id():
    repo = StoreRepository(None, None, repository_name="t", admin_emails=[], namespace="thuvien",
                           may_see=lambda r: True, record_url=str)  # fmt: skip
    for record_id in ("thu-vien-a:r001", "kho sách:Hà Nội/1?x=1&y=%", "a:b:c"):
        identifier = repo.identifier(record_id)
        assert " " not in identifier and identifier.startswith("oai:thuvien:")
        assert repo.record_id(identifier) == record_id
    assert repo.identifier("kho sách:1") == "oai:thuvien:kho%20s%C3%A1ch:1"
    assert repo.record_id("oai:thuvien:") is None and repo.record_id("oai:x:a:1") is None


# --- the provider's paged lists, over a repository we script ---------------------------


class ScriptedRepository:
    """A PagedOaiRepository over numbered items; `hidden` ones are read but never returned."""

    repository_name = "scripted"
    admin_emails = ["admin@example.org"]
    earliest_datestamp = BASE
    granularity = SECONDS
    deleted_record = "persistent"
    has_sets = False

    def __init__(self, count: int, hidden: set[int] = frozenset()) -> None:
        self.count, self.hidden, self.reads = count, set(hidden), 0
        self.positions_valid = True

    def metadata_formats(self, identifier=None):
        return [OAI_DC]

    def sets(self):
        return []

    def list_page(self, *, prefix, from_, until, set_spec, position, limit):
        self.reads += 1
        if position is not None and not self.positions_valid:
            raise ValueError(position)
        start = int(position or 0)
        numbers = range(start + 1, min(start + limit, self.count) + 1)
        entries = [(self._item(n), str(n)) for n in numbers if n not in self.hidden]
        return entries, (str(numbers[-1]) if numbers and numbers[-1] < self.count else None)

    def get_item(self, identifier):
        return None

    def _item(self, n: int) -> OaiItem:
        return OaiItem(f"oai:s:{n}", BASE + timedelta(minutes=n))

    def metadata(self, item, prefix):
        return dc_element({"title": [item.identifier]})


def _pages(repo: ScriptedRepository, page_size: int = 3) -> list[tuple[list[str], dict | None]]:
    """Each page's identifiers and its resumptionToken's attributes (None: no token)."""
    pages, args = [], {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    while True:
        body = respond(repo, args, "http://x/oai", datetime.now(UTC), page_size=page_size,
                       secret=b"k")  # fmt: skip
        root = etree.fromstring(body, SAFE)
        if _errors(root):
            pages.append((_errors(root), None))
            return pages
        ids = [h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)]
        token = root.find(".//o:resumptionToken", NS)
        pages.append((ids, None if token is None else {"text": token.text, **token.attrib}))
        if token is None or not token.text:
            return pages
        args = {"verb": "ListIdentifiers", "resumptionToken": token.text}


def test_a_list_that_fills_its_last_page_exactly_ends_without_an_empty_page():
    pages = _pages(ScriptedRepository(6))
    assert [ids for ids, _ in pages] == [["oai:s:1", "oai:s:2", "oai:s:3"],
                                         ["oai:s:4", "oai:s:5", "oai:s:6"]]  # fmt: skip
    assert pages[0][1]["cursor"] == "0" and "completeListSize" not in pages[0][1]
    assert pages[1][1] == {"text": None, "cursor": "3"}
    assert _pages(ScriptedRepository(3))[0][1] is None  # one page: no token at all


def test_hidden_items_are_skipped_and_the_list_goes_on():
    repo = ScriptedRepository(30, hidden={2, *range(4, 29)})
    pages = _pages(repo)
    assert [ids for ids, _ in pages] == [["oai:s:1", "oai:s:3", "oai:s:29"], ["oai:s:30"]]
    assert repo.reads <= 12  # a page per read, never one read per hidden item


def test_a_token_whose_rest_has_gone_or_whose_position_is_refused():
    repo = ScriptedRepository(4)
    args = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    first = etree.fromstring(respond(repo, args, "http://x/oai", BASE, page_size=3, secret=b"k"))
    token = first.find(".//o:resumptionToken", NS).text
    repo.hidden.add(4)  # hidden since the first page
    again = {"verb": "ListIdentifiers", "resumptionToken": token}
    root = etree.fromstring(respond(repo, again, "http://x/oai", BASE, page_size=3, secret=b"k"))
    assert _errors(root) == ["noRecordsMatch"]
    other_key = respond(repo, again, "http://x/oai", BASE, secret=b"other")
    assert _errors(etree.fromstring(other_key)) == ["badResumptionToken"]
    repo.positions_valid = False  # the repository no longer understands its position
    refused = respond(repo, again, "http://x/oai", BASE, page_size=3, secret=b"k")
    assert _errors(etree.fromstring(refused)) == ["badResumptionToken"]


# --- for people: a page rendered by the stylesheet ---------------------------------------

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _page(url: str, **params: str) -> lxml.html.HtmlElement:
    """An /oai response as a browser gets it: a page made by static/oai.xsl."""
    response = requests.get(url, params=params, headers=BROWSER, timeout=10)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    assert response.text.startswith("<!DOCTYPE html") and response.text.count("<!DOCTYPE") == 1
    return lxml.html.fromstring(response.content)


def test_harvesters_get_xml_and_browsers_a_page(oai):
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "text/xml"}, {"Accept": "application/xml"}):
        response = requests.get(oai.url, params={"verb": "Identify"}, headers=headers, timeout=10)
        assert response.headers["Content-Type"].startswith("text/xml"), headers
        assert b"xml-stylesheet" not in response.content  # nothing for the browser to do
        etree.fromstring(response.content, SAFE)
    assert list(Sickle(oai.url).ListSets())  # sickle's own requests: XML
    assert _page(oai.url, verb="Identify").tag == "html"


def test_the_page_for_identify(oai):
    page = _page(oai.url, verb="Identify")
    assert page.get("lang") == "vi"  # the UI's default language (test_oai_page_lang.py)
    assert "Identify" in page.findtext("head/title")
    assert page.find("head/meta[@name='viewport']") is not None
    (heading,) = page.iter("h1")
    assert "Identify" in heading.text_content()
    assert heading.find("span").text == "Giao diện thu thập siêu dữ liệu của thuvien"
    links = {a.text: a.get("href") for a in page.iter("a")}
    assert links["ListSets"] == f"{oai.url}?verb=ListSets"
    assert requests.get(links["ListSets"], timeout=10).status_code == 200
    descriptions = [dd for dd in page.iter("dd") if "thư viện" in dd.text_content()]
    assert [dd.text_content() for dd in descriptions] == ["Mục lục liên hợp các thư viện Hà Nội"]
    assert descriptions[0].find("span") is None  # Vietnamese on a Vietnamese page: unmarked
    assert [h.tag for h in page.iter("h1", "h2", "h3")][:2] == ["h1", "h2"]
    assert links["Trang chủ thuvien"] == "/"
    assert links["English"] == "/oai?verb=Identify&lang=en"


def test_the_page_for_a_list_shows_its_progress_and_next_page(oai):
    page = _page(oai.url, verb="ListRecords", metadataPrefix="oai_dc")
    (table,) = page.iter("table")
    rows = table.findall("tbody/tr")
    assert len(rows) == 100
    assert [th.text for th in table.findall("thead/tr/th")] == [
        "Định danh", "Nhan đề", "Thay đổi lần cuối", "Tập hợp",
    ]  # fmt: skip
    first = rows[0].find("th/a")
    title = rows[0].find("td")
    assert title.text.startswith("Sách số") and title.find("span") is None
    record = etree.fromstring(requests.get(first.get("href"), timeout=10).content, SAFE)
    assert record.findtext(".//o:identifier", namespaces=NS) == first.text
    assert "Bản ghi 1–100 trên tổng số 256." in page.text_content()
    (next_link,) = [a for a in page.iter("a") if a.text == "Trang sau"]
    second = etree.fromstring(requests.get(next_link.get("href"), timeout=10).content, SAFE)
    assert second.find(".//o:resumptionToken", NS).get("cursor") == "100"
    assert "Bản ghi 101–200 trên tổng số 256." in _page(next_link.get("href")).text_content()
    errors = _page(oai.url, verb="Nope")
    assert "badVerb" in errors.text_content()
