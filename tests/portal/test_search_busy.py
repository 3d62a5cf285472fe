"""A busy server's results page with rough counts (indexer.tantivy_index's
counts_rough) is kept by no cache, so the full count reaches readers once it has time."""

from __future__ import annotations

from catalogue import Record
from indexer import TantivyIndex, index_records
from indexer import tantivy_counts as counts_module
from portal.app import create_app


def etag_of(response) -> str:
    tag = response.headers.get("ETag", "")
    assert tag.startswith('W/"'), response.headers
    return tag


def test_a_busy_servers_rough_counts_are_kept_by_no_cache(catalogue, monkeypatch):
    """A page counted rough (a busy server) gets no ETag and is not kept as rendered:
    neither the browser nor the page cache could then give it again once the server
    has time to count it in full."""
    monkeypatch.setattr(counts_module, "FACET_EXACT_LIMIT", 10)
    monkeypatch.setattr(counts_module, "SAMPLE_RECORDS", 100)
    monkeypatch.setattr(counts_module, "MIN_SAMPLE_WORKS", 5)
    index = TantivyIndex()
    books = [
        Record("lib", f"{n}", title=f"Hà Nội phố {n}", authors=[f"Tác giả {n}"], year=1943)
        for n in range(400)
    ]
    index_records(index, books)
    app = create_app(catalogue.settings, store=catalogue.store, index=index)
    cache = app.extensions["thuvien_page_cache"]
    client = app.test_client()
    index.busy_at = 0  # always busy
    rough = client.get("/search?q=ha+noi")
    assert rough.status_code == 200 and "ETag" not in rough.headers
    assert rough.headers["Cache-Control"] == "private, no-store"
    assert len(cache.pages) == 0
    index.busy_at = 10**6  # never busy
    full = client.get("/search?q=ha+noi")
    assert etag_of(full) and len(cache.pages) == 1
    assert "400 kết quả" in full.get_data(as_text=True)  # counted in full: exact
