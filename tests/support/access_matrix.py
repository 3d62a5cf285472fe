"""The access matrix: every access level × every kind of visitor × every surface.

A small catalogue of its own (below) has, for each level L of public, registered,
onsite, staff and hidden:

- `rec-L`: a record whose licence rule puts the record itself, its content and its
  downloads at level L;
- `scan-L`: a record everyone may see whose content and downloads are at level L
  (previews up to 400 px for everyone): the reading-room and registered-reader scans.

Every record has a 800×600 scan, an audio file and a PDF, stored as ingest stores them.
The visitors: anonymous off site, anonymous on the library network (10.99.0.0/16),
a reader, a librarian and an admin (all three off site).

What each visitor must meet on each surface is WRITTEN OUT in the tables below, row by
row, not computed from the policy: the tables are the specification, the policy is
what is tested. Outcome words:

    yes / no      listed in results, counted in facets, suggested, published in a feed
    200 / 404     the page or document answers, or the record does not exist for them
                  (a record they may not see: its content is not there either)
    login         an anonymous visitor is sent to log in (302 to /login)
    403           a logged-in visitor is refused
    refused       content refused: 401 for anonymous visitors, 403 for logged-in ones
    full          the IIIF image comes at full size (800 px wide)
    preview       only a preview comes (at most 400 px wide)

Surfaces another part of thuvien has not built yet (audio streams, file downloads) are
marked xfail(strict=True) only while their route does not exist: when the route lands,
the rows run, and any that then pass turn the strict xfail into a failure to remove.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pyvips
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from catalogue import users
from catalogue.record import DigitalObject, Record
from catalogue.rights import Conditions, LicenceRule, Outcomes, save_rule
from catalogue.runs import HarvestedItem
from catalogue.settings import RightsSettings, Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app

SOURCE = "ma-tran"
LEVELS = ("public", "registered", "onsite", "staff", "hidden")
VISITORS = ("anonymous", "anonymous-onsite", "reader", "librarian", "admin")
NETWORK = "10.99.0.0/16"
ADDRESSES = {
    "anonymous": "203.0.113.10",
    "anonymous-onsite": "10.99.4.20",
    "reader": "203.0.113.11",
    "librarian": "203.0.113.12",
    "admin": "203.0.113.13",
}
PASSWORD = "ma trận quyền truy cập"
WIDTH, HEIGHT, PREVIEW = 800, 600, 400

# A word only each record's title holds, so a search or a suggestion finds just it.
WORDS = {
    "public": "Qoxpublic",
    "registered": "Qoxregistered",
    "onsite": "Qoxonsite",
    "staff": "Qoxstaff",
    "hidden": "Qoxhidden",
}


def record_id(family: str, level: str) -> str:
    return f"{SOURCE}:{family}-{level}"


# -- the specification ----------------------------------------------------------------------

RECORD_SURFACES = (
    "results",
    "facets",
    "suggest",
    "record",
    "api-search",
    "api-record",
    "oai-get",
    "oai-list",
    "sitemap",
    "cite",
    "raw",
)

# For the `rec-L` records: the record itself at level L.
RECORD_TABLE = """
level       visitor           results facets suggest record api-search api-record oai-get oai-list sitemap cite raw
public      anonymous         yes     yes    yes     200    yes        200        yes     yes      yes     200  login
public      anonymous-onsite  yes     yes    yes     200    yes        200        yes     yes      yes     200  login
public      reader            yes     yes    yes     200    yes        200        yes     yes      yes     200  403
public      librarian         yes     yes    yes     200    yes        200        yes     yes      yes     200  200
public      admin             yes     yes    yes     200    yes        200        yes     yes      yes     200  200
registered  anonymous         no      no     no      404    no         404        no      no       no      404  404
registered  anonymous-onsite  no      no     no      404    no         404        no      no       no      404  404
registered  reader            yes     yes    yes     200    yes        200        no      no       no      200  403
registered  librarian         yes     yes    yes     200    yes        200        no      no       no      200  200
registered  admin             yes     yes    yes     200    yes        200        no      no       no      200  200
onsite      anonymous         no      no     no      404    no         404        no      no       no      404  404
onsite      anonymous-onsite  yes     yes    yes     200    yes        200        no      no       no      200  login
onsite      reader            no      no     no      404    no         404        no      no       no      404  404
onsite      librarian         yes     yes    yes     200    yes        200        no      no       no      200  200
onsite      admin             yes     yes    yes     200    yes        200        no      no       no      200  200
staff       anonymous         no      no     no      404    no         404        no      no       no      404  404
staff       anonymous-onsite  no      no     no      404    no         404        no      no       no      404  404
staff       reader            no      no     no      404    no         404        no      no       no      404  404
staff       librarian         yes     yes    yes     200    yes        200        no      no       no      200  200
staff       admin             yes     yes    yes     200    yes        200        no      no       no      200  200
hidden      anonymous         no      no     no      404    no         404        no      no       no      404  404
hidden      anonymous-onsite  no      no     no      404    no         404        no      no       no      404  404
hidden      reader            no      no     no      404    no         404        no      no       no      404  404
hidden      librarian         yes     yes    yes     200    yes        200        no      no       no      200  200
hidden      admin             yes     yes    yes     200    yes        200        no      no       no      200  200
"""  # noqa: E501 — a table reads better on one line per row

CONTENT_SURFACES = ("iiif-info", "iiif-full", "audio", "download")

# For `rec-L` (record, content and downloads at L) and `scan-L` (record public,
# content and downloads at L, previews for everyone).
CONTENT_TABLE = """
family level       visitor           iiif-info iiif-full audio   download
rec    public      anonymous         200       full      200     200
rec    public      anonymous-onsite  200       full      200     200
rec    public      reader            200       full      200     200
rec    public      librarian         200       full      200     200
rec    public      admin             200       full      200     200
rec    registered  anonymous         404       404       404     404
rec    registered  anonymous-onsite  404       404       404     404
rec    registered  reader            200       full      200     200
rec    registered  librarian         200       full      200     200
rec    registered  admin             200       full      200     200
rec    onsite      anonymous         404       404       404     404
rec    onsite      anonymous-onsite  200       full      200     200
rec    onsite      reader            404       404       404     404
rec    onsite      librarian         200       full      200     200
rec    onsite      admin             200       full      200     200
rec    staff       anonymous         404       404       404     404
rec    staff       anonymous-onsite  404       404       404     404
rec    staff       reader            404       404       404     404
rec    staff       librarian         200       full      200     200
rec    staff       admin             200       full      200     200
rec    hidden      anonymous         404       404       404     404
rec    hidden      anonymous-onsite  404       404       404     404
rec    hidden      reader            404       404       404     404
rec    hidden      librarian         200       full      200     200
rec    hidden      admin             200       full      200     200
scan   public      anonymous         200       full      200     200
scan   public      anonymous-onsite  200       full      200     200
scan   public      reader            200       full      200     200
scan   public      librarian         200       full      200     200
scan   public      admin             200       full      200     200
scan   registered  anonymous         200       preview   refused refused
scan   registered  anonymous-onsite  200       preview   refused refused
scan   registered  reader            200       full      200     200
scan   registered  librarian         200       full      200     200
scan   registered  admin             200       full      200     200
scan   onsite      anonymous         200       preview   refused refused
scan   onsite      anonymous-onsite  200       full      200     200
scan   onsite      reader            200       preview   refused refused
scan   onsite      librarian         200       full      200     200
scan   onsite      admin             200       full      200     200
scan   staff       anonymous         200       preview   refused refused
scan   staff       anonymous-onsite  200       preview   refused refused
scan   staff       reader            200       preview   refused refused
scan   staff       librarian         200       full      200     200
scan   staff       admin             200       full      200     200
scan   hidden      anonymous         200       preview   refused refused
scan   hidden      anonymous-onsite  200       preview   refused refused
scan   hidden      reader            200       preview   refused refused
scan   hidden      librarian         200       full      200     200
scan   hidden      admin             200       full      200     200
"""


def parse_table(text: str) -> tuple[list[str], list[list[str]]]:
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert all(len(row) == len(header) for row in rows), "a row of the table is short"
    return header, rows


def record_expectations() -> dict[str, dict[tuple[str, str], str]]:
    """visitor → {(level, surface): outcome}."""
    header, rows = parse_table(RECORD_TABLE)
    assert header[2:] == list(RECORD_SURFACES)
    out: dict[str, dict[tuple[str, str], str]] = {v: {} for v in VISITORS}
    for level, visitor, *outcomes in rows:
        out[visitor].update({(level, s): o for s, o in zip(RECORD_SURFACES, outcomes, strict=True)})
    assert sorted({(lv, v) for lv, v, *_ in rows}) == sorted(
        (lv, v) for lv in LEVELS for v in VISITORS
    ), "the table must have one row per level and visitor"
    return out


def content_expectations() -> dict[tuple[str, str], dict[str, str]]:
    """(surface, visitor) → {record id: outcome}."""
    header, rows = parse_table(CONTENT_TABLE)
    assert header[3:] == list(CONTENT_SURFACES)
    out: dict[tuple[str, str], dict[str, str]] = {}
    for family, level, visitor, *outcomes in rows:
        for surface, outcome in zip(CONTENT_SURFACES, outcomes, strict=True):
            out.setdefault((surface, visitor), {})[record_id(family, level)] = outcome
    assert len(rows) == 2 * len(LEVELS) * len(VISITORS)
    return out


EXPECTED_RECORDS = record_expectations()
EXPECTED_CONTENT = content_expectations()


# -- the catalogue --------------------------------------------------------------------------


@dataclass
class Matrix:
    app: Flask
    store: Store
    clients: dict[str, FlaskClient]
    locations: dict[str, dict[str, str]]


def _jpeg(width: int, height: int) -> bytes:
    image = pyvips.Image.black(width, height, bands=3) + [90, 120, 160]
    return image.cast("uchar").jpegsave_buffer(Q=80)


def _wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(struct.pack("<h", 0) * int(seconds * rate))
    return out.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _stored(data_dir: Path, content: bytes, suffix: str) -> tuple[str, str]:
    """Store a file as ingest does (content-addressed); its relative path and SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    relative = f"objects/{digest[:2]}/{digest}{suffix}"
    path = data_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return relative, digest


