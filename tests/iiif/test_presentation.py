"""Presentation 3 manifests and collections of ingested scans, through the portal app:
their shape (checked against iiif-prezi3's models), their URLs, CORS and access."""

from __future__ import annotations

import json

import pytest
from iiif_prezi3 import Collection, Manifest

from iiif.objects import image_identifier
from iiif.presentation import page_label, rights_uri
from tests.iiif.conftest import HEIGHT, WIDTH, Scans, client_as

CONTEXT = "http://iiif.io/api/presentation/3/context.json"


def get_json(client, url: str, status: int = 200) -> dict:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == status, (url, response.data[:200])
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.data) if status == 200 else {}


def test_manifest_of_a_public_record(scans: Scans) -> None:
    client = client_as(scans, "anonymous")
    response = client.get("/iiif/3/manifest/lib:public")
    assert response.headers["Content-Type"] == f'application/ld+json;profile="{CONTEXT}"'
    manifest = json.loads(response.data)
    Manifest(**manifest)  # the Presentation 3 model accepts it as served
    base = "http://localhost"
    assert manifest["@context"] == CONTEXT
    assert manifest["id"] == f"{base}/iiif/3/manifest/lib:public"
    assert manifest["type"] == "Manifest"
    assert manifest["label"] == {"vi": ["Bản quét public"]}
    assert manifest["rights"] == "http://rightsstatements.org/vocab/NoC-US/1.0/"
    assert manifest["requiredStatement"] == {
        "label": {"vi": ["Thư viện lưu giữ"], "en": ["Held by"]},
        "value": {"none": ["Thư viện thử nghiệm"]},
    }
    assert manifest["homepage"][0]["id"] == f"{base}/record/lib:public"
    assert manifest["homepage"][0]["format"] == "text/html"
    labels = {m["label"]["en"][0]: m["value"] for m in manifest["metadata"]}
    assert labels["Authors"] == {"none": ["Nguyễn Du, 1766-1820"]}
    assert labels["Year"] == {"none": ["1902"]}
    assert all(set(m["label"]) == {"vi", "en"} for m in manifest["metadata"])

    # Pages in `order`, each a Canvas painted with an Image that has its image service.
    canvases = manifest["items"]
    assert [c["label"] for c in canvases] == [
        {"vi": ["Trang 1"], "en": ["Page 1"]},
        {"vi": ["Trang 2"], "en": ["Page 2"]},
    ]
    assert [(c["width"], c["height"]) for c in canvases] == [(WIDTH, HEIGHT), (HEIGHT, WIDTH)]
    for number, canvas in enumerate(canvases, 1):
        annotation = canvas["items"][0]["items"][0]
        assert annotation["motivation"] == "painting" and annotation["target"] == canvas["id"]
        body = annotation["body"]
        service = body["service"][0]
        identifier = image_identifier("lib:public", number)
        assert service == {
            "id": f"{base}/iiif/3/{identifier}",
            "type": "ImageService3",
            "profile": "level2",
        }
        assert body["id"] == f"{base}/iiif/3/{identifier}/full/max/0/default.jpg"
        # Every URL in the manifest answers.
        assert client.get(body["id"]).status_code == 200
        info = get_json(client, service["id"].removeprefix(base) + "/info.json")
        assert (info["width"], info["height"]) == (canvas["width"], canvas["height"])
    thumbnail = manifest["thumbnail"][0]
    assert client.get(thumbnail["id"].removeprefix(base)).status_code == 200
    assert client.get(manifest["homepage"][0]["id"].removeprefix(base)).status_code == 200


@pytest.mark.parametrize(
    ("level", "who", "status"),
    [
        ("hidden", "anonymous", 404),
        ("hidden", "reader", 404),
        ("hidden", "librarian", 200),
        ("onsite", "anonymous", 200),  # restricted content: canvases listed, images refused
        ("staff", "reader", 200),
        ("nothing", "librarian", 404),
    ],
)
def test_manifest_access(scans: Scans, level: str, who: str, status: int) -> None:
    client = client_as(scans, who)
    manifest = get_json(client, f"/iiif/3/manifest/lib:{level}", status)
    if status == 200:
        assert len(manifest["items"]) == 2


def test_restricted_content_manifest_points_at_previews(scans: Scans) -> None:
    client = client_as(scans, "anonymous")
    manifest = get_json(client, "/iiif/3/manifest/lib:staff")
    body = manifest["items"][0]["items"][0]["items"][0]["body"]
    image = client.get(body["id"].removeprefix("http://localhost"))
    assert image.status_code == 200  # "max" is the preview for this reader
    onsite = get_json(client, "/iiif/3/manifest/lib:onsite")
    body = onsite["items"][0]["items"][0]["items"][0]["body"]
    assert client.get(body["id"].removeprefix("http://localhost")).status_code == 401


def test_collections_per_library_and_per_collection(scans: Scans) -> None:
    client = client_as(scans, "anonymous")
    top = get_json(client, "/iiif/3/collection")
    Collection(**top)
    ids = [item["id"] for item in top["items"]]
    assert "http://localhost/iiif/3/collection/library/lib" in ids
    assert "http://localhost/iiif/3/collection/named/collection-public" in ids
    assert not any("collection-hidden" in i for i in ids)  # hidden names are not revealed
    library = get_json(client, "/iiif/3/collection/library/lib")
    Collection(**library)
    assert library["label"] == {"none": ["Thư viện thử"]}
    manifests = {item["id"].rsplit("/", 1)[1] for item in library["items"]}
    assert manifests == {"lib:public", "lib:registered", "lib:onsite", "lib:staff"}
    named = get_json(client, "/iiif/3/collection/named/collection-public")
    assert [i["id"] for i in named["items"]] == ["http://localhost/iiif/3/manifest/lib:public"]
    get_json(client, "/iiif/3/collection/named/collection-hidden", 404)
    get_json(client, "/iiif/3/collection/library/nowhere", 404)
    staff = client_as(scans, "librarian")
    assert any(
        "collection-hidden" in i["id"] for i in get_json(staff, "/iiif/3/collection")["items"]
    )


def test_plain_json_when_asked_and_cors_preflight(scans: Scans) -> None:
    client = client_as(scans, "anonymous")
    response = client.get("/iiif/3/manifest/lib:public", headers={"Accept": "application/json"})
    assert response.headers["Content-Type"] == "application/json"
    preflight = client.options("/iiif/3/manifest/lib:public")
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_labels_and_rights() -> None:
    assert page_label("Mảnh 2", 2) == {"vi": ["Mảnh 2"], "en": ["Sheet 2"]}
    assert page_label("", 4) == {"vi": ["Trang 4"], "en": ["Page 4"]}
    assert page_label("Bìa trước", 1) == {"none": ["Bìa trước"]}
    assert rights_uri("https://creativecommons.org/licenses/by/4.0/") == (
        "http://creativecommons.org/licenses/by/4.0/"
    )
    assert rights_uri("http://rightsstatements.org/vocab/InC/1.0/") == (
        "http://rightsstatements.org/vocab/InC/1.0/"
    )
    assert rights_uri("Bản quyền thuộc thư viện") == ""
