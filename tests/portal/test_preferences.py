"""Reader preferences without a browser: the cookie, the form, and the page frame."""

from __future__ import annotations

import re

import lxml.html
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from portal.app import create_app
from portal.preferences import COOKIE, ReaderPreferences
from tests.support.accounts import csrf


def html_classes(client: FlaskClient, path: str = "/") -> set[str]:
    page = client.get(path).get_data(as_text=True)
    tag = re.search(r"<html[^>]*>", page).group(0)
    match = re.search(r'class="([^"]*)"', tag)
    return set(match.group(1).split()) if match else set()


def cookie_value(response) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(COOKIE + "="):
            return header.split(";")[0].split("=", 1)[1]
    return None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("size=150&contrast=high", ReaderPreferences(size="150", contrast="high")),
        ("size=200&motion=reduce&spacing=wide", ReaderPreferences("200", "auto", "reduce", "wide")),
        ("contrast=standard", ReaderPreferences(contrast="standard")),
        # Bad values are ignored one by one; the good ones stay.
        ("size=999&contrast=high", ReaderPreferences(contrast="high")),
        ("size=150&colour=red&motion=", ReaderPreferences(size="150")),
        ("size=150&size=<script>", ReaderPreferences(size="150")),
        ("size", ReaderPreferences()),
        ("=&&==", ReaderPreferences()),
        ('"size=150"', ReaderPreferences()),
        ("", ReaderPreferences()),
        (None, ReaderPreferences()),
        ("size=150&" + "x=y&" * 100, ReaderPreferences()),  # too long to be ours
    ],
)
def test_cookie_parsing_keeps_only_known_values(raw, expected):
    assert ReaderPreferences.from_cookie(raw) == expected


def test_cookie_value_and_classes_leave_out_the_defaults():
    prefs = ReaderPreferences(size="125", contrast="auto", motion="reduce", spacing="standard")
    assert prefs.cookie_value() == "size=125&motion=reduce"
    assert prefs.classes() == "prefs-size-125 prefs-motion-reduce"
    assert ReaderPreferences.from_cookie(prefs.cookie_value()) == prefs
    assert ReaderPreferences().cookie_value() == "" and ReaderPreferences().classes() == ""


def test_the_cookie_sets_classes_on_html_for_the_first_paint(client: FlaskClient):
    assert html_classes(client) == set()
    client.set_cookie(COOKIE, "size=200&contrast=high&spacing=wide&motion=reduce")
    for path in ("/", "/search?q=kieu", "/advanced", "/login", "/no/such/page"):
        assert html_classes(client, path) == {
            "prefs-size-200",
            "prefs-contrast-high",
            "prefs-spacing-wide",
            "prefs-motion-reduce",
        }, path
    client.set_cookie(COOKIE, "size=huge&contrast=<b>")
    page = client.get("/").get_data(as_text=True)
    assert html_classes(client) == set() and "<b>" not in page.split("<head>")[0]


def test_every_page_has_the_settings_disclosure_with_labelled_radios(client: FlaskClient):
    client.set_cookie(COOKIE, "size=150")
    doc = lxml.html.fromstring(client.get("/search?q=kieu").get_data(as_text=True))
    details = doc.xpath("//header//details[@class='prefs-menu']")[0]
    assert " ".join(details.xpath("summary")[0].text_content().split()) == "Aa Tùy chọn hiển thị"
    form = details.xpath(".//form")[0]
    assert form.get("method") == "post" and form.get("action") == "/preferences"
    assert form.xpath(".//input[@name='csrf_token']")
    assert form.xpath(".//input[@name='next']")[0].get("value") == "/search?q=kieu"
    legends = [" ".join(x.text_content().split()) for x in form.xpath(".//legend")]
    assert legends == ["Cỡ chữ", "Độ tương phản", "Chuyển động", "Giãn cách chữ"]
    radios = form.xpath(".//input[@type='radio']")
    assert len(radios) == 11
    for radio in radios:
        assert doc.xpath(f"//label[@for='{radio.get('id')}']"), radio.get("id")
    checked = {r.get("name"): r.get("value") for r in radios if r.get("checked") is not None}
    assert checked == {"size": "150", "contrast": "auto", "motion": "auto", "spacing": "standard"}
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), "ids are unique"


