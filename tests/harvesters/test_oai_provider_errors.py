"""The OAI-PMH provider's errors: every error code, resumption tokens, bad HTTP input.

Everything goes through a socket on 127.0.0.1, as a harvester would meet it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from lxml import etree
from sickle import Sickle, oaiexceptions

from harvesters.oai_provider import make_wsgi_app, respond
from harvesters.oai_repository import DAYS, MemoryRepository
from tests.support.http import serve_wsgi
from tests.support.oai_provider import (
    COUNT,
    NS,
    PAGE,
    SAFE,
    _error_codes,
    _get,
    _ident,
    _render,
    _repository,
)
from tests.support.oai_provider import url as url  # a fixture

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
