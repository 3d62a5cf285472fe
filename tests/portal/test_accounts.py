"""Accounts in the portal: register, log in and out, CSRF, safe redirects, locks, roles."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from flask_login import current_user

from catalogue import audit, users
from portal.account_session import role_required, safe_next
from portal.app import create_app
from portal.registration_limit import (
    REGISTRATION_LIMIT,
    RegistrationLimit,
    record_registration,
    registration_wait,
)
from tests.support.accounts import PASSWORD, browser, csrf, log_in, make_user, unique


@pytest.fixture
def web(app: Flask) -> FlaskClient:
    return browser(app)


def logged_in_user(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


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


def test_too_many_failures_lock_with_429_and_retry_after(web: FlaskClient, app: Flask):
    name = make_user(app)
    for _ in range(5):
        assert log_in(web, name, "wrong-password").status_code == 200
    locked = log_in(web, name)  # even the right password
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    html = locked.get_data(as_text=True)
    assert "Bạn đã thử sai quá nhiều lần" in html and "15 phút" in html
    assert logged_in_user(web) is None
    # Other readers at other addresses are not affected.
    assert log_in(browser(app), make_user(app)).status_code == 303


def test_lock_message_in_english(web: FlaskClient, app: Flask):
    web.get("/?lang=en")
    name = make_user(app)
    for _ in range(5):
        log_in(web, name, "wrong-password")
    html = log_in(web, name).get_data(as_text=True)
    assert "please wait 15 minutes before trying again" in html


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


# -- roles ---------------------------------------------------------------------------


@pytest.fixture
def staff_app(app: Flask) -> Flask:
    staff = Blueprint("staff_test", __name__)

    @staff.get("/test-staff-only")
    @role_required("librarian")
    def staff_only() -> str:
        return f"staff page for {current_user.username}"

    @staff.get("/test-admin-only")
    @role_required("admin")
    def admin_only() -> str:
        return "admin page"

    app.register_blueprint(staff)
    return app


def test_role_required_redirects_anonymous_visitors_to_log_in(staff_app: Flask):
    web = browser(staff_app)
    response = web.get("/test-staff-only")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Ftest-staff-only"
    login_page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vui lòng đăng nhập để xem trang này." in login_page
    assert 'name="next" value="/test-staff-only"' in login_page


def test_role_required_gives_a_reader_403(staff_app: Flask):
    web = browser(staff_app)
    log_in(web, make_user(staff_app, "reader"))
    response = web.get("/test-staff-only")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Bạn không thể mở trang này" in html and "Thủ thư" in html


def test_role_required_lets_librarians_and_admins_in(staff_app: Flask):
    librarian, admin = browser(staff_app), browser(staff_app)
    name = make_user(staff_app, "librarian")
    log_in(librarian, name)
    response = librarian.get("/test-staff-only")
    assert response.status_code == 200 and name in response.get_data(as_text=True)
    assert librarian.get("/test-admin-only").status_code == 403

    log_in(admin, make_user(staff_app, "admin"))
    assert admin.get("/test-staff-only").status_code == 200
    assert admin.get("/test-admin-only").status_code == 200


def test_role_required_refuses_unknown_roles():
    with pytest.raises(ValueError, match="role_required"):
        role_required("superuser")
    with pytest.raises(ValueError):
        role_required()


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


# -- the login lock: per address, never a lock-out from elsewhere ----------------------


def test_an_attacker_elsewhere_cannot_lock_a_reader_out(app: Flask):
    name = make_user(app)
    attacker = browser(app)
    for _ in range(8):
        log_in(attacker, name, "wrong-password")
    assert log_in(attacker, name).status_code == 429  # the attacker's address is locked
    # The reader at another address: at most a few seconds' wait, then in.
    reader = browser(app)
    answer = log_in(reader, name)
    if answer.status_code == 429:
        wait = int(answer.headers["Retry-After"])
        assert wait <= 5
        html = answer.get_data(as_text=True)
        assert f"vui lòng đợi {wait} giây" in html.casefold()
        time.sleep(wait)
        answer = log_in(reader, name)
    assert answer.status_code == 303 and logged_in_user(reader)


# -- forgotten passwords, data export, deletion ------------------------------------------


def test_login_page_says_what_to_do_with_a_forgotten_password(web: FlaskClient):
    doc = lxml.html.fromstring(web.get("/login").get_data(as_text=True))
    text = doc.get_element_by_id("forgot-password").text_content()
    assert "Quên mật khẩu?" in text and "cán bộ thư viện có thể đặt mật khẩu mới" in text


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


def test_short_waits_are_said_in_seconds_long_ones_in_minutes(app: Flask):
    from portal.account_messages import locked_message

    with app.test_request_context("/"):
        assert "vui lòng đợi 3 giây rồi thử lại" in locked_message(3).casefold()
        assert "15 phút" in locked_message(15 * 60)
    with app.test_request_context("/?lang=en"):
        from flask import session

        session["lang"] = "en"
        assert "Please wait 1 second and try again." in locked_message(1)
