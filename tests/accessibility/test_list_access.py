"""The audiobook list offers each reader what the access policy allows them (walkthrough 9, L4).

"Nghe: …" only where this requester may listen; "Đăng nhập để nghe: …" where a reader
account at their address would be allowed; a note where listening is possible only in
the library's reading room; "Không nghe trực tuyến được" otherwise. Every offer agrees
with what the player page then answers (200, 401, 403). The catalogue, its rules and
networks are test_refusal's: five books held by one library, none public.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.accessibility import test_refusal
from tests.accessibility.test_refusal import ELSEWHERE, IN_ROOM, ON_SITE, visitor
from tests.support.accounts import log_in, make_user
from tests.support.record_pages import sel

CHIEU_THU = "Chiều thu"  # InC: registered readers on the library network
TIENG_THU = "Tiếng thu"  # InC-RUU: anyone on the library network
HOI_THAO = "Bản ghi âm hội thảo"  # staff only
HAN_NOM = "Đọc Hán Nôm"  # registered readers in a rule's own reading room
DE_MEN = "Dế Mèn phiêu lưu ký"  # registered readers anywhere
IDS = {
    CHIEU_THU: "lib:chieu-thu",
    TIENG_THU: "lib:ruu",
    HOI_THAO: "lib:inhouse",
    HAN_NOM: "lib:han-nom",
    DE_MEN: "lib:reg",
}

# test_refusal's catalogue (module-scoped) and an app on it, as fixtures here too.
refusal_site = test_refusal.refusal_site
app = test_refusal.app

LISTEN, LOGIN, ROOM, REFUSED = "listen", "login", "room", "refused"
STATUS = {LISTEN: 200, LOGIN: 401, ROOM: 403, REFUSED: 403}


@dataclass
class Item:
    """One listed book as a reader meets it: its offer, and the links it gives."""

    title: str
    offer: str
    action: str  # the offer's text (a link's name, or the note)
    href: str  # the offer's link ("" for a note)
    details: str  # the details link's href


def text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def listed(client: FlaskClient, path: str = "/audiobooks/") -> dict[str, Item]:
    response = client.get(path)
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    items = {}
    for li in sel(doc, "li.audiobook-item"):
        [title] = sel(li, "h3")
        [links] = sel(li, "p.audiobook-item__links")
        listen = sel(links, "a.audiobook-item__listen")
        login = sel(links, "a.audiobook-item__login")
        notes = sel(links, "span.audiobook-item__refused")
        assert len(listen) + len(login) + len(notes) == 1, text(links)
        [details] = [a for a in sel(links, "a") if a not in listen + login]
        if listen or login:
            [link] = listen or login
            offer, action, href = (LISTEN if listen else LOGIN), text(link), link.get("href")
        else:
            [note] = notes
            action, href = text(note), ""
            offer = ROOM if "phòng đọc" in action or "reading room" in action else REFUSED
        items[text(title)] = Item(text(title), offer, action, href, details.get("href"))
    return items


def offers(items: dict[str, Item]) -> dict[str, str]:
    return {title: item.offer for title, item in items.items()}


def assert_player_agrees(client: FlaskClient, items: dict[str, Item]) -> None:
    """The list's offer is what the player page answers this same requester."""
    for title, item in items.items():
        player = f"/audiobooks/{IDS[title]}"
        assert item.details == f"/record/{IDS[title]}"
        assert client.get(player).status_code == STATUS[item.offer], title


# --- anonymous, away from the library ----------------------------------------------------


def test_an_anonymous_visitor_elsewhere_is_offered_no_player_they_cannot_use(app: Flask) -> None:
    client = visitor(app, ELSEWHERE)
    items = listed(client)
    assert offers(items) == {
        HOI_THAO: REFUSED,
        CHIEU_THU: ROOM,
        DE_MEN: LOGIN,
        HAN_NOM: ROOM,
        TIENG_THU: ROOM,
    }
    login = items[DE_MEN]
    assert login.action == "Đăng nhập để nghe: Dế Mèn phiêu lưu ký"
    parts = urlsplit(login.href)
    assert parts.path == "/login" and parse_qs(parts.query) == {"next": ["/audiobooks/lib:reg"]}
    assert items[CHIEU_THU].action == "Chỉ nghe được tại phòng đọc của thư viện"
    assert items[HOI_THAO].action == "Không nghe trực tuyến được"
    assert_player_agrees(client, items)


def test_logging_in_from_the_list_leads_to_the_player(app: Flask) -> None:
    client = visitor(app, ELSEWHERE)
    href = listed(client)[DE_MEN].href
    assert client.get(href).status_code == 200
    answer = log_in(
        client, make_user(app, "reader"), next=parse_qs(urlsplit(href).query)["next"][0]
    )
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/audiobooks/lib:reg")
    assert client.get("/audiobooks/lib:reg").status_code == 200


# --- a logged-in reader ------------------------------------------------------------------


