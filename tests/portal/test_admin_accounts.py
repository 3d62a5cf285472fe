"""The console's accounts page sets a new password for a reader who forgot theirs, and
the licence rule presets speak the reader's language (F12)."""

from __future__ import annotations

import lxml.html
from flask import Flask

from catalogue import audit, users
from catalogue.rights import install_presets
from tests.support.accounts import browser
from tests.support.admin_console import (
    PASSWORD,
    Small,
    logged_in,
    page,
    post,
    store_of,
    text,
    user,
    with_console,
)


def test_an_administrator_sets_a_new_password_shown_once(app: Flask):
    console = with_console(app)
    admin, admin_name = logged_in(console, "admin")
    reader_name = user(console, "reader")
    store = store_of(console)
    reader = users.find_user(store, reader_name)
    reader_client = browser(console)
    login = reader_client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" value="')[1].split('"')[0]
    reader_client.post(
        "/login", data={"csrf_token": token, "username": reader_name, "password": PASSWORD}
    )
    assert reader_client.get("/account").status_code == 200

    doc = page(admin, "/admin/users")
    (form,) = doc.xpath(f"//form[@action='/admin/users/{reader.id}/password']")
    assert "Đặt mật khẩu mới" in text(form) and reader_name in text(form)  # named for AT
    answer = post(admin, f"/admin/users/{reader.id}/password")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    shown = lxml.html.fromstring(answer.get_data(as_text=True))
    (notice,) = shown.xpath("//div[@role='status']")
    new_password = text(notice.xpath(".//code")[0])
    assert reader_name in text(notice) and len(new_password) >= users.PASSWORD_MIN
    assert len(shown.xpath("//h1")) == 1 and shown.xpath("//h2[@id='new-password-title']")

    # The reader's old password and sessions are gone; the new one works.
    assert not users.authenticate(store, reader_name, PASSWORD, "10.99.0.1").ok
    assert users.authenticate(store, reader_name, new_password, "10.99.0.1").ok
    assert reader_client.get("/account").status_code == 302
    (entry,) = audit.entries(store, action=audit.USER_PASSWORD_CHANGED, target=reader_name)
    assert entry.actor == admin_name and entry.detail == {"by_administrator": True}
    assert new_password not in str(entry.detail)
    # Not shown again on the next visit, and not kept in the session cookie.
    assert new_password not in admin.get("/admin/users").get_data(as_text=True)
    with admin.session_transaction() as session:
        assert new_password not in str(dict(session))


def test_only_administrators_set_passwords_and_not_their_own(app: Flask):
    console = with_console(app)
    librarian, _name = logged_in(console, "librarian")
    admin, admin_name = logged_in(console, "admin")
    reader = users.find_user(store_of(console), user(console, "reader"))
    assert post(librarian, f"/admin/users/{reader.id}/password").status_code == 403
    own = users.find_user(store_of(console), admin_name)
    answer = post(admin, f"/admin/users/{own.id}/password", follow_redirects=True)
    assert "Hãy đổi mật khẩu của chính bạn trên trang tài khoản." in answer.get_data(as_text=True)
    assert users.authenticate(store_of(console), admin_name, PASSWORD, "10.99.0.2").ok
    assert post(admin, "/admin/users/999999/password").status_code == 404


def test_preset_rules_are_named_in_the_readers_language(small: Small):  # noqa: F811
    install_presets(small.store, ["secret-archives", "public-domain-vn"])
    librarian, _name = logged_in(small.app, "librarian")
    doc = page(librarian, "/admin/rules")
    names = [text(th).split("\n")[0] for th in doc.xpath("//table//tbody/tr/th[@scope='row']")]
    joined = " ".join(names)
    assert "Tài liệu mật" in joined and "Secret archives" not in joined
    assert "Luật Bảo vệ bí mật nhà nước" in text(doc)  # the reason too
    english = page(librarian, "/admin/rules", query_string={"lang": "en"}, follow_redirects=True)
    assert "Secret archives (tài liệu mật)" in text(english)


def test_a_rule_a_librarian_wrote_is_shown_as_written(small: Small):  # noqa: F811
    from catalogue.rights import Conditions, LicenceRule, Outcomes, save_rule

    save_rule(
        small.store,
        LicenceRule(
            name="Sách quý: chỉ đọc tại chỗ",
            conditions=Conditions(embargo_active=True),
            outcomes=Outcomes(),
            reason="Written by us.",
        ),
    )
    librarian, _name = logged_in(small.app, "librarian")
    doc = page(librarian, "/admin/rules")
    assert "Sách quý: chỉ đọc tại chỗ" in text(doc) and "Written by us." in text(doc)


def test_every_reason_a_rule_does_not_match_is_translated(app: Flask):
    from datetime import date

    from catalogue.record import Record
    from catalogue.rights import Actor, Conditions, LicenceRule, Outcomes, Policy
    from portal.admin.labels import mismatch_text

    cases = [
        ({"sources": ("vnu-library",)}, {}),
        ({"collections": ("Sách nói",)}, {"collections": ["Bản đồ"]}),
        ({"collections": ("Sách nói",)}, {}),
        ({"formats": ("map",)}, {}),
        ({"rights_statements": ("http://rightsstatements.org/vocab/InC/",)}, {}),
        (
            {"rights_statements": ("http://rightsstatements.org/vocab/InC/",)},
            {"rights_statement": "http://rightsstatements.org/vocab/NoC-US/1.0/"},
        ),
        ({"year_from": 1950}, {}),
        ({"year_from": 1950}, {"year": 1936}),
        ({"year_before": 1950}, {"year": 1990}),
        ({"author_died_before_years": 50}, {}),
        ({"author_died_before_years": 50}, {"authors": ["Nguyễn Tuân"]}),
        ({"author_died_before_years": 50}, {"authors": ["Xuân Diệu, 1916-1985"]}),
        ({"embargo_active": True}, {}),
        ({"embargo_active": True}, {"embargo_until": date(2020, 1, 1)}),
        ({"embargo_active": False}, {"embargo_until": date(2099, 1, 1)}),
        ({"ip_ranges": ("192.0.2.0/24",)}, {}),
        ({"onsite": True}, {}),
        ({"onsite": False}, {}),
    ]
    codes = set()
    with app.test_request_context("/"):
        for conditions, fields in cases:
            record = Record("hanoi-library", "1", title="Truyện Kiều", **fields)
            rules = [LicenceRule("r", Conditions(**conditions), Outcomes(), id=1, position=1)]
            address = "10.20.3.4" if conditions.get("onsite") is False else "203.0.113.7"
            policy = Policy(rules, onsite_networks=["10.20.0.0/16"])
            (check,) = policy.explain(record, Actor("reader", "lan", address))
            shown = mismatch_text(check.failed, check.detail)
            codes.add(check.detail.code)
            assert shown and shown != str(check.detail), check.detail  # said in Vietnamese
    assert len(codes) == len(cases) - 1  # every code but one met twice (collections)
