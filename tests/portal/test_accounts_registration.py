"""Registering in the portal: the account and its profile, errors that keep the form,
readers only, and the limit on registrations per client address.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue import audit, users
from portal.registration_limit import (
    REGISTRATION_LIMIT,
    RegistrationLimit,
    record_registration,
    registration_wait,
)
from tests.support.account_sessions import logged_in_user
from tests.support.accounts import PASSWORD, browser, csrf, make_user, unique


@pytest.fixture
def web(app: Flask) -> FlaskClient:
    return browser(app)


# -- register, profile, log out ----------------------------------------------------


def test_register_then_profile_then_logout(web: FlaskClient):
    name = unique("Reader")
    token = csrf(web, "/register")
    response = web.post(
        "/register",
        data={
            "csrf_token": token,
            "username": name,
            "display_name": "Nguyễn Thị Lan",
            "email": "lan@example.vn",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert logged_in_user(web)

    page = web.get("/account").get_data(as_text=True)
    assert name.casefold() in page and "Nguyễn Thị Lan" in page and "lan@example.vn" in page
    assert "Bạn đọc" in page  # the role, in Vietnamese
    assert "Xin chào Nguyễn Thị Lan" in page  # the welcome flash
    assert f"({name.casefold()})" in page  # the header names who is logged in
    assert page.count("<h1") == 1

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    out = web.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["Location"] == "/"
    assert logged_in_user(web) is None
    again = web.get("/account")
    assert again.status_code == 302 and again.headers["Location"].startswith("/login?next=")


def test_registration_errors_are_shown_and_keep_the_form(web: FlaskClient, app: Flask):
    taken = make_user(app)
    token = csrf(web, "/register")
    page = web.post(
        "/register",
        data={
            "csrf_token": token,
            "username": taken,
            "display_name": "Minh",
            "password": "short",
            "confirm_password": "short",
        },
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'role="alert"' in html
    assert "Tên đăng nhập này đã có người dùng" in html
    assert "Mật khẩu cần có ít nhất 10 ký tự" in html
    assert f'value="{taken}"' in html and 'value="Minh"' in html
    assert 'value="short"' not in html
    assert 'href="#username"' in html and 'href="#password"' in html
    assert (
        'aria-invalid="true"' in html and 'aria-describedby="username-hint username-error"' in html
    )
    assert logged_in_user(web) is None

    mismatch = web.post(
        "/register",
        data={
            "csrf_token": token,
            "username": unique(),
            "password": PASSWORD,
            "confirm_password": PASSWORD + "!",
        },
    ).get_data(as_text=True)
    assert "Hai mật khẩu không giống nhau" in mismatch and 'href="#confirm_password"' in mismatch


def test_registration_only_ever_makes_readers(web: FlaskClient, app: Flask):
    name = unique()
    token = csrf(web, "/register")
    web.post(
        "/register",
        data={
            "csrf_token": token,
            "username": name,
            "password": PASSWORD,
            "confirm_password": PASSWORD,
            "role": "admin",
        },
    )
    assert users.find_user(app.extensions["thuvien"].store, name).role == "reader"


# -- registration is rate-limited per client address ---------------------------------


def register(client: FlaskClient, name: str, **extra):
    token = csrf(client, "/register")
    form = {
        "csrf_token": token,
        "username": name,
        "display_name": "Lan",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
        **extra,
    }
    return client.post("/register", data=form)


def test_registration_is_limited_per_address_with_429_and_the_form_kept(app: Flask):
    address = browser(app).environ_base["REMOTE_ADDR"]
    for _ in range(REGISTRATION_LIMIT.per_address):
        reader = browser(app)
        reader.environ_base["REMOTE_ADDR"] = address  # one network, several readers
        assert register(reader, unique("Reader")).status_code == 303

    late = browser(app)
    late.environ_base["REMOTE_ADDR"] = address
    name = unique("Late")
    refused = register(late, name, email="late@example.vn")
    assert refused.status_code == 429
    assert 55 * 60 < int(refused.headers["Retry-After"]) <= 60 * 60
    doc = lxml.html.fromstring(refused.get_data(as_text=True))
    summary = doc.xpath("//div[@class='error-summary']")[0]
    assert "Đã có quá nhiều tài khoản được tạo từ mạng của bạn" in summary.text_content()
    assert "60 phút" in summary.text_content()
    # Nothing typed is lost (but the passwords, which are never sent back).
    assert doc.xpath("//input[@name='username']")[0].get("value") == name
    assert doc.xpath("//input[@name='email']")[0].get("value") == "late@example.vn"
    assert users.find_user(app.extensions["thuvien"].store, name) is None

    # Another address is not affected; the registrations are in the audit log.
    assert register(browser(app), unique("Other")).status_code == 303
    store = app.extensions["thuvien"].store
    mine = [
        e for e in audit.entries(store, action=audit.USER_CREATED, limit=500) if e.ip == address
    ]
    assert len(mine) == REGISTRATION_LIMIT.per_address
    assert all(e.actor == e.target and e.detail["self_registered"] for e in mine)


def test_registration_limit_message_in_english(app: Flask):
    address = browser(app).environ_base["REMOTE_ADDR"]
    for _ in range(REGISTRATION_LIMIT.per_address):
        reader = browser(app)
        reader.environ_base["REMOTE_ADDR"] = address
        assert register(reader, unique("Reader")).status_code == 303
    late = browser(app)
    late.environ_base["REMOTE_ADDR"] = address
    assert late.get("/?lang=en").status_code == 303
    refused = register(late, unique("Late"))
    assert refused.status_code == 429
    assert "Too many accounts have been created from your network" in refused.get_data(as_text=True)


def test_registration_window_slides(app: Flask):
    store = app.extensions["thuvien"].store
    limit = RegistrationLimit(window=timedelta(hours=1), per_address=2)
    address = browser(app).environ_base["REMOTE_ADDR"]
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for minutes in (0, 20):
        name = make_user(app)
        user = users.find_user(store, name)
        record_registration(store, user, address, now=start + timedelta(minutes=minutes))
    assert registration_wait(store, address, now=start + timedelta(minutes=30), limit=limit) == (
        30 * 60
    )
    assert registration_wait(store, address, now=start + timedelta(minutes=61), limit=limit) == 0
    assert registration_wait(store, "", now=start, limit=limit) == 0  # unknown: not limited
    # An account a librarian made (actor != target) does not count against the address.
    audit.append(store, actor="admin", ip=address, action=audit.USER_CREATED, target="x", now=start)
    assert registration_wait(store, address, now=start + timedelta(minutes=61), limit=limit) == 0
