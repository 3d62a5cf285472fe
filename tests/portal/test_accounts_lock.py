"""The login lock: 429 with Retry-After after too many failures, per address, so an
attacker elsewhere never locks a reader out; its message in seconds or minutes.
"""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.account_sessions import logged_in_user
from tests.support.accounts import browser, log_in, make_user


@pytest.fixture
def web(app: Flask) -> FlaskClient:
    return browser(app)


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


def test_short_waits_are_said_in_seconds_long_ones_in_minutes(app: Flask):
    from portal.account_messages import locked_message

    with app.test_request_context("/"):
        assert "vui lòng đợi 3 giây rồi thử lại" in locked_message(3).casefold()
        assert "15 phút" in locked_message(15 * 60)
    with app.test_request_context("/?lang=en"):
        from flask import session

        session["lang"] = "en"
        assert "Please wait 1 second and try again." in locked_message(1)