def _objects(data_dir: Path, name: str) -> list[DigitalObject]:
    files = [
        ("image", _jpeg(WIDTH, HEIGHT), ".jpg", "image/jpeg"),
        ("audio", _wav(), ".wav", "audio/wav"),
        ("pdf", PDF + name.encode(), ".pdf", "application/pdf"),
    ]
    objects = []
    for order, (kind, content, suffix, mime) in enumerate(files, start=1):
        stored, digest = _stored(data_dir, content, suffix)
        objects.append(
            DigitalObject(
                kind=kind,
                location=f"http://127.0.0.1:9/{name}{suffix}",
                label=f"{name} {kind}",
                order=order,
                mime_type=mime,
                bytes=len(content),
                sha256=digest,
                duration=0.5 if kind == "audio" else None,
                width=WIDTH if kind == "image" else None,
                height=HEIGHT if kind == "image" else None,
                stored_path=stored,
            )
        )
    return objects


def _records(data_dir: Path) -> list[Record]:
    records = []
    for level in LEVELS:
        for family in ("rec", "scan"):
            title = f"{WORDS[level]} {family} ma trận"
            records.append(
                Record(
                    SOURCE,
                    f"{family}-{level}",
                    title=title,
                    authors=[f"Tác giả {family} {level}"],
                    year=1950 + len(records),
                    languages=["vie"],
                    format="book",
                    subjects=[f"Chủ đề {family} {level}"],
                    collections=[f"{family}-{level}"],
                    digital_objects=_objects(data_dir, f"{family}-{level}"),
                )
            )
    return records


