"""Audio delivery: HTTP Range requests, MIME types, and the access policy on every request."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from catalogue import audit
from harvesters.demo.audio import AUDIO_DIR
from portal.app import services
from tests.support.accounts import browser, log_in, make_user

HA_NOI = "/audiobooks/lib:ha-noi/audio/1"
DE_MEN_3 = "/audiobooks/lib:de-men/audio/3"
REGISTERED = "/audiobooks/lib:hoa-vang/audio/1"
STAFF_ONLY = "/audiobooks/lib:inhouse/audio/1"
FILE = (AUDIO_DIR / "ha-noi" / "sach.mp3").read_bytes()
SIZE = len(FILE)


def test_whole_file_with_type_length_and_ranges_advertised(client: FlaskClient) -> None:
    response = client.get(HA_NOI)
    assert response.status_code == 200
    assert response.mimetype == "audio/mpeg"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert int(response.headers["Content-Length"]) == SIZE
    assert response.data == FILE
    assert response.headers["ETag"]


def test_head_answers_like_get_without_the_body(client: FlaskClient) -> None:
    response = client.head(HA_NOI)
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == SIZE
    assert response.data == b""


def test_first_bytes(client: FlaskClient) -> None:
    response = client.get(HA_NOI, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 0-99/{SIZE}"
    assert int(response.headers["Content-Length"]) == 100
    assert response.data == FILE[:100]
    assert response.mimetype == "audio/mpeg"


def test_middle_bytes(client: FlaskClient) -> None:
    response = client.get(HA_NOI, headers={"Range": "bytes=100000-100999"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 100000-100999/{SIZE}"
    assert response.data == FILE[100000:101000]


def test_open_ended_range_runs_to_the_end(client: FlaskClient) -> None:
    response = client.get(HA_NOI, headers={"Range": f"bytes={SIZE - 10}-"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {SIZE - 10}-{SIZE - 1}/{SIZE}"
    assert response.data == FILE[-10:]


def test_suffix_range_is_the_last_bytes(client: FlaskClient) -> None:
    response = client.get(HA_NOI, headers={"Range": "bytes=-500"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {SIZE - 500}-{SIZE - 1}/{SIZE}"
    assert response.data == FILE[-500:]


def test_a_range_past_the_end_is_clipped(client: FlaskClient) -> None:
    response = client.get(HA_NOI, headers={"Range": f"bytes={SIZE - 4}-{SIZE + 1000}"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {SIZE - 4}-{SIZE - 1}/{SIZE}"
    assert response.data == FILE[-4:]


def test_beyond_the_end_is_416(client: FlaskClient) -> None:
    response = client.get(HA_NOI, headers={"Range": f"bytes={SIZE}-{SIZE + 10}"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{SIZE}"
    assert response.data != FILE


def test_if_range_with_the_current_etag_gives_the_range(client: FlaskClient) -> None:
    etag = client.head(HA_NOI).headers["ETag"]
    response = client.get(HA_NOI, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert response.status_code == 206
    assert response.data == FILE[:10]


def test_if_range_with_a_stale_etag_gives_the_whole_file(client: FlaskClient) -> None:
    response = client.get(HA_NOI, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert response.status_code == 200
    assert response.data == FILE


def test_if_range_with_the_last_modified_date(client: FlaskClient) -> None:
    modified = client.head(HA_NOI).headers["Last-Modified"]
    response = client.get(HA_NOI, headers={"Range": "bytes=10-19", "If-Range": modified})
    assert response.status_code == 206
    assert response.data == FILE[10:20]
    stale = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(HA_NOI, headers={"Range": "bytes=10-19", "If-Range": stale}).data == FILE


def test_each_chapter_file_of_a_book_is_its_own_resource(client: FlaskClient) -> None:
    third = (AUDIO_DIR / "de-men" / "chuong-03.mp3").read_bytes()
    response = client.get(DE_MEN_3, headers={"Range": "bytes=0-1023"})
    assert response.status_code == 206
    assert response.data == third[:1024]
    assert client.get("/audiobooks/lib:de-men/audio/5").status_code == 404
    assert client.get("/audiobooks/lib:de-men/audio/0").status_code == 404


def test_unknown_and_hidden_books_are_404_alike(client: FlaskClient) -> None:
    hidden = client.get("/audiobooks/lib:secret/audio/1", headers={"Range": "bytes=0-9"})
    unknown = client.get("/audiobooks/lib:nothing/audio/1", headers={"Range": "bytes=0-9"})
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.data.replace(b"secret", b"nothing") == unknown.data


def test_registered_readers_only_refuses_anonymous_with_401(client: FlaskClient) -> None:
    for headers in ({}, {"Range": "bytes=0-99"}, {"Range": "bytes=-100"}):
        response = client.get(REGISTERED, headers=headers)
        assert response.status_code == 401
        assert "/login" in response.headers["Link"]
        assert b"ID3" not in response.data


def test_a_reader_may_listen_and_the_delivery_is_audited(app: Flask) -> None:
    web = browser(app)
    name = make_user(app)
    log_in(web, name)
    first = web.get(REGISTERED, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.data == (AUDIO_DIR / "hoa-vang" / "sach.mp3").read_bytes()[:100]
    assert "private" in first.headers["Cache-Control"]
    for _ in range(5):  # a player's many range requests: one audit entry
        assert web.get(REGISTERED, headers={"Range": "bytes=100-199"}).status_code == 206
    with app.app_context():
        entries = [
            e
            for e in audit.entries(services().store, action=audit.CONTENT_ACCESSED, actor=name)
            if e.target == "lib:hoa-vang"
        ]
    assert len(entries) == 1
    assert entries[0].detail["kind"] == "audio"


def test_the_policy_is_asked_on_every_request(app: Flask) -> None:
    """Logging out between two range requests refuses the second."""
    web = browser(app)
    log_in(web, make_user(app))
    assert web.get(REGISTERED, headers={"Range": "bytes=0-9"}).status_code == 206
    page = web.get("/audiobooks/lib:hoa-vang").get_data(as_text=True)
    token = page.split('data-csrf="', 1)[1].split('"', 1)[0]
    web.post("/logout", data={"csrf_token": token})
    assert web.get(REGISTERED, headers={"Range": "bytes=10-19"}).status_code == 401


def test_logged_in_but_not_allowed_is_403(app: Flask, client: FlaskClient) -> None:
    assert client.get(STAFF_ONLY).status_code == 401
    reader = browser(app)
    log_in(reader, make_user(app))
    assert reader.get(STAFF_ONLY, headers={"Range": "bytes=0-9"}).status_code == 403
    librarian = browser(app)
    log_in(librarian, make_user(app, role="librarian"))
    assert librarian.get(STAFF_ONLY, headers={"Range": "bytes=0-9"}).status_code == 206


def test_public_audio_may_be_cached_restricted_audio_only_privately(app: Flask) -> None:
    public = app.test_client().get(HA_NOI, headers={"Range": "bytes=0-9"})
    assert "max-age=3600" in public.headers["Cache-Control"]
    assert "private" not in public.headers["Cache-Control"]
    web = browser(app)
    log_in(web, make_user(app))
    restricted = web.get(REGISTERED, headers={"Range": "bytes=0-9"})
    assert restricted.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in restricted.headers["Vary"]