def test_a_reader_elsewhere_may_listen_only_to_the_books_for_readers_anywhere(app: Flask) -> None:
    client = visitor(app, ELSEWHERE, role="reader")
    items = listed(client)
    assert offers(items) == {
        HOI_THAO: REFUSED,
        CHIEU_THU: ROOM,
        DE_MEN: LISTEN,
        HAN_NOM: ROOM,
        TIENG_THU: ROOM,
    }
    assert items[DE_MEN].action == "Nghe: Dế Mèn phiêu lưu ký"
    assert items[DE_MEN].href == "/audiobooks/lib:reg"
    assert_player_agrees(client, items)


def test_a_reader_in_the_han_nom_room_may_listen_to_its_book(app: Flask) -> None:
    client = visitor(app, IN_ROOM, role="reader")
    items = listed(client)
    assert offers(items) == {
        HOI_THAO: REFUSED,
        CHIEU_THU: ROOM,
        DE_MEN: LISTEN,
        HAN_NOM: LISTEN,
        TIENG_THU: ROOM,
    }
    assert_player_agrees(client, items)


# --- on the library network --------------------------------------------------------------


def test_on_the_library_network_an_anonymous_visitor_may_log_in_for_the_inc_book(
    app: Flask,
) -> None:
    client = visitor(app, ON_SITE)
    items = listed(client)
    assert offers(items) == {
        HOI_THAO: REFUSED,
        CHIEU_THU: LOGIN,
        DE_MEN: LOGIN,
        HAN_NOM: ROOM,
        TIENG_THU: LISTEN,
    }
    assert items[TIENG_THU].href == "/audiobooks/lib:ruu"
    assert items[CHIEU_THU].action == "Đăng nhập để nghe: Chiều thu"
    assert_player_agrees(client, items)


def test_on_the_library_network_a_reader_may_listen_to_the_inc_books(app: Flask) -> None:
    client = visitor(app, ON_SITE, role="reader")
    items = listed(client)
    assert offers(items) == {
        HOI_THAO: REFUSED,
        CHIEU_THU: LISTEN,
        DE_MEN: LISTEN,
        HAN_NOM: ROOM,
        TIENG_THU: LISTEN,
    }
    assert_player_agrees(client, items)


def test_library_staff_may_listen_to_everything_anywhere(app: Flask) -> None:
    client = visitor(app, ELSEWHERE, role="librarian")
    items = listed(client)
    assert set(offers(items).values()) == {LISTEN}
    assert_player_agrees(client, items)


# --- every way of listing, and English ---------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/audiobooks/?by=newest",
        "/audiobooks/?q=thu",
        "/audiobooks/?by=author&name=T%C3%B4+Ho%C3%A0i",  # a group's page
    ],
)
def test_every_listing_asks_the_policy(app: Flask, path: str) -> None:
    client = visitor(app, ON_SITE)
    items = listed(client, path)
    assert items, path
    expected = {
        CHIEU_THU: LOGIN,
        TIENG_THU: LISTEN,
        HOI_THAO: REFUSED,
        HAN_NOM: ROOM,
        DE_MEN: LOGIN,
    }
    assert offers(items) == {title: expected[title] for title in items}


def test_english_offers_name_the_book_in_its_own_language(app: Flask) -> None:
    client = visitor(app, ELSEWHERE, language="en")
    response = client.get("/audiobooks/")
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    [login] = sel(doc, "a.audiobook-item__login")
    assert text(login) == "Log in to listen: Dế Mèn phiêu lưu ký"
    [title] = sel(login, "span")
    assert title.get("lang") == "vi"  # the title's language, inside an English name
    notes = sorted(text(n) for n in sel(doc, "span.audiobook-item__refused"))
    assert notes == ["Not available online"] + ["Only in the library's reading room"] * 3
    assert not sel(doc, "a.audiobook-item__listen")


def test_the_lead_does_not_promise_a_player_for_every_book(app: Flask) -> None:
    page = visitor(app, ELSEWHERE).get("/audiobooks/").get_data(as_text=True)
    [lead] = sel(lxml.html.fromstring(page), "p.audiobooks-intro")
    assert "Mỗi cuốn có trình phát" not in text(lead)
    assert "chỉ tại phòng đọc của thư viện" in text(lead)


# --- caching: the page depends on who asks, and from where -------------------------------


def test_the_list_is_never_shared_or_reused_without_asking(app: Flask) -> None:
    for client in (visitor(app, ELSEWHERE), visitor(app, ON_SITE, role="reader")):
        response = client.get("/audiobooks/")
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert "cookie" in {v.strip().lower() for v in response.headers["Vary"].split(",")}
        assert "ETag" not in response.headers and "Last-Modified" not in response.headers


def test_the_same_browser_moving_onto_the_library_network_gets_a_new_answer(app: Flask) -> None:
    client = visitor(app, ELSEWHERE)
    assert listed(client)[TIENG_THU].offer == ROOM
    client.environ_base["REMOTE_ADDR"] = ON_SITE
    assert listed(client)[TIENG_THU].offer == LISTEN