def _rules(store: Store) -> None:
    for level in LEVELS:
        save_rule(
            store,
            LicenceRule(
                name=f"Everything at {level}",
                conditions=Conditions(collections=(f"rec-{level}",)),
                outcomes=Outcomes(
                    see_record=level, view_content=level, download=level, preview_max_px=PREVIEW
                ),
            ),
        )
        save_rule(
            store,
            LicenceRule(
                name=f"Scans at {level}",
                conditions=Conditions(collections=(f"scan-{level}",)),
                outcomes=Outcomes(
                    see_record="public",
                    view_content=level,
                    download=level,
                    view_preview="public",
                    preview_max_px=PREVIEW,
                ),
            ),
        )


def _client(app: Flask, visitor: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ADDRESSES[visitor]
    if visitor.startswith("anonymous"):
        return client
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": f"matrix-{visitor}", "password": PASSWORD},
    )
    assert response.status_code == 303, f"{visitor} could not log in"
    return client


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    data_dir = tmp_path_factory.mktemp("access-matrix")
    settings = Settings(data_dir=data_dir, rights=RightsSettings(onsite_networks=(NETWORK,)))
    store = Store(settings.db_url)
    store.put_source(Source(SOURCE, "Thư viện Ma Trận", "oai", "http://127.0.0.1:9/oai"))
    run_id = store.start_run(SOURCE, "full")
    store.save_items(
        run_id,
        SOURCE,
        [HarvestedItem(r.local_id, b"<record/>", "oai_dc", r) for r in _records(data_dir)],
    )
    store.finish_run(run_id, "succeeded")
    _rules(store)
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index, onsite_networks=settings.rights.onsite_networks)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        for role in ("reader", "librarian", "admin"):
            users.create_user(store, f"matrix-{role}", PASSWORD, role=role)
        app = create_app(settings, store=store, index=index)
        clients = {visitor: _client(app, visitor) for visitor in VISITORS}
    yield Matrix(app, store, clients, {})
    store.close()
