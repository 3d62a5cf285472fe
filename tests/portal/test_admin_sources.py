"""The console's sources: the overview, adding, editing, disabling and deleting a source,
asking for a harvest, and the run history with each record's error."""

from __future__ import annotations

import uuid

import lxml.html
from flask import Flask

from catalogue import audit, schedule
from catalogue.sources import Source
from portal import admin
from tests.support.admin_console import (
    add_source,
    audit_actions,
    logged_in,
    page,
    post,
    store_of,
    text,
    token,
)


def test_the_overview_counts_records_per_library(console: Flask):
    client, _name = logged_in(console, "librarian")
    doc = page(client, "/admin/")
    rows = {
        text(tr.xpath("th")[0]): text(tr.xpath("td")[1])
        for tr in doc.xpath("//table[caption[@id='libraries-caption']]/tbody/tr")
    }
    store = store_of(console)
    hanoi = store.get_source("hanoi-library")
    assert rows[hanoi.name] == f"{store.count_records('hanoi-library')}"
    assert "Thành công" in text(doc)  # the last run's status in words


def test_source_create_edit_disable_delete_round_trip(console: Flask):
    client, name = logged_in(console, "librarian")
    store = store_of(console)
    key = f"lib-{uuid.uuid4().hex[:8]}"

    bad = client.post(
        "/admin/sources/new",
        data={
            "csrf_token": token(client, "/admin/sources/new"),
            "key": "Not A Key",
            "name": "",
            "type": "oai",
            "url": "ftp://example.org/oai",
            "schedule": "every night",
        },
    )
    assert bad.status_code == 200
    doc = lxml.html.fromstring(bad.get_data(as_text=True))
    summary = doc.xpath("//div[@role='alert']")[0]
    assert [a.get("href") for a in summary.xpath(".//a")] == ["#key", "#name", "#url", "#schedule"]
    for field in ("key", "name", "url", "schedule"):
        assert doc.xpath(f"//*[@id='{field}']")[0].get("aria-invalid") == "true"
        assert doc.xpath(f"//p[@id='{field}-error']")
    assert doc.xpath("//title")[0].text.startswith("Lỗi:")
    assert store.get_source("not a key") is None

    created = post(
        client,
        "/admin/sources/new",
        {
            "key": key,
            "name": "Thư viện Quận Ba Đình",
            "type": "oai",
            "url": "http://127.0.0.1:1/oai",
            "metadata_prefix": "marc21",
            "schedule": "0 2 * * *",
            "enabled": "1",
        },
    )
    assert created.status_code == 303
    assert created.headers["Location"] == f"/admin/sources/{key}"
    assert store.get_source(key) == Source(
        key, "Thư viện Quận Ba Đình", "oai", "http://127.0.0.1:1/oai", "marc21", "", "0 2 * * *"
    )
    doc = page(client, f"/admin/sources/{key}")
    assert "Thư viện Quận Ba Đình" in text(doc.xpath("//h1")[0])
    taken = post(
        client, "/admin/sources/new", {"key": key, "name": "x", "type": "oai", "url": "http://x"}
    )
    assert "Đã có một nguồn với mã này" in taken.get_data(as_text=True)

    edited = post(
        client,
        f"/admin/sources/{key}/edit",
        {
            "name": "Thư viện Ba Đình",
            "type": "oai",
            "url": "http://127.0.0.1:1/oai",
            "metadata_prefix": "marc21",
            "set": "sach",
            "enabled": "1",
        },
    )
    assert edited.status_code == 303
    source = store.get_source(key)
    assert (source.name, source.set, source.schedule) == ("Thư viện Ba Đình", "sach", "")

    assert post(client, f"/admin/sources/{key}/enabled", {"enabled": "0"}).status_code == 303
    assert store.get_source(key).enabled is False
    listing = text(page(client, "/admin/sources"))
    assert "Thư viện Ba Đình" in listing
    assert post(client, f"/admin/sources/{key}/enabled", {"enabled": "1"}).status_code == 303
    assert store.get_source(key).enabled is True

    confirm = page(client, f"/admin/sources/{key}/delete")
    assert "Xóa nguồn" in text(confirm.xpath("//h1")[0])
    assert store.get_source(key) is not None  # asking is not deleting
    deleted = post(client, f"/admin/sources/{key}/delete")
    assert deleted.status_code == 303
    assert store.get_source(key) is None
    assert client.get(f"/admin/sources/{key}").status_code == 404

    assert audit_actions(console, key) == [
        audit.SOURCE_CREATED,
        audit.SOURCE_UPDATED,
        audit.SOURCE_UPDATED,
        audit.SOURCE_UPDATED,
        audit.SOURCE_DELETED,
    ]
    entries = audit.entries(store, target=key, limit=10)
    assert {e.actor for e in entries} == {name}
    assert all(e.ip.startswith("198.1") for e in entries)  # the browser's own address
    changed = entries[3].detail["changes"]  # the edit, newest first: delete, on, off, edit
    assert changed["name"] == ["Thư viện Quận Ba Đình", "Thư viện Ba Đình"]


def test_harvest_now_records_a_request_for_the_worker(console: Flask):
    client, name = logged_in(console, "librarian")
    source = add_source(console)
    response = post(client, f"/admin/sources/{source.key}/harvest", follow_redirects=True)
    assert response.status_code == 200
    assert "thuvien worker" in response.get_data(as_text=True)
    assert source.key in schedule.pending_requests(store_of(console))
    assert audit_actions(console, source.key) == [audit.HARVEST_REQUESTED]
    doc = page(client, f"/admin/sources/{source.key}")
    assert "Đã yêu cầu lúc" in text(doc)


def test_run_history_shows_each_records_error_escaped_with_a_download(console: Flask):
    client, _name = logged_in(console, "librarian")
    store = store_of(console)
    source = add_source(console)
    run_id = store.start_run(source.key, "full")
    raw = b"<record><title><script>alert(1)</script></title>\x1e\x1f\x1d" + b"x" * 2000
    store.record_error(
        run_id, "page 2, record 7", "record has no title", raw=raw, record_id="oai:x:7"
    )
    store.finish_run(run_id, "succeeded")

    history = page(client, f"/admin/sources/{source.key}")
    runs = history.xpath("//table[caption[@id='runs-caption']]//tbody/tr")
    assert len(runs) == 1 and "Thành công" in text(runs[0])
    assert runs[0].xpath(".//a[contains(@href, '#errors')]")

    response = client.get(f"/admin/runs/{run_id}")
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    doc = lxml.html.fromstring(html)
    problem = text(doc.xpath("//li[@class='harvest-error']")[0])
    assert "page 2, record 7" in problem and "record has no title" in problem
    assert "oai:x:7" in problem and "␞␟␝" in problem
    assert len(text(doc.xpath("//pre[@class='raw']")[0])) <= admin.RAW_PREVIEW_CHARS + 1

    download = client.get(f"/admin/runs/{run_id}/errors/1/raw")
    assert download.status_code == 200
    assert download.data == raw
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/admin/runs/{run_id}/errors/2/raw").status_code == 404
    assert client.get("/admin/runs/999999999").status_code == 404


def test_raw_preview_makes_control_characters_visible_and_cuts():
    assert admin.raw_preview(b"a\x1fb\x1ec\x1d") == "a␟b␞c␝"
    assert admin.raw_preview("Hà Nội".encode() * 100, limit=10) == "Hà NộiHà N…"
    assert admin.raw_preview(b"\xff\xfe") == "\ufffd\ufffd"
