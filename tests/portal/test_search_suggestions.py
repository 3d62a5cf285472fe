"""Search-box suggestions: titles and authors a reader may see, labelled groups."""

from __future__ import annotations

import pytest

from tests.support.search_pages import english, page


def test_suggestions_are_titles_and_authors_and_respect_visibility(client):
    body = client.get("/suggest", query_string={"q": "truy"}).get_json()
    assert {"text": "Truyện Kiều", "kind": "title", "lang": ""} in body["suggestions"]
    names = client.get("/suggest", query_string={"q": "nguyen"}).get_json()["suggestions"]
    assert {"text": "Nguyễn Du", "kind": "author", "lang": ""} in names
    assert client.get("/suggest", query_string={"q": "zyzz"}).get_json() == {"suggestions": []}
    assert client.get("/suggest", query_string={"q": "t"}).get_json() == {"suggestions": []}
    assert client.get("/suggest", query_string={"q": "x" * 5000}).status_code == 200
    # A librarian's suggestions may hold hidden titles: no shared cache may keep them.
    response = client.get("/suggest", query_string={"q": "truy"})
    assert response.headers["Cache-Control"] == "private, max-age=60"
    assert "Cookie" in response.headers["Vary"]


@pytest.mark.parametrize("url", ["/", "/search?q=kiều"])
def test_the_suggestion_groups_are_labelled_in_the_readers_language(client, url):
    def groups() -> tuple[str | None, str | None]:
        wrapper = page(client, url).xpath("//div[@data-suggest-url]")[0]
        return wrapper.get("data-suggest-group-title"), wrapper.get("data-suggest-group-author")

    assert groups() == ("Nhan đề", "Tác giả")
    english(client)
    assert groups() == ("Titles", "Authors")


def test_vietnamese_suggestions_say_so_on_an_english_page(client):
    english(client)
    found = client.get("/suggest", query_string={"q": "tale"}).get_json()["suggestions"]
    assert {"text": "The Tale of Kieu", "kind": "title", "lang": ""} in found
    found = client.get("/suggest", query_string={"q": "truy"}).get_json()["suggestions"]
    assert {"text": "Truyện Kiều", "kind": "title", "lang": "vi"} in found
