"""The librarian console (/admin): who may enter, sources and harvests, licence rules with
their affected-count preview applied to search at once, explain, accounts, the audit log.

Pages are driven through the Flask test client with real log-ins and CSRF tokens. Tests
that change licence rules build a small catalogue of their own, so the shared sample
catalogue's access policy never changes under other tests.
"""

from __future__ import annotations

import dataclasses
import re
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pymarc
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from catalogue import audit, schedule, users
from catalogue.record import Record
from catalogue.rights import load_rules
from catalogue.runs import HarvestedItem
from catalogue.settings import HarvestSettings, Settings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.oai_provider import make_wsgi_app
from harvesters.oai_repository import OAI_DC, MemoryRepository, OaiItem, dc_element
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal import admin
from portal.app import create_app
from tests.support.accounts import browser
from tests.support.http import serve_wsgi

PASSWORD = "đọc sách mỗi ngày"
RESTRICTED = "Kho hạn chế"


# -- helpers -------------------------------------------------------------------------------


def with_console(app: Flask) -> Flask:
    """The app with the console registered (until portal/app.py registers it itself)."""
    if "admin" not in app.blueprints:
        app.register_blueprint(admin.bp)
    return app


@pytest.fixture
def console(app: Flask) -> Flask:
    return with_console(app)


def store_of(app: Flask) -> Store:
    return app.extensions["thuvien"].store


def unique(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}"


def token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def user(app: Flask, role: str) -> str:
    name = unique(role)
    users.create_user(store_of(app), name, PASSWORD, role=role)
    return name


def logged_in(app: Flask, role: str) -> tuple[FlaskClient, str]:
    client = browser(app)
    name = user(app, role)
    response = client.post(
        "/login", data={"csrf_token": token(client), "username": name, "password": PASSWORD}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client, name


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs):
    """POST a console form with the session's CSRF token (as the page would)."""
    form = {"csrf_token": token(client, "/admin/"), **(data or {})}
    return client.post(path, data=form, **kwargs)


