"""The console's dashboard: the figures (catalogue.stats), the summary at the top of the
page, the SVG charts and tables (the per-day ones closed, quiet days collapsed), and the
CSV downloads.

The figures are checked against a small catalogue built here, whose every number is
known; the page and CSV through the Flask test client with real log-ins.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from flask import Flask
from sqlalchemy import event, update

from catalogue import audit, stats, users
from catalogue.record import DigitalObject, Record
from catalogue.rights import load_rules
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.tables import HarvestRunRow
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.admin.charts import LABEL_LINES, LINE_CHARS, Bar, horizontal_bars, wrap
from portal.admin.dashboard import safe_cell
from portal.app import create_app
from tests.support.accounts import browser, log_in, make_user

NOW = datetime.now(UTC)
TRICKY_NAME = '=HYPERLINK("http://evil.example/","Thư viện, "quận" 1")'
LONG_NAME = "Thư viện Đại học Quốc gia Hà Nội"  # cut to "Thư viện Đại học Quốc gia H…" once


def scan(n: int = 1) -> list[DigitalObject]:
    return [DigitalObject(kind="image", location=f"scan-{i}.jpg") for i in range(n)]


def harvest(store: Store, key: str, records: list[Record], *, status: str = "succeeded") -> int:
    run_id = store.start_run(key, "full")
    items = [HarvestedItem(r.local_id, b"<r/>", "oai_dc", r) for r in records]
    store.save_items(run_id, key, items)
    store.finish_run(run_id, status, "" if status == "succeeded" else "the source was down")
    return run_id


def backdate(store: Store, run_id: int, days: int) -> None:
    with store.session() as s:
        s.execute(
            update(HarvestRunRow)
            .where(HarvestRunRow.id == run_id)
            .values(started_at=NOW - timedelta(days=days), finished_at=NOW - timedelta(days=days))
        )


@dataclass
class Known:
    """A catalogue whose every figure is known."""

    store: Store
    app: Flask
    failed_run: int


@pytest.fixture
def known(tmp_path: Path) -> Iterator[Known]:
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    store.put_source(Source("ba-dinh", "Thư viện Ba Đình", "oai", "http://127.0.0.1:1/oai"))
    store.put_source(Source("tay-ho", TRICKY_NAME, "marc", str(tmp_path)))
    store.put_source(Source("empty", "Thư viện Mới", "oai", "http://127.0.0.1:1/oai"))
    ba_dinh = [
        Record("ba-dinh", "1", title="Bản đồ", format="map", languages=["vie"],
               digital_objects=scan(3)),
        Record("ba-dinh", "2", title="Truyện Kiều", format="book", languages=["vie", "chi"],
               digital_objects=scan()),
        Record("ba-dinh", "3", title="Số đỏ", format="book", languages=["vie"]),
        Record("ba-dinh", "4", title="Không ngôn ngữ", format="book"),
    ]  # fmt: skip
    old = harvest(store, "ba-dinh", ba_dinh)
    backdate(store, old, 40)  # outside the 30-day window
    # Withdrawn since: counted nowhere.
    gone = store.start_run("ba-dinh", "incremental")
    store.save_items(gone, "ba-dinh", [HarvestedItem("3", b"", "oai_dc", None, deleted=True)])
    store.record_error(gone, "page 1, record 2", "bad datestamp", record_id="oai:bd:9")
    store.record_error(gone, "page 1, record 3", "no title", record_id="oai:bd:10")
    store.finish_run(gone, "succeeded")
    failed = store.start_run("ba-dinh", "incremental")
    store.record_error(failed, "run", "connection refused")
    store.finish_run(failed, "failed", "connection refused")
    harvest(
        store, "tay-ho", [Record("tay-ho", "a", title="Hồ Tây", format="map", languages=["eng"])]
    )

    # Restricted content opened: a:1 three times (one of them 40 days ago), b:2 once.
    for days, target, kind in [
        (0, "ba-dinh:1", "image"),
        (0, "ba-dinh:1", "image"),
        (2, "ba-dinh:1", "download"),
        (40, "ba-dinh:1", "image"),
        (2, "ba-dinh:2", "audio"),
    ]:
        audit.append(
            store,
            actor="lan",
            action=audit.CONTENT_ACCESSED,
            target=target,
            detail={"kind": kind},
            now=NOW - timedelta(days=days),
        )
    users.create_user(store, "minh", "mật khẩu rất dài", role="reader")
    for _ in range(2):
        users.authenticate(store, "minh", "sai mật khẩu", "10.0.0.9", now=NOW)
    users.authenticate(store, "minh", "mật khẩu rất dài", "10.0.0.9", now=NOW)
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    yield Known(store, create_app(settings, store=store, index=index), failed)
    store.close()


# -- the figures ---------------------------------------------------------------------------


def test_records_per_library_with_the_digitised_share(known: Known):
    found = stats.records_per_source(known.store)
    assert [(s.key, s.records, s.digitised) for s in found] == [
        ("ba-dinh", 3, 2),  # record 3 was withdrawn
        ("tay-ho", 1, 0),
        ("empty", 0, 0),
    ]
    assert found[0].name == "Thư viện Ba Đình"
    assert found[0].digitised_share == pytest.approx(2 / 3)
    assert found[2].digitised_share == 0.0


def test_records_per_format_and_language(known: Known):
    assert [(c.value, c.count) for c in stats.records_per_format(known.store)] == [
        ("book", 2),
        ("map", 2),
    ]
    assert [(c.value, c.count) for c in stats.records_per_language(known.store)] == [
        ("vie", 2),
        ("", 1),  # "Không ngôn ngữ" names none
        ("chi", 1),
        ("eng", 1),
    ]


def test_harvest_health_per_source(known: Known):
    health = {h.key: h for h in stats.harvest_health(known.store, now=NOW)}
    ba_dinh = health["ba-dinh"]
    assert ba_dinh.last_run_id == known.failed_run and ba_dinh.last_status == "failed"
    assert ba_dinh.last_failed_records == 1
    assert ba_dinh.last_success is not None and ba_dinh.last_success > NOW - timedelta(days=1)
    # In the last 30 days: the withdrawal run (2 records failed) and the failed run.
    assert (ba_dinh.runs, ba_dinh.failed_runs, ba_dinh.records_failed) == (2, 1, 3)
    assert health["tay-ho"].last_status == "succeeded"
    empty = health["empty"]
    assert (empty.last_run_id, empty.last_status, empty.last_success, empty.runs) == (
        None,
        "",
        None,
        0,
    )


def test_access_statistics_from_the_audit_log(known: Known):
    found = stats.access_stats(known.store, now=NOW, offset=timedelta(0))
    assert len(found.days) == 30 and found.days[-1].day == NOW.date()
    assert found.days[0].day == NOW.date() - timedelta(days=29)
    per_day = {d.day: d.count for d in found.days if d.count}
    assert per_day == {NOW.date(): 2, NOW.date() - timedelta(days=2): 2}
    assert found.total == 4  # the one 40 days ago is outside the window
    assert [(k.value, k.count) for k in found.kinds] == [
        ("image", 2),
        ("audio", 1),
        ("download", 1),
    ]
    assert [(r.record_id, r.title, r.count) for r in found.top_records] == [
        ("ba-dinh:1", "Bản đồ", 3),
        ("ba-dinh:2", "Truyện Kiều", 1),
    ]
    assert {d.day: d.count for d in found.failed_logins if d.count} == {NOW.date(): 2}


def test_days_are_the_librarians_days(tmp_path: Path):
    """23:30 UTC is the next morning in Hà Nội (UTC+7)."""
    store = Store(f"sqlite:///{tmp_path / 'days.sqlite'}")
    late = datetime(2025, 3, 10, 23, 30, tzinfo=UTC)
    audit.append(store, actor="", action=audit.CONTENT_ACCESSED, target="x:1", now=late)
    now = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)
    in_utc = stats.access_stats(store, now=now, offset=timedelta(0))
    in_hanoi = stats.access_stats(store, now=now, offset=timedelta(hours=7))
    assert [d.day for d in in_utc.days if d.count] == [date(2025, 3, 10)]
    assert [d.day for d in in_hanoi.days if d.count] == [date(2025, 3, 11)]
    assert in_hanoi.kinds[0].value == ""  # an entry without a kind still counts
    store.close()


def test_the_figures_cost_the_same_queries_however_many_records(tmp_path: Path):
    """GROUP BY in the database: adding records adds no query."""
    store = Store(f"sqlite:///{tmp_path / 'many.sqlite'}")
    store.put_source(Source("lib", "Thư viện", "oai", "http://127.0.0.1:1/oai"))
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def count_queries() -> int:
        statements.clear()
        stats.records_per_source(store)
        stats.records_per_format(store)
        stats.records_per_language(store)
        stats.harvest_health(store)
        stats.access_stats(store)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    def add(n: int, start: int) -> None:
        records = [
            Record("lib", str(i), title=f"Sách {i}", languages=["vie"], digital_objects=scan())
            for i in range(start, start + n)
        ]
        harvest(store, "lib", records)
        audit.append(store, actor="", action=audit.CONTENT_ACCESSED, target=f"lib:{start}")

    add(3, 0)
    few = count_queries()
    add(200, 3)
    assert count_queries() == few
    assert stats.records_per_source(store)[0].records == 203
    store.close()


# -- the page ------------------------------------------------------------------------------


def librarian(app: Flask):
    client = browser(app)
    assert log_in(client, make_user(app, "librarian")).status_code == 303
    return client


def dashboard(client) -> lxml.html.HtmlElement:
    response = client.get("/admin/")
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def table_rows(doc: lxml.html.HtmlElement, name: str) -> list[list[str]]:
    table = doc.xpath(f"//table[caption[@id='{name}-caption']]")[0]
    return [
        [" ".join(c.text_content().split()) for c in tr.xpath("th|td")]
        for tr in table.xpath("thead/tr|tbody/tr")
    ]


TABLE_NAMES = [
    "libraries",
    "digitised",
    "formats",
    "languages",
    "harvests",
    "access-days",
    "access-kinds",
    "top-records",
    "failed-logins",
]


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


def test_csv_downloads_hold_the_tables_rows(known: Known):
    client = librarian(known.app)
    doc = dashboard(client)
    for name in TABLE_NAMES:
        response = client.get(f"/admin/dashboard/{name}.csv")
        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        text = response.data.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text[1:])))
        if name in DAILY:  # every day, the quiet ones too, which the page collapses
            assert len(rows) == 31, name
        else:
            assert len(rows) == len(table_rows(doc, name)), name
    libraries = list(
        csv.reader(
            io.StringIO(client.get("/admin/dashboard/libraries.csv").data.decode("utf-8-sig"))
        )
    )
    assert libraries[0] == ["Thư viện", "Mã nguồn", "Biểu ghi"]
    # The formula is made inert; commas and quotes survive the round trip.
    assert libraries[2] == ["'" + TRICKY_NAME, "tay-ho", "1"]
    digitised = list(
        csv.reader(
            io.StringIO(client.get("/admin/dashboard/digitised.csv").data.decode("utf-8-sig"))
        )
    )
    assert digitised[1] == ["Thư viện Ba Đình", "3", "2", "66.7"]  # raw numbers, not "66,7%"
    days = list(
        csv.reader(
            io.StringIO(client.get("/admin/dashboard/access-days.csv").data.decode("utf-8-sig"))
        )
    )
    assert days[1][0] == datetime.now().astimezone().date().isoformat()
    assert client.get("/admin/dashboard/nothing.csv").status_code == 404


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+84 24 3825", "'+84 24 3825"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Hà Nội", "Hà Nội"),
        ("a=b", "a=b"),
        (-2, -2),
        (3.5, 3.5),
    ],
)
def test_csv_cells_never_start_a_formula(value, cell):
    assert safe_cell(value) == cell


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


# -- the summary first, the per-day tables closed --------------------------------------------

DAILY = ("access-days", "failed-logins")


def day(days_ago: int) -> str:
    """A day as the page writes it in Vietnamese ("21 thg 11, 2026"), in the server's zone."""
    when = datetime.now().astimezone().date() - timedelta(days=days_ago)
    return f"{when.day} thg {when.month}, {when.year}"


