"""The access matrix on the record surfaces: every access level x every visitor on
results, facets, suggestions, the record page, the API, OAI-PMH, the sitemap, citations
and the raw record. The tables and the catalogue are in tests/support/access_matrix.py.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support.access_matrix import EXPECTED_RECORDS, LEVELS, VISITORS, WORDS, Matrix, record_id
from tests.support.access_matrix import matrix as matrix  # a fixture

# -- record surfaces ------------------------------------------------------------------------


def _listed(client: FlaskClient, path: str, rid: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    return "yes" if rid in response.get_data(as_text=True) else "no"


def _suggests(text: str, word: str) -> bool:
    return text.startswith(word) and " rec " in text


def _status(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"], response.headers["Location"]
        return "login"
    return str(response.status_code)


def record_outcomes(client: FlaskClient, level: str) -> dict[str, str]:
    rid = record_id("rec", level)
    word = WORDS[level]
    facets = client.get("/api/search?q=&facet=collection&facet_limit=200").get_json()
    collections = {f["value"]: f["count"] for f in facets["facets"]["collection"]}
    suggestions = client.get(f"/suggest?q={word[:6].lower()}").get_json()["suggestions"]
    api_hits = client.get(f"/api/search?q={word}").get_json()["hits"]
    oai_get = client.get(
        f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:thuvien:{rid}"
    ).get_data(as_text=True)
    return {
        "results": _listed(client, f"/search?q={word}", rid),
        "facets": "yes" if collections.get(f"rec-{level}", 0) >= 1 else "no",
        "suggest": "yes" if any(_suggests(s["text"], word) for s in suggestions) else "no",
        "record": _status(client, f"/record/{rid}"),
        "api-search": "yes" if any(h["id"] == rid for h in api_hits) else "no",
        "api-record": _status(client, f"/api/records/{rid}"),
        "oai-get": "no" if "idDoesNotExist" in oai_get else "yes",
        "oai-list": _listed(client, "/oai?verb=ListRecords&metadataPrefix=oai_dc", rid),
        "sitemap": _listed(client, "/sitemap/0.xml", rid),
        "cite": _status(client, f"/record/{rid}/cite.ris"),
        "raw": _status(client, f"/record/{rid}/raw"),
    }


@pytest.mark.parametrize("visitor", VISITORS)
def test_record_surfaces(matrix: Matrix, visitor: str) -> None:
    client = matrix.clients[visitor]
    seen = {
        (level, surface): outcome
        for level in LEVELS
        for surface, outcome in record_outcomes(client, level).items()
    }
    expected = EXPECTED_RECORDS[visitor]
    wrong = {key: (seen[key], expected[key]) for key in expected if seen[key] != expected[key]}
    assert not wrong, f"{visitor}: (level, surface): (seen, expected): {wrong}"
