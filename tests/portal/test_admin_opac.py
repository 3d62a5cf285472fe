"""The console's source form sets the record URL template of a library's own catalogue
(OPAC): labelled with its hint, checked on save with the error beside the field, kept,
audited, and shown on the source's page."""

from __future__ import annotations

import uuid

import lxml.html
from flask import Flask

from catalogue import audit
from tests.support.admin_console import (
    add_source,
    assert_accessible_form,
    audit_actions,
    logged_in,
    page,
    post,
    store_of,
    text,
    token,
)

KOHA = "https://opac.example.vn/cgi-bin/koha/opac-detail.pl?biblionumber={local_id}"


def source_form(key: str, **fields: str) -> dict[str, str]:
    return {
        "key": key,
        "name": "Thư viện Quận Hoàn Kiếm",
        "type": "marc",
        "url": "http://127.0.0.1:1/export.mrc",
        "enabled": "1",
        **fields,
    }


def test_the_form_has_a_labelled_opac_field_with_its_syntax(console: Flask):
    client, _name = logged_in(console, "librarian")
    doc = page(client, "/admin/sources/new")
    assert_accessible_form(doc)
    field = doc.xpath("//input[@id='opac_url']")[0]
    assert field.get("name") == "opac_url"
    assert field.get("type") == "url"
    assert field.get("required") is None  # optional
    assert text(doc.xpath("//label[@for='opac_url']")[0]) == (
        "Địa chỉ bản ghi trong OPAC (không bắt buộc)"
    )
    hint = doc.xpath(f"//*[@id='{field.get('aria-describedby')}']")[0]
    assert "{local_id}" in text(hint) and "{barcode}" in text(hint)
    assert "opac-detail.pl?biblionumber={local_id}" in text(hint)  # an example


def test_a_template_is_saved_shown_and_audited(console: Flask):
    client, _name = logged_in(console, "librarian")
    key = f"lib-{uuid.uuid4().hex[:8]}"
    created = post(client, "/admin/sources/new", source_form(key, opac_url=KOHA))
    assert created.status_code == 303, created.get_data(as_text=True)[:2000]
    assert store_of(console).get_source(key).opac_url == KOHA
    shown = page(client, f"/admin/sources/{key}")
    assert KOHA in text(shown)
    assert "Địa chỉ bản ghi trong OPAC" in text(shown)
    edit = page(client, f"/admin/sources/{key}/edit")
    assert edit.xpath("//input[@id='opac_url']")[0].get("value") == KOHA

    cleared = post(client, f"/admin/sources/{key}/edit", source_form(key, opac_url=""))
    assert cleared.status_code == 303
    assert store_of(console).get_source(key).opac_url == ""
    assert audit_actions(console, key) == [audit.SOURCE_CREATED, audit.SOURCE_UPDATED]
    changes = audit.entries(store_of(console), target=key, limit=1)[0].detail["changes"]
    assert changes == {"opac_url": [KOHA, ""]}
    assert "không dẫn tới OPAC" in text(page(client, f"/admin/sources/{key}"))


def test_a_bad_template_is_explained_next_to_the_field_and_nothing_is_lost(console: Flask):
    client, _name = logged_in(console, "librarian")
    source = add_source(console, type="marc", url="/srv/x.mrc", opac_url=KOHA)
    cases = {
        "javascript:alert(1)//{local_id}": "phải bắt đầu bằng http:// hoặc https://",
        "https://opac.example.vn/?id={biblionumber}": "{biblionumber} không phải là chỗ điền",
        "https://opac.example.vn/record": "Địa chỉ phải có {local_id}",
        "https://opac.example.vn/{local_id": "mỗi dấu { cần có dấu }",
        "https://{local_id}.example.vn/": "sau tên máy chủ",
        "https://opac.example.vn/a b?id={local_id}": "không được chứa dấu cách",
    }
    for template, message in cases.items():
        form = source_form(source.key, name=source.name, url=source.url, opac_url=template)
        response = post(client, f"/admin/sources/{source.key}/edit", form)
        assert response.status_code == 200, template
        doc = lxml.html.fromstring(response.get_data(as_text=True))
        field = doc.xpath("//input[@id='opac_url']")[0]
        assert field.get("aria-invalid") == "true"
        assert field.get("value") == template  # what was typed is kept to correct
        error = doc.xpath("//p[@id='opac_url-error']")[0]
        assert message in text(error), (template, text(error))
        assert "opac_url-error" in field.get("aria-describedby").split()
        summary = doc.xpath("//div[@role='alert']")[0]
        assert [a.get("href") for a in summary.xpath(".//a")] == ["#opac_url"]
    assert store_of(console).get_source(source.key).opac_url == KOHA  # unchanged


def test_the_form_without_a_csrf_token_is_refused(console: Flask):
    client, _name = logged_in(console, "librarian")
    source = add_source(console, type="marc", url="/srv/x.mrc")
    token(client, "/admin/")  # a session with a token, which the post leaves out
    refused = client.post(
        f"/admin/sources/{source.key}/edit",
        data=source_form(source.key, name=source.name, url=source.url, opac_url=KOHA),
    )
    assert refused.status_code == 400
    assert store_of(console).get_source(source.key).opac_url == ""


def test_the_field_speaks_english_too(console: Flask):
    client, _name = logged_in(console, "librarian")
    client.get("/admin/?lang=en")
    doc = page(client, "/admin/sources/new")
    label = text(doc.xpath("//label[@for='opac_url']")[0])
    assert label == "Record address in the library's catalogue (OPAC, optional)"
    response = post(
        client,
        "/admin/sources/new",
        source_form(f"lib-{uuid.uuid4().hex[:8]}", opac_url="https://x.vn/{id}"),
    )
    error = lxml.html.fromstring(response.get_data(as_text=True)).xpath("//p[@id='opac_url-error']")
    assert "{id} is not a placeholder thuvien knows" in text(error[0])
