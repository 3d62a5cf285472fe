"""robots.txt, the sitemap and the OpenSearch description (with its suggestions) tell
crawlers and browsers where things are."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from lxml import etree

from tests.support.accounts import browser, log_in, make_user

OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def test_robots_points_at_the_sitemap_and_keeps_crawlers_off_result_pages(
    client: FlaskClient,
) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /search" in lines
    assert "Disallow: /api/" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert not any(line == "Disallow: /" for line in lines)  # record pages stay crawlable


def test_opensearch_description_is_valid_and_searches_the_portal(client: FlaskClient) -> None:
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/opensearchdescription+xml"
    root = etree.fromstring(response.data)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.findtext(f"{OPENSEARCH}ShortName") == "thuvien"
    templates = {u.get("type"): u.get("template") for u in root.iter(f"{OPENSEARCH}Url")}
    assert templates["text/html"].startswith("http://localhost/search?q={searchTerms}")
    assert templates["application/json"].startswith("http://localhost/api/search?q={searchTerms}")
    # And the template really searches: fill it in and follow it.
    filled = templates["text/html"].replace("{searchTerms}", "ha+noi").replace("{startPage?}", "1")
    # page=1 is the default: the results page answers at its clean URL.
    answer = client.get(filled.removeprefix("http://localhost"), follow_redirects=True)
    assert answer.status_code == 200 and answer.request.path == "/search"


def test_every_page_advertises_the_opensearch_description(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'type="application/opensearchdescription+xml"' in page
    assert 'href="/opensearch.xml"' in page


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemap_lists_every_public_record_page_once(client: FlaskClient, catalogue) -> None:
    index = etree.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == f"{SITEMAP}sitemapindex"
    blocks = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    # the portal's own pages, then records: the sample catalogue fits one block
    assert blocks == ["http://localhost/sitemap/pages.xml", "http://localhost/sitemap/0.xml"]
    response = client.get("/sitemap/0.xml")
    assert response.mimetype == "application/xml"
    urlset = etree.fromstring(response.data)
    locs = [u.findtext(f"{SITEMAP}loc") for u in urlset.iter(f"{SITEMAP}url")]
    assert len(locs) == len(set(locs))
    expected = {
        f"http://localhost/record/{r.id}"
        for r in catalogue.store.iter_records()
        if not r.id.startswith("archive:")  # hidden by the licence rule
    }
    assert set(locs) == expected
    assert all(
        u.findtext(f"{SITEMAP}lastmod", "").endswith("Z") for u in urlset.iter(f"{SITEMAP}url")
    )
    # and each listed page really is there
    assert client.get(locs[0].removeprefix("http://localhost")).status_code == 200


def test_sitemap_blocks_past_the_end_are_not_found(client: FlaskClient) -> None:
    assert client.get("/sitemap/99.xml").status_code == 404


def _suggestions_template(client: FlaskClient) -> str:
    root = etree.fromstring(client.get("/opensearch.xml").data)
    (url,) = [u for u in root.iter(f"{OPENSEARCH}Url") if u.get("rel") == "suggestions"]
    assert url.get("type") == "application/x-suggestions+json"
    return url.get("template").removeprefix("http://localhost")


def _suggest(client: FlaskClient, prefix: str) -> list:
    response = client.get(_suggestions_template(client).replace("{searchTerms}", prefix))
    assert response.status_code == 200
    assert response.mimetype == "application/x-suggestions+json"
    assert "private" in response.headers["Cache-Control"]  # depends on who asks
    return json.loads(response.data)


def test_the_address_bar_gets_suggestions_in_the_opensearch_shape(client: FlaskClient) -> None:
    query, completions, descriptions, urls = _suggest(client, "truyen k")
    assert query == "truyen k"
    assert "Truyện Kiều" in completions  # diacritics-blind, as the search box's suggestions
    assert len(completions) == len(descriptions) == len(urls) > 0
    assert set(descriptions) <= {"Nhan đề", "Tác giả"}  # the UI's language, Vietnamese first
    kieu = urls[completions.index("Truyện Kiều")]
    assert kieu.startswith("http://localhost/search?q=")
    assert client.get(kieu.removeprefix("http://localhost")).status_code == 200
    assert _suggest(client, "t") == ["t", [], [], []]  # one letter: too little to complete
    assert _suggest(client, "%3Cscript%3E")[1] == []  # text, never syntax


def test_suggestions_never_name_a_hidden_record(app) -> None:
    anonymous = browser(app)
    assert not any("Zyzzyva" in c for c in _suggest(anonymous, "zyzz")[1])
    librarian = browser(app)
    assert log_in(librarian, make_user(app, "librarian")).status_code == 303
    assert any("Zyzzyva" in c for c in _suggest(librarian, "zyzz")[1])  # staff see it


def test_sitemap_lists_the_pages_readers_start_from(client: FlaskClient) -> None:
    index = etree.fromstring(client.get("/sitemap.xml").data)
    sitemaps = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sitemaps[0] == "http://localhost/sitemap/pages.xml"
    response = client.get("/sitemap/pages.xml")
    assert response.mimetype == "application/xml"
    urlset = etree.fromstring(response.data)
    locs = [u.findtext(f"{SITEMAP}loc").removeprefix("http://localhost") for u in urlset]
    facets = ["library", "collection", "format", "language", "subject"]
    assert locs == ["/", "/browse", *[f"/browse/{f}" for f in facets], "/advanced", "/audiobooks/"]
    for loc in locs:
        assert client.get(loc).status_code == 200, loc
    stamps = {u.findtext(f"{SITEMAP}lastmod") for u in urlset}
    assert len(stamps) == 1 and stamps.pop().endswith("Z")


def test_robots_keeps_crawlers_off_the_suggestions(client: FlaskClient) -> None:
    lines = client.get("/robots.txt").get_data(as_text=True).splitlines()
    assert "Disallow: /opensearch/suggestions" in lines
