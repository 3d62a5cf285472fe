"""Sessions: a fresh one at log-in, cookie flags, a password change ending the others."""

from __future__ import annotations

import dataclasses

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.app import create_app
from tests.support.accounts import PASSWORD, browser, csrf, log_in, make_user


@pytest.fixture
def web(app: Flask) -> FlaskClient:
    return browser(app)


# -- sessions ------------------------------------------------------------------------


def test_login_starts_a_fresh_session_keeping_the_language(web: FlaskClient, app: Flask):
    web.get("/?lang=en")
    with web.session_transaction() as session:
        session["planted"] = "by an attacker"
    log_in(web, make_user(app))
    with web.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en" and session.get("_user_id")
    assert '<html lang="en">' in web.get("/account").get_data(as_text=True)


def test_session_cookie_flags_in_development(web: FlaskClient):
    cookie = web.get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_in_production(catalogue):
    settings = dataclasses.replace(catalogue.settings, mode="production", secret_key="k" * 64)
    app = create_app(settings, store=catalogue.store, index=catalogue.index)
    cookie = app.test_client().get("/login", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_changing_the_password_ends_other_sessions(app: Flask):
    name = make_user(app)
    web, elsewhere = browser(app), browser(app)
    log_in(web, name)
    log_in(elsewhere, name)
    token = csrf(web, "/account")

    wrong = web.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": "not-the-password",
            "new_password": "a brand new passphrase",
            "confirm_password": "a brand new passphrase",
        },
    )
    assert wrong.status_code == 200
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)

    weak = web.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": name,
            "confirm_password": name,
        },
    )
    assert "Mật khẩu không được trùng với tên đăng nhập." in weak.get_data(as_text=True)

    done = web.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm_password": "a brand new passphrase",
        },
    )
    assert done.status_code == 303 and done.headers["Location"] == "/account"
    assert web.get("/account").status_code == 200  # this session goes on
    assert elsewhere.get("/account").status_code == 302  # the other one has ended
    assert log_in(browser(app), name, "a brand new passphrase").status_code == 303
