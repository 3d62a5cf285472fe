"""Logging out brings the reader back to the page they were on, when anyone may see it.

The header's logout form carries the page as `next`; the logout view follows it only
to a path of this site that an anonymous visitor may open (asked once logged out), and
otherwise goes to the home page. Only logged-in pages have that form, and they are
never cached for anonymous readers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue import users
from catalogue.record import DigitalObject, Record
from catalogue.rights import Conditions, LicenceRule, Outcomes, save_rule
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from tests.support.account_sessions import logged_in_user
from tests.support.accounts import PASSWORD, browser, log_in, make_user, unique

RECORD = "/record/hanoi-library:hn-001"
STAFF_ONLY = "/record/archive:secret-1"  # hidden by a licence rule: staff see it


def logout_form(html: str) -> lxml.html.HtmlElement:
    forms = lxml.html.fromstring(html).xpath("//form[@action='/logout']")
    assert len(forms) == 1
    return forms[0]


def log_out_from(web: FlaskClient, path: str):
    """Open `path`, then press the header's "Log out" as the page has it."""
    page = web.get(path)
    assert page.status_code == 200, path
    form = logout_form(page.get_data(as_text=True))
    data = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    return web.post("/logout", data=data), data


def token_of(web: FlaskClient) -> str:
    form = logout_form(web.get("/").get_data(as_text=True))
    return form.xpath(".//input[@name='csrf_token']")[0].get("value")


@pytest.fixture
def reader(app: Flask) -> FlaskClient:
    web = browser(app)
    assert log_in(web, make_user(app)).status_code == 303
    return web


# -- back to a public page -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        RECORD,
        "/search?q=ha+noi&sort=year_desc",
        "/browse",
        "/advanced",
        "/preferences",
    ],
)
def test_logging_out_returns_to_a_public_page(reader: FlaskClient, path: str):
    out, sent = log_out_from(reader, path)
    assert sent["next"] == path
    assert out.status_code == 303 and out.headers["Location"] == path
    assert logged_in_user(reader) is None
    page = reader.get(path).get_data(as_text=True)
    assert "Bạn đã đăng xuất." in page


def test_the_message_is_english_for_an_english_reader(reader: FlaskClient):
    reader.get("/?lang=en")
    out, _sent = log_out_from(reader, RECORD)
    assert out.headers["Location"] == RECORD
    assert "You have logged out." in reader.get(RECORD).get_data(as_text=True)


def test_the_home_page_sends_no_next(reader: FlaskClient):
    out, sent = log_out_from(reader, "/")
    assert "next" not in sent
    assert out.headers["Location"] == "/"
    assert "Bạn đã đăng xuất." in reader.get("/").get_data(as_text=True)


# -- home from a private page ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/account", "/admin/", "/admin/users", "/admin/sources", f"{RECORD}/raw"]
)
def test_logging_out_of_a_private_page_goes_home(app: Flask, path: str):
    web = browser(app)
    log_in(web, make_user(app, "admin"))
    out, sent = log_out_from(web, path)
    assert sent["next"] == path
    assert out.status_code == 303 and out.headers["Location"] == "/"
    assert "Bạn đã đăng xuất." in web.get("/").get_data(as_text=True)


def test_a_record_only_staff_may_see_is_not_returned_to(app: Flask):
    anonymous = browser(app)
    assert anonymous.get(STAFF_ONLY).status_code == 404
    web = browser(app)
    log_in(web, make_user(app, "librarian"))
    out, sent = log_out_from(web, STAFF_ONLY)
    assert sent["next"] == STAFF_ONLY
    assert out.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/search",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/%0d%0aSet-Cookie:x",
        "/search\r\nX: y",
        "search",
        "/no/such/page",
        "/logout",  # POST only
        "/admin",  # a redirect to /admin/
        "/account/data",
        "/record/hanoi-library:hn-001/files/1",  # a file, not a page
        "/record/no-such:record",
        "/api/search?q=x",
        "/static/thuvien.css",
        "",
    ],
)
def test_a_hostile_or_odd_next_goes_home(reader: FlaskClient, target: str):
    out = reader.post("/logout", data={"csrf_token": token_of(reader), "next": target})
    assert out.status_code == 303 and out.headers["Location"] == "/"
    assert logged_in_user(reader) is None


