"""The OAI-PMH provider's metadata: Dublin Core and MARCXML helpers, MODS as written.

Everything goes through a socket on 127.0.0.1, as a harvester would meet it.
"""

from __future__ import annotations

import io

import pymarc
import pytest
from lxml import etree
from sickle import Sickle

from harvesters.oai_provider import make_wsgi_app
from harvesters.oai_repository import (
    MODS,
    MODS_NS,
    MemoryRepository,
    OaiItem,
    dc_element,
    marcxml_element,
    mods_element,
)
from tests.support.http import serve_wsgi
from tests.support.oai_provider import BASE


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
