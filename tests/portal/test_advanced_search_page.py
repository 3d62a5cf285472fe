"""The advanced search form: rows, operators, filters, the query it builds, editing it
again, call numbers, and its errors."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import lxml.html

from portal.search_state import advanced_rows, build_query, row_clause
from tests.indexer.sample_records import HN, NL, VNU
from tests.support.search_pages import h1, hit_titles, page, text


def test_advanced_form_has_rows_operators_years_and_filters(client):
    doc = page(client, "/advanced")
    assert h1(doc) == "Tìm kiếm nâng cao"
    form = doc.xpath("//form[contains(@class,'advanced-form')]")[0]
    assert form.get("method") == "get"
    assert len(form.xpath(".//input[@name='term']")) == 4
    assert len(form.xpath(".//select[@name='op']")) == 3
    fields = [o.get("value") for o in form.xpath(".//select[@name='field']")[0].xpath("option")]
    assert fields == ["all", "title", "author", "subject", "isbn", "issn", "callnumber"]
    ops = [o.get("value") for o in form.xpath(".//select[@name='op']")[0].xpath("option")]
    assert ops == ["AND", "OR", "NOT"]
    for control in form.xpath(".//input[@type!='hidden'] | .//select"):
        assert doc.xpath(f"//label[@for='{control.get('id')}']"), control.get("name")
    libraries = {i.get("value") for i in form.xpath(".//input[@name='f.library']")}
    assert libraries == {HN, NL, VNU}
    formats = form.xpath(".//input[@name='f.format'][@value='audiobook']")[0]
    assert "Sách nói" in text(doc.xpath(f"//label[@for='{formats.get('id')}']")[0])
    assert form.xpath(".//input[@name='year_from']") and form.xpath(".//input[@name='year_to']")


def test_advanced_search_builds_the_query_and_lands_on_results(client):
    params = [
        ("field", "title"),
        ("term", "truyện kiều"),
        ("op", "OR"),
        ("field", "author"),
        ("term", "Nguyễn Du"),
        ("op", "NOT"),
        ("field", "all"),
        ("term", "tale"),
        ("op", "AND"),
        ("field", "all"),
        ("term", ""),
        ("f.library", HN),
        ("f.library", NL),
        ("year_from", "1900"),
        ("sort", "year_desc"),
    ]
    response = client.get("/advanced", query_string=params)
    assert response.status_code == 303
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["q"] == ["(title:(truyện kiều) OR author:(Nguyễn Du)) NOT tale"]
    assert query["f.library"] == [HN, NL]
    assert query["year_from"] == ["1900"] and query["sort"] == ["year_desc"]
    doc = page(client, response.headers["Location"])
    assert doc.xpath("//input[@name='q']")[0].get("value") == query["q"][0]
    titles = hit_titles(doc)
    assert "Truyện Kiều" in titles and "The Tale of Kieu" not in titles


def test_an_advanced_search_can_be_edited_in_the_filled_in_form(client):
    """The results of an advanced search link back to the form with its rows, operators,
    filters and years filled in, and sending that form again gives the same search."""
    params = [
        ("field", "title"), ("term", "truyện kiều"), ("op", "OR"),
        ("field", "author"), ("term", "Nguyễn Du"), ("op", "NOT"),
        ("field", "all"), ("term", "tale"),
        ("f.library", HN), ("year_from", "1900"),
    ]  # fmt: skip
    results = client.get("/advanced", query_string=params).headers["Location"]
    doc = page(client, results)
    edit = doc.xpath("//a[text()='Sửa tìm kiếm nâng cao này']/@href")[0]
    form = page(client, edit)
    rows = [
        (
            form.xpath(f"//select[@id='field-{n}']/option[@selected]/@value"),
            form.xpath(f"//input[@id='term-{n}']/@value"),
            form.xpath(f"//select[@id='op-{n}']/option[@selected]/@value"),
        )
        for n in (1, 2, 3, 4)
    ]
    assert rows == [
        (["title"], ["truyện kiều"], []),
        (["author"], ["Nguyễn Du"], ["OR"]),
        (["all"], ["tale"], ["NOT"]),
        (["all"], [""], ["AND"]),
    ]
    assert form.xpath(f"//input[@name='f.library' and @value='{HN}']/@checked")
    assert form.xpath("//input[@id='adv-year-from']/@value") == ["1900"]
    again = [*params[:8], ("field", "all"), ("term", ""), ("f.library", HN), ("year_from", "1900")]
    assert client.get("/advanced", query_string=again).headers["Location"] == results
    assert h1(doc).endswith(
        "cho “Nhan đề: truyện kiều hoặc Tác giả: Nguyễn Du nhưng không có tale”"
    )
    plain = page(client, "/search", q="ha noi")  # one box of words: nothing to edit
    assert not plain.xpath("//a[text()='Sửa tìm kiếm nâng cao này']")


def test_advanced_queries_read_back_into_the_rows_that_wrote_them():
    for rows in (
        [("AND", "all", "ha noi"), ("NOT", "subject", "lich su")],
        [("AND", "title", "kiều"), ("OR", "author", "nguyễn du"), ("AND", "all", "thơ")],
        [("AND", "title", '"truyện kiều"'), ("AND", "isbn", "9786041234567")],
        [("AND", "callnumber", '"895.9221 NG-D"'), ("OR", "all", '"a:b"')],
        [("AND", "all", "ha noi thang long")],
    ):
        assert advanced_rows(build_query(rows)) == rows
    assert build_query([("AND", "all", "ha noi")]) == "ha noi"  # a lone box: no brackets
    for not_the_forms in ("NOT phố", "year:1990-2000", "(a", "a NOT NOT b", "title:(a"):
        assert advanced_rows(not_the_forms) is None, not_the_forms


def test_advanced_search_treats_typed_syntax_as_words():
    assert row_clause("title", 'a:b (c) -d OR "phố phường" thăng*') == (
        'title:("a:b" "(c)" "-d" "OR" "phố phường" thăng*)'
    )
    assert row_clause("isbn", "978 604 1 23456 7") == "isbn:9786041234567"
    assert row_clause("author", '"') == ""
    assert build_query([("AND", "all", "kiều"), ("AND", "subject", "thơ")]) == "kiều subject:thơ"
    assert build_query([("NOT", "all", "kiều")]) == "NOT kiều"
    assert build_query([("AND", "bogus", "x"), ("XOR", "title", "y")]) == "x title:y"


def test_advanced_search_with_nothing_to_search_says_so(client):
    response = client.get("/advanced", query_string={"field": "all", "term": "  "})
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert "Hãy nhập ít nhất một từ" in text(doc.xpath("//*[@role='alert']")[0])


def test_advanced_search_with_only_a_filter_goes_to_results(client):
    response = client.get("/advanced", query_string={"term": "", "f.format": "map"})
    assert response.status_code == 303
    doc = page(client, response.headers["Location"])
    assert hit_titles(doc) == ["Bản đồ Hà Nội năm 1873"]


def test_advanced_search_by_call_number_finds_the_shelf_mark(client):
    doc = page(client, "/advanced")
    field = doc.xpath("//select[@name='field']/option[@value='callnumber']")[0]
    assert text(field) == "Ký hiệu xếp giá"
    response = client.get(
        "/advanced", query_string={"field": "callnumber", "term": "895.9221 NG-D"}
    )
    assert response.status_code == 303
    q = parse_qs(urlsplit(response.headers["Location"]).query)["q"][0]
    assert q == 'callnumber:"895.9221 NG-D"'  # one phrase in its own field, never words
    assert "Truyện Kiều" in hit_titles(page(client, response.headers["Location"]))
    assert row_clause("callnumber", 'x" OR "y') == 'callnumber:"x OR y"'
    # A call number is not searched in titles: a title word finds nothing there.
    none = client.get("/advanced", query_string={"field": "callnumber", "term": "Kiều"})
    assert hit_titles(page(client, none.headers["Location"])) == []


def test_advanced_search_errors_are_summarised_linked_and_on_the_fields(client):
    response = client.get(
        "/advanced",
        query_string=[("field", "title"), ("term", "kiều"), ("year_from", "19x0"), ("year_to", "")],
    )
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert text(doc.xpath("//title")[0]).startswith("Lỗi:")
    summary = doc.xpath("//div[@class='error-summary']")[0]
    assert summary.get("tabindex") == "-1" and summary.get("autofocus") is not None
    links = summary.xpath(".//a")
    assert [a.get("href") for a in links] == ["#adv-year-from"]
    assert text(links[0]).startswith("Từ năm: hãy nhập tối đa bốn chữ số")
    year = doc.xpath("//input[@id='adv-year-from']")[0]
    assert year.get("aria-invalid") == "true"
    assert year.get("value") == "19x0"  # what was typed is kept
    assert "adv-year-from-error" in year.get("aria-describedby").split()
    assert "Từ năm: hãy nhập" in text(doc.xpath("//*[@id='adv-year-from-error']")[0])
    assert doc.xpath("//input[@id='term-1']")[0].get("value") == "kiều"
    assert doc.xpath("//input[@id='term-1']")[0].get("aria-invalid") is None


def test_advanced_search_year_errors_say_which_box(client):
    response = client.get(
        "/advanced", query_string={"term": "kiều", "year_from": "abc", "year_to": "19500"}
    )
    links = lxml.html.fromstring(response.get_data(as_text=True)).xpath(
        "//div[@class='error-summary']//a"
    )
    assert [(a.get("href"), text(a).split(":")[0]) for a in links] == [
        ("#adv-year-from", "Từ năm"),
        ("#adv-year-to", "Đến năm"),
    ]


def test_advanced_search_with_nothing_marks_the_first_row(client):
    response = client.get("/advanced", query_string={"field": "all", "term": ""})
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert doc.xpath("//div[@class='error-summary']//a/@href") == ["#term-1"]
    term = doc.xpath("//input[@id='term-1']")[0]
    assert term.get("aria-invalid") == "true"
    assert term.get("aria-describedby").split() == ["adv-hint", "term-1-error"]
