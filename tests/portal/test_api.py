"""The JSON API as a client meets it: search, records, errors, headers, and the app factory."""

from __future__ import annotations

import logging
from dataclasses import replace
from urllib.parse import quote

import pytest
from sqlalchemy.exc import OperationalError

from catalogue.settings import Settings
from indexer import FACETS, MAX_DEPTH, MAX_PER_PAGE, SearchQuery
from indexer.text import title_sort_key
from portal.app import Services, create_app
from tests.indexer.sample_records import HN, NL, SECRET, VNU
from tests.portal.conftest import WITHDRAWN_ID

TUYEN_TAP = 25  # volumes of "Tuyển tập thơ Việt Nam" in the sample


def search(client, **params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def bad(client, query_string):
    response = client.get("/api/search", query_string=query_string)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


def titles(body):
    return [hit["title"] for hit in body["hits"]]


# --- search: Vietnamese ---------------------------------------------------------------


def test_folded_and_exact_diacritics_find_the_same_works(client):
    folded = search(client, q="ha noi")
    exact = search(client, q="Hà Nội")
    assert folded["total"] == exact["total"] == 5
    assert {h["work_key"] for h in folded["hits"]} == {h["work_key"] for h in exact["hits"]}
    assert "Hà Nội trong mắt tôi" in titles(exact)


def test_exact_diacritics_rank_above_the_look_alike(client):
    ranked = titles(search(client, q="Hà Nội trong mắt tôi"))
    assert ranked.index("Hà Nội trong mắt tôi") < ranked.index("Hạ Nổi trong mắt tôi")


def test_vietnamese_is_not_escaped_in_json(client):
    response = client.get("/api/search", query_string={"q": "ha noi"})
    raw = response.get_data()
    assert "Thư viện Hà Nội".encode() in raw
    assert b"\\u" not in raw
    assert response.mimetype == "application/json"


def test_one_hit_per_work_with_every_librarys_holdings(client):
    body = search(client, q="truyện kiều", facet="")
    kieu = next(h for h in body["hits"] if h["title"] == "Truyện Kiều")
    assert set(kieu["libraries"]) == {HN, NL, VNU}
    assert len(kieu["record_ids"]) == 3
    holding = kieu["holdings"][0]
    assert set(holding) >= {"library", "location", "call_number", "status", "record_id"}
    assert {h["record_id"] for h in kieu["holdings"]} == set(kieu["record_ids"])
    assert kieu["url"] == f"/api/records/{kieu['id']}"
    assert kieu["year"] == 2015 and kieu["format"] == "book" and kieu["languages"] == ["vie"]


def test_snippet_is_escaped_html_with_marks(client):
    body = search(client, q="đoạn trường")
    snippet = body["hits"][0]["snippet"]
    assert "<mark>" in snippet
    assert "&lt;" in snippet and "<đoạn" not in snippet  # the record's "<đoạn trường>" escaped


# --- search: facets and filters --------------------------------------------------------


def test_all_facets_by_default_with_work_counts(client):
    body = search(client, q="truyện kiều")
    assert set(body["facets"]) == set(FACETS)
    libraries = {fc["value"]: fc["count"] for fc in body["facets"]["library"]}
    assert libraries[HN] >= 1 and libraries[NL] >= 1 and libraries[VNU] >= 1
    assert SECRET not in libraries  # hidden records lend no facet values
    assert all(isinstance(fc["count"], int) and fc["count"] > 0 for fc in body["facets"]["year"])


def test_facet_selection_repeated_comma_and_none(client):
    assert set(search(client, facet=["library", "format"])["facets"]) == {"library", "format"}
    assert set(search(client, facet="library,language")["facets"]) == {"library", "language"}
    assert search(client, facet="")["facets"] == {}
    limited = search(client, facet="year", facet_limit=2)
    assert len(limited["facets"]["year"]) == 2
    assert limited["query"]["facet_limit"] == 2


def test_filters_narrow_results(client):
    everything = search(client, facet="")["total"]
    national = search(client, **{"f.library": NL, "facet": ""})
    assert 0 < national["total"] < everything
    assert all(NL in hit["libraries"] for hit in national["hits"])
    assert national["query"]["filters"] == {"library": [NL]}


def test_values_of_one_filter_or_and_filters_and(client):
    hn = search(client, **{"f.library": HN})["total"]
    nl = search(client, **{"f.library": NL})["total"]
    both = search(client, **{"f.library": [HN, NL]})["total"]
    assert max(hn, nl) < both <= hn + nl
    audio = search(client, **{"f.library": HN, "f.format": "audiobook"})
    assert titles(audio) == ["Số đỏ"]
    assert search(client, **{"f.library": NL, "f.format": "audiobook"})["total"] == 0


def test_year_and_online_filters(client):
    assert "Truyện Kiều" in titles(search(client, **{"f.year": "2015"}))
    assert titles(search(client, **{"f.online": "TRUE"})) == ["Số đỏ"]


def test_filter_values_from_facets_round_trip(client):
    body = search(client, q="ha noi", facet="subject")
    for fc in body["facets"]["subject"]:
        assert search(client, q="ha noi", **{"f.subject": fc["value"]})["total"] == fc["count"]


def test_hidden_records_never_appear(client):
    assert search(client, q="Zyzzyva")["total"] == 0
    everything = search(client, per_page=MAX_PER_PAGE, facet="library")
    assert SECRET not in {fc["value"] for fc in everything["facets"]["library"]}
    assert all(SECRET not in hit["libraries"] for hit in everything["hits"])


# --- search: sorting and paging --------------------------------------------------------


def test_sort_by_year_both_ways(client):
    desc = [h["year"] for h in search(client, q="tuyển tập", sort="year_desc")["hits"]]
    asc = [h["year"] for h in search(client, q="tuyển tập", sort="year_asc")["hits"]]
    assert desc == sorted(desc, reverse=True) and desc[0] == 1979 + TUYEN_TAP
    assert asc == sorted(asc) and asc[0] == 1980


def test_sort_by_title_uses_filing_titles(client):
    body = search(client, sort="title", per_page=MAX_PER_PAGE, facet="")
    keys = [title_sort_key(h["title"], h["languages"]) for h in body["hits"]]
    assert keys == sorted(keys)
    assert body["query"]["sort"] == "title"


def test_pages_are_disjoint_and_complete(client):
    seen = []
    for page in (1, 2, 3):
        body = search(client, q="tuyển tập thơ", per_page=10, page=page, sort="year_asc")
        assert body["total"] == TUYEN_TAP and body["pages"] == 3 and body["page"] == page
        seen += [h["work_key"] for h in body["hits"]]
    assert len(seen) == len(set(seen)) == TUYEN_TAP
    last = search(client, q="tuyển tập thơ", per_page=10, page=3)
    assert len(last["hits"]) == 5 and last["links"]["next"] is None
    assert last["links"]["prev"].endswith("page=2")


def test_page_links_keep_the_query(client):
    body = search(client, q="tuyển tập thơ", per_page=10, **{"f.library": VNU})
    follow = client.get(body["links"]["next"]).get_json()
    assert follow["page"] == 2
    assert follow["query"]["filters"] == {"library": [VNU]}
    assert follow["query"]["q"] == "tuyển tập thơ"


def test_page_past_the_results_is_empty_not_an_error(client):
    body = search(client, q="tuyển tập thơ", per_page=10, page=4)
    assert body["hits"] == [] and body["total"] == TUYEN_TAP


def test_deepest_page_is_served_one_deeper_is_refused(client):
    search(client, page=MAX_DEPTH // 20, per_page=20)
    search(client, page=MAX_DEPTH // MAX_PER_PAGE, per_page=MAX_PER_PAGE)
    error = bad(client, {"page": MAX_DEPTH // 20 + 1, "per_page": 20})
    assert error["parameter"] == "page" and str(MAX_DEPTH) in error["message"]
    assert bad(client, {"page": 11, "per_page": 100})["parameter"] == "page"
    assert bad(client, {"page": 10**8})["parameter"] == "page"


# --- search: every 400 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query_string", "parameter"),
    [
        ({"sort": "newest"}, "sort"),
        ({"facet": "publisher"}, "facet"),
        ({"facet": "library,nope"}, "facet"),
        ({"f.publisher": "Kim Đồng"}, "f.publisher"),
        ({"f.": "x"}, "f."),
        ({"rows": "10"}, "rows"),
        ({"fq": "library:x"}, "fq"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": "1e3"}, "page"),
        ({"page": ["1", "2"]}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": str(MAX_PER_PAGE + 1)}, "per_page"),
        ({"per_page": "ten"}, "per_page"),
        ({"facet_limit": "0"}, "facet_limit"),
        ({"facet_limit": "201"}, "facet_limit"),
        ({"sort": ["title", "year_asc"]}, "sort"),
        ({"q": ["a", "b"]}, "q"),
        ({"f.year": "năm 2015"}, "f.year"),
        ({"f.online": "maybe"}, "f.online"),
        ({"f.library": "x" * 301}, "f.library"),
        ({"f.library": [str(i) for i in range(51)]}, "f.*"),
        ({"q": "x" * 1001}, "q"),
        ({"q": "kiều " * 2000}, "q"),
        ({"q": "truyện\x00kiều"}, "q"),
        ({"q": "a\x1b[31m"}, "q"),
        ({"f.library": "Thư\x00viện"}, "f.library"),
        ({"facet": "library\x00"}, "facet"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, query_string, parameter):
    error = bad(client, query_string)
    assert error["code"] == "invalid_parameter"
    assert error["parameter"] == parameter
    assert parameter.rstrip(".*") in error["message"]
    assert "Traceback" not in error["message"]


def test_number_errors_say_the_bounds(client):
    assert (
        bad(client, {"page": "-1"})["message"] == "page must be a whole number at least 1, not '-1'"
    )
    assert bad(client, {"per_page": "0"})["message"].startswith("per_page must be between 1 and ")


def test_a_query_of_exactly_the_limit_is_accepted(client):
    search(client, q="a" * 1000)


@pytest.mark.parametrize(
    "q",
    [
        "{!xmlparser v='<!DOCTYPE a SYSTEM \"http://127.0.0.1/x\"><a/>'}",
        "{!func}sum(1,2)",
        "title:(",
        '"unclosed',
        "*",
        "AND OR NOT",
        "\\",
        "year:99999-",
        "((((((((((((((((((((kiều",
        "author:",
        "<script>alert(1)</script>",
    ],
)
def test_hostile_queries_are_searched_as_words_not_errors(client, q):
    body = search(client, q=q)
    assert body["query"]["q"] == q
    for hit in body["hits"]:
        assert "<script>" not in (hit["snippet"] or "")


def test_empty_filter_values_are_ignored(client):
    body = search(client, **{"f.library": "", "facet": ""})
    assert body["query"]["filters"] == {}


# --- records ---------------------------------------------------------------------------


def test_record_is_the_unified_record_with_links(client, catalogue):
    response = client.get("/api/records/hanoi-library:hn-001")
    assert response.status_code == 200
    body = response.get_json()
    expected = catalogue.store.get_record("hanoi-library:hn-001").to_dict()
    assert {k: v for k, v in body.items() if k != "links"} == expected
    assert body["links"]["self"] == "/api/records/hanoi-library:hn-001"
    assert body["authors"] == ["Nguyễn Du"]
    assert "Nguyễn Du".encode() in response.get_data()


def test_record_copies_link_to_their_librarys_catalogue(client, catalogue):
    store = catalogue.store
    source = store.get_source("hanoi-library")
    body = client.get("/api/records/hanoi-library:hn-001").get_json()
    assert all("links" not in h for h in body["holdings"])  # no template, no link
    template = "https://opac.example.vn/cgi-bin/koha/opac-detail.pl?biblionumber={local_id}"
    store.put_source(replace(source, opac_url=template))
    try:
        body = client.get("/api/records/hanoi-library:hn-001").get_json()
    finally:
        store.put_source(source)
    links = [h["links"]["opac"] for h in body["holdings"]]
    assert links and set(links) == {template.format(local_id="hn-001")}


def test_hit_url_opens_the_record(client):
    hit = search(client, q="Số đỏ")["hits"][0]
    record = client.get(hit["url"]).get_json()
    assert record["id"] == hit["id"] and record["title"] == "Số đỏ"


def test_search_by_author_link_finds_the_work(client):
    for record_id in ("national-library:nl-778", "vnu-library:vnu-5"):  # "Nguyễn, Du", dates
        record = client.get(f"/api/records/{record_id}").get_json()
        link = record["links"]["search_by_author"][0]
        found = client.get(link["href"]).get_json()
        assert any(record_id in hit["record_ids"] for hit in found["hits"]), link


def test_record_ids_may_be_percent_encoded(client):
    assert client.get("/api/records/" + quote("hanoi-library:hn-001", safe="")).status_code == 200


@pytest.mark.parametrize("path", ["/api/records/nowhere:1", "/api/records/", "/api/records/x"])
def test_unknown_record_is_404_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_withdrawn_record_is_410_gone(client):
    response = client.get(f"/api/records/{WITHDRAWN_ID}")
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "gone"


# --- errors, headers -------------------------------------------------------------------


def test_method_not_allowed_is_json_with_allow(client):
    response = client.post("/api/search", data={"q": "x"})
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_unknown_api_url_is_json_404_but_the_rest_of_the_site_is_not(client):
    response = client.get("/api/nothing/here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    page = client.get("/nothing-here")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_cors_and_cache_headers(client):
    for path in ("/api/search?q=kieu", "/api/records/hanoi-library:hn-001", "/api/openapi.json"):
        response = client.get(path)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    error = client.get("/api/search?sort=x")
    assert error.headers["Access-Control-Allow-Origin"] == "*"
    assert error.headers["Cache-Control"] == "no-store"


def test_head_and_options_work(client):
    assert client.head("/api/search?q=kieu").status_code == 200
    options = client.options("/api/search")
    assert options.status_code == 200 and "GET" in options.headers["Allow"]


class FailingIndex:
    def search(self, query: SearchQuery):
        raise OSError("index folder vanished")


class FailingStore:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def get_record(self, record_id: str):
        raise self.exc


def test_index_failure_is_503_json_and_logged(catalogue, caplog):
    app = create_app(catalogue.settings, store=catalogue.store, index=FailingIndex())
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/api/search?q=kieu")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert response.headers["Retry-After"].isdigit()
    assert "vanished" not in response.get_data(as_text=True)
    assert any("index folder vanished" in (r.exc_text or "") for r in caplog.records)


def test_store_failure_is_503_json(catalogue):
    store = FailingStore(OperationalError("SELECT", {}, Exception("database is locked")))
    app = create_app(catalogue.settings, store=store, index=catalogue.index)
    response = app.test_client().get("/api/records/hanoi-library:hn-001")
    assert response.status_code == 503
    assert "locked" not in response.get_data(as_text=True)


def test_a_bug_is_500_json_without_a_traceback(catalogue):
    store = FailingStore(KeyError("secret internals"))
    app = create_app(catalogue.settings, store=store, index=catalogue.index)
    response = app.test_client().get("/api/records/hanoi-library:hn-001")
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"]["code"] == "internal_server_error"
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


# --- the app factory -------------------------------------------------------------------


def test_services_are_on_the_app(app, catalogue):
    services = app.extensions["thuvien"]
    assert isinstance(services, Services)
    assert services.store is catalogue.store and services.index is catalogue.index
    assert services.settings is catalogue.settings
    assert "api" in app.blueprints


def test_factory_opens_store_and_index_from_settings(tmp_path):
    settings = Settings(data_dir=tmp_path)
    app = create_app(settings)
    services = app.extensions["thuvien"]
    assert services.store.url == settings.db_url
    assert (tmp_path / "thuvien.sqlite").exists() and (tmp_path / "index").is_dir()
    body = app.test_client().get("/api/search").get_json()
    assert body["total"] == 0 and body["hits"] == []
    services.store.close()


def test_production_without_a_secret_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="THUVIEN_SECRET_KEY"):
        create_app(Settings(mode="production", data_dir=tmp_path))
    assert not (tmp_path / "thuvien.sqlite").exists()  # refused before opening anything
    with pytest.raises(RuntimeError, match="too short"):
        create_app(Settings(mode="production", data_dir=tmp_path, secret_key="hunter2"))


def test_production_cookies_are_secure(catalogue):
    data_dir = catalogue.settings.data_dir
    settings = Settings(mode="production", data_dir=data_dir, secret_key="k" * 64)
    app = create_app(settings, store=catalogue.store, index=catalogue.index)
    assert app.secret_key == "k" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_gets_a_random_key_per_app(catalogue):
    first = create_app(catalogue.settings, store=catalogue.store, index=catalogue.index)
    second = create_app(catalogue.settings, store=catalogue.store, index=catalogue.index)
    assert first.secret_key and first.secret_key != second.secret_key
    assert len(first.secret_key) >= 32
    assert first.config["SESSION_COOKIE_SECURE"] is False
    assert first.json.ensure_ascii is False
