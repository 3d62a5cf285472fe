"""Counts estimated on a sample of works (a large result) are shown as estimates: two
significant figures, "≈" on the facet counts and histogram bars, "about" in the words
a screen reader hears and in the totals; counts of smaller results stay exact."""

from __future__ import annotations

import lxml.html
import pytest

from catalogue import Holding, Record
from indexer import TantivyIndex, index_records
from indexer import tantivy_counts as counts_module
from portal.app import create_app
from portal.search_labels import estimate
from tests.support.search_pages import english


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (7, 7), (99, 99), (100, 100), (987, 990), (1234, 1200), (12347, 12000),
     (91807, 92000), (1_000_000, 1_000_000)],
)  # fmt: skip
def test_an_estimate_keeps_two_significant_figures(count, shown):
    assert estimate(count) == shown


def books(count: int) -> list[Record]:
    return [
        Record(
            f"lib{n % 2}",
            f"{n}",
            title=f"Hà Nội phố {n}",
            authors=[f"Tác giả {n}"],
            year=1900 + n % 90,
            languages=["vie"],
            holdings=[Holding(f"Thư viện {n % 2}", call_number=f"{n}")],
        )
        for n in range(count)
    ]


@pytest.fixture
def sampled(catalogue, monkeypatch):
    """An app whose index counts results of over 100 records on a sample."""
    monkeypatch.setattr(counts_module, "FACET_EXACT_LIMIT", 10)
    monkeypatch.setattr(counts_module, "SAMPLE_RECORDS", 100)
    monkeypatch.setattr(counts_module, "MIN_SAMPLE_WORKS", 5)
    index = TantivyIndex()
    index_records(index, books(1500))
    return create_app(catalogue.settings, store=catalogue.store, index=index)


def _page(client, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def _text(element) -> str:
    return " ".join(element.text_content().split())


def test_a_sampled_results_counts_read_as_estimates(sampled):
    doc = _page(sampled.test_client(), "/search?q=ha+noi")
    heading = _text(doc.xpath("//h1")[0])
    assert heading.startswith("Khoảng ") and heading.split()[1].endswith("00")
    assert "trong số khoảng" in _text(doc.xpath("//*[@class='results-summary__range']")[0])
    options = doc.xpath("//fieldset[contains(@class,'facet--library')]//li")
    assert len(options) == 2
    for option in options:
        shown = _text(option.xpath(".//*[@aria-hidden='true']")[0])  # "(≈750)"
        spoken = _text(option.xpath(".//*[@class='visually-hidden']")[0])
        assert shown.startswith("(≈") and shown.endswith("0)"), shown
        assert spoken.startswith(", khoảng ") and spoken.endswith(" tác phẩm"), spoken
        assert shown[2:-1] in spoken  # the same rounded number, written the same way
    bars = doc.xpath("//ul[@class='year-histogram']//li[a]")
    assert bars and all(
        _text(bar.xpath(".//*[@class='year-histogram__count']")[0]).startswith("≈") for bar in bars
    )


def test_estimates_in_english(sampled):
    client = english(sampled.test_client())
    doc = _page(client, "/search?q=ha+noi")
    assert _text(doc.xpath("//h1")[0]).startswith("About ")
    assert " of about " in _text(doc.xpath("//*[@class='results-summary__range']")[0])
    spoken = doc.xpath(
        "//fieldset[contains(@class,'facet--library')]//li//*[@class='visually-hidden']"
    )
    assert all(_text(s).startswith(", about ") for s in spoken)


def test_a_result_counted_in_full_shows_exact_counts(sampled):
    doc = _page(sampled.test_client(), "/search?q=pho+1")  # "phố 1", "phố 10"…: under 100
    heading = _text(doc.xpath("//h1")[0])
    assert not heading.startswith("Khoảng")
    assert "≈" not in doc.text_content() and "khoảng" not in _text(doc.xpath("//main")[0])


def test_the_home_and_browse_pages_of_a_large_catalogue_say_about(sampled):
    client = sampled.test_client()
    home = _page(client, "/")
    intro = _text(home.xpath("//*[@class='home-search__intro']")[0])
    assert intro.startswith("Khoảng ") and "tác phẩm của mọi thư viện" in intro
    counts = [_text(c) for c in home.xpath("//*[@class='count-list__count']")]
    assert counts and all(c.startswith("khoảng ") for c in counts), counts
    browse = _page(client, "/browse")
    assert _text(browse.xpath("//main//p")[0]).startswith("Khoảng ")
    library = _page(client, "/browse/library")
    assert "khoảng " in _text(library.xpath("//main")[0])
    numbers = _page(client, "/browse/format").xpath("//td[@class='count-table__number']")
    assert numbers and all(_text(n).startswith("≈") for n in numbers)
