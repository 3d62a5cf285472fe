"""The OAI-PMH protocol's errors from /oai, by GET and POST, and tokens that are refused."""

from __future__ import annotations

import base64

import pytest

from tests.support.oai_catalogue import (
    LISTING,
    NS,
    _errors,
    _id,
    _oai_id,
    _request,
)

# --- errors ----------------------------------------------------------------------------


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
