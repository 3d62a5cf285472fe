"""Reading the portal's search pages in tests: fetch and parse a page, its heading,
hits, years and count, a cleaned URL's redirect, the facet counts the API gives.

Pages are parsed with lxml, so the assertions are about what is on the page (headings,
links, checked boxes, counts), not about status codes alone.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import lxml.html
from flask.testing import FlaskClient

TUYEN_TAP = 25  # volumes of "Tuyển tập thơ Việt Nam" in the sample


def page(client: FlaskClient, url: str, status: int = 200, **params) -> lxml.html.HtmlElement:
    response = client.get(url, query_string=params or None)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    return lxml.html.fromstring(response.get_data(as_text=True))


def redirected(client: FlaskClient, url: str, **params) -> tuple[dict[str, list[str]], str]:
    """A results URL the page cleans: the 302's target query and the target itself."""
    response = client.get(url, query_string=params or None)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert urlsplit(location).path == "/search"
    return parse_qs(urlsplit(location).query), location


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def h1(doc: lxml.html.HtmlElement) -> str:
    headings = doc.xpath("//h1")
    assert len(headings) == 1, "exactly one h1"
    return text(headings[0])


def hit_titles(doc: lxml.html.HtmlElement) -> list[str]:
    return [text(a) for a in doc.xpath("//ol[@class='hit-list']/li//h3/a")]


def hit_years(doc: lxml.html.HtmlElement) -> list[int]:
    items = doc.xpath("//ol[@class='hit-list']/li//ul[contains(@class,'hit__meta')]/li")
    years = []
    for item in items:
        value = text(item).split(":")[-1].strip()
        if value.isdigit() and len(value) == 4:
            years.append(int(value))
    return years


def total_of(doc: lxml.html.HtmlElement) -> int:
    match = re.match(r"([\d.,]+)", h1(doc))
    assert match, h1(doc)
    return int(re.sub(r"[.,]", "", match.group(1)))


def total_of_or_zero(doc: lxml.html.HtmlElement) -> int:
    heading = h1(doc)
    return 0 if heading.startswith("Không có kết quả") else total_of(doc)


def english(client: FlaskClient) -> FlaskClient:
    assert client.get("/?lang=en").status_code == 303
    return client


def api_facets(client: FlaskClient, **params) -> dict[str, dict[str, int]]:
    body = client.get("/api/search", query_string={"facet_limit": 200, **params}).get_json()
    return {
        name: {fc["value"]: fc["count"] for fc in counts} for name, counts in body["facets"].items()
    }
