"""The audiobook pages as HTML: collection (browse, search within), player, refusals."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient

from tests.support.accounts import browser, log_in, make_user


class Outline(HTMLParser):
    """Headings, landmarks and links of a page, as assistive technology lists them."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.links: list[tuple[str, str]] = []
        self.landmarks: list[str] = []
        self.status: list[str] = []
        self._open: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag in ("main", "nav", "header", "footer", "section") or a.get("role") == "search":
            self.landmarks.append(a.get("role") or tag)
        if re.fullmatch(r"h[1-6]", tag) or tag == "a" or a.get("role") == "status":
            self._open.append((tag, a.get("href", "") or a.get("role", ""), []))

    def handle_data(self, data: str) -> None:
        for _tag, _href, texts in self._open:
            texts.append(data)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            name, extra, texts = self._open[i]
            if name == tag or (extra == "status" and tag in ("p", "div")):
                del self._open[i]
                text = " ".join("".join(texts).split())
                if name == "a":
                    self.links.append((text, extra))
                elif extra == "status":
                    if text:  # the display settings' status, empty until used, is not ours
                        self.status.append(text)
                else:
                    self.headings.append((int(name[1]), text))
                return


def outline(client: FlaskClient, path: str, status: int = 200) -> Outline:
    response = client.get(path)
    assert response.status_code == status, response.status_code
    parser = Outline()
    parser.feed(response.get_data(as_text=True))
    return parser


def assert_headings_in_order(page: Outline) -> None:
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), page.headings


def listen_links(page: Outline) -> dict[str, str]:
    return {text: href for text, href in page.links if text.startswith(("Nghe:", "Listen:"))}


def test_the_collection_lists_audiobooks_by_title_with_descriptive_links(
    client: FlaskClient,
) -> None:
    page = outline(client, "/audiobooks/")
    assert_headings_in_order(page)
    assert {"main", "nav", "search"} <= set(page.landmarks)
    assert page.status == ["5 sách nói"]  # the hidden one is not counted, the book not listed
    titles = [text for level, text in page.headings if level == 3]
    assert titles == [
        "Bản ghi âm hội thảo",
        "Dế Mèn phiêu lưu ký",
        "Hà Nội băm sáu phố phường",
        "Số đỏ",
        "Tôi thấy hoa vàng trên cỏ xanh",
    ]
    links = listen_links(page)
    assert links["Nghe: Dế Mèn phiêu lưu ký"] == "/audiobooks/lib:de-men"
    assert "Nghe: Số đỏ" not in links  # nothing online to listen to
    assert "Sách nói lưu trữ mật" not in str(page.headings)


def test_english_links_say_listen(client: FlaskClient) -> None:
    client.get("/audiobooks/?lang=en")
    page = outline(client, "/audiobooks/")
    assert page.status == ["5 audiobooks"]
    assert listen_links(page)["Listen: Hà Nội băm sáu phố phường"] == "/audiobooks/lib:ha-noi"


def test_newest_first(client: FlaskClient) -> None:
    page = outline(client, "/audiobooks/?by=newest")
    titles = [text for level, text in page.headings if level == 3]
    assert titles[0] == "Số đỏ"  # 2022
    assert titles[1] == "Hà Nội băm sáu phố phường"  # 2021


def test_browse_by_author_narrator_and_genre(client: FlaskClient) -> None:
    authors = outline(client, "/audiobooks/?by=author")
    assert authors.status == ["4 tác giả"]
    assert ("Tô Hoài", "/audiobooks/?by=author&name=T%C3%B4+Ho%C3%A0i") in authors.links
    one = outline(client, "/audiobooks/?by=author&name=T%C3%B4+Ho%C3%A0i")
    assert one.status == ["2 sách nói: Tô Hoài"]
    assert [t for level, t in one.headings if level == 3] == [
        "Bản ghi âm hội thảo",
        "Dế Mèn phiêu lưu ký",
    ]
    narrators = outline(client, "/audiobooks/?by=narrator")
    assert "Lê Khanh" in [text for text, _ in narrators.links]
    genres = outline(client, "/audiobooks/?by=genre")
    names = [text for text, href in genres.links if "by=genre&name=" in href]
    assert "Tùy bút" in names and "Sách nói" not in names  # the format is not a genre


def test_search_within_audiobooks_only(client: FlaskClient) -> None:
    page = outline(client, "/audiobooks/?q=de+men")
    assert page.status == ["Tìm thấy 1 sách nói cho “de men”"]
    assert [t for level, t in page.headings if level == 3] == ["Dế Mèn phiêu lưu ký"]
    assert listen_links(page) == {"Nghe: Dế Mèn phiêu lưu ký": "/audiobooks/lib:de-men"}
    # "mật": only the hidden book has the word; what is found instead are close matches
    # (one letter off), said to be so, and never the hidden book
    hidden = client.get("/audiobooks/?q=m%E1%BA%ADt").get_data(as_text=True)
    assert "Sách nói lưu trữ mật" not in hidden and "lib:secret" not in hidden
    assert "Không có kết quả khớp chính xác, đây là các kết quả gần đúng." in hidden
    exact = outline(client, "/audiobooks/?q=%22m%E1%BA%ADt%22")  # quoted: no typo fallback
    assert exact.status == ['Tìm thấy 0 sách nói cho “"mật"”']


def test_bad_arguments_are_tolerated(client: FlaskClient) -> None:
    assert client.get("/audiobooks/?by=nonsense&page=abc").status_code == 200
    assert client.get("/audiobooks/?q=%22unbalanced+(").status_code == 200
    assert client.get("/audiobooks/?by=author&name=Nobody").status_code == 200