def page(client: FlaskClient, path: str, status: int = 200, **kwargs) -> lxml.html.HtmlElement:
    response = client.get(path, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert len(doc.xpath("//h1")) == 1, "exactly one h1"
    return doc


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def audit_actions(app: Flask, target: str) -> list[str]:
    return [e.action for e in reversed(audit.entries(store_of(app), target=target, limit=100))]


def assert_accessible_form(doc: lxml.html.HtmlElement) -> None:
    """Every field has a label, every table a caption and header scopes."""
    for field in doc.xpath(
        "//main//input[not(@type='hidden')] | //main//select | //main//textarea"
    ):
        ident = field.get("id")
        assert ident and doc.xpath(f"//label[@for='{ident}']"), f"unlabelled field {ident}"
    for table in doc.xpath("//main//table"):
        assert table.xpath("caption"), "a table without caption"
        assert all(th.get("scope") for th in table.xpath(".//th")), "th without scope"


def add_source(app: Flask, **fields) -> Source:
    source = Source(
        key=fields.pop("key", f"src-{uuid.uuid4().hex[:8]}"),
        name=fields.pop("name", "Thư viện Thử nghiệm"),
        type=fields.pop("type", "oai"),
        url=fields.pop("url", "http://127.0.0.1:1/oai"),
        **fields,
    )
    store_of(app).put_source(source)
    return source


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/oai"


# -- who may enter -------------------------------------------------------------------------


def admin_urls(app: Flask, **values) -> list[tuple[str, set[str]]]:
    """Every console URL with its methods, filled with the given path values."""
    defaults = {"key": "nowhere", "run_id": 1, "rule_id": 1, "user_id": 1, "number": 1}
    defaults["name"] = "libraries"
    defaults.update(values)
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        args = {name: defaults[name] for name in rule.arguments}
        urls.append((adapter.build(rule.endpoint, args), set(rule.methods) - {"HEAD", "OPTIONS"}))
    return urls


def test_the_console_has_the_expected_pages(console: Flask):
    endpoints = {
        r.endpoint for r in console.url_map.iter_rules() if r.endpoint.startswith("admin.")
    }
    assert {
        "admin.dashboard",
        "admin.sources",
        "admin.source_new",
        "admin.source",
        "admin.source_edit",
        "admin.source_enabled",
        "admin.source_delete",
        "admin.source_test",
        "admin.source_harvest",
        "admin.run",
        "admin.run_error_raw",
        "admin.rules",
        "admin.rule_new",
        "admin.rule_edit",
        "admin.rule_delete",
        "admin.rule_move",
        "admin.rules_presets",
        "admin.rules_explain",
        "admin.users_list",
        "admin.user_role",
        "admin.user_disabled",
        "admin.audit_log",
    } <= endpoints


def test_anonymous_visitors_are_sent_to_log_in_from_every_page(console: Flask):
    client = browser(console)
    urls = admin_urls(console)
    for url, methods in urls:
        if "GET" not in methods:
            continue
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
    assert len(urls) >= 20


def test_readers_get_403_on_every_page_and_form(console: Flask):
    client, _name = logged_in(console, "reader")
    csrf_token = token(client, "/account")
    for url, methods in admin_urls(console):
        if "GET" in methods:
            assert client.get(url).status_code == 403, url
        if "POST" in methods:
            response = client.post(url, data={"csrf_token": csrf_token, "enabled": "0"})
            assert response.status_code == 403, url
    forbidden = client.get("/admin/").get_data(as_text=True)
    assert "Thủ thư" in forbidden  # the page names the role needed


def test_librarians_use_the_console_but_not_accounts_or_audit(console: Flask):
    client, _name = logged_in(console, "librarian")
    source = add_source(console)
    run_id = store_of(console).start_run(source.key, "full")
    store_of(console).finish_run(run_id, "succeeded")
    for path in (
        "/admin/",
        "/admin/sources",
        "/admin/sources/new",
        f"/admin/sources/{source.key}",
        f"/admin/sources/{source.key}/edit",
        f"/admin/sources/{source.key}/delete",
        f"/admin/sources/{source.key}/test",
        f"/admin/runs/{run_id}",
        "/admin/rules",
        "/admin/rules/new",
        "/admin/rules/explain",
    ):
        doc = page(client, path)
        assert_accessible_form(doc)
        nav = text(doc.xpath("//nav[contains(@class,'console-nav')]")[0])
        assert "Nhật ký kiểm toán" not in nav  # no link to what they may not open
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    assert post(client, "/admin/users/1/disabled", {"disabled": "1"}).status_code == 403


def test_forms_without_a_csrf_token_are_refused(console: Flask):
    client, _name = logged_in(console, "librarian")
    source = add_source(console)
    for path, data in (
        ("/admin/sources/new", {"key": "no-token", "name": "x", "type": "oai", "url": "http://x"}),
        (f"/admin/sources/{source.key}/harvest", {}),
        (f"/admin/sources/{source.key}/delete", {}),
        ("/admin/rules/new", {"name": "x"}),
    ):
        assert client.post(path, data=data).status_code == 400, path
    assert store_of(console).get_source("no-token") is None
    assert store_of(console).get_source(source.key) is not None


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


# -- sources -------------------------------------------------------------------------------


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


def dc_repository() -> MemoryRepository:
    base = datetime(2025, 3, 1, tzinfo=UTC)
    items = [OaiItem(f"oai:qd:{i}", base + timedelta(hours=i), sets=["sach"]) for i in range(3)]

    def render(item, prefix):
        return dc_element({"title": [f"Sách {item.identifier}"], "language": ["vie"]})

    return MemoryRepository("Thư viện Quận Đống Đa", items, render, [OAI_DC], [("sach", "Sách")])


def test_testing_an_oai_source_shows_identify_formats_and_sets(console: Flask):
    client, _name = logged_in(console, "librarian")
    with serve_wsgi(make_wsgi_app(dc_repository()), "/oai") as url:
        source = add_source(console, url=url, metadata_prefix="marc21", set="sach")
        assert "Chạy kiểm tra" in text(page(client, f"/admin/sources/{source.key}/test"))
        response = post(client, f"/admin/sources/{source.key}/test")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    body = text(doc)
    assert "Thư viện Quận Đống Đa" in body  # repositoryName from Identify
    formats = [text(th) for th in doc.xpath("//table[caption[@id='formats-caption']]//tbody//th")]
    assert formats == ["oai_dc"]
    sets = [
        [text(cell) for cell in tr.xpath("th|td")]
        for tr in doc.xpath("//table[caption[@id='sets-caption']]//tbody/tr")
    ]
    assert sets == [["sach", "Sách"]]
    # The source is set to harvest marc21, which this repository does not offer.
    warnings = [text(p) for p in doc.xpath("//p[contains(@class,'outcome--warn')]")]
    assert "không cung cấp những gì" in warnings[0] and "marc21" in warnings[1]
    assert_accessible_form(doc)
    [tested] = audit.entries(store_of(console), target=source.key, action=audit.SOURCE_TESTED)
    assert tested.detail == {"ok": False, "problems": [], "url": url}

    fixed = add_source(console, url=url, metadata_prefix="oai_dc", set="sach")
    with serve_wsgi(make_wsgi_app(dc_repository()), "/oai") as url:
        store_of(console).put_source(dataclasses.replace(fixed, url=url))
        response = post(client, f"/admin/sources/{fixed.key}/test")
    assert "Nguồn trả lời đúng như mong đợi" in text(lxml.html.fromstring(response.data))


def test_testing_a_source_that_is_down_explains_instead_of_failing(console: Flask):
    client, _name = logged_in(console, "librarian")
    source = add_source(console, url=closed_port_url())
    response = post(client, f"/admin/sources/{source.key}/test")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    body = text(doc)
    assert "Nguồn có vấn đề" in body
    assert "Không kết nối được tới nguồn" in body
    assert "ConnectionError" in text(doc.xpath("//code[@class='detail']")[0])


# sickle (third-party) compiles a regex literal with an invalid escape when first used.
@pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")
def test_testing_a_source_that_is_not_oai_pmh(console: Flask):
    def not_oai(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<html><body><p>Welcome</p></body></html>"]

    client, _name = logged_in(console, "librarian")
    with serve_wsgi(not_oai, "/oai") as url:
        source = add_source(console, url=url)
        response = post(client, f"/admin/sources/{source.key}/test")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert "Nguồn có vấn đề" in text(doc)
    assert "not an OAI-PMH response" in text(doc.xpath("//code[@class='detail']")[0])


def test_testing_a_marc_folder_reads_a_few_records(console: Flask, tmp_path: Path):
    record = pymarc.Record(force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data="bd-001"))
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("1", "0"),
            subfields=[pymarc.Subfield("a", "Lịch sử Ba Đình")],
        )
    )
    (tmp_path / "export.mrc").write_bytes(record.as_marc() + b"00010broken\x1d")
    client, _name = logged_in(console, "librarian")
    source = add_source(console, type="marc", url=str(tmp_path))
    doc = lxml.html.fromstring(
        post(client, f"/admin/sources/{source.key}/test").get_data(as_text=True)
    )
    rows = [text(tr) for tr in doc.xpath("//table[caption[@id='samples-caption']]//tbody/tr")]
    assert len(rows) == 2
    assert "bd-001" in rows[0] and "Lịch sử Ba Đình" in rows[0] and "Có" in rows[0]
    assert "Không" in rows[1]

    missing = add_source(console, type="marc", url=str(tmp_path / "nowhere"))
    body = post(client, f"/admin/sources/{missing.key}/test").get_data(as_text=True)
    assert "Không đọc được tệp" in body


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


