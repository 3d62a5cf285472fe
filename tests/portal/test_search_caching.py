"""Caching the results page: weak ETags and 304s for anonymous readers, never for a
logged-in one, and the rendered-page cache (portal.page_cache)."""

from __future__ import annotations

import lxml.html

from catalogue import Record
from indexer import SearchQuery, TantivyIndex, index_records
from portal import search as search_module
from portal import search_http_cache
from portal.app import create_app
from tests.support.accounts import browser, log_in, make_user
from tests.support.search_pages import english


def etag_of(response) -> str:
    tag = response.headers.get("ETag", "")
    assert tag.startswith('W/"'), response.headers
    return tag


def test_an_anonymous_results_page_revalidates_with_a_weak_etag(client):
    first = client.get("/search?q=ha+noi")
    tag = etag_of(first)
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in first.headers["Vary"]
    # The page carries the reader's CSRF token, so it is never public.
    assert 'name="csrf_token"' in first.get_data(as_text=True)
    assert "public" not in first.headers["Cache-Control"]

    again = client.get("/search?q=ha+noi", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == tag
    assert again.headers["Cache-Control"] == "private, no-cache"

    other = client.get("/search?q=kieu", headers={"If-None-Match": tag})
    assert other.status_code == 200 and etag_of(other) != tag
    assert (
        client.get("/search?q=ha+noi&sort=title", headers={"If-None-Match": tag}).status_code == 200
    )


def test_an_etag_is_never_valid_for_another_reader(app, client):
    tag = etag_of(client.get("/search?q=ha+noi"))
    stranger = app.test_client()  # another browser: another session, another CSRF token
    response = stranger.get("/search?q=ha+noi", headers={"If-None-Match": tag})
    assert response.status_code == 200 and etag_of(response) != tag


def test_language_and_display_settings_change_the_etag(client):
    tag = etag_of(client.get("/search?q=ha+noi"))
    client.set_cookie("thuvien_prefs", "size=150")
    resized = client.get("/search?q=ha+noi", headers={"If-None-Match": tag})
    assert resized.status_code == 200 and 'class="prefs-size-150"' in resized.get_data(as_text=True)
    english(client)
    response = client.get("/search?q=ha+noi", headers={"If-None-Match": etag_of(resized)})
    assert response.status_code == 200 and "results for" in response.get_data(as_text=True)


def test_the_etag_moves_on_before_the_pages_csrf_token_expires(app, client, monkeypatch):
    app.config["WTF_CSRF_TIME_LIMIT"] = 600
    now = [1_200_000.0]  # the start of a 300-second window
    monkeypatch.setattr(search_http_cache.time, "time", lambda: now[0])
    tag = etag_of(client.get("/search?q=ha+noi"))
    now[0] += 200
    assert client.get("/search?q=ha+noi", headers={"If-None-Match": tag}).status_code == 304
    now[0] += 300  # past half the token's lifetime: a fresh page with a fresh token
    response = client.get("/search?q=ha+noi", headers={"If-None-Match": tag})
    assert response.status_code == 200 and etag_of(response) != tag


def test_a_changed_index_changes_the_etag(catalogue):
    index = TantivyIndex()
    book = Record("lib", "1", title="Hà Nội ba mươi sáu phố phường", year=1943, languages=["vie"])
    index_records(index, [book])
    client = create_app(catalogue.settings, store=catalogue.store, index=index).test_client()
    tag = etag_of(client.get("/search?q=ha+noi"))
    assert client.get("/search?q=ha+noi", headers={"If-None-Match": tag}).status_code == 304
    index_records(index, [Record("lib", "2", title="Hà Nội xưa", year=1950, languages=["vie"])])
    response = client.get("/search?q=ha+noi", headers={"If-None-Match": tag})
    assert response.status_code == 200 and "xưa</a>" in response.get_data(as_text=True)


def test_a_backend_that_tells_its_version_answers_304_without_searching(catalogue):
    class VersionedIndex(TantivyIndex):
        searches = 0

        def version(self) -> str:
            return f"{self.count()}"

        def search(self, query: SearchQuery):
            VersionedIndex.searches += 1
            return super().search(query)

    index = VersionedIndex()
    index_records(index, [Record("lib", "1", title="Hà Nội", year=1943, languages=["vie"])])
    client = create_app(catalogue.settings, store=catalogue.store, index=index).test_client()
    tag = etag_of(client.get("/search?q=ha+noi"))
    before = VersionedIndex.searches
    assert client.get("/search?q=ha+noi", headers={"If-None-Match": tag}).status_code == 304
    assert VersionedIndex.searches == before
    index_records(index, [Record("lib", "2", title="Hà Nội xưa", year=1950, languages=["vie"])])
    assert client.get("/search?q=ha+noi", headers={"If-None-Match": tag}).status_code == 200


def test_a_logged_in_readers_page_is_never_stored(app):
    web = browser(app)
    assert log_in(web, make_user(app)).status_code == 303
    response = web.get("/search?q=ha+noi")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    assert web.get("/search?q=ha+noi", headers={"If-None-Match": "*"}).status_code == 200


def test_a_page_with_a_message_waiting_is_not_revalidated(app):
    web = browser(app)
    assert log_in(web, make_user(app)).status_code == 303
    with web.session_transaction() as saved:
        saved.clear()  # logged out behind the portal's back, a message still to show
        saved["_flashes"] = [("success", "Một thông báo")]
    response = web.get("/search?q=ha+noi")
    assert "Một thông báo" in response.get_data(as_text=True)
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"


# --- the rendered-page cache (portal.page_cache) ---------------------------------------


def _token(page: str) -> str:
    doc = lxml.html.fromstring(page)
    (token,) = set(doc.xpath("//input[@name='csrf_token']/@value"))
    return token


def test_a_repeated_anonymous_page_comes_from_the_cache_with_the_readers_own_token(app):
    cache = app.extensions["thuvien_page_cache"]
    first, second = app.test_client(), app.test_client()
    one = first.get("/search?q=truyen+kieu").get_data(as_text=True)
    assert len(cache.pages) == 1
    renders = []
    real = search_module.render_template
    search_module.render_template = lambda *a, **k: renders.append(a) or real(*a, **k)
    try:
        response = second.get("/search?q=truyen+kieu")
    finally:
        search_module.render_template = real
    two = response.get_data(as_text=True)
    assert renders == [] and response.status_code == 200
    assert _token(one) != _token(two)  # each reader's own
    assert two.replace(_token(two), "") == one.replace(_token(one), "")
    assert "\x00" not in two and etag_of(response)
    # the token put back is a working one: the display-settings form saves with it
    saved = second.post("/preferences", data={"csrf_token": _token(two), "size": "150"})
    assert saved.status_code in (200, 303)
    forged = second.post("/preferences", data={"csrf_token": _token(one), "size": "150"})
    assert forged.status_code == 400


def test_the_page_cache_keys_language_settings_and_query(app):
    cache = app.extensions["thuvien_page_cache"]
    client = app.test_client()
    client.get("/search?q=ha+noi")
    english(client)
    page = client.get("/search?q=ha+noi").get_data(as_text=True)
    assert "results for" in page and len(cache.pages) == 2
    client.set_cookie("thuvien_prefs", "size=150")
    assert 'class="prefs-size-150"' in client.get("/search?q=ha+noi").get_data(as_text=True)
    assert len(cache.pages) == 3


def test_a_logged_in_readers_page_never_enters_the_cache(app):
    cache = app.extensions["thuvien_page_cache"]
    web = browser(app)
    user = make_user(app)
    assert log_in(web, user).status_code == 303
    page = web.get("/search?q=ha+noi").get_data(as_text=True)
    assert user in page and len(cache.pages) == 0
    stranger = app.test_client().get("/search?q=ha+noi").get_data(as_text=True)
    assert user not in stranger


def test_a_new_index_version_empties_the_page_cache(catalogue):
    index = TantivyIndex()
    index_records(index, [Record("lib", "1", title="Hà Nội phố", year=1943, languages=["vie"])])
    app = create_app(catalogue.settings, store=catalogue.store, index=index)
    assert "phố</a>" in app.test_client().get("/search?q=ha+noi").get_data(as_text=True)
    index_records(index, [Record("lib", "2", title="Hà Nội xưa", year=1950, languages=["vie"])])
    page = app.test_client().get("/search?q=ha+noi").get_data(as_text=True)
    assert "xưa</a>" in page
    assert len(app.extensions["thuvien_page_cache"].pages) == 1
