"""The IIIF Presentation 3 manifest of an audiobook: Sound canvases, chapters as Ranges."""

from __future__ import annotations

import json
import re

import iiif_prezi3
import pytest
from flask import Flask
from flask.testing import FlaskClient

from harvesters.demo.audio import books
from tests.support.accounts import browser, log_in, make_user


def manifest(client: FlaskClient, record_id: str) -> dict:
    response = client.get(f"/audiobooks/{record_id}/manifest.json")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    iiif_prezi3.Manifest(**data)  # the library's own model accepts it back
    return data


def test_one_file_book_is_one_sound_canvas_with_nested_ranges(client: FlaskClient) -> None:
    data = manifest(client, "lib:ha-noi")
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert data["id"] == "http://localhost/audiobooks/lib:ha-noi/manifest.json"
    assert data["label"] == {"vi": ["Hà Nội băm sáu phố phường"]}
    (canvas,) = data["items"]
    assert canvas["duration"] == pytest.approx(57.5, abs=0.2)
    body = canvas["items"][0]["items"][0]["body"]
    assert body["type"] == "Sound"
    assert body["format"] == "audio/mpeg"
    assert body["id"] == "http://localhost/audiobooks/lib:ha-noi/audio/1"
    assert canvas["items"][0]["items"][0]["motivation"] == "painting"
    parts = data["structures"]
    assert [p["label"]["vi"][0] for p in parts] == ["Phần 1. Món ngon Hà Nội", "Phần 2. Phố phường"]
    first = parts[0]["items"]
    assert [r["type"] for r in first] == ["Range", "Range"]
    assert first[1]["label"] == {"vi": ["Chương 2. Quà Hà Nội"]}
    assert first[1]["items"] == [{"id": f"{canvas['id']}#t=21.625,38.391", "type": "Canvas"}]


def test_one_file_per_chapter_is_one_canvas_each_played_in_order(client: FlaskClient) -> None:
    data = manifest(client, "lib:de-men")
    files = books()["de-men"].files
    assert data["behavior"] == ["auto-advance"]
    assert [c["duration"] for c in data["items"]] == pytest.approx(
        [s for _, _, s in files], abs=0.01
    )
    ranges = data["structures"]
    assert [r["label"]["vi"][0] for r in ranges] == [t for _, t, _ in files]
    third = ranges[2]["items"][0]["id"]
    assert third.startswith(data["items"][2]["id"] + "#t=0,")
    metadata = {m["label"]["none"][0]: m["value"]["vi"][0] for m in data["metadata"]}
    assert metadata == {"Tác giả": "Tô Hoài", "Người đọc": "Nguyễn Thu Hà"}


def test_the_manifest_of_a_hidden_book_is_404(client: FlaskClient) -> None:
    assert client.get("/audiobooks/lib:secret/manifest.json").status_code == 404


def test_a_restricted_book_has_a_manifest_whose_audio_asks_for_login(client: FlaskClient) -> None:
    data = manifest(client, "lib:hoa-vang")
    audio = data["items"][0]["items"][0]["items"][0]["body"]["id"]
    assert client.get(audio.removeprefix("http://localhost")).status_code == 401


# -- IIIF Authorization Flow 2.0 on restricted audio ------------------------------------------

AUTH = "http://iiif.io/api/auth/2/context.json"
ORIGIN = "https://viewer.example.org"


def sound_bodies(data: dict) -> list[dict]:
    return [c["items"][0]["items"][0]["body"] for c in data["items"]]


def reader_token(app: Flask, role: str) -> str:
    """An access token as a viewer elsewhere gets it from the token service."""
    client = browser(app)
    assert log_in(client, make_user(app, role)).status_code in (302, 303)
    page = client.get(
        "/iiif/3/auth/token", query_string={"messageId": "m", "origin": ORIGIN}
    ).get_data(as_text=True)
    match = re.search(r"window\.parent\.postMessage\((\{.*\}), ", page)
    assert match, page
    message = json.loads(match.group(1))
    assert message["type"] == "AuthAccessToken2"
    return message["accessToken"]


def probe(client: FlaskClient, url: str, token: str = "") -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(url.removeprefix("http://localhost"), headers=headers)
    assert response.status_code == 200  # the probe's own answer; the status is inside
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "no-store"
    result = response.get_json()
    assert result["@context"] == AUTH and result["type"] == "AuthProbeResult2"
    return result


