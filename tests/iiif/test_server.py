"""The IIIF blueprint over HTTP (Flask test client): info.json, images, headers, errors, access."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import pyvips
from flask import Flask

from iiif import render
from iiif.server import ImageAccess
from tests.iiif.conftest import RED

JSONLD = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'


def decode(data: bytes):
    return pyvips.Image.new_from_buffer(data, "")


@pytest.fixture
def no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to decode or make an image fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("an image was decoded")

    monkeypatch.setattr(render, "render", refuse)
    monkeypatch.setattr(render, "_open", refuse)


# -- info.json -------------------------------------------------------------------------------


def test_info_json(client) -> None:
    response = client.get("/iiif/3/quadrants/info.json")
    assert response.status_code == 200
    info = json.loads(response.data)
    assert list(info)[:5] == ["@context", "id", "type", "protocol", "profile"]
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == "http://localhost/iiif/3/quadrants"
    assert info["type"] == "ImageService3"
    assert info["protocol"] == "http://iiif.io/api/image"
    assert info["profile"] == "level2"
    assert (info["width"], info["height"]) == (400, 300)
    assert (info["maxWidth"], info["maxHeight"], info["maxArea"]) == (400, 300, 50_000_000)
    assert info["sizes"] == [
        {"width": 50, "height": 38},
        {"width": 100, "height": 75},
        {"width": 200, "height": 150},
        {"width": 400, "height": 300},
    ]
    assert info["tiles"] == [{"width": 512, "height": 512, "scaleFactors": [1]}]
    assert info["extraFormats"] == ["webp"]
    assert info["extraQualities"] == ["color", "gray", "bitonal"]
    assert info["extraFeatures"] == [
        "canonicalLinkHeader",
        "mirroring",
        "profileLinkHeader",
        "rotationArbitrary",
        "sizeUpscaling",
    ]
    assert response.headers["Link"] == '<http://iiif.io/api/image/3/level2.json>;rel="profile"'


def test_info_json_sizes_and_tiles_are_requestable(client) -> None:
    info = client.get("/iiif/3/scan-pyramid/info.json").get_json(force=True)
    # The pyramid's own 256-px tiles (3000 / 16 fits in one), so viewers ask for stored tiles.
    assert info["tiles"] == [{"width": 256, "height": 256, "scaleFactors": [1, 2, 4, 8, 16]}]
    for size in info["sizes"]:
        url = f"/iiif/3/scan-pyramid/full/{size['width']},{size['height']}/0/default.jpg"
        assert client.get(url).status_code == 200, url
    # the last tile of the top row at scale factor 4: 2048..3000 → 238 px wide
    response = client.get("/iiif/3/scan-pyramid/2048,0,952,2000/238,/0/default.jpg")
    assert decode(response.data).width == 238


def test_gray_image_does_not_offer_color(client) -> None:
    info = client.get("/iiif/3/gray/info.json").get_json(force=True)
    assert info["extraQualities"] == ["gray", "bitonal"]


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, JSONLD),
        ("application/ld+json", JSONLD),
        (JSONLD, JSONLD),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),
        ("application/json;q=0.5, application/ld+json", JSONLD),
    ],
)
def test_content_negotiation(client, accept: str | None, content_type: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/iiif/3/quadrants/info.json", headers=headers)
    assert response.headers["Content-Type"] == content_type
    assert "Accept" in response.headers["Vary"]


def test_base_uri_redirects_to_info(client) -> None:
    response = client.get("/iiif/3/quadrants")
    assert response.status_code == 303
    assert response.headers["Location"] == "http://localhost/iiif/3/quadrants/info.json"


# -- images ------------------------------------------------------------------------------------


def test_image(client) -> None:
    response = client.get("/iiif/3/quadrants/pct:0,0,50,50/100,/0/default.png")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    image = decode(response.data)
    assert (image.width, image.height) == (100, 75)
    assert tuple(int(v) for v in image(50, 40)) == RED
    links = response.headers["Link"]
    canonical = "http://localhost/iiif/3/quadrants/0,0,200,150/100,75/0/default.png"
    assert f'<{canonical}>;rel="canonical"' in links
    assert '<http://iiif.io/api/image/3/level2.json>;rel="profile"' in links
    assert response.headers["Cache-Control"] == "public, max-age=86400"


@pytest.mark.parametrize(
    ("fmt", "magic"),
    [("jpg", b"\xff\xd8\xff"), ("png", b"\x89PNG"), ("webp", b"RIFF")],
)
def test_formats(client, fmt: str, magic: bytes) -> None:
    response = client.get(f"/iiif/3/quadrants/full/50,/0/default.{fmt}")
    assert response.status_code == 200
    assert response.data.startswith(magic)
    if fmt == "webp":
        assert response.data[8:12] == b"WEBP"
        assert response.headers["Content-Type"] == "image/webp"


def test_head(client) -> None:
    response = client.head("/iiif/3/quadrants/full/50,/0/default.jpg")
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg"


# -- caching headers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/iiif/3/quadrants/info.json", "/iiif/3/quadrants/full/60,/90/gray.jpg"]
)
def test_conditional_requests(client, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = client.get(url)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and last_modified.endswith("GMT")
    # Nothing is made again to answer 304s.
    monkeypatch.setattr(render, "render", lambda *a: pytest.fail("rendered for a 304"))
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get(url, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    past = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": past}).status_code == 200
    # If-None-Match decides when both are given
    both = {"If-None-Match": '"other"', "If-Modified-Since": last_modified}
    assert client.get(url, headers=both).status_code == 200


def test_etag_differs_per_representation(client) -> None:
    a = client.get("/iiif/3/quadrants/info.json", headers={"Accept": "application/json"})
    b = client.get("/iiif/3/quadrants/info.json", headers={"Accept": "application/ld+json"})
    assert a.headers["ETag"] != b.headers["ETag"]
    c = client.get("/iiif/3/quadrants/full/60,/0/default.jpg")
    d = client.get("/iiif/3/quadrants/full/61,/0/default.jpg")
    assert c.headers["ETag"] != d.headers["ETag"]


def test_derivatives_come_from_the_cache(make_app, monkeypatch, tmp_path: Path) -> None:
    client = make_app(cache_dir=tmp_path / "derivatives").test_client()
    url = "/iiif/3/quadrants/full/70,/0/default.webp"
    first = client.get(url)
    assert any((tmp_path / "derivatives").rglob("*.bin"))
    monkeypatch.setattr(render, "render", lambda *a: pytest.fail("not served from the cache"))
    assert client.get(url).data == first.data


# -- CORS ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/iiif/3/quadrants/info.json",
        "/iiif/3/quadrants/full/max/0/default.jpg",
        "/iiif/3/quadrants/full/max/0/default.gif",
        "/iiif/3/nothing-here/info.json",
        "/iiif/3/a/b/info.json",
        "/iiif/3/quadrants",
    ],
)
def test_cors_everywhere(client, url: str) -> None:
    assert client.get(url).headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight(client) -> None:
    response = client.options(
        "/iiif/3/quadrants/info.json",
        headers={"Origin": "https://viewer.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


# -- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/iiif/3/nothing-here/info.json", 404, "no image with the identifier 'nothing-here'"),
        ("/iiif/3/nothing-here/full/max/0/default.jpg", 404, "no image with the identifier"),
        ("/iiif/3/a/b/info.json", 404, "no image here"),
        ("/iiif/3/quadrants/full/max/0", 404, "no image here"),
        ("/iiif/3/quadrants/nowhere/max/0/default.jpg", 400, "region 'nowhere' is not one of"),
        ("/iiif/3/quadrants/full/big/0/default.jpg", 400, "size 'big' is not one of"),
        ("/iiif/3/quadrants/full/max/-1/default.jpg", 400, "rotation '-1' is not a number"),
        ("/iiif/3/quadrants/full/max/0/native.jpg", 400, "quality 'native' is not one of"),
        ("/iiif/3/quadrants/full/max/0/default.gif", 400, "format 'gif' is not supported"),
        ("/iiif/3/quadrants/full/full/0/default.jpg", 400, "replaced by 'max'"),
        ("/iiif/3/quadrants/full/401,/0/default.jpg", 400, r"prefix the size with ^"),
        ("/iiif/3/quadrants/400,0,10,10/max/0/default.jpg", 400, "entirely outside the image"),
        ("/iiif/3/[frob]/info.json", 400, "may contain only letters, digits"),
    ],
)
def test_errors(client, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/plain")
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "identifier",
    [
        "..%2F..%2Fetc%2Fpasswd",
        "..%252F..%252Fetc%252Fpasswd",
        "%2e%2e",
        "..",
        "quadrants%00",
        "%2Fetc%2Fpasswd",
        "..%5C..%5Cetc%5Cpasswd",
        ".hidden",
    ],
)
def test_path_traversal_is_refused(client, identifier: str) -> None:
    for url in (
        f"/iiif/3/{identifier}/info.json",
        f"/iiif/3/{identifier}/full/max/0/default.jpg",
        f"/iiif/3/{identifier}",
    ):
        # (an encoded leading slash makes an empty segment, merged by a redirect)
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (400, 404), url
        assert b"root:" not in response.data


def test_oversize_requests_are_refused_before_decoding(client, no_rendering) -> None:
    info = client.get("/iiif/3/huge/info.json").get_json(force=True)
    assert (info["width"], info["height"]) == (20_000, 20_000)
    assert info["maxWidth"] * info["maxHeight"] <= info["maxArea"] == 50_000_000
    started = time.perf_counter()
    for size in ("20000,20000", "^100000,100000", "max", "1000,", "^pct:1000"):
        response = client.get(f"/iiif/3/huge/full/{size}/0/default.jpg")
        assert response.status_code == 400, size
    assert time.perf_counter() - started < 1.0
    response = client.get("/iiif/3/quadrants/full/^10000,10000/0/default.jpg")
    assert "maxArea" in response.get_data(as_text=True)


# -- access ---------------------------------------------------------------------------------


def test_preview_only(make_app: Callable[..., Flask]) -> None:
    client = make_app(access=lambda identifier: (False, 200)).test_client()
    info = client.get("/iiif/3/quadrants/info.json").get_json(force=True)
    assert (info["width"], info["height"]) == (400, 300)  # the image's own size
    assert (info["maxWidth"], info["maxHeight"]) == (200, 150)
    assert info["sizes"][-1] == {"width": 200, "height": 150}
    assert all(s["width"] <= 200 for s in info["sizes"])
    assert info["tiles"][0]["scaleFactors"] == [2]
    response = client.get("/iiif/3/quadrants/full/max/0/default.jpg")
    assert response.status_code == 200
    assert (decode(response.data).width, decode(response.data).height) == (200, 150)
    assert response.headers["Cache-Control"].startswith("private")
    assert "Cookie" in response.headers["Vary"]
    assert client.get("/iiif/3/quadrants/full/100,/0/default.jpg").status_code == 200
    assert client.get("/iiif/3/quadrants/0,0,200,150/100,/0/default.jpg").status_code == 200
    for url in (
        "/iiif/3/quadrants/full/400,/0/default.jpg",
        "/iiif/3/quadrants/full/201,/0/default.jpg",
        "/iiif/3/quadrants/0,0,100,100/100,/0/default.jpg",  # full resolution, small region
        "/iiif/3/quadrants/full/^max/0/default.png",
    ):
        response = client.get(url)
        if url.endswith("^max/0/default.png"):
            assert response.status_code == 200
            assert decode(response.data).width == 200
            continue
        assert response.status_code == 403, url
        assert "at most 200 px" in response.get_data(as_text=True)


def test_access_hook_from_the_module_and_as_object(make_app, monkeypatch) -> None:
    from iiif import server

    monkeypatch.setattr(server, "ACCESS", lambda identifier: ImageAccess(False, 100, shared=True))
    client = make_app().test_client()
    response = client.get("/iiif/3/quadrants/full/max/0/default.jpg")
    assert decode(response.data).width == 100
    assert response.headers["Cache-Control"].startswith("public")


def test_nothing_to_show(make_app) -> None:
    client = make_app(access=lambda identifier: (False, 0)).test_client()
    assert client.get("/iiif/3/quadrants/info.json").status_code == 403
    assert client.get("/iiif/3/quadrants/full/10,/0/default.jpg").status_code == 403


def test_hidden_image_is_not_found(make_app) -> None:
    client = make_app(access=lambda identifier: None).test_client()
    assert client.get("/iiif/3/quadrants/info.json").status_code == 404
    assert client.get("/iiif/3/quadrants/full/10,/0/default.jpg").status_code == 404


def test_access_hook_is_asked_with_the_identifier(make_app) -> None:
    asked: list[str] = []

    def hook(identifier: str) -> tuple[bool, int]:
        asked.append(identifier)
        return True, 0

    client = make_app(access=hook).test_client()
    client.get("/iiif/3/quadrants/info.json")
    client.get("/iiif/3/nothing-here/info.json")  # unknown: no need to ask
    assert asked == ["quadrants"]
