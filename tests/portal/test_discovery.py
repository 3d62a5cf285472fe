"""robots.txt and the OpenSearch description tell crawlers and browsers where things are."""

from __future__ import annotations

from flask.testing import FlaskClient
from lxml import etree

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
    assert client.get(filled.removeprefix("http://localhost")).status_code == 200


def test_every_page_advertises_the_opensearch_description(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'type="application/opensearchdescription+xml"' in page
    assert 'href="/opensearch.xml"' in page