def summary_grid(doc: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """The summary's figures: label -> [figure, detail], in page order."""
    out = {}
    for figure in doc.xpath("//section[@aria-labelledby='summary-title']//dl/div"):
        [label] = figure.xpath("dt")
        out[" ".join(label.text_content().split())] = [
            " ".join(dd.text_content().split()) for dd in figure.xpath("dd")
        ]
    return out


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


def chart_labels(doc: lxml.html.HtmlElement, chart: str) -> list[str]:
    """Each bar's label as drawn: its lines (tspans) joined by a space."""
    return [
        " ".join(t.xpath("./*[local-name()='tspan']/text()"))
        for t in doc.xpath(f"//*[@id='{chart}']/*[local-name()='text'][*[local-name()='tspan']]")
    ]


def test_charts_show_long_library_names_in_full(known: Known):
    known.store.put_source(Source("vnu", LONG_NAME, "oai", "http://127.0.0.1:1/oai"))
    harvest(known.store, "vnu", [Record("vnu", "1", title="Giáo trình", format="book")])
    doc = dashboard(librarian(known.app))
    for chart in ("chart-libraries", "chart-digitised"):
        labels = chart_labels(doc, chart)
        assert LONG_NAME in labels, labels
        assert "Thư viện Ba Đình" in labels
        # Over two lines, each short enough to be drawn inside the label column.
        [text] = [
            t
            for t in doc.xpath(f"//*[@id='{chart}']/*[local-name()='text']")
            if " ".join(t.xpath("./*[local-name()='tspan']/text()")) == LONG_NAME
        ]
        lines = text.xpath("./*[local-name()='tspan']/text()")
        assert lines == ["Thư viện Đại học Quốc", "gia Hà Nội"]
        ys = [float(y) for y in text.xpath("./*[local-name()='tspan']/@y")]
        assert ys[1] > ys[0]
    # The table beside the chart names the library in full as well.
    assert [LONG_NAME, "vnu", "1"] in table_rows(doc, "libraries")
    # Only a label with its full text in a <title> is ever shortened.
    for text in doc.xpath("//*[local-name()='svg']/*[local-name()='text']"):
        if "…" in "".join(text.xpath("./*[local-name()='tspan']/text()")):
            assert text.xpath("./*[local-name()='title']/text()")


def test_a_name_too_long_for_two_lines_keeps_its_full_text_in_a_title(known: Known):
    doc = dashboard(librarian(known.app))
    [text] = [
        t
        for t in doc.xpath("//*[@id='chart-libraries']/*[local-name()='text']")
        if t.xpath("./*[local-name()='title']")
    ]
    assert text.xpath("./*[local-name()='title']/text()") == [TRICKY_NAME]
    lines = text.xpath("./*[local-name()='tspan']/text()")
    assert len(lines) == LABEL_LINES and lines[-1].endswith("…")


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("Sách", ["Sách"]),
        (LONG_NAME, ["Thư viện Đại học Quốc", "gia Hà Nội"]),
        ("Thư viện Quốc gia Việt Nam", ["Thư viện Quốc gia Việt", "Nam"]),
        (
            "Bản đồ Hà Nội năm 1873 do Sở Địa chính vẽ lại cho triển lãm",
            ["Bản đồ Hà Nội năm 1873", "do Sở Địa chính vẽ…"],
        ),
        ("x" * 44, ["x" * 22, "x" * 22]),
        ("x" * 45, ["x" * 22, "x" * 21 + "…"]),
        ("", [""]),
    ],
)
def test_labels_wrap_between_words_onto_two_lines(label, lines):
    assert wrap(label) == lines
    assert all(len(line) <= LINE_CHARS for line in lines)


def test_a_chart_row_is_as_tall_as_its_label():
    one = horizontal_bars("a", "t", "d", [Bar("Sách", 1)] * 3)
    two = horizontal_bars("b", "t", "d", [Bar(LONG_NAME, 1)] * 3)
    height = lambda svg: float(lxml.html.fromstring(str(svg)).get("height"))  # noqa: E731
    assert height(two) > height(one)
