"""Logging in and out: labelled forms, generic errors, disabled accounts, CSRF, and
`next` followed only to this site.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue import users
from portal.account_session import safe_next
from tests.support.account_sessions import logged_in_user
from tests.support.accounts import PASSWORD, browser, log_in, make_user, unique


@pytest.fixture
def web(app: Flask) -> FlaskClient:
    return browser(app)


# -- log in ------------------------------------------------------------------------


def test_login_page_is_labelled_for_password_managers_and_screen_readers(web: FlaskClient):
    html = web.get("/login").get_data(as_text=True)
    assert '<label for="username">' in html and '<label for="password">' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert html.count("<h1") == 1
    assert 'href="/register"' in html


def test_login_then_logged_in_and_redirected_home(web: FlaskClient, app: Flask):
    name = make_user(app, display_name="Trần Văn Bình")
    response = log_in(web, name.upper())
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert logged_in_user(web)
    assert "Trần Văn Bình" in web.get("/").get_data(as_text=True)


def test_wrong_password_shows_a_generic_error_and_no_session(web: FlaskClient, app: Flask):
    name = make_user(app)
    for username in (name, unique("ghost")):
        response = log_in(web, username, "not-my-password")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Sai tên đăng nhập hoặc mật khẩu." in html and 'role="alert"' in html
        assert f'value="{username}"' in html  # the username is kept
        assert "not-my-password" not in html  # the password is not
        assert logged_in_user(web) is None


def test_empty_fields_are_named(web: FlaskClient):
    html = log_in(web, "", "").get_data(as_text=True)
    assert "Hãy nhập tên đăng nhập." in html and "Hãy nhập mật khẩu." in html


def test_disabled_account_cannot_log_in_and_is_logged_out(app: Flask):
    store = app.extensions["thuvien"].store
    name = make_user(app)
    web, other = browser(app), browser(app)
    assert log_in(other, name).status_code == 303
    users.set_disabled(store, name)
    response = log_in(web, name)
    assert response.status_code == 403
    assert "đã bị vô hiệu hóa" in response.get_data(as_text=True)
    assert other.get("/account").status_code == 302  # its session ends


def test_post_without_csrf_token_is_refused(web: FlaskClient, app: Flask):
    name = make_user(app)
    response = web.post("/login", data={"username": name, "password": PASSWORD})
    assert response.status_code == 400
    assert logged_in_user(web) is None
    web.get("/login")  # a session with a token in it, but the form leaves it out
    assert web.post("/login", data={"username": name, "password": PASSWORD}).status_code == 400
    assert web.post("/register", data={"username": unique()}).status_code == 400


def test_logout_needs_post_and_a_token(web: FlaskClient, app: Flask):
    log_in(web, make_user(app))
    assert web.get("/logout").status_code == 405
    assert web.post("/logout").status_code == 400  # a cross-site form cannot log anyone out
    assert logged_in_user(web)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "https://evil.example/account",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/%0d%0aSet-Cookie:x",
        "/search\r\nX: y",
        "account",
    ],
)
def test_next_is_followed_only_to_this_site(web: FlaskClient, app: Flask, target: str):
    response = log_in(web, make_user(app), next=target)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == "/" or (target.startswith("/%0d") and location == target)


def test_next_to_a_page_on_this_site_is_followed(web: FlaskClient, app: Flask):
    page = web.get("/login?next=/search%3Fq%3Dha%2Bnoi").get_data(as_text=True)
    assert 'name="next" value="/search?q=ha+noi"' in page
    response = log_in(web, make_user(app), next="/search?q=ha+noi")
    assert response.headers["Location"] == "/search?q=ha+noi"


def test_the_header_log_in_link_brings_the_reader_back(web: FlaskClient, app: Flask):
    """From a results or record page, the header's "Log in" carries where the reader was;
    on the home page and the account pages it carries nothing."""
    doc = lxml.html.fromstring(web.get("/search?q=ha+noi&sort=title").get_data(as_text=True))
    link = doc.xpath(
        "//ul[@class='nav-list']//a[not(@hreflang) and starts-with(@href, '/login')]/@href"
    )[0]
    assert link == "/login?next=/search?q%3Dha%2Bnoi%26sort%3Dtitle"
    for plain in ("/", "/login", "/register"):
        home = lxml.html.fromstring(web.get(plain).get_data(as_text=True))
        assert home.xpath(
            "//ul[@class='nav-list']//a[not(@hreflang) and starts-with(@href, '/login')]/@href"
        ) == ["/login"], plain
    target = parse_qs(urlsplit(link).query)["next"][0]
    assert log_in(web, make_user(app), next=target).headers["Location"] == target


def test_safe_next():
    assert safe_next("/record/x?y=1#z") == "/record/x?y=1#z"
    for bad in (None, "", "http://x", "//x", "/\\x", "x/y", "/a\x00", "/" + "a" * 3000):
        assert safe_next(bad) is None


def test_login_page_says_what_to_do_with_a_forgotten_password(web: FlaskClient):
    doc = lxml.html.fromstring(web.get("/login").get_data(as_text=True))
    text = doc.get_element_by_id("forgot-password").text_content()
    assert "Quên mật khẩu?" in text and "cán bộ thư viện có thể đặt mật khẩu mới" in text
