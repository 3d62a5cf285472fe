"""The console's "test this source" button: an OAI-PMH repository's Identify, formats
and sets, a source that is down or not OAI-PMH, and MARC folders read within bounds."""

from __future__ import annotations

import dataclasses
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pymarc
import pytest
from flask import Flask

from catalogue import audit
from harvesters.oai_provider import make_wsgi_app
from harvesters.oai_repository import OAI_DC, MemoryRepository, OaiItem, dc_element
from tests.support.admin_console import (
    add_source,
    assert_accessible_form,
    logged_in,
    page,
    post,
    store_of,
    text,
    with_console,
)
from tests.support.http import serve_wsgi


def dc_repository() -> MemoryRepository:
    base = datetime(2025, 3, 1, tzinfo=UTC)
    items = [OaiItem(f"oai:qd:{i}", base + timedelta(hours=i), sets=["sach"]) for i in range(3)]

    def render(item, prefix):
        return dc_element({"title": [f"Sách {item.identifier}"], "language": ["vie"]})

    return MemoryRepository("Thư viện Quận Đống Đa", items, render, [OAI_DC], [("sach", "Sách")])


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/oai"


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
