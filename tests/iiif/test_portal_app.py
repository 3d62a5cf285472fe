"""The IIIF blueprint inside the real portal app (its error pages, CSRF, i18n around it).

Registered here with `init_app(app, settings)`, as portal/app.py's create_app is to do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalogue.settings import Settings
from iiif.server import init_app
from portal.app import create_app


@pytest.fixture(scope="module")
def portal_client(images_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    data_dir = tmp_path_factory.mktemp("portal-iiif")
    (data_dir / "images").mkdir()
    shutil.copy(images_dir / "quadrants.png", data_dir / "images" / "map-1.png")
    settings = Settings(data_dir=data_dir)
    app = create_app(settings)
    if "iiif" not in app.blueprints:
        init_app(app, settings)
    yield app.test_client()
    app.extensions["thuvien"].store.close()


def test_served_from_the_data_folder(portal_client) -> None:
    info = portal_client.get("/iiif/3/map-1/info.json")
    assert info.status_code == 200
    assert info.get_json(force=True)["id"] == "http://localhost/iiif/3/map-1"
    image = portal_client.get("/iiif/3/map-1/full/100,/0/default.jpg")
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"


def test_errors_stay_plain_text_with_cors(portal_client) -> None:
    for url, status in [
        ("/iiif/3/map-2/info.json", 404),
        ("/iiif/3/map-1/full/max/0/default.gif", 400),
        ("/iiif/3/..%2F..%2Fetc%2Fpasswd/info.json", 400),
    ]:
        response = portal_client.get(url)
        assert response.status_code == status
        assert response.headers["Content-Type"].startswith("text/plain")
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_derivatives_cached_under_the_data_folder(portal_client) -> None:
    portal_client.get("/iiif/3/map-1/full/90,/0/default.png")
    app = portal_client.application
    cache_dir = Path(app.config["THUVIEN_IIIF_CACHE_DIR"])
    assert cache_dir == app.extensions["thuvien"].settings.data_dir / "cache" / "iiif"
    assert any(cache_dir.rglob("*.bin"))