def test_saving_without_javascript_sets_the_cookie_and_returns(client: FlaskClient):
    token = csrf(client, "/")
    response = client.post(
        "/preferences",
        data={
            "csrf_token": token,
            "size": "200",
            "contrast": "high",
            "motion": "sideways",  # not a choice: ignored
            "next": "/search?q=kieu&page=2",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/search?q=kieu&page=2"
    assert cookie_value(response) == "size=200&contrast=high"
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "Path=/" in header and "SameSite=Lax" in header and "Max-Age=31536000" in header
    assert "HttpOnly" not in header  # prefs.js keeps the same cookie
    page = client.get("/search?q=kieu").get_data(as_text=True)
    assert "Đã lưu tùy chọn hiển thị của bạn." in page
    assert html_classes(client) == {"prefs-size-200", "prefs-contrast-high"}

    # A later save changes only what it names; reset goes back to the defaults.
    again = client.post("/preferences", data={"csrf_token": token, "spacing": "wide"})
    assert again.headers["Location"] == "/preferences"
    assert cookie_value(again) == "size=200&contrast=high&spacing=wide"
    reset = client.post("/preferences", data={"csrf_token": token, "reset": "1", "size": "125"})
    assert reset.status_code == 303
    assert any(
        h.startswith(COOKIE + "=;") and "Max-Age=0" in h
        for h in reset.headers.getlist("Set-Cookie")
    )


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil", "x"])
def test_saving_never_redirects_off_the_site(client: FlaskClient, target: str):
    token = csrf(client, "/")
    response = client.post(
        "/preferences", data={"csrf_token": token, "size": "125", "next": target}
    )
    assert response.headers["Location"] == "/preferences"


def test_saving_needs_the_csrf_token(client: FlaskClient):
    response = client.post("/preferences", data={"size": "200"})
    assert response.status_code == 400
    assert cookie_value(response) is None


def test_the_preferences_page_in_both_languages(client: FlaskClient):
    client.set_cookie(COOKIE, "contrast=high")
    doc = lxml.html.fromstring(client.get("/preferences?next=/browse").get_data(as_text=True))
    assert [h.text_content() for h in doc.xpath("//h1")] == ["Tùy chọn hiển thị"]
    assert not doc.xpath("//header//details")  # the page itself is the control
    form = doc.xpath("//main//form[@data-prefs-form]")[0]
    assert form.xpath(".//input[@name='next']")[0].get("value") == "/browse"
    assert form.xpath(".//input[@value='high']")[0].get("checked") is not None
    assert doc.xpath("//main//a[@href='/browse']")
    assert client.get("/preferences?lang=en").status_code == 303
    doc = lxml.html.fromstring(client.get("/preferences").get_data(as_text=True))
    assert doc.xpath("//h1")[0].text_content() == "Display settings"
    assert "Text size" in [x.text_content() for x in doc.xpath("//legend")]
    assert doc.xpath("//html")[0].get("lang") == "en"
    assert not doc.xpath("//main//input[@name='next']")  # nowhere to go back to


def nav_link(app: Flask, text: str) -> list:
    doc = lxml.html.fromstring(app.test_client().get("/").get_data(as_text=True))
    return doc.xpath(f"//header//nav//a[normalize-space()='{text}']")


def test_audiobooks_link_only_when_the_pages_exist(catalogue):
    bare = create_app(catalogue.settings, store=catalogue.store, index=catalogue.index)
    if "audiobooks.index" in bare.view_functions:  # the audiobook pages have landed
        (link,) = nav_link(bare, "Sách nói")
        with bare.test_request_context():
            assert link.get("href") == url_for("audiobooks.index")
        return
    assert nav_link(bare, "Sách nói") == []  # nothing to link to yet, and nothing breaks
    app = create_app(catalogue.settings, store=catalogue.store, index=catalogue.index)
    app.add_url_rule("/sach-noi", endpoint="audiobooks.index", view_func=lambda: "")
    (link,) = nav_link(app, "Sách nói")
    assert link.get("href") == "/sach-noi"


def test_form_groups_are_translated_once_per_language_and_choice(app: Flask):
    from portal import preferences

    prefs = ReaderPreferences(size="150")
    with app.test_request_context("/"):
        first = preferences.form_groups(prefs)
        assert first is preferences.form_groups(ReaderPreferences(size="150"))  # remembered
        assert first[0].legend == "Cỡ chữ"
        assert [o.value for o in first[0].options if o.checked] == ["150"]
        assert preferences.form_groups(ReaderPreferences()) is not first
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = "en"
        english = preferences.form_groups(prefs)
        assert english is not first and english[0].legend == "Text size"
