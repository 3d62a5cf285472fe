"""The console's dashboard page: each figure as an SVG chart and a table beside it,
escaped, in both languages, for staff only, and for an empty catalogue too.

The page is read through the Flask test client with real log-ins.
"""

from __future__ import annotations

from pathlib import Path

from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from portal.app import create_app
from tests.support.accounts import browser, log_in, make_user
from tests.support.dashboard import (
    TABLE_NAMES,
    TRICKY_NAME,
    Known,
    chart_labels,
    dashboard,
    day,
    librarian,
    summary_grid,
    table_rows,
)

# -- the page ------------------------------------------------------------------------------


def test_the_dashboard_shows_each_figure_as_a_chart_and_a_table(known: Known):
    doc = dashboard(librarian(known.app))
    headings = [int(h.tag[1]) for h in doc.xpath("//main//*[self::h1 or self::h2 or self::h3]")]
    assert headings[0] == 1 and all(
        b - a <= 1 for a, b in zip(headings, headings[1:], strict=False)
    )
    texts = [" ".join(h.text_content().split()) for h in doc.xpath("//main//h2|//main//h3")]
    assert len(texts) == len(set(texts)), texts  # no heading says the same twice

    for name in TABLE_NAMES:
        figure = doc.xpath(f"//section[@id='figure-{name}']")[0]
        assert figure.xpath(".//table/caption"), name
        assert all(th.get("scope") for th in figure.xpath(".//th")), name
        link = figure.xpath(".//a[@download]")[0]
        assert link.get("href") == f"/admin/dashboard/{name}.csv"
    for name in [n for n in TABLE_NAMES if n != "harvests"]:
        [svg] = doc.xpath(f"//section[@id='figure-{name}']//*[local-name()='svg']")
        assert svg.get("role") == "img"
        for ident in svg.get("aria-labelledby").split():
            assert doc.xpath(f"//*[@id='{ident}']"), f"{name}: no element {ident}"
        assert svg.xpath("./*[local-name()='title']")[0].text
        assert svg.xpath("./*[local-name()='desc']")[0].text
        # The table sits right beside its chart, in the same figure.
        assert svg.getparent().getnext().xpath(".//table"), name

    assert table_rows(doc, "libraries")[1:] == [
        ["Thư viện Ba Đình", "ba-dinh", "3"],
        [TRICKY_NAME, "tay-ho", "1"],
        ["Thư viện Mới", "empty", "0"],
    ]
    assert table_rows(doc, "digitised")[1] == ["Thư viện Ba Đình", "3", "2", "66,7%"]
    formats = {row[1]: row for row in table_rows(doc, "formats")[1:]}
    assert formats["map"] == ["Bản đồ", "map", "2"]
    languages = {row[1]: row for row in table_rows(doc, "languages")[1:]}
    assert languages["vie"] == ["Tiếng Việt", "vie", "2"]
    assert languages[""][0] == "Không ghi ngôn ngữ"
    harvests = {row[0]: row for row in table_rows(doc, "harvests")[1:]}
    assert harvests["Thư viện Ba Đình"][1].startswith("Thất bại")
    assert harvests["Thư viện Ba Đình"][2:3] == ["1"] and harvests["Thư viện Ba Đình"][4:] == [
        "2",
        "1",
        "3",
    ]
    assert harvests["Thư viện Mới"][1] == "Chưa thu thập lần nào"
    assert table_rows(doc, "top-records")[1] == ["Bản đồ", "ba-dinh:1", "3"]
    assert table_rows(doc, "access-kinds")[1] == ["Ảnh", "image", "2"]
    days = table_rows(doc, "access-days")
    assert days[1][1] == "2"  # newest day first
    # The chart of the libraries: one bar per library, labelled, with its number.
    texts = doc.xpath("//*[@id='chart-libraries']//*[local-name()='text']/text()")
    assert "Thư viện Ba Đình" in chart_labels(doc, "chart-libraries") and "3" in texts
    # Links to the source and the last run.
    assert doc.xpath(f"//section[@id='figure-harvests']//a[@href='/admin/runs/{known.failed_run}']")


def test_chart_text_is_escaped(known: Known):
    known.store.put_source(Source("xss", "<script>alert(1)</script>", "oai", "http://x/oai"))
    html = librarian(known.app).get("/admin/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_dashboard_speaks_english(known: Known):
    client = librarian(known.app)
    client.get("/admin/?lang=en")
    doc = dashboard(client)
    assert "Records per library" in doc.text_content()
    assert table_rows(doc, "digitised")[1][3] == "66.7%"


def test_only_staff_see_the_dashboard_and_its_csv(known: Known):
    anonymous = browser(known.app)
    for path in ("/admin/", "/admin/dashboard/libraries.csv"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    reader = browser(known.app)
    assert log_in(reader, make_user(known.app, "reader")).status_code == 303
    assert reader.get("/admin/dashboard/top-records.csv").status_code == 403


def test_an_empty_catalogue_has_a_dashboard_too(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    app = create_app(settings, store=store, index=TantivyIndex(settings.index_dir))
    doc = dashboard(librarian(app))
    assert "Chưa có nguồn nào." in doc.text_content()
    assert not doc.xpath("//section[@id='figure-top-records']//table")
    days = doc.xpath("//section[@id='figure-access-days']//table")  # 30 days of zeros
    assert days
    assert table_rows(doc, "access-days")[1:] == [
        [f"{day(29)} đến {day(0)}", "30 ngày không có hoạt động"]
    ]
    summary = doc.xpath("//*[@id='chart-access-days-summary']")[0].text_content()
    assert summary == "Không có hoạt động nào trong 30 ngày qua."
    figures = summary_grid(doc)
    assert figures["Biểu ghi"][:2] == ["0", "ở 0 thư viện"]
    assert figures["Nguồn"][:2] == ["0", "Chưa có nguồn nào."]
    assert figures["Biểu ghi lỗi trong lần thu thập gần nhất"][1] == (
        "Chưa có lần thu thập nào thành công."
    )
    store.close()