# -- licence rules, on a catalogue of their own -------------------------------------------


@dataclass
class Small:
    app: Flask
    store: Store
    index: TantivyIndex


def small_record(local_id: str, title: str, **fields) -> Record:
    return Record("quan-ba-dinh", local_id, title=title, languages=["vie"], **fields)


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Small]:
    settings = Settings(data_dir=tmp_path, harvest=HarvestSettings(timeout=2))
    store = Store(settings.db_url)
    store.put_source(Source("quan-ba-dinh", "Thư viện Ba Đình", "oai", "http://127.0.0.1:1/oai"))
    run_id = store.start_run("quan-ba-dinh", "full")
    records = [
        small_record("bd-1", "Bản đồ Thăng Long xưa", collections=[RESTRICTED], year=1890),
        small_record("bd-2", "Truyện Kiều", authors=["Nguyễn Du, 1765-1820"], year=1902),
        small_record("bd-3", "Phố phường Hà Nội", year=1998),
    ]
    store.save_items(
        run_id, "quan-ba-dinh", [HarvestedItem(r.local_id, b"<r/>", "oai_dc", r) for r in records]
    )
    store.finish_run(run_id, "succeeded")
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    app = with_console(create_app(settings, store=store, index=index))
    yield Small(app, store, index)
    store.close()


