"""F13: back to results, "3/25", previous and next record, from the search the record
was opened from (a validated `ctx` + `pos`, or this site's results page as Referer)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import lxml.html
import pytest

from portal.search_state import SearchState
from tests.support.record_pages import sel

SEARCH = [("q", "Tuyển tập thơ Việt Nam"), ("sort", "year_asc"), ("per_page", "10")]


def results_order(client) -> list[str]:
    """Record links in the order the results pages list them (the reader's view)."""
    ids = []
    for number in (1, 2, 3):
        response = client.get(
            "/search?" + urlencode([*SEARCH, ("page", str(number))]), follow_redirects=True
        )
        doc = lxml.html.fromstring(response.get_data(as_text=True))
        ids += [a.get("href").split("?")[0] for a in sel(doc, "h3.hit__title a")]
    return ids


def context_nav(client, url: str, **headers) -> lxml.html.HtmlElement | None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    found = sel(lxml.html.fromstring(response.get_data(as_text=True)), "nav.search-context")
    return found[0] if found else None


def links(nav: lxml.html.HtmlElement) -> dict[str, str]:
    return {a.get("rel") or "back": a.get("href") for a in sel(nav, "a")}


def ctx(position: int) -> str:
    return urlencode({"ctx": urlencode(SEARCH), "pos": position})


def test_previous_and_next_follow_the_results_across_a_page_boundary(client):
    order = results_order(client)
    assert len(order) >= 12
    nav = context_nav(client, f"{order[9]}?{ctx(10)}")  # last hit of page 1
    assert sel(nav, ".search-context__position")[0].text_content() == (f"Kết quả 10/{len(order)}")
    found = links(nav)
    assert found["prev"].split("?")[0] == order[8]
    assert found["next"].split("?")[0] == order[10]  # first hit of page 2
    assert parse_qs(urlsplit(found["next"]).query)["pos"] == ["11"]
    back = urlsplit(found["back"])
    assert back.path == "/search"
    assert parse_qs(back.query) == {
        "q": ["Tuyển tập thơ Việt Nam"],
        "sort": ["year_asc"],
        "per_page": ["10"],
    }
    # Following "next" keeps the context: page 2's first hit goes back to page 2.
    nav = context_nav(client, found["next"])
    assert parse_qs(urlsplit(links(nav)["back"]).query)["page"] == ["2"]
    assert links(nav)["prev"].split("?")[0] == order[9]


def test_first_and_last_results_have_no_previous_or_next(client):
    order = results_order(client)
    first = links(context_nav(client, f"{order[0]}?{ctx(1)}"))
    assert "prev" not in first and "next" in first
    last = links(context_nav(client, f"{order[-1]}?{ctx(len(order))}"))
    assert "next" not in last and "prev" in last


def test_the_referer_from_this_sites_results_page_is_a_context(client):
    order = results_order(client)
    referer = "http://localhost/search?" + urlencode([*SEARCH, ("page", "2")])
    nav = context_nav(client, order[12], Referer=referer)
    assert sel(nav, ".search-context__position")[0].text_content().startswith("Kết quả 13/")
    assert links(nav)["next"].split("?")[0] == order[13]


@pytest.mark.parametrize(
    "referer",
    [
        "http://evil.example/search?q=th%C6%A1",  # another site
        "http://localhost/browse?q=th%C6%A1",  # not the results page
        "javascript:alert(1)",
        "",
    ],
)
def test_other_referers_give_no_context(client, referer):
    order = results_order(client)
    assert context_nav(client, order[0], Referer=referer) is None


@pytest.mark.parametrize(
    "query",
    [
        {"ctx": urlencode(SEARCH), "pos": "0"},
        {"ctx": urlencode(SEARCH), "pos": "-3"},
        {"ctx": urlencode(SEARCH), "pos": "１"},  # a digit, but not an ASCII one
        {"ctx": urlencode(SEARCH), "pos": "999999999"},
        {"ctx": urlencode(SEARCH), "pos": "abc"},
    ],
)
def test_a_bad_position_still_finds_the_record_on_the_searchs_page(client, query):
    order = results_order(client)
    nav = context_nav(client, f"{order[2]}?{urlencode(query)}")
    assert sel(nav, ".search-context__position")[0].text_content().startswith("Kết quả 3/")


def test_a_wrong_position_is_corrected_by_looking_for_the_record(client):
    order = results_order(client)
    nav = context_nav(client, f"{order[4]}?{ctx(2)}")  # says 2, the record is 5th
    assert sel(nav, ".search-context__position")[0].text_content().startswith("Kết quả 5/")


def test_a_record_not_in_the_search_gets_only_the_way_back(client):
    nav = context_nav(client, f"/record/hanoi-library:hn-001?{ctx(3)}")
    assert list(links(nav)) == ["back"]
    assert not sel(nav, ".search-context__position")


def test_hostile_contexts_are_parsed_not_echoed(client):
    order = results_order(client)
    hostile = urlencode(
        [("q", '"><script>alert(1)</script>'), ("sort", "bogus"), ("per_page", "100000")]
    )
    response = client.get(f"{order[0]}?" + urlencode({"ctx": hostile, "pos": "1"}))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script>alert(1)" not in text
    nav = sel(lxml.html.fromstring(text), "nav.search-context")[0]
    back = parse_qs(urlsplit(links(nav)["back"]).query)
    assert "sort" not in back and "per_page" not in back  # cleaned by SearchState
    too_long = urlencode({"ctx": "q=" + "a" * 5000, "pos": "1"})
    assert context_nav(client, f"{order[0]}?{too_long}") is None


def test_search_context_url_is_what_the_results_page_would_put_on_a_hit(app):
    from portal.record_context import search_context_url

    with app.test_request_context("/search?" + urlencode(SEARCH)):
        from flask import request

        state = SearchState.from_args(request.args)
        url = search_context_url("/record/x:1", state, 7)
    query = parse_qs(urlsplit(url).query)
    assert query["pos"] == ["7"]
    assert parse_qs(query["ctx"][0]) == {
        "q": ["Tuyển tập thơ Việt Nam"],
        "sort": ["year_asc"],
        "per_page": ["10"],
    }


def test_no_context_no_bar(client):
    assert context_nav(client, "/record/hanoi-library:hn-001") is None
