"""Nothing found: the did-you-mean suggestion, tips, and the search without filters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from indexer.text import is_vietnamese
from tests.support.search_pages import english, h1, page, text, total_of, total_of_or_zero


def test_a_typo_shows_close_matches_and_the_suggestion(client):
    # "nma" is one edit from "nam": three-letter words are in a typo's reach
    doc = page(client, "/search", q="lich su viet nma")
    assert total_of(doc) > 0
    assert "Không có kết quả khớp chính xác" in text(doc.xpath("//p[@class='notice']")[0])
    suggestion = doc.xpath("//p[@class='did-you-mean']/a")[0]
    assert text(suggestion) == "lich su viet nam"
    assert total_of(page(client, suggestion.get("href"))) > 0


def test_zero_results_offer_tips(client):
    doc = page(client, "/search", q="qxzvw")
    assert h1(doc) == "Không có kết quả cho “qxzvw”"
    assert not doc.xpath("//p[@class='did-you-mean']")
    assert doc.xpath("//div[@class='no-results']//ul[@class='tips']/li")


def test_the_suggestion_under_a_year_range_is_the_readers_own_words(client):
    doc = page(client, "/search", q="lich su viet nma", year_from="1990")
    suggestion = doc.xpath("//p[@class='did-you-mean']/a")[0]
    assert text(suggestion) == "lich su viet nam"
    query = parse_qs(urlsplit(suggestion.get("href")).query)
    assert query == {"q": ["lich su viet nam"], "year_from": ["1990"]}


def test_zero_results_with_filters_link_to_the_search_without_them(client):
    doc = page(client, "/search", **{"q": "truyện kiều", "f.format": "map", "year_from": "1900"})
    assert total_of_or_zero(doc) == 0
    widen = doc.xpath("//p[@class='no-results__widen']/a")[0]
    assert "truyện kiều" in text(widen)
    assert parse_qs(urlsplit(widen.get("href")).query) == {"q": ["truyện kiều"]}
    assert total_of(page(client, widen.get("href"))) > 0


def test_the_tips_vietnamese_examples_are_marked_on_an_english_page(client):
    english(client)
    doc = page(client, "/search", q="qxzvw")
    tips = doc.xpath("//ul[@class='tips']")[0]
    assert "“ha noi” also finds “Hà Nội”" in text(tips)
    vietnamese = [
        node
        for node in tips.xpath(".//text()")
        if is_vietnamese(node) and not node.getparent().xpath("ancestor-or-self::*[@lang='vi']")
    ]
    assert vietnamese == []
    marked = [text(e) for e in tips.xpath(".//*[@lang='vi']")]
    assert "Hà Nội" in marked and 'author:"Nguyễn Du"' in marked
    home = page(client, "/")
    [hint] = [p for p in home.xpath("//p[@class='field__hint']") if "Diacritics" in text(p)]
    assert [text(e) for e in hint.xpath(".//*[@lang='vi']")] == ["Hà Nội"]
