"""The search pages in Vietnamese and English: headings, numbers and cached labels."""

from __future__ import annotations

import lxml.html
from flask import session

from portal.i18n import number_text
from portal.search_labels import format_label, status_text, works_text
from tests.support.search_pages import english, h1, page, text


def test_vietnamese_is_the_default_and_english_can_be_chosen(client):
    doc = page(client, "/search", q="ha noi")
    assert doc.get("lang") == "vi" and h1(doc) == "5 kết quả cho “ha noi”"
    english(client)
    doc = page(client, "/search", q="ha noi")
    assert doc.get("lang") == "en" and h1(doc) == "5 results for “ha noi”"
    assert "Refine results" in doc.text_content() and "Apply filters" in doc.text_content()
    assert h1(page(client, "/advanced")) == "Advanced search"
    assert h1(page(client, "/browse")) == "Browse the catalogue"
    one = page(client, "/search", q="tale of kieu")
    assert h1(one) == "1 result for “tale of kieu”"


def test_numbers_are_localised(client):
    def message() -> str:
        response = client.get("/search", query_string={"q": "k" * 1234})
        doc = lxml.html.fromstring(response.get_data(as_text=True))
        return text(doc.xpath("//p[contains(@class,'notice--error')]")[0])

    assert "1.234" in message() and "1.000" in message()
    english(client)
    assert "1,234" in message() and "1,000" in message()


def test_cached_numbers_and_labels_follow_the_language(app):
    for lang, expected in (("vi", "12.345"), ("en", "12,345")):
        with app.test_request_context("/search"):
            session["lang"] = lang
            assert number_text(12345) == expected
            assert number_text(12345) == expected  # the second from the cache
            assert works_text(12345).startswith(expected)
    with app.test_request_context("/search"):
        session["lang"] = "en"
        assert format_label("map") == "Map"
        assert status_text("on_loan", 2) == "2 copies on loan"
    with app.test_request_context("/search"):
        assert format_label("map") == "Bản đồ"
        assert number_text(1.5) == "1,5"  # not an integer: formatted, not cached