def test_restricted_audio_declares_the_auth_services_as_images_do(client: FlaskClient) -> None:
    for book in ("hoa-vang", "inhouse"):
        data = manifest(client, f"lib:{book}")
        for body in sound_bodies(data):
            [service] = body["service"]
            assert service["type"] == "AuthProbeService2"
            assert service["id"] == f"http://localhost/iiif/3/auth/probe/audio/lib:{book}"
            [access] = service["service"]
            # The same access (login), token and logout services as restricted images.
            assert access["id"] == "http://localhost/iiif/3/auth/access"
            assert access["type"] == "AuthAccessService2" and access["profile"] == "active"
            for key in ("label", "heading", "note", "confirmLabel"):
                assert set(access[key]) == {"vi", "en"}
            assert "nghe" in access["note"]["vi"][0]  # about listening, not seeing
            token, logout = access["service"]
            assert token == {
                "id": "http://localhost/iiif/3/auth/token",
                "type": "AuthAccessTokenService2",
            }
            assert logout["type"] == "AuthLogoutService2"
    # Everyone's audio: nothing to log in for.
    for book in ("ha-noi", "de-men"):
        assert all("service" not in body for body in sound_bodies(manifest(client, f"lib:{book}")))


@pytest.mark.parametrize(
    ("book", "who", "status"),
    [
        ("ha-noi", "anonymous", 200),
        ("hoa-vang", "anonymous", 401),  # registered readers only: logging in would help
        ("hoa-vang", "reader", 200),
        ("inhouse", "anonymous", 401),
        ("inhouse", "reader", 403),  # staff only: logging in again would not help
        ("inhouse", "librarian", 200),
        ("secret", "anonymous", 404),  # hidden: as if there were no such record
        ("nothing-here", "anonymous", 404),
    ],
)
def test_audio_probe_answers_what_the_reader_would_get(
    app: Flask, client: FlaskClient, book: str, who: str, status: int
) -> None:
    # The viewer's probe comes from another site: no cookie, only the token.
    token = reader_token(app, who) if who != "anonymous" else ""
    result = probe(client, f"/iiif/3/auth/probe/audio/lib:{book}", token)
    assert result["status"] == status
    if status in (401, 403):
        assert set(result["heading"]) == {"vi", "en"} and set(result["note"]) == {"vi", "en"}


def test_the_probe_agrees_with_the_audio_itself(app: Flask) -> None:
    anonymous = browser(app)
    data = manifest(anonymous, "lib:hoa-vang")
    [body] = sound_bodies(data)
    audio = body["id"].removeprefix("http://localhost")
    assert probe(anonymous, body["service"][0]["id"])["status"] == 401
    assert anonymous.get(audio).status_code == 401
    reader = browser(app)
    log_in(reader, make_user(app, "reader"))
    assert reader.get(audio).status_code == 200
    assert probe(anonymous, body["service"][0]["id"], reader_token(app, "reader"))["status"] == 200
    # A token that is not one is a 401, never the audio's status.
    assert probe(anonymous, body["service"][0]["id"], "not-a-token")["status"] == 401


def test_a_manifest_built_outside_a_request_declares_no_probe(app: Flask, audio_catalogue) -> None:
    from accessibility.chapters import read_audiobook
    from accessibility.manifest import audio_manifest

    record = audio_catalogue.store.get_record("lib:hoa-vang")
    book = read_audiobook(record, audio_catalogue.settings.data_dir)
    data = audio_manifest(
        record,
        book,
        manifest_url="https://x.example/m.json",
        file_url=lambda i: f"https://x.example/{i}",
    )
    assert all("service" not in body for body in sound_bodies(data))
    with app.test_request_context("/"):
        data = audio_manifest(
            record,
            book,
            manifest_url="https://x.example/m.json",
            file_url=lambda i: f"https://x.example/{i}",
        )
        assert all(body["service"][0]["type"] == "AuthProbeService2" for body in sound_bodies(data))
        data = audio_manifest(
            record,
            book,
            manifest_url="https://x.example/m.json",
            file_url=lambda i: f"https://x.example/{i}",
            probe=None,
        )
        assert all("service" not in body for body in sound_bodies(data))