def search_titles(client: FlaskClient, q: str) -> list[str]:
    doc = page(client, "/search", query_string={"q": q})
    return [text(a) for a in doc.xpath("//ol[@class='hit-list']/li//h3/a")]


RULE_FORM = {
    "name": "Kho hạn chế: chỉ bạn đọc đã đăng ký",
    "reason": "Tài liệu hạn chế theo yêu cầu của nhà tài trợ.",
    "enabled": "1",
    "collections": RESTRICTED,
    "embargo_active": "any",
    "onsite": "any",
    "see_record": "registered",
    "view_content": "staff",
    "download": "staff",
    "view_preview": "",
    "preview_max_px": "200",
}


def test_a_new_rule_is_previewed_then_applied_to_search_at_once(small: Small):
    anonymous = browser(small.app)
    reader, _reader_name = logged_in(small.app, "reader")
    librarian, name = logged_in(small.app, "librarian")
    assert search_titles(anonymous, "Thăng Long") == ["Bản đồ Thăng Long xưa"]

    preview = post(librarian, "/admin/rules/new", RULE_FORM)
    assert preview.status_code == 200
    doc = lxml.html.fromstring(preview.get_data(as_text=True))
    assert "Thay đổi này ảnh hưởng đến 1 biểu ghi." in text(doc.xpath("//p[@class='impact']")[0])
    assert load_rules(small.store) == []  # nothing is saved before the confirmation
    assert search_titles(anonymous, "Thăng Long") == ["Bản đồ Thăng Long xưa"]
    hidden = {i.get("name"): i.get("value") for i in doc.xpath("//form//input[@type='hidden']")}
    assert hidden["collections"] == RESTRICTED and hidden["see_record"] == "registered"

    form = {k: v for k, v in hidden.items() if k != "csrf_token"} | {"confirm": "1"}
    saved = post(librarian, "/admin/rules/new", form, follow_redirects=True)
    assert saved.status_code == 200
    assert "1 biểu ghi" in saved.get_data(as_text=True)
    [rule] = load_rules(small.store)
    assert rule.name == RULE_FORM["name"] and rule.outcomes.preview_max_px == 200
    assert rule.conditions.collections == (RESTRICTED,) and rule.updated_by == name

    assert search_titles(anonymous, "Thăng Long") == []
    assert anonymous.get("/record/quan-ba-dinh:bd-1").status_code != 200
    assert search_titles(reader, "Thăng Long") == ["Bản đồ Thăng Long xưa"]
    assert search_titles(anonymous, "Truyện Kiều") == ["Truyện Kiều"]

    [entry] = audit.entries(small.store, action=audit.RULE_CREATED)
    assert entry.actor == name and entry.target == f"rule:{rule.id}"
    assert entry.detail["affected"] == 1 and entry.detail["reindexed"] == 1
    assert entry.detail["rule"]["conditions"]["collections"] == [RESTRICTED]

    listing = page(librarian, "/admin/rules")
    row = text(listing.xpath(f"//tr[@id='rule-{rule.id}']")[0])
    assert f"Bộ sưu tập: {RESTRICTED}" in row
    assert "Biểu ghi: bạn đọc đã đăng nhập" in row


