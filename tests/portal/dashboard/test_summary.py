"""The dashboard's summary first, and the per-day tables closed with quiet days collapsed."""

from __future__ import annotations

from catalogue.record import Record
from catalogue.rights import load_rules
from tests.support.dashboard import (
    DAILY,
    Known,
    dashboard,
    day,
    harvest,
    librarian,
    summary_grid,
    table_rows,
)

# -- the summary first, the per-day tables closed --------------------------------------------


def test_the_summary_comes_first_with_the_figures_that_matter(known: Known):
    doc = dashboard(librarian(known.app))
    # Right under the page's heading, before every table and chart.
    first = doc.xpath("//main//h1/following::section[1]")[0]
    assert first.get("aria-labelledby") == "summary-title"
    assert not first.xpath(".//table|.//*[local-name()='svg']")
    rules = len([r for r in load_rules(known.store) if r.enabled])
    grid = summary_grid(doc)
    errors, last_success = grid["Biểu ghi lỗi trong lần thu thập gần nhất"]
    # ba-dinh's failed run failed one ("connection refused"); tay-ho's run failed none.
    assert errors == "1"
    assert last_success.startswith("Lần thu thập thành công gần nhất: ")
    del grid["Biểu ghi lỗi trong lần thu thập gần nhất"]
    assert grid == {
        "Biểu ghi": ["4", "ở 3 thư viện"],  # ba-dinh 3 (one withdrawn) + tay-ho 1
        "Số tác phẩm": ["4", "một tác phẩm có ở nhiều thư viện chỉ tính một lần"],
        "Biểu ghi đã số hóa": ["2", "50% số biểu ghi"],
        "Nguồn": [
            "3",
            "✗ 1 nguồn thất bại ở lần thu thập gần nhất; 1 nguồn chưa thu thập lần nào",
        ],
        "Lượt mở nội dung hạn chế hôm nay": ["2", "4 trong 7 ngày qua, 4 trong 30 ngày"],
        "Đăng nhập thất bại hôm nay": ["2", "2 trong 7 ngày qua, 2 trong 30 ngày"],
        "Quy tắc quyền truy cập đang áp dụng": [str(rules), "Xem các quy tắc quyền truy cập"],
    }
    # The failed source is told in words, its icon beside them; each figure links to its detail.
    [sources] = doc.xpath("//dt[.='Nguồn']/following-sibling::dd[2]")
    assert "status--failed" in sources.get("class")
    links = doc.xpath("//section[@aria-labelledby='summary-title']//dd/a/@href")
    assert "#harvests" in links and "#figure-access-days" in links
    for target in [link[1:] for link in links if link.startswith("#")]:
        assert doc.xpath(f"//*[@id='{target}']"), target


def test_the_summary_speaks_english(known: Known):
    client = librarian(known.app)
    client.get("/admin/?lang=en")
    figures = summary_grid(dashboard(client))
    assert figures["Records"] == ["4", "in 3 libraries"]
    assert figures["Sources"] == ["3", "✗ 1 failed at its last harvest; 1 never harvested"]
    assert figures["Restricted content opened today"] == [
        "2",
        "4 in the last 7 days, 4 in 30 days",
    ]


def test_every_last_harvest_succeeded_is_said_so(known: Known):
    harvest(known.store, "ba-dinh", [Record("ba-dinh", "1", title="Bản đồ", format="map")])
    harvest(known.store, "empty", [Record("empty", "x", title="Mới", format="book")])
    figures = summary_grid(dashboard(librarian(known.app)))
    assert figures["Nguồn"] == ["3", "✓ Lần thu thập gần nhất của mọi nguồn đều thành công"]


def test_the_daily_tables_are_closed_under_their_visible_charts(known: Known):
    doc = dashboard(librarian(known.app))
    for name in DAILY:
        figure = doc.xpath(f"//section[@id='figure-{name}']")[0]
        [details] = figure.xpath(".//details")
        assert details.get("open") is None, f"{name}: the day table should start closed"
        summary = " ".join(details.xpath("summary")[0].text_content().split())
        assert summary.startswith("Số liệu theo ngày")
        assert details.xpath(f".//table[caption[@id='{name}-caption']]"), name
        # The chart is outside the <details>, in view, described by its summary sentence.
        [svg] = figure.xpath(".//*[local-name()='svg']")
        assert not svg.xpath("ancestor::details")
        assert svg.get("role") == "img"
        described = svg.get("aria-describedby")
        assert described == f"chart-{name}-summary"
        [sentence] = doc.xpath(f"//*[@id='{described}']")
        assert not sentence.xpath("ancestor::details")
    # No other table is hidden.
    hidden = doc.xpath("//details//table/caption/@id")
    assert sorted(hidden) == sorted(f"{n}-caption" for n in DAILY)
    summary = doc.xpath("//*[@id='chart-access-days-summary']")[0].text_content()
    assert summary == (
        f"Tổng trong 30 ngày: 4. Ngày nhiều nhất: {day(0)} (2). 28 ngày không có hoạt động."
    )


def test_days_without_activity_are_one_line_per_run(known: Known):
    doc = dashboard(librarian(known.app))
    assert table_rows(doc, "access-days") == [
        ["Ngày", "Lượt mở"],
        [day(0), "2"],
        [day(1), "1 ngày không có hoạt động"],
        [day(2), "2"],
        [f"{day(29)} đến {day(3)}", "27 ngày không có hoạt động"],
    ]
    assert table_rows(doc, "failed-logins")[1:] == [
        [day(0), "2"],
        [f"{day(29)} đến {day(1)}", "29 ngày không có hoạt động"],
    ]
    quiet = doc.xpath("//table[caption[@id='access-days-caption']]//tr[@class='quiet-days']")
    assert len(quiet) == 2
    client = librarian(known.app)
    client.get("/admin/?lang=en")
    english = table_rows(dashboard(client), "failed-logins")
    assert english[2][1] == "29 days with no activity" and " to " in english[2][0]
