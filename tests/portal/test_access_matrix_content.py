"""The access matrix on the content surfaces: every access level x every visitor on
IIIF image information and images, audio streams and file downloads. The tables and
the catalogue are in tests/support/access_matrix.py.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlparse

import lxml.html
import pytest
import pyvips
from flask import Flask, url_for
from flask.testing import FlaskClient

from catalogue.settings import Settings
from catalogue.store import Store
from indexer import TantivyIndex
from portal.app import create_app
from tests.support.access_matrix import (
    CONTENT_SURFACES,
    EXPECTED_CONTENT,
    PREVIEW,
    VISITORS,
    WIDTH,
    Matrix,
)
from tests.support.access_matrix import matrix as matrix  # a fixture

# -- which surfaces exist -------------------------------------------------------------------


def _routes() -> list[tuple[str, str]]:
    """(endpoint, rule) of every route of a freshly built app (read at collection time)."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder))
        store = Store(settings.db_url)
        try:
            app = create_app(settings, store=store, index=TantivyIndex(settings.index_dir))
            return [(r.endpoint, r.rule) for r in app.url_map.iter_rules()]
        finally:
            store.close()


ROUTES = _routes()


def _has_route(*, endpoints: tuple[str, ...] = (), words: tuple[str, ...] = ()) -> bool:
    """A route with one of these endpoints, or whose endpoint or rule holds one of these
    words (outside the console, the raw MARC view and the static files)."""
    for endpoint, rule in ROUTES:
        if endpoint in endpoints:
            return True
        if endpoint.startswith("admin.") or endpoint in ("static", "record.raw_download"):
            continue
        if any(w in endpoint or w in rule for w in words):
            return True
    return False


BUILT = {
    "iiif-info": _has_route(endpoints=("iiif.info",)),
    "iiif-full": _has_route(endpoints=("iiif.image",)),
    # The audio helper's stream route (portal/audiobooks.py).
    "audio": _has_route(words=("stream", "/audio/")),
    # Downloads of a record's files (not the raw MARC record).
    "download": _has_route(words=("download", "/files/")),
}


def surface_param(surface: str, visitor: str):
    marks = []
    if not BUILT[surface]:
        marks.append(pytest.mark.xfail(strict=True, reason="surface not built yet"))
    return pytest.param(surface, visitor, marks=marks, id=f"{surface}-{visitor}")


# -- content surfaces -----------------------------------------------------------------------

# Where each record's content is: found as a librarian finds it, from the record page and
# the API (and the IIIF manifest they link to), not from a guessed URL scheme.
_IIIF = re.compile(r"/iiif/3/([^/\s\"'<>?#]+)/(?:info\.json|full/)")
_AUDIO_SRC = re.compile(r"<(?:audio|source)\b[^>]*\bsrc=\"([^\"]+)\"")


def _links(client: FlaskClient, rid: str) -> tuple[str, list[str]]:
    """The record page, the API record and any manifest they link to, as text; and every
    href/src on the record page."""
    page = client.get(f"/record/{rid}")
    assert page.status_code == 200, f"the record page of {rid} answered {page.status_code}"
    html = page.get_data(as_text=True)
    texts = [html, client.get(f"/api/records/{rid}").get_data(as_text=True)]
    doc = lxml.html.fromstring(html)
    links = [v for v in doc.xpath("//@href | //@src | //@data-manifest | //@data-src") if v]
    manifests = [
        urlparse(urljoin(f"http://localhost/record/{rid}", link)).path
        for link in links
        if "manifest" in link
    ]
    # The record's IIIF manifest by its own route too, built by the app (not guessed).
    app = client.application
    for rule in app.url_map.iter_rules():
        if "manifest" in rule.endpoint and set(rule.arguments) == {"record_id"}:
            with app.test_request_context():
                manifests.append(url_for(rule.endpoint, record_id=rid))
    for path in dict.fromkeys(manifests):
        texts.append(client.get(path).get_data(as_text=True))
    return "\n".join(texts), links


def content_locations(matrix: Matrix, rid: str) -> dict[str, str]:
    """Paths of the record's image (its IIIF identifier), audio stream and PDF download."""
    if rid not in matrix.locations:
        matrix.locations[rid] = _find_locations(matrix, rid)
    return matrix.locations[rid]


def _find_locations(matrix: Matrix, rid: str) -> dict[str, str]:
    text, links = _links(matrix.clients["admin"], rid)
    found: dict[str, str] = {}
    identifiers = _IIIF.findall(text)
    if identifiers:
        found["iiif"] = identifiers[0]
    audio = _AUDIO_SRC.findall(text) + [link for link in links if "stream" in link]
    audio += _routes_for(matrix.app, rid, ("stream", ".audio"))
    if audio:
        found["audio"] = urlparse(audio[0]).path + (
            "?" + urlparse(audio[0]).query if urlparse(audio[0]).query else ""
        )
    downloads = [
        link
        for link in links
        if ("download" in link or "/files/" in link)
        and "/raw/download" not in link
        and "cite." not in link
    ]
    downloads += _routes_for(matrix.app, rid, ("download", "file"))
    if downloads:
        found["download"] = urlparse(downloads[0]).path
    return found


def _routes_for(app: Flask, rid: str, words: tuple[str, ...]) -> list[str]:
    """The app's own URLs for this record's first file, from routes named with one of
    `words` that take the record id (and a file number): built by the app, not guessed."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") or rule.endpoint == "record.raw_download":
            continue
        if not any(w in rule.endpoint for w in words) or "record_id" not in rule.arguments:
            continue
        values: dict[str, object] = {"record_id": rid}
        for name in rule.arguments - {"record_id"}:
            values[name] = 1  # the first file
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, **values))
    return urls


def _refused(visitor: str) -> str:
    return "401" if visitor.startswith("anonymous") else "403"


def content_outcome(matrix: Matrix, surface: str, visitor: str, rid: str) -> str:
    where = content_locations(matrix, rid)
    key = "iiif" if surface.startswith("iiif") else surface
    assert key in where, (
        f"the {surface} surface exists, but the record page of {rid} (as an admin) links to "
        f"no {key} URL: found {sorted(where)}"
    )
    client = matrix.clients[visitor]
    if surface == "iiif-info":
        path = f"/iiif/3/{where['iiif']}/info.json"
    elif surface == "iiif-full":
        path = f"/iiif/3/{where['iiif']}/full/max/0/default.jpg"
    else:
        path = where[key]
    response = client.get(path, headers={"Range": "bytes=0-"} if surface == "audio" else {})
    status = response.status_code
    if status in (401, 403):
        assert str(status) == _refused(visitor), f"{path}: {status} for {visitor}"
        return "refused"
    if surface == "iiif-full" and status == 200:
        width = pyvips.Image.new_from_buffer(response.data, "").width
        if width == WIDTH:
            return "full"
        assert width <= PREVIEW, f"{path}: {width} px wide for {visitor}"
        return "preview"
    if status == 206:
        return "200"
    return str(status)


@pytest.mark.parametrize(
    ("surface", "visitor"),
    [surface_param(s, v) for s in CONTENT_SURFACES for v in VISITORS],
)
def test_content_surfaces(matrix: Matrix, surface: str, visitor: str) -> None:
    expected = EXPECTED_CONTENT[(surface, visitor)]
    seen = {rid: content_outcome(matrix, surface, visitor, rid) for rid in expected}
    wrong = {rid: (seen[rid], expected[rid]) for rid in expected if seen[rid] != expected[rid]}
    assert not wrong, f"{surface}, {visitor}: record: (seen, expected): {wrong}"
