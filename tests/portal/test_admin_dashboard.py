"""The console's dashboard: the figures (catalogue.stats), the page with its SVG charts and
tables, and the CSV downloads.

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
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import HarvestedItem, Store
from catalogue.tables import HarvestRunRow
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.admin.dashboard import safe_cell
from portal.app import create_app
from tests.support.accounts import browser, log_in, make_user

NOW = datetime.now(UTC)
TRICKY_NAME = '=HYPERLINK("http://evil.example/","Thư viện, "quận" 1")'


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
    assert len(days) == 31 and days[1][1] == "2"  # newest day first
    # The chart of the libraries: one bar per library, labelled, with its number.
    texts = doc.xpath("//*[@id='chart-libraries']//*[local-name()='text']/text()")
    assert "Thư viện Ba Đình" in texts and "3" in texts
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
    store.close()
