"""The librarian console (/admin) as a whole: who may enter which page, CSRF on every
form, the accounts page, the audit log, and the console in English.

Pages are driven through the Flask test client with real log-ins and CSRF tokens
(tests/support/admin_console.py). Sources, source tests and licence rules have files of
their own: test_admin_sources, test_admin_source_testing, test_admin_rules.
"""

from __future__ import annotations

from flask import Flask

from catalogue import audit, users
from tests.support.accounts import browser
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
    user,
)

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