def test_a_confirmation_made_stale_by_another_change_is_shown_again(small: Small):
    librarian, _name = logged_in(small.app, "librarian")
    doc = lxml.html.fromstring(
        post(librarian, "/admin/rules/new", RULE_FORM).get_data(as_text=True)
    )
    form = {i.get("name"): i.get("value") for i in doc.xpath("//form//input[@type='hidden']")}
    form.pop("csrf_token")
    other = post(librarian, "/admin/rules/new", RULE_FORM | {"name": "Khác", "collections": "X"})
    other_form = {
        i.get("name"): i.get("value")
        for i in lxml.html.fromstring(other.get_data(as_text=True)).xpath("//input[@type='hidden']")
    }
    other_form.pop("csrf_token")
    post(librarian, "/admin/rules/new", other_form | {"confirm": "1"})
    again = post(librarian, "/admin/rules/new", form | {"confirm": "1"})
    assert again.status_code == 200
    assert "Ai đó đã thay đổi" in again.get_data(as_text=True)
    assert [r.name for r in load_rules(small.store)] == ["Khác"]


def test_rule_errors_are_shown_next_to_their_fields(small: Small):
    librarian, _name = logged_in(small.app, "librarian")
    bad = RULE_FORM | {
        "name": "",
        "year_from": "1950",
        "year_before": "1900",
        "author_died_before_years": "năm mươi",
        "ip_ranges": "10.0.0.0/8\n300.1.2.3/24",
        "see_record": "everybody",
        "preview_max_px": "99999",
        "formats": "scroll",
    }
    response = post(librarian, "/admin/rules/new", bad)
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    links = [a.get("href") for a in doc.xpath("//div[@role='alert']//a")]
    assert links == [
        "#name",
        "#formats",
        "#year_before",
        "#author_died_before_years",
        "#ip_ranges",
        "#see_record",
        "#preview_max_px",
    ]
    assert "300.1.2.3/24" in text(doc.xpath("//p[@id='ip_ranges-error']")[0])
    assert doc.xpath("//select[@id='see_record']")[0].get("aria-invalid") == "true"
    assert doc.xpath("//textarea[@id='ip_ranges']")[0].text == "10.0.0.0/8\n300.1.2.3/24"
    assert load_rules(small.store) == []
    assert_accessible_form(doc)


def confirm(client: FlaskClient, path: str, preview) -> None:
    """Press "confirm" on a confirmation page: its hidden fields, posted back with confirm=1."""
    doc = lxml.html.fromstring(preview.get_data(as_text=True))
    fields = [(i.get("name"), i.get("value")) for i in doc.xpath("//form//input[@type='hidden']")]
    assert "version" in dict(fields), "no confirmation page"
    response = client.post(path, data=MultiDict([*fields, ("confirm", "1")]))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def save(client: FlaskClient, path: str, form: dict) -> None:
    confirm(client, path, post(client, path, form))