def test_the_player_page_outline_and_chapter_links(client: FlaskClient) -> None:
    page = outline(client, "/audiobooks/lib:ha-noi")
    assert_headings_in_order(page)
    assert page.headings[0] == (1, "Hà Nội băm sáu phố phường")
    h2 = [text for level, text in page.headings if level == 2]
    assert h2 == ["Trình phát", "Các chương", "Dấu trang"]
    chapters = {text: href for text, href in page.links if "#t=" in href}
    # Without JavaScript each chapter link opens the audio at its start (a media fragment).
    assert chapters == {
        "Phần 1. Món ngon Hà Nội (0:38)": "/audiobooks/lib:ha-noi/audio/1#t=0",
        "Chương 1. Phở (0:22)": "/audiobooks/lib:ha-noi/audio/1#t=0",
        "Chương 2. Quà Hà Nội (0:17)": "/audiobooks/lib:ha-noi/audio/1#t=21.625",
        "Phần 2. Phố phường (0:19)": "/audiobooks/lib:ha-noi/audio/1#t=38.391",
        "Chương 3. Hàng Bạc, Hàng Đào (0:19)": "/audiobooks/lib:ha-noi/audio/1#t=38.391",
    }


def test_parts_nest_their_chapters(client: FlaskClient) -> None:
    html = client.get("/audiobooks/lib:ha-noi").get_data(as_text=True)
    part = html.index("Phần 1. Món ngon Hà Nội")
    nested = html.index('<ol class="chapters chapters--nested">', part)
    assert nested < html.index("Chương 1. Phở") < html.index("Phần 2. Phố phường")


def test_a_book_of_chapter_files_links_each_file(client: FlaskClient) -> None:
    page = outline(client, "/audiobooks/lib:de-men")
    hrefs = [href for _text, href in page.links if "#t=" in href]
    assert hrefs == [f"/audiobooks/lib:de-men/audio/{n}#t=0" for n in (1, 2, 3, 4)]
    html = client.get("/audiobooks/lib:de-men").get_data(as_text=True)
    assert '<audio id="player-audio" class="player__audio" controls' in html
    assert 'src="/audiobooks/lib:de-men/audio/1"' in html


def test_the_player_controls_are_labelled_buttons(client: FlaskClient) -> None:
    html = client.get("/audiobooks/lib:ha-noi?lang=en", follow_redirects=True).get_data(
        as_text=True
    )
    for label in (
        "Play",
        "Back 1 minute",
        "Back 15 seconds",
        "Forward 15 seconds",
        "Forward 1 minute",
        "Slower",
        "Faster",
        "Previous chapter",
        "Next chapter",
        "Add bookmark at the current position",
    ):
        assert re.search(rf'<button type="button"[^>]*>{re.escape(label)}</button>', html), label
    assert '<label for="player-volume"' in html
    assert "Keyboard shortcuts" in html
    assert 'role="status" aria-live="polite"' in html


def test_anonymous_visitors_are_asked_to_log_in_for_a_registered_book(
    client: FlaskClient,
) -> None:
    page = outline(client, "/audiobooks/lib:hoa-vang", status=401)
    assert ("Đăng nhập để nghe", "/login?next=/audiobooks/lib:hoa-vang") in page.links
    html = client.get("/audiobooks/lib:hoa-vang").get_data(as_text=True)
    assert "player-audio" not in html and "/audio/1" not in html


def test_a_reader_gets_the_player_and_others_a_403(app: Flask) -> None:
    reader = browser(app)
    log_in(reader, make_user(app))
    assert "player-audio" in reader.get("/audiobooks/lib:hoa-vang").get_data(as_text=True)
    refused = reader.get("/audiobooks/lib:inhouse")
    assert refused.status_code == 403
    assert "/audio/1" not in refused.get_data(as_text=True)


def test_hidden_unknown_and_non_audio_records_are_404(client: FlaskClient) -> None:
    for path in ("/audiobooks/lib:secret", "/audiobooks/lib:nothing", "/audiobooks/lib:novel"):
        assert client.get(path).status_code == 404, path


def test_a_book_not_online_lists_its_catalogued_chapters(client: FlaskClient) -> None:
    page = outline(client, "/audiobooks/lib:tape")
    assert_headings_in_order(page)
    assert (2, "Không có bản trực tuyến") in page.headings
    html = client.get("/audiobooks/lib:tape").get_data(as_text=True)
    assert "Chương 2. Xuân Tóc Đỏ" in html and "27:45" in html
    assert "<audio" not in html


def test_player_data_is_safe_json(client: FlaskClient) -> None:
    html = client.get("/audiobooks/lib:de-men").get_data(as_text=True)
    data = html.split('<script type="application/json" id="player-data">', 1)[1]
    data = data.split("</script>", 1)[0]
    assert "<" not in data
    import json

    parsed = json.loads(data)
    assert [f["url"] for f in parsed["files"]] == [
        f"/audiobooks/lib:de-men/audio/{n}" for n in (1, 2, 3, 4)
    ]
    assert [c["number"] for c in parsed["chapters"]] == [1, 2, 3, 4]
    assert parsed["server"] is False


def test_the_record_page_of_an_audiobook_links_to_its_player(client: FlaskClient) -> None:
    page = outline(client, "/record/lib:ha-noi")
    listen = [href for text, href in page.links if text == "Nghe: Hà Nội băm sáu phố phường"]
    assert listen == ["/audiobooks/lib:ha-noi"]
    book = outline(client, "/record/lib:novel")
    assert not [text for text, _href in book.links if text.startswith("Nghe:")]
