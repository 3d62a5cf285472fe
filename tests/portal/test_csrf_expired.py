"""A form refused for its CSRF token (stale after a long pause, or the cookies cleared).

The account forms come back as they were sent — the non-secret fields refilled, never a
password, `next` kept and still checked — with a fresh token and a message at the top;
nothing else is done with the refused post. Every other form gets the generic page,
which links back to the page the form was on.
"""

from __future__ import annotations

import re
import time

import lxml.html
import pytest
from flask import Flask

from catalogue import users
from tests.support.account_sessions import logged_in_user
from tests.support.accounts import PASSWORD, browser, csrf, log_in, make_user, unique

RECORD = "/record/hanoi-library:hn-001"
EXPIRED_VI = "Biểu mẫu đã hết hạn, vì lý do an toàn. Hãy kiểm tra rồi gửi lại."
EXPIRED_EN = "The form had expired, for your safety. Please check and send it again."


def store_of(app: Flask):
    return app.extensions["thuvien"].store


def stale_token(app: Flask, path: str) -> str:
    """A token from a session the posting client no longer has (its cookies cleared)."""
    return csrf(browser(app), path)


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def doc(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(html)


def value(page: lxml.html.HtmlElement, name: str) -> str | None:
    field = page.xpath(f"//form[contains(@class,'account-form')]//input[@name='{name}']")
    return field[0].get("value") if field else None


def registration(token: str, name: str, **extra: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "username": name,
        "display_name": "Nguyễn Thị Lan",
        "email": "lan@example.vn",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
        **extra,
    }


# -- registration ------------------------------------------------------------------------


def test_register_refused_comes_back_filled_in_and_then_works(app: Flask):
    web = browser(app)
    name = unique("Lan")
    refused = web.post(
        f"/register?next={RECORD}", data=registration(stale_token(app, "/register"), name)
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    page = doc(html)
    # The message, announced and focused like the error summary, above the form.
    alert = page.xpath("//div[@role='alert']")
    assert len(alert) == 1 and EXPIRED_VI in alert[0].text_content()
    assert alert[0].get("tabindex") == "-1" and alert[0].get("autofocus") is not None
    assert page.xpath("//div[@role='alert']/following-sibling::form[@action='/register']")
    assert page.findtext(".//title").startswith("Lỗi:")
    # What was typed is back, but for the passwords; `next` is kept.
    assert value(page, "username") == name
    assert value(page, "display_name") == "Nguyễn Thị Lan"
    assert value(page, "email") == "lan@example.vn"
    assert value(page, "password") is None and value(page, "confirm_password") is None
    assert PASSWORD not in html
    assert value(page, "next") == RECORD
    # Nothing was done with the refused post.
    assert users.find_user(store_of(app), name) is None
    assert logged_in_user(web) is None

    # The fresh token on the page works: sent again (passwords typed again), it registers.
    again = web.post("/register", data=registration(token_in(html), name, next=RECORD))
    assert again.status_code == 303 and again.headers["Location"] == RECORD
    assert users.find_user(store_of(app), name) is not None
    assert logged_in_user(web)


def test_register_without_any_token_is_refilled_too(app: Flask):
    web = browser(app)
    name = unique("Minh")
    form = registration("", name)
    del form["csrf_token"]
    refused = web.post("/register", data=form)
    assert refused.status_code == 400
    page = doc(refused.get_data(as_text=True))
    assert value(page, "username") == name and value(page, "next") is None
    assert users.find_user(store_of(app), name) is None


def test_a_token_past_its_time_limit_is_handled_the_same(app: Flask):
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    web = browser(app)
    name = unique("Hoa")
    token = csrf(web, "/register")
    time.sleep(2)  # the token ages past its limit; the session stays
    refused = web.post("/register?next=/browse", data=registration(token, name))
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert EXPIRED_VI in html and value(doc(html), "next") == "/browse"
    fresh = token_in(html)
    assert fresh != token
    again = web.post("/register", data=registration(fresh, name, next="/browse"))
    assert again.status_code == 303 and again.headers["Location"] == "/browse"


def test_refilled_values_are_escaped_and_cut_to_the_fields_length(app: Flask):
    web = browser(app)
    hostile = '"><script>alert(1)</script>'
    refused = web.post(
        "/register",
        data=registration(
            stale_token(app, "/register"), hostile, display_name="x" * 5000, email=hostile
        ),
    )
    html = refused.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    page = doc(html)
    assert value(page, "username") == hostile
    assert value(page, "display_name") == "x" * 200


# -- log in ------------------------------------------------------------------------------


def test_login_refused_keeps_the_username_and_next_never_the_password(app: Flask):
    name = make_user(app)
    web = browser(app)
    refused = web.post(
        f"/login?next={RECORD}",
        data={"csrf_token": stale_token(app, "/login"), "username": name, "password": PASSWORD},
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    page = doc(html)
    assert EXPIRED_VI in page.xpath("//div[@role='alert']")[0].text_content()
    assert value(page, "username") == name
    assert value(page, "password") is None and PASSWORD not in html
    assert value(page, "next") == RECORD
    # The "create an account" link keeps `next` too.
    assert page.xpath("//a[starts-with(@href, '/register?next=')]")
    assert logged_in_user(web) is None

    again = web.post(
        "/login",
        data={"csrf_token": token_in(html), "username": name, "password": PASSWORD, "next": RECORD},
    )
    assert again.status_code == 303 and again.headers["Location"] == RECORD
    assert logged_in_user(web)


def test_the_message_speaks_english_too(app: Flask):
    web = browser(app)
    web.get("/?lang=en")
    refused = web.post("/login", data={"username": "lan", "password": PASSWORD})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert EXPIRED_EN in html and '<html lang="en">' in html
    assert doc(html).findtext(".//title").startswith("Error:")


def test_an_english_readers_form_comes_back_in_english_after_the_cookies_went(app: Flask):
    """The form says which language its page was in; with the session gone, the refused
    form and what follows stay in that language (and the reader keeps it)."""
    english = browser(app)
    english.get("/?lang=en")
    form = doc(english.get("/register").get_data(as_text=True))
    assert value(form, "ui_lang") == "en"
    web = browser(app)  # the cookies cleared: a new browser, no session, no choice
    name = unique("Lan")
    refused = web.post("/register", data={**registration("", name), "ui_lang": "en"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert EXPIRED_EN in html and '<html lang="en">' in html
    assert value(doc(html), "ui_lang") == "en"
    again = web.post("/register", data={**registration(token_in(html), name), "ui_lang": "en"})
    assert again.status_code == 303 and logged_in_user(web)
    assert '<html lang="en">' in web.get(again.headers["Location"]).get_data(as_text=True)
    # A form field never overrides a language the reader chose.
    chosen = browser(app)
    chosen.get("/?lang=vi")
    page = chosen.post("/login", data={"username": "x", "password": "y", "ui_lang": "en"})
    assert '<html lang="vi">' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/account",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "/search\r\nX: y",
        "account",
    ],
)
@pytest.mark.parametrize("path", ["/login", "/register"])
def test_a_hostile_next_is_dropped_and_stays_dropped(app: Flask, path: str, target: str):
    web = browser(app)
    name = unique()
    if path == "/login":
        users.create_user(store_of(app), name, PASSWORD, role="reader")
        form = {"username": name, "password": PASSWORD, "next": target}
    else:
        form = {**registration("", name), "next": target}
    form["csrf_token"] = stale_token(app, path)
    refused = web.post(path, data=form)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert value(doc(html), "next") is None
    assert "evil.example" not in html and "javascript:" not in html
    form["csrf_token"] = token_in(html)
    del form["next"]  # the page did not carry it
    again = web.post(path, data=form)
    assert again.status_code == 303
    assert again.headers["Location"] in ("/", "/account")


def test_a_logged_in_reader_posting_a_stale_login_form_is_sent_on(app: Flask):
    web = browser(app)
    log_in(web, make_user(app))
    refused = web.post(
        "/login?next=/browse", data={"csrf_token": "stale", "username": "x", "password": "y"}
    )
    assert refused.status_code == 303 and refused.headers["Location"] == "/browse"
    refused = web.post("/register?next=//evil.example", data={"username": "x"})
    assert refused.status_code == 303 and refused.headers["Location"] == "/account"


# -- the profile's forms -----------------------------------------------------------------


def test_a_stale_password_change_shows_the_profile_with_the_message(app: Flask):
    name = make_user(app)
    web = browser(app)
    log_in(web, name)
    new = "một mật khẩu mới khác hẳn"
    refused = web.post(
        "/account/password",
        data={
            "csrf_token": "stale",
            "current_password": PASSWORD,
            "new_password": new,
            "confirm_password": new,
        },
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert PASSWORD not in html and new not in html
    page = doc(html)
    section = page.xpath("//section[@aria-labelledby='change-password-title']")[0]
    assert EXPIRED_VI in section.xpath(".//div[@role='alert']")[0].text_content()
    assert len(page.xpath("//div[@role='alert']")) == 1
    # The password is unchanged: the old one still logs in, the new one does not.
    assert users.authenticate(store_of(app), name, PASSWORD, "198.18.0.1").ok
    assert not users.authenticate(store_of(app), name, new, "198.18.0.1").ok
    # The fresh token works.
    done = web.post(
        "/account/password",
        data={
            "csrf_token": token_in(html),
            "current_password": PASSWORD,
            "new_password": new,
            "confirm_password": new,
        },
    )
    assert done.status_code == 303 and done.headers["Location"] == "/account"


def test_a_stale_delete_keeps_the_account(app: Flask):
    name = make_user(app)
    web = browser(app)
    log_in(web, name)
    refused = web.post("/account/delete", data={"delete_password": PASSWORD})
    assert refused.status_code == 400
    page = doc(refused.get_data(as_text=True))
    section = page.xpath("//section[@aria-labelledby='delete-account-title']")[0]
    assert EXPIRED_VI in section.xpath(".//div[@role='alert']")[0].text_content()
    assert users.find_user(store_of(app), name) is not None
    assert logged_in_user(web)


def test_a_profile_form_posted_after_the_session_ended_asks_to_log_in(app: Flask):
    web = browser(app)  # no cookies: the session (and the reader's log-in) went
    refused = web.post("/account/password", data={"csrf_token": "stale"})
    assert refused.status_code == 303
    assert refused.headers["Location"] == "/login?next=/account"
    page = web.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Vui lòng đăng nhập để xem trang này." in page
    assert value(doc(page), "next") == "/account"


# -- every other form: the generic page, with a way back ---------------------------------


def back_links(html: str) -> list[str]:
    return [a.get("href") for a in doc(html).xpath("//main//a")]


def test_the_generic_page_links_back_to_the_page_the_form_was_on(app: Flask):
    web = browser(app)
    refused = web.post(
        "/preferences",
        data={"text_size": "large"},
        headers={"Referer": "http://localhost/search?q=ha+noi&page=2"},
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Biểu mẫu đã hết hạn" in html
    assert back_links(html) == ["/search?q=ha+noi&page=2", "/"]
    assert "Quay lại trang bạn vừa xem" in html


def test_the_generic_page_falls_back_to_next(app: Flask):
    web = browser(app)
    refused = web.post("/preferences", data={"next": "/browse"})
    assert back_links(refused.get_data(as_text=True)) == ["/browse", "/"]


@pytest.mark.parametrize(
    "referrer",
    [
        "https://evil.example/search?q=x",
        "http://localhost//evil.example/x",
        "http://localhost/no/such/page",
        "http://localhost/logout",  # no page answers a GET there
        "javascript:alert(1)",
        "http://localhost/",  # the home page: the one link already goes there
    ],
)
def test_the_generic_page_links_only_to_pages_of_this_site(app: Flask, referrer: str):
    web = browser(app)
    refused = web.post(
        "/preferences", data={"next": "https://evil.example"}, headers={"Referer": referrer}
    )
    assert refused.status_code == 400
    assert back_links(refused.get_data(as_text=True)) == ["/"]


def test_a_stale_logout_keeps_the_reader_logged_in_with_a_way_back(app: Flask):
    web = browser(app)
    log_in(web, make_user(app))
    refused = web.post(
        "/logout", data={"next": RECORD}, headers={"Referer": f"http://localhost{RECORD}"}
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert RECORD in back_links(html)
    assert logged_in_user(web)
    # The header on that page has a logout button with a fresh token.
    out = web.post("/logout", data={"csrf_token": token_in(html)})
    assert out.status_code == 303 and logged_in_user(web) is None
