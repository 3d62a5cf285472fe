"""The console's source form sets what readers are told about the library (website,
address, opening hours, contact): labelled fields with hints, checked on save with the
error beside the field and nothing typed lost, kept, audited, and shown on the source's
page."""

from __future__ import annotations

import uuid

import lxml.html
from flask import Flask

from catalogue import audit
from tests.portal.test_admin_opac import source_form
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

PROFILE = {
    "website": "https://thuvien-hoankiem.example.vn/",
    "address": "2 Hàng Dầu\r\nHoàn Kiếm, Hà Nội",
    "hours": "Thứ Hai – Thứ Sáu: 8:00 – 20:00\r\nThứ Bảy: 8:00 – 17:00",
    "contact": "024 0000 0000",
}


def test_the_form_has_labelled_optional_profile_fields_with_hints(console: Flask):
    client, _name = logged_in(console, "librarian")
    doc = page(client, "/admin/sources/new")
    assert_accessible_form(doc)
    (group,) = doc.xpath("//fieldset[.//input[@id='website']]")
    assert text(group.xpath("legend")[0]) == "Thông tin thư viện cho bạn đọc (không bắt buộc)"
    labels = {
        "website": "Trang web của thư viện",
        "address": "Địa chỉ thư viện",
        "hours": "Giờ mở cửa",
        "contact": "Liên hệ",
    }
    for name, label in labels.items():
        (field,) = group.xpath(f".//*[@id='{name}']")
        assert field.get("name") == name and field.get("required") is None
        assert text(group.xpath(f".//label[@for='{name}']")[0]) == label
        hint = doc.xpath(f"//*[@id='{field.get('aria-describedby')}']")[0]
        assert text(hint), name
    assert group.xpath(".//input[@id='website']")[0].get("type") == "url"
    assert [f.tag for f in group.xpath(".//*[@id='address' or @id='hours']")] == [
        "textarea",
        "textarea",
    ]


def test_a_profile_is_saved_shown_and_audited(console: Flask):
    client, _name = logged_in(console, "librarian")
    key = f"lib-{uuid.uuid4().hex[:8]}"
    created = post(client, "/admin/sources/new", source_form(key, **PROFILE))
    assert created.status_code == 303, created.get_data(as_text=True)[:2000]
    saved = store_of(console).get_source(key)
    assert (saved.website, saved.address, saved.hours, saved.contact) == (
        PROFILE["website"],
        "2 Hàng Dầu\nHoàn Kiếm, Hà Nội",  # line breaks kept, made plain
        "Thứ Hai – Thứ Sáu: 8:00 – 20:00\nThứ Bảy: 8:00 – 17:00",
        "024 0000 0000",
    )
    shown = page(client, f"/admin/sources/{key}")
    facts = {text(d.xpath("dt")[0]): d.xpath("dd")[0] for d in shown.xpath("//dl/div")}
    assert facts["Trang web của thư viện"].xpath("a")[0].get("href") == PROFILE["website"]
    assert len(facts["Giờ mở cửa"].xpath("br")) == 1
    assert text(facts["Liên hệ"]) == "024 0000 0000"
    edit = page(client, f"/admin/sources/{key}/edit")
    assert edit.xpath("//input[@id='website']")[0].get("value") == PROFILE["website"]
    assert edit.xpath("//textarea[@id='hours']")[0].text == saved.hours

    form = source_form(key, **{**PROFILE, "website": "", "contact": ""})
    cleared = post(client, f"/admin/sources/{key}/edit", form)
    assert cleared.status_code == 303
    assert store_of(console).get_source(key).website == ""
    assert audit_actions(console, key) == [audit.SOURCE_CREATED, audit.SOURCE_UPDATED]
    changes = audit.entries(store_of(console), target=key, limit=1)[0].detail["changes"]
    assert changes == {"website": [PROFILE["website"], ""], "contact": ["024 0000 0000", ""]}
    none = page(client, f"/admin/sources/{key}")
    facts = {text(d.xpath("dt")[0]): d.xpath("dd")[0] for d in none.xpath("//dl/div")}
    assert text(facts["Trang web của thư viện"]) == "Không có"


def test_bad_profile_values_are_explained_next_to_the_field_and_nothing_is_lost(console: Flask):
    client, _name = logged_in(console, "librarian")
    source = add_source(console, type="marc", url="/srv/x.mrc", hours="Chủ nhật nghỉ")
    cases = {
        ("website", "javascript:alert(1)"): "phải bắt đầu bằng http:// hoặc https://",
        ("website", "thuvien.example.vn"): "phải bắt đầu bằng http:// hoặc https://",
        ("website", "https://thuvien.example.vn/a b"): "không được chứa dấu cách",
        ("website", "https://example.vn/" + "a" * 2000): "Tối đa 2000 ký tự",
        ("address", "x" * 301): "Tối đa 300 ký tự",
        ("hours", "x" * 501): "Tối đa 500 ký tự",
        ("contact", "x" * 301): "Tối đa 300 ký tự",
    }
    for (name, value), message in cases.items():
        form = source_form(source.key, name=source.name, url=source.url, **{name: value})
        response = post(client, f"/admin/sources/{source.key}/edit", form)
        assert response.status_code == 200, name
        doc = lxml.html.fromstring(response.get_data(as_text=True))
        (field,) = doc.xpath(f"//*[@id='{name}']")
        assert field.get("aria-invalid") == "true"
        kept = field.get("value") if field.tag == "input" else field.text
        assert kept == value  # what was typed is kept to correct
        error = doc.xpath(f"//p[@id='{name}-error']")[0]
        assert message in text(error), (name, text(error))
        assert f"{name}-error" in field.get("aria-describedby").split()
        summary = doc.xpath("//div[@role='alert']")[0]
        assert [a.get("href") for a in summary.xpath(".//a")] == [f"#{name}"]
    unchanged = store_of(console).get_source(source.key)
    assert (unchanged.website, unchanged.hours) == ("", "Chủ nhật nghỉ")


def test_the_form_without_a_csrf_token_is_refused(console: Flask):
    client, _name = logged_in(console, "librarian")
    source = add_source(console, type="marc", url="/srv/x.mrc")
    token(client, "/admin/")  # a session with a token, which the post leaves out
    refused = client.post(
        f"/admin/sources/{source.key}/edit",
        data=source_form(source.key, name=source.name, url=source.url, **PROFILE),
    )
    assert refused.status_code == 400
    assert store_of(console).get_source(source.key).website == ""
