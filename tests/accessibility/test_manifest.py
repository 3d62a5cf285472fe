"""The IIIF Presentation 3 manifest of an audiobook: Sound canvases, chapters as Ranges."""

from __future__ import annotations

import iiif_prezi3
import pytest
from flask.testing import FlaskClient

from harvesters.demo.audio import books


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
