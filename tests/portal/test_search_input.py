"""Hostile and broken input to the search pages, and a broken index: a page, never an
error or reflected markup."""

from __future__ import annotations

import logging
import re
from datetime import datetime

import lxml.html
import pytest

from catalogue import Holding, Record
from indexer import SearchQuery, TantivyIndex, index_records
from indexer.query import MAX_QUERY_CHARS
from portal.app import create_app
from portal.search_hits import safe_highlight
from tests.support.search_pages import TUYEN_TAP, h1, page, redirected, text, total_of


@pytest.mark.parametrize(
    "q",
    [
        "title:(((",
        ')))) OR AND NOT "',
        "{!xmlparser v='<!DOCTYPE a SYSTEM \"http://x\"><a/>'}",
        "tru\x00yện\x07 ki\x1bều",
        "*",
        "year:99999-",
        "a " * 400,
    ],
)
def test_malformed_queries_get_a_page_not_an_error(client, q):
    response = client.get("/search", query_string={"q": q}, follow_redirects=True)
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    h1(doc)
    value = doc.xpath("//input[@name='q']")[0].get("value")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", value)


def test_a_script_in_the_query_is_never_reflected_as_html(client):
    hostile = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    for url, params in [
        ("/search", {"q": hostile}),
        ("/search", {"q": "kiều", "f.library": hostile}),
        ("/search", {"q": "kiều", "f.subject": hostile, "sort": hostile, "page": hostile}),
        ("/advanced", {"term": hostile, "field": hostile, "op": hostile}),
    ]:
        response = client.get(url, query_string=params, follow_redirects=True)
        assert response.status_code == 200
        raw = response.get_data(as_text=True)
        assert "<script>alert" not in raw and "<img src=x" not in raw
        assert "&lt;script&gt;" in raw or "%3Cscript%3E" in raw


def test_a_very_long_query_gets_a_friendly_message(client):
    response = client.get("/search", query_string={"q": "kiều" * 1250})
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert h1(doc) == "Nội dung tìm kiếm quá dài"
    assert "5.000" in text(doc.xpath("//p[contains(@class,'notice--error')]")[0])
    box = doc.xpath("//input[@name='q']")[0]
    assert len(box.get("value")) <= MAX_QUERY_CHARS
    assert box.get("maxlength") == str(MAX_QUERY_CHARS)


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "nonsense", "page": "-3", "per_page": "0"},
        {"page": "abc", "per_page": "100000"},
        {"f.year": "nineteen", "f.online": "maybe", "f.nope": "x", "year_from": "19x0"},
        {"f.library": "x" * 1000},
    ],
)
def test_bad_parameters_are_redirected_to_the_cleaned_url(client, params):
    query, target = redirected(client, "/search", q="tuyển tập thơ", **params)
    assert query == {"q": ["tuyển tập thơ"]}  # every bad value dropped, nothing else lost
    doc = page(client, target)
    assert total_of(doc) == TUYEN_TAP
    assert not doc.xpath("//section[@class='chips']")


def test_index_failure_is_a_friendly_503(catalogue, caplog):
    class FailingIndex:
        def search(self, query: SearchQuery):
            raise OSError("index folder vanished")

        def suggest(self, prefix, limit=10, *, visibility=("public",)):
            raise OSError("index folder vanished")

    app = create_app(catalogue.settings, store=catalogue.store, index=FailingIndex())
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        for url in ("/search?q=kieu", "/advanced", "/browse", "/browse/library"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response.headers["Retry-After"].isdigit()
            raw = response.get_data(as_text=True)
            assert "vanished" not in raw and "Traceback" not in raw
            assert "Chức năng tìm kiếm tạm thời không hoạt động" in raw
        assert client.get("/suggest?q=kie").status_code == 503
    home = client.get("/")
    assert home.status_code == 200  # the home page still offers the search box
    assert 'name="q"' in home.get_data(as_text=True)


def test_a_script_in_a_record_title_is_escaped_in_titles_and_snippets(catalogue):
    index = TantivyIndex()
    evil = Record(
        "evil",
        "1",
        title='<script>alert("x")</script> Hà Nội',
        description="Hà Nội <img src=x onerror=alert(1)> & more",
        year=2001,
        languages=["vie"],
        holdings=[Holding("Thư viện thử", status="available", status_read_at=datetime(2024, 1, 1))],
    )
    index_records(index, [evil])
    app = create_app(catalogue.settings, store=catalogue.store, index=index)
    raw = app.test_client().get("/search?q=ha+noi").get_data(as_text=True)
    assert "<script>alert" not in raw and "<img src=x" not in raw
    assert "&lt;script&gt;" in raw
    assert "<mark>Hà</mark> <mark>Nội</mark>" in raw


def test_safe_highlight_keeps_only_marks():
    assert str(safe_highlight("a <mark>b</mark> &lt;c&gt;")) == "a <mark>b</mark> &lt;c&gt;"
    assert str(safe_highlight("<script>x</script><mark>y</mark>")) == (
        "&lt;script&gt;x&lt;/script&gt;<mark>y</mark>"
    )
    assert str(safe_highlight("&amp;lt;")) == "&amp;lt;"
