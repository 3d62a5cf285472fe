"""The year facet as a histogram of decades (and of years within one decade)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import lxml.html

from portal.search_facets import year_histogram
from portal.search_state import SearchState
from tests.indexer.sample_records import HN
from tests.support.search_pages import english, hit_years, page, text, total_of


def year_bins(doc: lxml.html.HtmlElement) -> dict[str, tuple[int, str]]:
    """The histogram's bins: label → (count shown, the link's target)."""
    bins = {}
    for link in doc.xpath(
        "//fieldset[contains(@class,'facet--year')]//ul[@class='year-histogram']//a"
    ):
        label = text(link.xpath(".//span[@class='year-histogram__label']")[0])
        count = text(link.xpath(".//span[@class='year-histogram__count']")[0])
        bins[label] = (int(re.sub(r"[.,]", "", count)), link.get("href"))
    return bins


def test_the_year_facet_counts_works_per_decade(client):
    doc = page(client, "/search", q="tuyển tập thơ")  # volumes 1 to 25: 1980 to 2004
    bins = year_bins(doc)
    assert {label: count for label, (count, _href) in bins.items()} == {
        "1980–1989": 10,
        "1990–1999": 10,
        "2000–2009": 5,
    }
    fieldset = doc.xpath("//fieldset[contains(@class,'facet--year')]")[0]
    histogram = fieldset.xpath(".//ul[@class='year-histogram']")[0]
    caption = doc.xpath(f"//*[@id='{histogram.get('aria-labelledby')}']")[0]
    assert text(caption) == "Số tác phẩm theo thập niên"
    # Above the from/to boxes, and read as "1990–1999, 10 tác phẩm" (bar and digits hidden).
    assert fieldset.index(histogram) < fieldset.index(fieldset.xpath("div[@class='year-range']")[0])
    link = histogram.xpath(".//a")[1]
    spoken = "".join(t for t in link.xpath(".//text()[not(ancestor::*[@aria-hidden='true'])]"))
    assert " ".join(spoken.split()) == "1990–1999, 10 tác phẩm"
    bars = histogram.xpath(
        ".//span[@aria-hidden='true']/span[contains(@class,'year-histogram__bar')]"
    )
    assert [b.get("class").split("--")[-1] for b in bars] == ["100", "100", "50"]


def test_the_decades_add_up_the_year_facet_over_the_whole_catalogue(client):
    body = client.get(
        "/api/search", query_string={"q": "", "facet": "year", "facet_limit": 200}
    ).get_json()
    expected: dict[str, int] = {}
    for fc in body["facets"]["year"]:
        low = int(fc["value"]) // 10 * 10
        key = f"{low}–{low + 9}"
        expected[key] = expected.get(key, 0) + fc["count"]
    bins = year_bins(page(client, "/search", q=""))
    assert {label: count for label, (count, _href) in bins.items()} == expected
    assert bins["1870–1879"][0] == 1  # the 1873 map
    assert list(bins) == sorted(bins)  # oldest first


def test_the_histogram_shows_empty_decades_between_as_rows_without_links(client):
    doc = page(client, "/search", q="")
    rows = doc.xpath("//ul[@class='year-histogram']/li")
    labels = [text(r.xpath(".//span[@class='year-histogram__label']")[0]) for r in rows]
    lows = [int(label.split("–")[0]) for label in labels]
    assert lows == list(range(lows[0], lows[-1] + 1, 10))  # every decade, none skipped
    empty = [r for r in rows if "year-histogram__empty" in (r.get("class") or "")]
    assert empty and len(empty) + len(year_bins(doc)) == len(rows)
    for row in empty:
        assert not row.xpath(".//a") and not row.xpath(".//*[contains(@class,'__bar')]")
        spoken = "".join(row.xpath(".//text()[not(ancestor::*[@aria-hidden='true'])]"))
        assert spoken.endswith(", 0 tác phẩm")


def test_a_decade_link_narrows_the_search_to_it(client):
    bins = year_bins(page(client, "/search", q="tuyển tập thơ", sort="year_asc"))
    count, href = bins["1990–1999"]
    query = parse_qs(urlsplit(href).query)
    assert query == {
        "q": ["tuyển tập thơ"],
        "year_from": ["1990"],
        "year_to": ["1999"],
        "sort": ["year_asc"],
    }
    doc = page(client, href)
    assert total_of(doc) == count == 10
    assert sorted(hit_years(doc)) == list(range(1990, 2000))
    # Within one decade the bars are single years, each narrowing further.
    years = year_bins(doc)
    assert list(years) == [str(y) for y in range(1990, 2000)]
    assert text(doc.xpath("//p[@class='year-histogram__caption']")[0]) == "Số tác phẩm theo năm"
    one, href = years["1995"]
    assert one == 1 and hit_years(page(client, href)) == [1995]
    current = doc.xpath("//ul[@class='year-histogram']//a[@aria-current='true']")
    assert not current  # 1990–1999 is not one of the year bars
    narrowed = page(client, href)
    assert narrowed.xpath("//ul[@class='year-histogram']//a[@aria-current='true']")


def test_the_histogram_keeps_the_readers_filters(client):
    doc = page(client, "/search", **{"q": "", "f.library": HN})
    bins = year_bins(doc)
    assert len(bins) >= 3
    for _count, href in bins.values():
        assert parse_qs(urlsplit(href).query)["f.library"] == [HN]


def test_no_histogram_without_year_values(client):
    doc = page(client, "/search", q="zzqx nothing like this")
    assert doc.xpath("//fieldset[contains(@class,'facet--year')]//input[@name='year_from']")
    assert not doc.xpath("//ul[@class='year-histogram']")
    assert not doc.xpath("//*[@class='year-histogram__caption']")
    assert year_histogram(SearchState(), []) == []


def test_the_histogram_in_english(client):
    english(client)
    doc = page(client, "/search", q="tuyển tập thơ")
    assert text(doc.xpath("//p[@class='year-histogram__caption']")[0]) == "Works by decade"
    link = doc.xpath("//ul[@class='year-histogram']//a")[2]
    assert text(link.xpath(".//span[@class='visually-hidden']")[0]) == ", 5 works"