def test_reorder_edit_explain_and_delete_rules(small: Small):
    librarian, name = logged_in(small.app, "librarian")
    anonymous = browser(small.app)
    hide_all = RULE_FORM | {
        "name": "Ẩn mọi tài liệu trước 1900",
        "collections": "",
        "year_before": "1900",
        "see_record": "hidden",
    }
    open_all = RULE_FORM | {"name": "Mở tất cả", "collections": "", "see_record": "public"}
    save(librarian, "/admin/rules/new", hide_all)
    save(librarian, "/admin/rules/new", open_all | {"position": "0"})
    first, second = load_rules(small.store)
    assert (first.name, second.name) == ("Mở tất cả", "Ẩn mọi tài liệu trước 1900")
    assert search_titles(anonymous, "Thăng Long") == ["Bản đồ Thăng Long xưa"]

    # Move the hiding rule up: it now wins for the 1890 map, which leaves search at once.
    moved = post(librarian, f"/admin/rules/{second.id}/move", {"direction": "up"})
    assert moved.status_code == 303
    assert [r.name for r in load_rules(small.store)] == [second.name, first.name]
    assert search_titles(anonymous, "Thăng Long") == []
    post(librarian, f"/admin/rules/{second.id}/move", {"direction": "up"})  # already first
    assert [r.name for r in load_rules(small.store)] == [second.name, first.name]

    doc = page(librarian, "/admin/rules/explain", query_string={"record": "quan-ba-dinh:bd-1"})
    checks = doc.xpath("//table[caption[@id='checks-caption']]/tbody/tr")
    assert "Khớp và quyết định" in text(checks[0]) and second.name in text(checks[0])
    assert "Khớp, nhưng một quy tắc đứng trước quyết định" in text(checks[1])
    decisions = {
        text(tr.xpath("th")[0]): text(tr)
        for tr in doc.xpath("//table[caption[@id='decisions-caption']]/tbody/tr")
    }
    assert second.name in decisions["Khách vãng lai"]
    assert decisions["Khách vãng lai"].count("Không") >= 4
    assert "Có" in decisions["Thủ thư"]
    explained = page(
        librarian, "/admin/rules/explain", query_string={"record": "quan-ba-dinh:bd-3"}
    )
    rows = explained.xpath("//table[caption[@id='checks-caption']]/tbody/tr")
    assert "Năm xuất bản" in text(rows[0])  # the failed condition, named
    # Why not, in the reader's language (F12): no English left in the cell.
    assert "xuất bản năm 1998, không trước năm 1900" in text(rows[0])
    assert "published" not in text(rows[0])
    english = page(
        librarian,
        "/admin/rules/explain",
        query_string={"record": "quan-ba-dinh:bd-3", "lang": "en"},
        follow_redirects=True,
    )
    rows = english.xpath("//table[caption[@id='checks-caption']]/tbody/tr")
    assert "published in 1998, not before 1900" in text(rows[0])
    librarian.get("/", query_string={"lang": "vi"})
    missing = page(librarian, "/admin/rules/explain", query_string={"record": "quan-ba-dinh:zzz"})
    assert "Không có biểu ghi nào với mã này" in text(missing)

    # Edit the hiding rule into a narrower one: the map comes back.
    edit = page(librarian, f"/admin/rules/{second.id}/edit")
    assert edit.xpath("//input[@id='year_before']")[0].get("value") == "1900"
    save(librarian, f"/admin/rules/{second.id}/edit", hide_all | {"year_before": "1800"})
    assert get_rule_names(small) == [second.name, first.name]
    assert search_titles(anonymous, "Thăng Long") == ["Bản đồ Thăng Long xưa"]

    confirm = page(librarian, f"/admin/rules/{first.id}/delete")
    assert "Xóa quy tắc" in text(confirm.xpath("//h1")[0])
    assert post(librarian, f"/admin/rules/{first.id}/delete").status_code == 303
    assert get_rule_names(small) == [second.name]

    actions = [e.action for e in reversed(audit.entries(small.store, actor=name))]
    assert actions == [
        audit.RULE_CREATED,
        audit.RULE_CREATED,
        audit.RULE_MOVED,
        audit.RULE_UPDATED,
        audit.RULE_DELETED,
    ]


def get_rule_names(small: Small) -> list[str]:
    return [r.name for r in load_rules(small.store)]


def test_installing_presets_previews_then_installs(small: Small):
    librarian, _name = logged_in(small.app, "librarian")
    doc = page(librarian, "/admin/rules")
    offered = [i.get("value") for i in doc.xpath("//input[@name='presets']")]
    assert "restricted-archives" in offered
    preview = post(librarian, "/admin/rules/presets", {"presets": ["restricted-archives"]})
    assert preview.status_code == 200
    assert load_rules(small.store) == []
    confirm(librarian, "/admin/rules/presets", preview)
    assert [r.preset for r in load_rules(small.store)] == ["restricted-archives"]
    assert audit.count(small.store, action=audit.RULE_CREATED) == 1


# -- accounts and the audit log ------------------------------------------------------------


