"""The union catalogue's OAI-PMH provider at /oai in tests: a filled catalogue served over
real HTTP, and readers of its answers. Shared by tests/portal/oai/, whose conftest makes
the `oai` and `fresh` fixtures with `_serve`.

The catalogue: 250 live records in two libraries and two collections (needing three
pages of 100), six deleted ones, change times we set, and ten records changed later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymarc
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
from harvesters.oai_repository import MARC_NS, marcxml_element
from indexer import TantivyIndex
from portal.app import create_app
from portal.oai import PAGE_SIZE_CONFIG
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


LISTING = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
