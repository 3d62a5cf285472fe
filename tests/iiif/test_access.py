"""Ingested page scans through the portal's IIIF server, each level of the licence rules
against each kind of requester: full image, preview (in info.json too), 401/403, 404."""

from __future__ import annotations

import json

import pytest
import pyvips

from catalogue import audit
from iiif.objects import image_identifier, parse_image_identifier
from tests.iiif.conftest import HEIGHT, WIDTH, Scans, client_as


def base(level: str, page: int = 1) -> str:
    return f"/iiif/3/{image_identifier(f'lib:{level}', page)}"


def size_of(data: bytes) -> tuple[int, int]:
    image = pyvips.Image.new_from_buffer(data, "")
    return image.width, image.height


# What each requester gets of each level: "full", a preview's longest side, or a status.
EXPECTED = {
    "public": {"anonymous": "full", "reader": "full", "onsite": "full", "librarian": "full"},
    "registered": {"anonymous": 300, "reader": "full", "onsite": 300, "librarian": "full"},
    "onsite": {"anonymous": 401, "reader": 403, "onsite": "full", "librarian": "full"},
    "staff": {"anonymous": 200, "reader": 200, "onsite": 200, "librarian": "full"},
    "hidden": {"anonymous": 404, "reader": 404, "onsite": 404, "librarian": "full"},
}
CASES = [(level, who, want) for level, row in EXPECTED.items() for who, want in row.items()]


@pytest.mark.parametrize(("level", "who", "want"), CASES)
def test_level_by_requester(scans: Scans, level: str, who: str, want) -> None:
    client = client_as(scans, who)
    info = client.get(f"{base(level)}/info.json")
    full = client.get(f"{base(level)}/full/max/0/default.jpg")
    big = client.get(f"{base(level)}/full/{WIDTH},/0/default.jpg")
    if want == "full":
        assert info.status_code == 200
        doc = json.loads(info.data)
        assert (doc["maxWidth"], doc["maxHeight"]) == (WIDTH, HEIGHT)
        assert full.status_code == 200 and size_of(full.data) == (WIDTH, HEIGHT)
        assert big.status_code == 200
    elif isinstance(want, int) and want < 400:  # a preview of at most `want` pixels
        assert info.status_code == 200
        doc = json.loads(info.data)
        assert (doc["width"], doc["height"]) == (WIDTH, HEIGHT)
        assert max(doc["maxWidth"], doc["maxHeight"]) == want
        assert doc["maxArea"] <= want * want
        assert full.status_code == 200 and max(size_of(full.data)) == want
        # Larger than the preview: 401 to a visitor who is not logged in (logging in may
        # open it), 403 to a reader who is.
        assert big.status_code == (403 if who == "reader" else 401)
        assert full.headers["Cache-Control"].startswith("private")
    else:
        for response in (info, full, big):
            assert response.status_code == want, response.data
            assert response.headers["Content-Type"].startswith("text/plain")


def test_full_restricted_deliveries_are_audited_once(scans: Scans) -> None:
    client = client_as(scans, "reader")
    before = audit.count(scans.store, action=audit.CONTENT_ACCESSED, target="lib:registered")
    for region in ("full", "0,0,100,100", "100,100,200,200"):
        assert client.get(f"{base('registered')}/{region}/max/0/default.jpg").status_code == 200
    after = audit.count(scans.store, action=audit.CONTENT_ACCESSED, target="lib:registered")
    assert after == before + 1

    # Public content and previews are not restricted deliveries: nothing is logged.
    def logged(level: str) -> int:
        return audit.count(scans.store, action=audit.CONTENT_ACCESSED, target=f"lib:{level}")

    public_before, staff_before = logged("public"), logged("staff")
    assert client.get(f"{base('public')}/full/max/0/default.jpg").status_code == 200
    anonymous = client_as(scans, "anonymous")
    assert anonymous.get(f"{base('staff')}/full/max/0/default.jpg").status_code == 200
    assert (logged("public"), logged("staff")) == (public_before, staff_before)


def test_pages_and_unknown_identifiers(scans: Scans) -> None:
    client = client_as(scans, "anonymous")
    assert client.get(f"{base('public', 2)}/info.json").status_code == 200
    for url in (
        f"{base('public', 3)}/info.json",  # no third page
        "/iiif/3/lib:nothing~1/info.json",  # no such record
        "/iiif/3/b64.bm90LWEtcmVjb3Jk~1/info.json",  # decodes to an id without ':'
    ):
        assert client.get(url).status_code == 404, url
    for url in ("/iiif/3/lib:public~1%2F..%2F..%2Fsecret/info.json", "/iiif/3/lib:public~0/"):
        assert client.get(url).status_code in (400, 404), url


def test_identifier_scheme_round_trips() -> None:
    for record_id in ("hanoi-library:10001", "a:b~c", "thư-viện:số 1/2", "x:é"):
        identifier = image_identifier(record_id, 7)
        assert parse_image_identifier(identifier) == (record_id, 7)
    assert image_identifier("hanoi-library:10001", 2) == "hanoi-library:10001~2"
    assert image_identifier("x:số 1", 1).startswith("b64.")
    assert parse_image_identifier("folder-image") is None
    assert parse_image_identifier("lib:x~0") is None
