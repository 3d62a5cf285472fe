"""The console's dashboard in tests: a small catalogue whose every figure is known, and
readers of the page (its tables, summary, chart labels and days as the page writes them).

Shared by tests/portal/dashboard/, whose conftest makes `known` a fixture with
`known_catalogue`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
from flask import Flask
from sqlalchemy import update

from catalogue import audit, users
from catalogue.record import DigitalObject, Record
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.tables import HarvestRunRow
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from tests.support.accounts import browser, log_in, make_user

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


def backdate(store: Store, run_id: int, days: int, now: datetime) -> None:
    when = now - timedelta(days=days)
    with store.session() as s:
        s.execute(
            update(HarvestRunRow)
            .where(HarvestRunRow.id == run_id)
            .values(started_at=when, finished_at=when)
        )


@dataclass
class Known:
    """A catalogue whose every figure is known."""

    store: Store
    app: Flask
    failed_run: int
    # When its events happened "now": taken as the fixture is made, not when the module
    # was imported, so a run that crosses midnight does not move them to yesterday.
    now: datetime


def known_catalogue(tmp_path: Path) -> Iterator[Known]:
    """The known catalogue, its store closed after use; test modules make it a fixture."""
    now = datetime.now(UTC)
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
    backdate(store, old, 40, now)  # outside the 30-day window
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
            now=now - timedelta(days=days),
        )
    users.create_user(store, "minh", "mật khẩu rất dài", role="reader")
    for _ in range(2):
        users.authenticate(store, "minh", "sai mật khẩu", "10.0.0.9", now=now)
    users.authenticate(store, "minh", "mật khẩu rất dài", "10.0.0.9", now=now)
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    yield Known(store, create_app(settings, store=store, index=index), failed, now)
    store.close()


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


def chart_labels(doc: lxml.html.HtmlElement, chart: str) -> list[str]:
    """Each bar's label as drawn: its lines (tspans) joined by a space."""
    return [
        " ".join(t.xpath("./*[local-name()='tspan']/text()"))
        for t in doc.xpath(f"//*[@id='{chart}']/*[local-name()='text'][*[local-name()='tspan']]")
    ]
