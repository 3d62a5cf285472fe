"""A logged-in reader's place and bookmarks: JSON endpoints, CSRF, and nobody else's rows."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from accessibility import progress
from catalogue import users
from portal.app import services
from tests.support.accounts import browser, log_in, make_user

BOOK = "/audiobooks/lib:ha-noi"
POSITION = BOOK + "/position"
BOOKMARKS = BOOK + "/bookmarks"


def reader(app: Flask, name: str = "") -> tuple[FlaskClient, dict[str, str]]:
    """A logged-in reader and the headers the player sends (the CSRF token from the page)."""
    web = browser(app)
    log_in(web, name or make_user(app))
    page = web.get(BOOK).get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    return web, {"X-CSRFToken": token}


def test_anonymous_visitors_keep_their_place_in_the_browser_only(client: FlaskClient) -> None:
    for method, url in (("GET", POSITION), ("GET", BOOKMARKS)):
        response = client.open(url, method=method)
        assert response.status_code == 401
        assert response.is_json and "error" in response.get_json()


def test_the_place_is_saved_and_read_back(app: Flask) -> None:
    web, headers = reader(app)
    assert web.get(POSITION).get_json() == {"position": None, "updated_at": None}
    saved = web.put(POSITION, json={"position": 21.7}, headers=headers)
    assert saved.status_code == 200
    assert saved.get_json()["position"] == 21.7
    web.put(POSITION, json={"position": 40.25}, headers=headers)
    back = web.get(POSITION).get_json()
    assert back["position"] == 40.25 and back["updated_at"]


def test_without_the_csrf_token_nothing_is_saved(app: Flask) -> None:
    web, headers = reader(app)
    refused = web.put(POSITION, json={"position": 12})
    assert refused.status_code == 400
    assert refused.is_json and "error" in refused.get_json()
    forged = web.put(POSITION, json={"position": 12}, headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400
    no_mark = web.post(BOOKMARKS, json={"position": 3})
    assert no_mark.status_code == 400
    kept = web.post(BOOKMARKS, json={"position": 3}, headers=headers).get_json()["id"]
    assert web.delete(f"{BOOKMARKS}/{kept}").status_code == 400
    assert web.delete(f"{BOOKMARKS}/{kept}", headers=headers).status_code == 204
    assert web.get(POSITION).get_json()["position"] is None
    assert web.get(BOOKMARKS).get_json() == {"bookmarks": []}


def test_bad_positions_are_refused_with_a_reason(app: Flask) -> None:
    web, headers = reader(app)
    for body in (
        {"position": -1},
        {"position": "NaN"},
        {"position": "soon"},
        {"position": True},
        {"position": 10_000},  # the book lasts under a minute
        {},
    ):
        response = web.put(POSITION, json=body, headers=headers)
        assert response.status_code == 400, body
        assert "số giây" in response.get_json()["error"]["message"]  # said in Vietnamese
    assert web.put(POSITION, data="12", headers=headers).status_code == 400
    assert web.get(POSITION).get_json()["position"] is None


def test_bookmarks_add_list_and_delete(app: Flask) -> None:
    web, headers = reader(app)
    late = web.post(BOOKMARKS, json={"position": 40, "label": "  Phố  cổ "}, headers=headers)
    early = web.post(BOOKMARKS, json={"position": 5.5}, headers=headers)
    assert late.status_code == early.status_code == 201
    assert late.get_json()["label"] == "Phố cổ"
    listed = web.get(BOOKMARKS).get_json()["bookmarks"]
    assert [(m["position"], m["label"]) for m in listed] == [(5.5, ""), (40, "Phố cổ")]
    gone = web.delete(f"{BOOKMARKS}/{early.get_json()['id']}", headers=headers)
    assert gone.status_code == 204
    assert [m["position"] for m in web.get(BOOKMARKS).get_json()["bookmarks"]] == [40]
    again = web.delete(f"{BOOKMARKS}/{early.get_json()['id']}", headers=headers)
    assert again.status_code == 404


def test_bookmark_labels_have_a_limit(app: Flask) -> None:
    web, headers = reader(app)
    long = web.post(BOOKMARKS, json={"position": 1, "label": "x" * 201}, headers=headers)
    assert long.status_code == 400
    assert web.get(BOOKMARKS).get_json() == {"bookmarks": []}


def test_another_readers_bookmarks_are_untouchable(app: Flask) -> None:
    owner, owner_headers = reader(app)
    mark = owner.post(BOOKMARKS, json={"position": 9, "label": "của tôi"}, headers=owner_headers)
    mark_id = mark.get_json()["id"]
    owner.put(POSITION, json={"position": 30}, headers=owner_headers)

    other, other_headers = reader(app)
    assert other.get(BOOKMARKS).get_json() == {"bookmarks": []}
    assert other.get(POSITION).get_json()["position"] is None
    assert other.delete(f"{BOOKMARKS}/{mark_id}", headers=other_headers).status_code == 404
    # Not through another book's address either.
    other_book = f"/audiobooks/lib:de-men/bookmarks/{mark_id}"
    assert other.delete(other_book, headers=other_headers).status_code == 404
    assert [m["id"] for m in owner.get(BOOKMARKS).get_json()["bookmarks"]] == [mark_id]
    assert owner.get(POSITION).get_json()["position"] == 30


def test_a_bookmark_is_deleted_only_through_its_own_book(app: Flask) -> None:
    web, headers = reader(app)
    mark_id = web.post(BOOKMARKS, json={"position": 9}, headers=headers).get_json()["id"]
    assert (
        web.delete(f"/audiobooks/lib:de-men/bookmarks/{mark_id}", headers=headers).status_code
        == 404
    )
    assert len(web.get(BOOKMARKS).get_json()["bookmarks"]) == 1


def test_hidden_and_refused_books_keep_no_places(app: Flask) -> None:
    web, headers = reader(app)
    hidden = web.put("/audiobooks/lib:secret/position", json={"position": 1}, headers=headers)
    assert hidden.status_code == 404
    staff = web.put("/audiobooks/lib:inhouse/position", json={"position": 1}, headers=headers)
    assert staff.status_code == 403


def test_the_store_functions_check_their_input() -> None:
    assert progress.check_seconds("12.5") == 12.5
    assert progress.check_seconds(60.4, 60) == 60  # a player reporting just past the end
    for bad in (-0.1, float("inf"), None, [], "1e999"):
        try:
            progress.check_seconds(bad)
        except progress.ProgressError:
            continue
        raise AssertionError(f"{bad!r} accepted")
    assert progress.check_label("  a   b ") == "a b"


def test_too_many_bookmarks_are_refused(app: Flask) -> None:
    name = make_user(app)
    web, headers = reader(app, name)
    with app.app_context():
        store = services().store
        user = users.find_user(store, name)
    for i in range(progress.MAX_BOOKMARKS):
        progress.add_bookmark(store, user.id, "lib:ha-noi", float(i % 50), "")
    refused = web.post(BOOKMARKS, json={"position": 1}, headers=headers)
    assert refused.status_code == 400
    assert str(progress.MAX_BOOKMARKS) in refused.get_json()["error"]["message"]
