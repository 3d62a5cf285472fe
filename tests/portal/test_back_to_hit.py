"""L6: a record page's "Back to results" returns to the hit the reader opened: the link
carries `#hit-<position>` and the results page gives each hit that `id`, numbered over
the whole search (page 2 of 10 a page holds hit-11 … hit-20)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import lxml.html
import pytest
from flask.testing import FlaskClient

from tests.support.record_pages import sel
from tests.support.search_pages import english

SEARCH = [("q", "Tuyển tập thơ Việt Nam"), ("sort", "year_asc"), ("per_page", "10")]
BACK = {"vi": "Quay lại kết quả", "en": "Back to results"}


def _doc(client: FlaskClient, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return lxml.html.fromstring(response.get_data(as_text=True))


def _results(client: FlaskClient, page: int) -> lxml.html.HtmlElement:
    paging = [("page", str(page))] if page > 1 else []  # page 1 is the URL without it
    return _doc(client, "/search?" + urlencode([*SEARCH, *paging]))


def _back_link(client: FlaskClient, record_url: str) -> lxml.html.HtmlElement:
    (nav,) = sel(_doc(client, record_url), "nav.search-context")
    return sel(nav, "a")[0]


def _record_url(hit: lxml.html.HtmlElement) -> str:
    return sel(hit, "h3.hit__title a")[0].get("href")


def test_each_hit_has_an_id_numbered_over_the_whole_search(client):
    for page, first in ((1, 1), (2, 11)):
        doc = _results(client, page)
        (hit_list,) = sel(doc, "ol.hit-list")
        assert hit_list.get("start") == str(first)
        hits = hit_list.xpath("li")
        assert len(hits) == 10
        assert [li.get("id") for li in hits] == [f"hit-{n}" for n in range(first, first + 10)]
        # Each hit's record link says the same position.
        for n, li in enumerate(hits, first):
            assert parse_qs(urlsplit(_record_url(li)).query)["pos"] == [str(n)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_back_to_results_goes_to_the_opened_hits_anchor_on_its_page(client, lang):
    if lang == "en":
        english(client)
    hit = _results(client, 2).xpath("//ol[@class='hit-list']/li")[2]  # the 13th result
    assert hit.get("id") == "hit-13"
    back = _back_link(client, _record_url(hit))
    assert " ".join(back.text_content().split()).endswith(BACK[lang])
    href = urlsplit(back.get("href"))
    assert href.fragment == "hit-13"
    assert href.path == "/search"
    assert parse_qs(href.query)["page"] == ["2"]
    # The anchor is on the page the link goes to, on the hit that links this record.
    target = _doc(client, f"{href.path}?{href.query}")
    (landing,) = target.xpath("//*[@id='hit-13']")
    assert _record_url(landing).split("?")[0] == _record_url(hit).split("?")[0]


def test_the_anchor_follows_the_record_when_the_position_given_is_wrong(client):
    hits = _results(client, 1).xpath("//ol[@class='hit-list']/li")
    record = _record_url(hits[4]).split("?")[0]  # the 5th result, said to be the 3rd
    back = _back_link(client, f"{record}?{urlencode({'ctx': urlencode(SEARCH), 'pos': 3})}")
    assert urlsplit(back.get("href")).fragment == "hit-5"


def test_a_record_no_longer_in_the_results_goes_back_to_where_it_was(client):
    """The index changed (or the link was edited): back to the spot the reader left."""
    outside = _record_url(_doc(client, "/search?q=Số+đỏ").xpath("//ol/li")[0]).split("?")[0]
    back = _back_link(client, f"{outside}?{urlencode({'ctx': urlencode(SEARCH), 'pos': 12})}")
    href = urlsplit(back.get("href"))
    assert parse_qs(href.query)["page"] == ["2"] and href.fragment == "hit-12"


def test_without_a_position_the_back_link_has_an_anchor_only_if_the_record_is_found(client):
    hits = _results(client, 2).xpath("//ol[@class='hit-list']/li")
    referer = "http://localhost/search?" + urlencode([*SEARCH, ("page", "2")])
    found = client.get(_record_url(hits[1]).split("?")[0], headers={"Referer": referer})
    nav = sel(lxml.html.fromstring(found.get_data(as_text=True)), "nav.search-context")[0]
    assert urlsplit(sel(nav, "a")[0].get("href")).fragment == "hit-12"


def test_the_ids_leave_the_results_page_cacheable(client):
    """The ids come from the positions alone: the same search gives the same page and
    ETag, and a revalidation still answers 304."""
    url = "/search?" + urlencode([*SEARCH, ("page", "2")])
    first, second = client.get(url), client.get(url)
    assert first.get_data() == second.get_data()
    etag = first.headers.get("ETag")
    assert etag and second.headers.get("ETag") == etag
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
