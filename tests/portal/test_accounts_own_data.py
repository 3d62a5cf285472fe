"""A reader's own data: downloading it as JSON, deleting the account with its password."""

from __future__ import annotations

import json

import lxml.html
from flask import Flask

from catalogue import audit, users
from tests.support.account_sessions import logged_in_user
from tests.support.accounts import PASSWORD, browser, csrf, log_in, make_user

# -- forgotten passwords, data export, deletion ------------------------------------------


def test_a_reader_downloads_their_data_as_json(app: Flask):
    from accessibility import progress

    name = make_user(app, display_name="Bạn đọc Lan", email="lan@example.org")
    web = browser(app)
    log_in(web, name)
    store = app.extensions["thuvien"].store
    account = users.find_user(store, name)
    record_id = next(r.id for r in store.iter_records() if not r.deleted)
    progress.save_position(store, account.id, record_id, 42.0)

    doc = lxml.html.fromstring(web.get("/account").get_data(as_text=True))
    (link,) = doc.xpath("//a[@href='/account/data']")
    assert "Tải dữ liệu của tôi" in link.text_content() and link.get("download") is not None
    answer = web.get("/account/data")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.headers["Cache-Control"] == "no-store"
    assert "attachment" in answer.headers["Content-Disposition"]
    data = answer.get_json()
    assert data["account"]["username"] == name and data["account"]["email"] == "lan@example.org"
    assert [p["record_id"] for p in data["listening_positions"]] == [record_id]
    assert any(a["succeeded"] for a in data["login_attempts"])
    assert "password" not in json.dumps(data["account"])
    # Only for the one logged in.
    assert browser(app).get("/account/data").status_code == 302


def test_a_reader_deletes_their_account_with_their_password(app: Flask):
    name = make_user(app)
    web, elsewhere = browser(app), browser(app)
    log_in(web, name)
    log_in(elsewhere, name)
    store = app.extensions["thuvien"].store
    user_id = users.find_user(store, name).id

    doc = lxml.html.fromstring(web.get("/account").get_data(as_text=True))
    (form,) = doc.xpath("//form[@action='/account/delete']")
    assert form.xpath(".//label[@for='delete_password']")  # labelled
    assert "dưới một mã số, không phải tên đăng nhập" in doc.text_content()  # the audit log

    token = csrf(web, "/account")
    no_token = web.post("/account/delete", data={"delete_password": PASSWORD})
    assert no_token.status_code == 400
    empty = web.post("/account/delete", data={"csrf_token": token, "delete_password": ""})
    assert "Hãy nhập mật khẩu." in empty.get_data(as_text=True)
    wrong = web.post("/account/delete", data={"csrf_token": token, "delete_password": "nope-nope"})
    assert wrong.status_code == 200
    assert "Mật khẩu của bạn không đúng." in wrong.get_data(as_text=True)
    assert users.find_user(store, name) is not None

    done = web.post("/account/delete", data={"csrf_token": token, "delete_password": PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert users.find_user(store, name) is None
    assert logged_in_user(web) is None
    assert elsewhere.get("/account").status_code == 302  # every session has ended
    assert log_in(browser(app), name).status_code == 200  # no such account any more
    (entry,) = audit.entries(store, action=users.USER_DELETED, target=f"user#{user_id}")
    assert entry.actor == f"user#{user_id}" and name not in json.dumps(entry.detail)


def test_staff_accounts_are_not_deleted_from_the_account_page(app: Flask):
    name = make_user(app, role="librarian")
    web = browser(app)
    log_in(web, name)
    page = web.get("/account").get_data(as_text=True)
    assert 'action="/account/delete"' not in page
    token = csrf(web, "/account")
    answer = web.post("/account/delete", data={"csrf_token": token, "delete_password": PASSWORD})
    assert answer.status_code == 303
    assert users.find_user(app.extensions["thuvien"].store, name) is not None


def test_english_account_page_offers_export_and_deletion(app: Flask):
    name = make_user(app)
    web = browser(app)
    web.get("/?lang=en")
    log_in(web, name)
    html = web.get("/account").get_data(as_text=True)
    assert "Download my data" in html and "Delete my account for good" in html
