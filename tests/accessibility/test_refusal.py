"""A refused audiobook page says why and what would help (walkthrough 6, H2).

"Log in to listen" (a 401 with the login Link header) is offered only when a reader
account at the visitor's address would be allowed; otherwise the page is a 403 that
gives the deciding rule's reason, as the record page does, and names the reading room
when listening there is allowed. The audio files keep their codes (401 anonymous, 403
logged in) and say the same in words.

The catalogue here has a library network (192.0.2.0/24) and a rule's own reading room
outside it (198.51.100.0/24); visitors elsewhere come from 203.0.113.0/24.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.record import Holding, Record
from catalogue.rights import Conditions, LicenceRule, Outcomes, preset_rules, save_rule
from catalogue.runs import HarvestedItem
from catalogue.settings import RightsSettings, Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from tests.accessibility.catalogue import audiobook, stored_objects
from tests.support.accounts import log_in, make_user
from tests.support.record_pages import sel

LIBRARY = "Thư viện Hà Nội"
NETWORK = "192.0.2.0/24"
ON_SITE = "192.0.2.20"
ROOM = "198.51.100.0/24"
IN_ROOM = "198.51.100.7"
ELSEWHERE = "203.0.113.9"
STAFF_REASON = "Bản ghi âm nội bộ của thư viện, chỉ cán bộ được nghe."
ROOM_REASON = "Fragile recordings: heard in the Hán Nôm room only."

INC = "/audiobooks/lib:chieu-thu"  # the demo's "Chiều thu": InC presets
RUU = "/audiobooks/lib:ruu"  # anyone on the library network (InC-RUU preset)
STAFF = "/audiobooks/lib:inhouse"  # staff only
HAN_NOM = "/audiobooks/lib:han-nom"  # registered readers in a rule's own reading room
REGISTERED = "/audiobooks/lib:reg"  # registered readers anywhere


@dataclass
class RefusalSite:
    settings: Settings
    store: Store
    index: TantivyIndex


def build_refusal_catalogue(data_dir: Path) -> RefusalSite:
    """Five audiobooks held by one library, under the InC presets and three own rules."""
    settings = Settings(data_dir=data_dir, rights=RightsSettings(onsite_networks=(NETWORK,)))
    store = Store(settings.db_url)
    held = [Holding(LIBRARY, "Phòng đọc", "SN 1", "reference_only")]

    def book(local_id: str, title: str, **fields: object) -> Record:
        files = stored_objects(data_dir, "mau")[:1]
        return audiobook(local_id, title, holdings=held, digital_objects=files, **fields)

    inc = "http://rightsstatements.org/vocab/"
    books = [
        book("chieu-thu", "Chiều thu", rights_statement=inc + "InC/1.0/"),
        book("ruu", "Tiếng thu", rights_statement=inc + "InC-RUU/1.0/"),
        book("inhouse", "Bản ghi âm hội thảo", collections=["Nội bộ"]),
        book("han-nom", "Đọc Hán Nôm", collections=["Hán Nôm"]),
        book("reg", "Dế Mèn phiêu lưu ký", collections=["Bạn đọc"]),
    ]
    store.put_source(Source(key="lib", name=LIBRARY, type="oai", url="http://127.0.0.1:1/"))
    run = store.start_run("lib", "full")
    store.save_items(run, "lib", [HarvestedItem(b.local_id, b"<r/>", "oai_dc", b) for b in books])
    store.finish_run(run, "succeeded")
    for rule in (
        LicenceRule(
            name="Nội bộ",
            conditions=Conditions(collections=("Nội bộ",)),
            outcomes=Outcomes(view_content="staff", download="staff"),
            reason=STAFF_REASON,
        ),
        LicenceRule(
            name="Hán Nôm room",
            conditions=Conditions(collections=("Hán Nôm",), ip_ranges=(ROOM,)),
            outcomes=Outcomes(view_content="registered", download="staff"),
            reason=ROOM_REASON,
        ),
        LicenceRule(
            name="Hán Nôm elsewhere",
            conditions=Conditions(collections=("Hán Nôm",)),
            outcomes=Outcomes(view_content="staff", download="staff"),
            reason=ROOM_REASON,
        ),
        LicenceRule(
            name="Bạn đọc",
            conditions=Conditions(collections=("Bạn đọc",)),
            outcomes=Outcomes(view_content="registered", download="registered"),
        ),
        *preset_rules(["inc-registered-onsite", "inc", "inc-ruu"]),
    ):
        save_rule(store, rule)
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    return RefusalSite(settings, store, index)


@pytest.fixture(scope="module")
def refusal_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RefusalSite]:
    site = build_refusal_catalogue(tmp_path_factory.mktemp("refusal"))
    yield site
    site.store.close()


@pytest.fixture
def app(refusal_site: RefusalSite) -> Flask:
    return create_app(refusal_site.settings, store=refusal_site.store, index=refusal_site.index)


def visitor(app: Flask, address: str, role: str = "", language: str = "vi") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if role:
        assert log_in(client, make_user(app, role)).status_code == 303
    if language != "vi":
        client.get(f"/?lang={language}")
    return client


@dataclass
class Refused:
    status: int
    headers: dict[str, str]
    heading: str
    summary: str
    reason: str
    reason_lang: str | None
    actions: list[str]
    links: dict[str, str]


def refused(client: FlaskClient, path: str) -> Refused:
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert "player-audio" not in html and "/audio/1" not in html
    doc = lxml.html.fromstring(html)
    [box] = sel(doc, "section.audiobook-refused")
    [heading] = sel(box, "h2")
    assert box.get("aria-labelledby") == heading.get("id")
    [reason] = sel(box, ".audiobook-refused__reason span")

    def text(el: lxml.html.HtmlElement) -> str:
        return " ".join(el.text_content().split())

    return Refused(
        status=response.status_code,
        headers=dict(response.headers),
        heading=text(heading),
        summary=text(sel(box, ".audiobook-refused__summary")[0]),
        reason=text(reason),
        reason_lang=reason.get("lang"),
        actions=[text(p) for p in sel(box, ".audiobook-refused__actions p")[1:]],
        links={text(a): a.get("href") for a in sel(box, "a")},
    )


INC_REASON_VI = (
    "Còn bảo hộ quyền tác giả (rightsstatements.org InC): chỉ bạn đọc đã đăng ký được đọc "
    "trong mạng của thư viện; ở nơi khác chỉ xem được bản xem trước."
)
INC_REASON_EN = (
    "In copyright (rightsstatements.org InC): readable only by registered readers on the "
    "library network; previews only elsewhere."
)


# --- the InC book ("Chiều thu"): registered readers on the library network --------------


def test_anonymous_off_site_is_sent_to_the_reading_room_not_to_log_in(app: Flask) -> None:
    page = refused(visitor(app, ELSEWHERE), INC)
    assert page.status == 403
    assert "Link" not in page.headers and "WWW-Authenticate" not in page.headers
    assert page.heading == "Nghe tại phòng đọc của thư viện"
    assert page.summary == (
        "Sách nói này chỉ nghe được trong mạng của thư viện, tại phòng đọc, không nghe "
        "được từ nơi bạn đang truy cập."
    )
    assert page.reason == INC_REASON_VI and page.reason_lang is None
    assert page.actions[0] == (
        f"Đến phòng đọc của {LIBRARY} và đăng nhập bằng tài khoản bạn đọc để nghe."
    )
    assert "Đăng nhập để nghe" not in page.links
    # staff may listen anywhere: that link says whom it is for
    assert page.links["Cán bộ thư viện có thể đăng nhập để nghe ở bất cứ đâu."] == (
        "/login?next=/audiobooks/lib:chieu-thu"
    )
    assert page.links["Thông tin và thư viện: Chiều thu"] == "/record/lib:chieu-thu"


def test_anonymous_off_site_in_english(app: Flask) -> None:
    page = refused(visitor(app, ELSEWHERE, language="en"), INC)
    assert page.status == 403
    assert page.heading == "Listen in the library's reading room"
    assert page.summary == (
        "This audiobook can be listened to only on the library's network, in its reading "
        "room, not from where you are now."
    )
    assert page.reason == INC_REASON_EN
    assert page.actions[0] == (
        f"Listen to it in the reading room of {LIBRARY}, logged in with your reader account."
    )
    assert "Library staff can log in to listen anywhere." in page.links
    assert "Log in to listen" not in page.links


def test_a_reader_off_site_is_told_why_and_where(app: Flask) -> None:
    for language, heading, reason, room in (
        ("vi", "Nghe tại phòng đọc của thư viện", INC_REASON_VI, "Đến phòng đọc của"),
        ("en", "Listen in the library's reading room", INC_REASON_EN, "Listen to it in the"),
    ):
        page = refused(visitor(app, ELSEWHERE, "reader", language), INC)
        assert page.status == 403
        assert page.heading == heading
        assert page.reason == reason
        assert page.actions[0].startswith(room) and LIBRARY in page.actions[0]
        # no log-in link of any kind for someone already logged in
        assert not [href for href in page.links.values() if href.startswith("/login")]
        html = visitor(app, ELSEWHERE, "reader", language).get(INC).get_data(as_text=True)
        assert "Tài khoản của bạn không được nghe" not in html
        assert "Your account may not listen" not in html


def test_anonymous_on_site_is_asked_to_log_in_with_a_401(app: Flask) -> None:
    page = refused(visitor(app, ON_SITE), INC)
    assert page.status == 401
    assert page.headers["Link"] == '</login>; rel="login"'
    assert page.headers["WWW-Authenticate"] == 'Cookie realm="thuvien"'
    assert page.heading == "Đăng nhập để nghe"
    assert page.links["Đăng nhập để nghe"] == "/login?next=/audiobooks/lib:chieu-thu"
    assert page.links["Đăng ký làm bạn đọc"] == "/register?next=/audiobooks/lib:chieu-thu"
    assert "Cán bộ thư viện có thể đăng nhập để nghe ở bất cứ đâu." not in page.links
    english = refused(visitor(app, ON_SITE, language="en"), INC)
    assert (english.status, english.heading) == (401, "Log in to listen")
    assert english.links["Register as a reader"].startswith("/register?next=")


def test_a_reader_on_site_and_staff_anywhere_get_the_player(app: Flask) -> None:
    for client in (visitor(app, ON_SITE, "reader"), visitor(app, ELSEWHERE, "librarian")):
        response = client.get(INC)
        assert response.status_code == 200
        assert "player-audio" in response.get_data(as_text=True)
        assert client.get(INC + "/audio/1", headers={"Range": "bytes=0-9"}).status_code == 206


def test_the_audio_files_keep_their_codes_and_say_the_same(app: Flask) -> None:
    anonymous = visitor(app, ELSEWHERE).get(INC + "/audio/1")
    assert anonymous.status_code == 401
    assert anonymous.headers["Link"] == '</login>; rel="login"'
    assert anonymous.get_data(as_text=True) == (
        "Sách nói này chỉ nghe được tại phòng đọc của thư viện.\n"
    )
    reader = visitor(app, ELSEWHERE, "reader", "en").get(INC + "/audio/1")
    assert reader.status_code == 403
    assert reader.get_data(as_text=True) == (
        "This audiobook can be listened to only in the library's reading room.\n"
    )
    on_site = visitor(app, ON_SITE).get(INC + "/audio/1")
    assert on_site.status_code == 401
    assert on_site.get_data(as_text=True) == "Hãy đăng nhập để nghe sách nói này.\n"
    staff = visitor(app, ELSEWHERE).get(STAFF + "/audio/1")
    assert (staff.status_code, staff.get_data(as_text=True)) == (
        401,
        "Sách nói này không nghe trực tuyến được.\n",
    )


# --- other rules ------------------------------------------------------------------------


def test_staff_only_is_not_available_online(app: Flask) -> None:
    for client, status in ((visitor(app, ELSEWHERE), 403), (visitor(app, ON_SITE, "reader"), 403)):
        page = refused(client, STAFF)
        assert page.status == status
        assert page.heading == "Không nghe trực tuyến được"
        assert page.summary.startswith("Sách nói này không nghe trực tuyến được.")
        assert page.reason == STAFF_REASON  # as the librarian wrote it
        assert page.actions[0] == f"Liên hệ {LIBRARY} để hỏi về quyền truy cập."
        assert "Đăng nhập để nghe" not in page.links
    english = refused(visitor(app, ON_SITE, language="en"), STAFF)
    assert (english.status, english.heading) == (403, "Not available online")
    assert english.summary.startswith("This audiobook cannot be listened to online.")
    assert (english.reason, english.reason_lang) == (STAFF_REASON, "vi")  # WCAG 3.1.2
    assert english.actions[0] == f"Ask {LIBRARY} about access to it."
    assert "Library staff can log in to listen anywhere." in english.links
    staff = visitor(app, ELSEWHERE, "librarian").get(STAFF)
    assert staff.status_code == 200 and "player-audio" in staff.get_data(as_text=True)


def test_open_to_anyone_on_site_needs_no_account_there(app: Flask) -> None:
    page = refused(visitor(app, ELSEWHERE), RUU)
    assert page.status == 403
    assert page.heading == "Nghe tại phòng đọc của thư viện"
    assert page.actions[0] == f"Đến phòng đọc của {LIBRARY} để nghe."
    assert page.reason.startswith("Còn bảo hộ quyền tác giả, chưa tìm được")
    assert visitor(app, ON_SITE).get(RUU).status_code == 200


def test_a_rules_own_reading_room_is_found(app: Flask) -> None:
    """The room is outside the library network: the policy's probes still find it."""
    page = refused(visitor(app, ELSEWHERE, "reader", "en"), HAN_NOM)
    assert page.status == 403
    assert page.heading == "Listen in the library's reading room"
    assert page.reason == ROOM_REASON and page.reason_lang is None
    assert visitor(app, IN_ROOM, "reader").get(HAN_NOM).status_code == 200
    # anonymous in the room: logging in there helps
    assert refused(visitor(app, IN_ROOM), HAN_NOM).status == 401


def test_registered_anywhere_still_offers_log_in(app: Flask) -> None:
    page = refused(visitor(app, ELSEWHERE), REGISTERED)
    assert page.status == 401
    assert page.heading == "Đăng nhập để nghe"
    assert page.summary.startswith("Sách nói này dành cho bạn đọc đã đăng ký của thư viện.")
    assert re.fullmatch(r"/login\?next=/audiobooks/lib:reg", page.links["Đăng nhập để nghe"])
    assert visitor(app, ELSEWHERE, "reader").get(REGISTERED).status_code == 200
