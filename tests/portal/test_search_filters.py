"""The results page's filters: facets as labelled checkboxes, removable chips, year
ranges, several values of one facet at once."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import lxml.html
from flask.testing import FlaskClient

from indexer.query import And, Or, Range, parse
from portal.search_state import within_year_range
from tests.indexer.sample_records import HN, VNU
from tests.support.search_pages import (
    TUYEN_TAP,
    english,
    hit_years,
    page,
    redirected,
    text,
    total_of,
    total_of_or_zero,
)


def test_facets_are_fieldsets_of_labelled_checkboxes_with_counts(client):
    doc = page(client, "/search", q="ha noi")
    form = doc.xpath("//form[@id='search-form']")[0]
    assert form.get("method") == "get" and form.get("action") == "/search"
    legends = [text(legend) for legend in doc.xpath("//section[@class='facets']//legend")]
    assert legends[:2] == ["Thư viện", "Loại tài liệu"]
    boxes = doc.xpath("//section[@class='facets']//input[@type='checkbox']")
    assert boxes
    for box in boxes:
        assert box.xpath("ancestor::fieldset")
        label = doc.xpath(f"//label[@for='{box.get('id')}']")
        assert label and text(label[0]), box.get("id")
    assert doc.xpath("//section[@class='facets']//button[@type='submit']")
    hn = doc.xpath(f"//input[@name='f.library'][@value='{HN}']")[0]
    label = doc.xpath(f"//label[@for='{hn.get('id')}']")[0]
    # Seen as "(3)"; heard as "…, 3 works" (the bracketed number alone says little).
    assert text(label) == f"{HN} (3), 3 tác phẩm"
    assert label.xpath(".//span[@aria-hidden='true']")[0].text == "(3)"
    assert text(label.xpath(".//span[@class='visually-hidden']")[0]) == ", 3 tác phẩm"
    assert hn.get("checked") is None


def test_format_and_language_show_translated_labels_but_raw_values(client):
    doc = page(client, "/search", q="")
    book = doc.xpath("//input[@name='f.format'][@value='book']")[0]
    assert text(doc.xpath(f"//label[@for='{book.get('id')}']")[0]).startswith("Sách (")
    vie = doc.xpath("//input[@name='f.language'][@value='vie']")[0]
    assert text(doc.xpath(f"//label[@for='{vie.get('id')}']")[0]).startswith("Tiếng Việt (")
    english(client)
    doc = page(client, "/search", q="")
    book = doc.xpath("//input[@name='f.format'][@value='book']")[0]
    assert text(doc.xpath(f"//label[@for='{book.get('id')}']")[0]).startswith("Book (")
    fre = doc.xpath("//input[@name='f.language'][@value='fre']")[0]
    assert text(doc.xpath(f"//label[@for='{fre.get('id')}']")[0]).startswith("French (")


def test_a_filter_narrows_and_its_remove_link_restores(client):
    before = total_of(page(client, "/search", q="ha noi"))
    doc = page(client, "/search", **{"q": "ha noi", "f.library": HN})
    after = total_of(doc)
    assert 0 < after < before
    box = doc.xpath(f"//input[@name='f.library'][@value='{HN}']")[0]
    assert box.get("checked") is not None
    chips = doc.xpath("//section[@class='chips']//a")
    remove = next(a for a in chips if f"Thư viện: {HN}" in text(a))
    assert text(remove).startswith(f"Bỏ bộ lọc Thư viện: {HN}")
    restored = page(client, remove.get("href"))
    assert total_of(restored) == before
    assert not restored.xpath("//section[@class='chips']")
    assert restored.xpath("//input[@name='q']")[0].get("value") == "ha noi"


def test_clear_all_removes_every_filter_and_keeps_the_query(client):
    doc = page(client, "/search", **{"q": "ha noi", "f.library": HN, "f.format": "map"})
    assert total_of(doc) == 1
    chips = [text(a) for a in doc.xpath("//section[@class='chips']//a")]
    assert any("Loại tài liệu: Bản đồ" in c for c in chips)  # a label, not "map"
    clear = next(a for a in doc.xpath("//section[@class='chips']//a") if "Bỏ tất cả" in text(a))
    assert total_of(page(client, clear.get("href"))) == 5


def test_a_year_range_narrows_and_is_removable(client):
    doc = page(client, "/search", q="tuyển tập thơ", year_from="1990", year_to="1999")
    assert total_of(doc) == 10
    assert all(1990 <= y <= 1999 for y in hit_years(doc))
    assert doc.xpath("//input[@name='year_from']")[0].get("value") == "1990"
    chip = next(a for a in doc.xpath("//section[@class='chips']//a") if "1990–1999" in text(a))
    assert total_of(page(client, chip.get("href"))) == TUYEN_TAP
    open_ended = page(client, "/search", q="tuyển tập thơ", year_from="2000")
    assert all(y >= 2000 for y in hit_years(open_ended)) and total_of(open_ended) == 5
    query, target = redirected(
        client, "/search", q="tuyển tập thơ", year_from="1999", year_to="1990"
    )
    assert query["year_from"] == ["1990"] and query["year_to"] == ["1999"]
    assert total_of(page(client, target)) == 10


def test_a_year_range_keeps_an_or_query_whole():
    combined = within_year_range("kiều OR kieu)", "year:1990-2000")
    tree = parse(combined)
    assert isinstance(tree, And) and tree.children[0] == Range("year", 1990, 2000)
    assert isinstance(tree.children[1], Or)
    assert within_year_range("", "year:1990-") == "year:1990-"
    assert within_year_range("kiều", "") == "kiều"
    unclosed = parse(within_year_range('"phố (cổ OR kiều', "year:-1900"))
    assert isinstance(unclosed, And) and unclosed.children[0] == Range("year", None, 1900)


def test_selected_filter_values_stay_checked_even_without_a_count(client):
    doc = page(client, "/search", **{"q": "ha noi", "f.collection": "Không có"})
    assert total_of_or_zero(doc) == 0
    box = doc.xpath("//input[@name='f.collection']")[0]
    assert box.get("value") == "Không có" and box.get("checked") is not None


def submit(client: FlaskClient, doc: lxml.html.HtmlElement, tick: str = "") -> tuple[str, str]:
    """Send the results form as a browser does (`tick`: the id of a box to check first);
    the URL it asks for and the URL it lands on after any redirect."""
    form = doc.xpath("//form[@id='search-form']")[0]
    if tick:
        form.xpath(f".//input[@id='{tick}']")[0].checked = True
    response = client.get("/search", query_string=form.form_values())
    asked = landed = response.request.full_path
    if response.status_code == 302:
        landed = response.headers["Location"]
        response = client.get(landed)
    assert response.status_code == 200
    return landed, asked


def test_picking_a_second_library_ors_them_and_marks_both(client):
    doc = page(client, "/search", q="ha noi")
    first = doc.xpath(f"//input[@name='f.library'][@value='{HN}']")[0].get("id")
    landed, _asked = submit(client, doc, tick=first)
    doc = page(client, landed)
    # Counted without its own filter: the other libraries are still there to add.
    second = doc.xpath(f"//input[@name='f.library'][@value='{VNU}']")
    assert second and second[0].get("checked") is None
    landed, asked = submit(client, doc, tick=second[0].get("id"))
    assert parse_qs(urlsplit(asked).query).get("sort") == ["relevance"]  # what forms send
    query = parse_qs(urlsplit(landed).query)
    assert query == {"q": ["ha noi"], "f.library": [HN, VNU]}  # defaults dropped
    doc = page(client, landed)
    both = client.get(
        "/api/search", query_string=[("q", "ha noi"), ("f.library", HN), ("f.library", VNU)]
    )
    one = client.get("/api/search", query_string={"q": "ha noi", "f.library": HN})
    assert total_of(doc) == both.get_json()["total"] > one.get_json()["total"]
    for library in (HN, VNU):
        assert (
            doc.xpath(f"//input[@name='f.library'][@value='{library}']")[0].get("checked")
            is not None
        )
    chips = {text(a): a.get("href") for a in doc.xpath("//section[@class='chips']//a")}
    remove_nl = next(href for label, href in chips.items() if f"Thư viện: {VNU}" in label)
    assert parse_qs(urlsplit(remove_nl).query) == {"q": ["ha noi"], "f.library": [HN]}
