"""The audiobook page's second skip link, "Skip to player" (walkthrough, "Player"): right
after "Skip to main content", pointing at the player's focusable heading; only where there
is a player. Over the audiobook catalogue of tests/accessibility."""

from __future__ import annotations

import lxml.html
from flask.testing import FlaskClient

from tests.accessibility.conftest import app, audio_catalogue, client  # noqa: F401 — fixtures


def _doc(client: FlaskClient, path: str) -> lxml.html.HtmlElement:  # noqa: F811
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.get_data(as_text=True))


def _focusable_before_header(doc: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    """The links before the site header, in order: (text, href)."""
    body = doc.xpath("//body")[0]
    links = []
    for element in body.iterchildren():
        if element.tag == "header":
            break
        if element.tag == "a":
            links.append((" ".join(element.text_content().split()), element.get("href")))
    return links


def test_the_player_page_has_a_second_skip_link_to_the_player(client: FlaskClient) -> None:  # noqa: F811
    doc = _doc(client, "/audiobooks/lib:de-men")
    assert _focusable_before_header(doc) == [
        ("Chuyển đến nội dung chính", "#main"),
        ("Đến trình phát", "#player-heading"),
    ]
    target = doc.get_element_by_id("player-heading")
    assert target.tag == "h2" and target.get("tabindex") == "-1"
    section = target.getparent()
    assert section.get("class") == "player-section"
    assert section.xpath(".//*[@id='player-play']") and section.xpath(".//audio[@controls]")


def test_the_skip_link_in_english(client: FlaskClient) -> None:  # noqa: F811
    client.get("/?lang=en")
    doc = _doc(client, "/audiobooks/lib:ha-noi")
    assert ("Skip to player", "#player-heading") in _focusable_before_header(doc)


def test_no_skip_to_player_where_there_is_no_player(client: FlaskClient) -> None:  # noqa: F811
    doc = _doc(client, "/audiobooks/lib:tape")
    assert _focusable_before_header(doc) == [("Chuyển đến nội dung chính", "#main")]
    assert not doc.xpath("//*[@id='player-heading']")
    assert _focusable_before_header(_doc(client, "/audiobooks/")) == [
        ("Chuyển đến nội dung chính", "#main")
    ]