def test_admins_change_roles_and_disable_accounts(console: Flask):
    client, admin_name = logged_in(console, "admin")
    store = store_of(console)
    other = users.find_user(store, user(console, "reader"))
    me = users.find_user(store, admin_name)

    doc = page(client, "/admin/users")
    assert_accessible_form(doc)
    row = doc.xpath(f"//tr[@id='user-{other.id}']")[0]
    assert row.xpath(".//select[@name='role']") and "Đang hoạt động" in text(row)
    assert not doc.xpath(f"//tr[@id='user-{me.id}']//form")  # not one's own account

    assert post(client, f"/admin/users/{other.id}/role", {"role": "librarian"}).status_code == 303
    assert users.get_user(store, other.id).role == "librarian"
    post(client, f"/admin/users/{other.id}/disabled", {"disabled": "1"})
    assert users.get_user(store, other.id).disabled is True
    post(client, f"/admin/users/{other.id}/disabled", {"disabled": "0"})
    assert users.get_user(store, other.id).disabled is False
    refused = post(client, f"/admin/users/{me.id}/role", {"role": "reader"}, follow_redirects=True)
    assert "Bạn không thể thay đổi vai trò của chính mình" in refused.get_data(as_text=True)
    post(client, f"/admin/users/{me.id}/disabled", {"disabled": "1"})
    assert (
        users.get_user(store, me.id).role == "admin" and not users.get_user(store, me.id).disabled
    )

    assert audit_actions(console, other.username) == [
        audit.USER_ROLE_CHANGED,
        audit.USER_DISABLED,
        audit.USER_ENABLED,
    ]
    [role_change] = audit.entries(store, target=other.username, action=audit.USER_ROLE_CHANGED)
    assert role_change.detail == {"from": "reader", "to": "librarian"}


def test_the_audit_log_pages_filters_and_verifies_its_chain(console: Flask):
    client, admin_name = logged_in(console, "admin")
    source = add_source(console)
    post(client, f"/admin/sources/{source.key}/harvest")
    post(client, f"/admin/sources/{source.key}/enabled", {"enabled": "0"})

    doc = page(client, "/admin/audit", query_string={"actor": admin_name})
    assert_accessible_form(doc)
    assert "Chuỗi nguyên vẹn" in text(doc.xpath("//p[contains(@class,'outcome--ok')]")[0])
    rows = [text(tr) for tr in doc.xpath("//table[caption]/tbody/tr")]
    assert len(rows) == 2
    assert "Đã thay đổi nguồn" in rows[0] and "Đã yêu cầu thu thập" in rows[1]
    assert source.key in rows[0] and '"enabled": [true, false]' in rows[0]

    only = page(
        client,
        "/admin/audit",
        query_string={"actor": admin_name, "action": audit.HARVEST_REQUESTED},
    )
    assert len(only.xpath("//table[caption]/tbody/tr")) == 1
    assert page(client, "/admin/audit", query_string={"page": "abc"}) is not None


def test_the_console_speaks_english_too(console: Flask):
    client, _name = logged_in(console, "admin")
    assert "Bảng điều khiển thủ thư" in client.get("/admin/").get_data(as_text=True)
    client.get("/admin/?lang=en")
    for path in ("/admin/", "/admin/sources/new", "/admin/rules/new", "/admin/users"):
        html = client.get(path).get_data(as_text=True)
        assert "Librarian console" in html and "Bảng điều khiển" not in html, path


def test_a_rule_is_kept_when_the_index_cannot_be_updated(small: Small, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("index folder is read-only")

    monkeypatch.setattr(admin.rules, "reindex_records", broken)
    librarian, _name = logged_in(small.app, "librarian")
    preview = post(librarian, "/admin/rules/new", RULE_FORM)
    confirm(librarian, "/admin/rules/new", preview)
    assert [r.name for r in load_rules(small.store)] == [RULE_FORM["name"]]
    page_html = librarian.get("/admin/rules").get_data(as_text=True)
    assert "thuvien index --rebuild" in page_html
    [entry] = audit.entries(small.store, action=audit.RULE_CREATED)
    assert entry.detail["reindexed"] == 0


def test_testing_a_marc_folder_outside_the_allowed_ones_is_refused(catalogue, tmp_path: Path):
    """The test button reads no more than a harvest may: [harvest] marc_paths + data dir."""
    from dataclasses import replace

    from portal.app import create_app

    (tmp_path / "export.mrc").write_bytes(b"00010broken\x1d")
    settings = replace(
        catalogue.settings, harvest=replace(catalogue.settings.harvest, marc_paths=())
    )
    app = with_console(create_app(settings, store=catalogue.store, index=catalogue.index))
    client, _name = logged_in(app, "librarian")
    source = add_source(app, type="marc", url=str(tmp_path))
    body = post(client, f"/admin/sources/{source.key}/test").get_data(as_text=True)
    assert "Không đọc được tệp" in body and "marc_paths" in body
