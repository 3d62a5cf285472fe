"""A busy server's results page with rough counts (indexer.tantivy_index's
counts_rough) is kept by no cache, so the full count reaches readers once it has time."""

from __future__ import annotations

import pytest

from catalogue import Record
from indexer import TantivyIndex, index_records
from indexer import tantivy_counts as counts_module
from portal import search as search_module
from portal.app import create_app


def etag_of(response) -> str:
    tag = response.headers.get("ETag", "")
    assert tag.startswith('W/"'), response.headers
    return tag


@pytest.fixture
def index(monkeypatch) -> TantivyIndex:
    """400 records, and sampling limits low enough that they are a large result."""
    monkeypatch.setattr(counts_module, "FACET_EXACT_LIMIT", 10)
    monkeypatch.setattr(counts_module, "SAMPLE_RECORDS", 100)
    monkeypatch.setattr(counts_module, "MIN_SAMPLE_WORKS", 5)
    index = TantivyIndex()
    books = [
        Record("lib", f"{n}", title=f"Hà Nội phố {n}", authors=[f"Tác giả {n}"], year=1943)
        for n in range(400)
    ]
    index_records(index, books)
    return index


def test_a_busy_servers_rough_counts_are_kept_by_no_cache(catalogue, index, monkeypatch):
    """A page counted rough (a busy server) gets no ETag, and is rendered once and kept
    apart for later askers only while their search still comes back rough: neither the
    browser nor the page cache gives it once the server has counted it in full."""
    app = create_app(catalogue.settings, store=catalogue.store, index=index)
    cache = app.extensions["thuvien_page_cache"]
    client = app.test_client()
    index.busy_at, index.idle_at = 0, -1  # always busy, never idle
    rough = client.get("/search?q=ha+noi")
    assert rough.status_code == 200 and "ETag" not in rough.headers
    assert rough.headers["Cache-Control"] == "private, no-store"
    assert len(cache.pages) == 1  # kept apart, for askers whose search is still rough
    renders = []
    real = search_module.render_template
    monkeypatch.setattr(
        search_module, "render_template", lambda *a, **k: renders.append(a) or real(*a, **k)
    )
    again = client.get("/search?q=ha+noi")
    assert renders == [] and "ETag" not in again.headers
    assert again.get_data(as_text=True) == rough.get_data(as_text=True)
    index.busy_at, index.idle_at = 10**6, 10**6  # never busy, always idle
    full = client.get("/search?q=ha+noi")
    assert len(renders) == 1 and etag_of(full) and len(cache.pages) == 2
    assert client.get("/search?q=ha+noi").headers["ETag"] == full.headers["ETag"]
    assert len(renders) == 1  # the full page, from the cache
    assert "400 kết quả" in full.get_data(as_text=True)  # counted in full: exact


def test_the_api_says_when_counts_are_rough_and_lets_nobody_keep_them(catalogue, index):
    client = create_app(catalogue.settings, store=catalogue.store, index=index).test_client()
    index.busy_at, index.idle_at = 0, -1
    rough = client.get("/api/search?q=ha+noi&facet=library")
    assert rough.status_code == 200 and rough.get_json()["counts_rough"] is True
    assert rough.headers["Cache-Control"] == "no-store"
    index.busy_at, index.idle_at = 10**6, 10**6
    full = client.get("/api/search?q=ha+noi&facet=library")
    assert full.get_json()["counts_rough"] is False
    assert full.headers["Cache-Control"].startswith("public, max-age=")
