"""The API's record links to scans: a manifest, the first page's image service and a
thumbnail, only for readers the licence rules let see at least a preview."""

from __future__ import annotations

import pytest

from tests.iiif.conftest import Scans, client_as


def links(scans: Scans, who: str, level: str) -> dict:
    response = client_as(scans, who).get(f"/api/records/lib:{level}")
    assert response.status_code == 200, response.status_code
    return response.get_json()["links"]


@pytest.mark.parametrize(
    ("who", "level"),
    [
        ("anonymous", "public"),
        ("anonymous", "registered"),  # a preview: the thumbnail is within it
        ("anonymous", "staff"),
        ("onsite", "onsite"),
    ],
)
def test_scans_a_reader_may_see_are_linked_and_the_thumbnail_loads(scans, who, level):
    found = links(scans, who, level)
    assert found["html"].endswith(f"/record/lib:{level}")
    assert found["iiif_manifest"].endswith(f"/iiif/3/manifest/lib:{level}")
    assert found["iiif_image"].endswith(f"/iiif/3/lib:{level}~1")
    assert found["thumbnail"].endswith(f"/iiif/3/lib:{level}~1/full/!150,150/0/default.jpg")
    client = client_as(scans, who)
    thumbnail = client.get(found["thumbnail"].split("localhost", 1)[1])
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    assert client.get(found["iiif_manifest"].split("localhost", 1)[1]).status_code == 200


def test_scans_a_reader_may_not_see_are_not_linked(scans):
    found = links(scans, "anonymous", "onsite")  # reading room only, no preview
    assert "html" in found
    assert not {"iiif_manifest", "iiif_image", "thumbnail"} & found.keys()


def test_hidden_records_have_no_record_at_all(scans):
    assert client_as(scans, "anonymous").get("/api/records/lib:hidden").status_code == 404