def test_next_in_the_query_string_is_checked_the_same(reader: FlaskClient):
    out = reader.post("/logout?next=//evil.example", data={"csrf_token": token_of(reader)})
    assert out.headers["Location"] == "/"


# -- the page caches never hold the logout form ------------------------------------------------


def test_anonymous_results_pages_never_carry_a_readers_logout_form(app: Flask):
    path = f"/search?q=ha+noi&x={unique('cache')}"  # a page no other test has cached
    web = browser(app)
    log_in(web, make_user(app))
    mine = web.get(path)
    assert logout_form(mine.get_data(as_text=True)).xpath(f".//input[@value='{path}']")
    assert "no-store" in mine.headers["Cache-Control"] and not mine.headers.get("ETag")
    for _visit in range(2):  # the second comes from the rendered-page cache
        anonymous = browser(app).get(path)
        html = anonymous.get_data(as_text=True)
        assert anonymous.status_code == 200
        assert not lxml.html.fromstring(html).xpath("//form[@action='/logout']")
        assert "/logout" not in html
    # And the other way: what an anonymous visit cached is not what the reader gets.
    assert logout_form(web.get(path).get_data(as_text=True)) is not None


# -- records and audiobooks only readers may see or hear ---------------------------------------


def _build(data_dir: Path) -> Flask:
    settings = Settings(data_dir=data_dir)
    store = Store(settings.db_url)
    audio = [DigitalObject("audio", "a/1.mp3", label="Chương 1", order=1)]
    records = [
        Record("lib", "open", title="Công cộng", languages=["vie"]),
        Record("lib", "members", title="Cho bạn đọc", languages=["vie"], collections=["Hội"]),
        Record(
            "lib",
            "listen",
            title="Số đỏ",
            languages=["vie"],
            format="audiobook",
            collections=["Nghe"],
            digital_objects=audio,
        ),
    ]
    store.put_source(Source(key="lib", name="Thư viện thử", type="marc", url="/dev/null"))
    run = store.start_run("lib", "full")
    store.save_items(run, "lib", [HarvestedItem(r.local_id, b"", "marc21", r) for r in records])
    store.finish_run(run, "succeeded")
    save_rule(
        store,
        LicenceRule(
            name="Hội",
            conditions=Conditions(collections=("Hội",)),
            outcomes=Outcomes(see_record="registered"),
            reason="Readers only.",
        ),
    )
    save_rule(
        store,
        LicenceRule(
            name="Nghe",
            conditions=Conditions(collections=("Nghe",)),
            outcomes=Outcomes(view_content="registered", download="registered"),
            reason="Log in to listen.",
        ),
    )
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    return create_app(settings, store=store, index=index)


@pytest.fixture
def rights_app(tmp_path: Path) -> Iterator[Flask]:
    app = _build(tmp_path)
    yield app
    app.extensions["thuvien"].store.close()


def test_a_record_only_readers_may_see_sends_the_reader_home(rights_app: Flask):
    name = unique("r")
    users.create_user(rights_app.extensions["thuvien"].store, name, PASSWORD, role="reader")
    assert browser(rights_app).get("/record/lib:members").status_code == 404  # anonymous
    web = browser(rights_app)
    log_in(web, name)
    out, _sent = log_out_from(web, "/record/lib:members")
    assert out.headers["Location"] == "/"

    log_in(web, name)
    out, _sent = log_out_from(web, "/record/lib:open")
    assert out.headers["Location"] == "/record/lib:open"


def test_an_audiobook_only_readers_may_hear_sends_the_reader_home(rights_app: Flask):
    name = unique("r")
    users.create_user(rights_app.extensions["thuvien"].store, name, PASSWORD, role="reader")
    web = browser(rights_app)
    log_in(web, name)
    out, sent = log_out_from(web, "/audiobooks/lib:listen")
    assert sent["next"] == "/audiobooks/lib:listen"
    assert out.headers["Location"] == "/"
    # Its record page is public (the notice there says to log in to listen).
    log_in(web, name)
    out, _sent = log_out_from(web, "/record/lib:listen")
    assert out.headers["Location"] == "/record/lib:listen"
