"""Driving the librarian console (/admin) in tests: real log-ins with CSRF tokens, forms
posted as the pages post them, parsed pages, sources, the audit trail.

Two fixtures live here (tests/portal/conftest.py makes them available): `console`, the
shared app with the console, and `small`, a catalogue of its own for tests that change
licence rules, so the shared sample catalogue's access policy never changes under other
tests.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue import audit, users
from catalogue.record import Record
from catalogue.runs import HarvestedItem
from catalogue.settings import HarvestSettings, Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal import admin
from portal.app import create_app
from tests.support.accounts import browser

PASSWORD = "đọc sách mỗi ngày"
RESTRICTED = "Kho hạn chế"


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
