"""A 25-item OAI-PMH repository served over real HTTP, and readers of its answers.

Shared by the provider tests (tests/harvesters/test_oai_provider_*.py) and the tests of
the OAI test servers (test_oai_test_servers.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pymarc
import pytest
import requests
from lxml import etree

from harvesters.oai_provider import make_wsgi_app
from harvesters.oai_repository import (
    MARC21,
    OAI_DC,
    MemoryRepository,
    OaiItem,
    dc_element,
    marcxml_element,
)
from tests.support.http import serve_wsgi

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
