"""The one access policy on every portal surface: a hidden record, four roles.

The sample catalogue's archive is hidden by a licence rule (see conftest). For each
role and each surface the expected outcome is written out here, not recomputed.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.accounts import browser, log_in, make_user

HIDDEN_ID = "archive:secret-1"
HIDDEN_WORD = "Zyzzyva"  # only in the hidden record's title

ROLES = ("anonymous", "reader", "librarian", "admin")
SEES_HIDDEN = {"anonymous": False, "reader": False, "librarian": True, "admin": True}


def client_as(app: Flask, role: str) -> FlaskClient:
    client = browser(app)
    if role != "anonymous":
        response = log_in(client, make_user(app, role))
        assert response.status_code == 303, f"could not log in as {role}"
    return client


def surfaces(client: FlaskClient) -> dict[str, bool]:
    """Whether each surface shows the hidden record to this client."""
    search_page = client.get(f"/search?q={HIDDEN_WORD}")
    api_search = client.get(f"/api/search?q={HIDDEN_WORD}").get_json()
    suggestions = client.get("/suggest?q=zyzz").get_json()["suggestions"]
    oai = client.get(
        f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:thuvien:{HIDDEN_ID}"
    )
    sitemap_blocks = client.get("/sitemap/0.xml").get_data(as_text=True)
    return {
        "results page": HIDDEN_ID in search_page.get_data(as_text=True),
        "api search": api_search["total"] > 0,
        "suggestions": any(HIDDEN_WORD in s["text"] for s in suggestions),
        "record page": client.get(f"/record/{HIDDEN_ID}").status_code == 200,
        "citation": client.get(f"/record/{HIDDEN_ID}/cite.ris").status_code == 200,
        "api record": client.get(f"/api/records/{HIDDEN_ID}").status_code == 200,
        "oai": b"idDoesNotExist" not in oai.data,
        "sitemap": HIDDEN_ID in sitemap_blocks,
    }


FEEDS = {"oai", "sitemap"}  # published to the world: never hidden records, whoever asks


@pytest.mark.parametrize("role", ROLES)
def test_hidden_record_on_every_surface(app: Flask, role: str) -> None:
    seen = surfaces(client_as(app, role))
    expected = {name: SEES_HIDDEN[role] and name not in FEEDS for name in seen}
    assert seen == expected


@pytest.mark.parametrize("path", [f"/record/{HIDDEN_ID}", f"/api/records/{HIDDEN_ID}"])
def test_a_hidden_record_answers_exactly_like_a_missing_one(client: FlaskClient, path: str) -> None:
    hidden = client.get(path)
    missing = client.get(path.replace(HIDDEN_ID, "archive:no-such-record"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data(as_text=True).replace(HIDDEN_ID, "X") == missing.get_data(
        as_text=True
    ).replace("archive:no-such-record", "X")


def test_facet_counts_do_not_count_hidden_records(client: FlaskClient) -> None:
    facets = client.get("/api/search?facet=library&facet_limit=50").get_json()["facets"]
    libraries = {f["value"] for f in facets["library"]}
    assert "Kho lưu trữ mật" not in libraries
