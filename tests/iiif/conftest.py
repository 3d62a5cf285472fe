"""IIIF fixtures: test images made with pyvips in a temporary folder, and apps serving them;
`scans`: the portal over a catalogue with ingested page scans, one record per access level.

- VALIDATOR_ID: the official validator's 1000 × 1000 test pattern (10 × 10 squares of
  known colours), stored as the pyramidal TIFF ingest makes.
- "quadrants": 400 × 300 PNG, red / green above, blue / white below (exact pixels).
- "gray": 256 × 100 one-band gradient PNG.
- "scan": 3000 × 2000 JPEG (shrink-on-load), "scan-pyramid": the same as pyramidal TIFF.
- "huge": a TIFF whose header says 20,000 × 20,000 and that has no pixel data: what must
  be refused from the header alone.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pyvips
from argon2 import PasswordHasher
from flask import Flask

from catalogue import users
from catalogue.record import DigitalObject, Holding, Record
from catalogue.rights import Conditions, LicenceRule, Outcomes, save_rule
from catalogue.runs import HarvestedItem
from catalogue.settings import RightsSettings, Settings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.ingest import Ingester
from iiif.render import convert_to_pyramid
from iiif.server import init_app
from portal.app import create_app
from tests.support.accounts import browser, log_in, make_user

VALIDATOR_ID = "67352ccc-d1b0-11e1-89ae-279075081939"
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def validator_colours() -> list[list[tuple[int, int, int]]]:
    """colours[x][y] of the square in column x, row y (the validator's own table)."""
    from iiif_validator.validator import ValidationInfo

    return ValidationInfo().colorInfo


def _from_pixels(pixels: list[list[tuple[int, ...]]]) -> Any:
    """An image from rows of pixel tuples."""
    height, width, bands = len(pixels), len(pixels[0]), len(pixels[0][0])
    data = bytes(v for row in pixels for px in row for v in px)
    image = pyvips.Image.new_from_memory(data, width, height, bands, "uchar")
    return image.copy(interpretation="srgb" if bands >= 3 else "b-w")


def make_pattern() -> Any:
    colours = validator_colours()
    rows = [[colours[x][y] for x in range(10)] for y in range(10)]
    return _from_pixels(rows).zoom(100, 100)


def make_quadrants() -> Any:
    return _from_pixels([[RED, GREEN], [BLUE, WHITE]]).zoom(200, 150)


def write_header_only_tiff(path: Path, width: int, height: int) -> None:
    """A one-band TIFF whose header says width × height and whose pixels are not there."""
    short, long_ = 3, 4
    tags = [
        (256, long_, width),  # ImageWidth
        (257, long_, height),  # ImageLength
        (258, short, 8),  # BitsPerSample
        (259, short, 1),  # Compression: none
        (262, short, 1),  # PhotometricInterpretation: black is zero
        (273, long_, 8),  # StripOffsets
        (277, short, 1),  # SamplesPerPixel
        (278, long_, height),  # RowsPerStrip
        (279, long_, width * height),  # StripByteCounts
    ]
    entries = b"".join(
        struct.pack("<HHII", tag, kind, 1, value)
        if kind == long_
        else struct.pack("<HHIHH", tag, kind, 1, value, 0)
        for tag, kind, value in tags
    )
    ifd = struct.pack("<H", len(tags)) + entries + struct.pack("<I", 0)
    path.write_bytes(b"II*\x00" + struct.pack("<I", 8) + ifd)


@pytest.fixture(scope="session")
def images_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("iiif-images")
    work = tmp_path_factory.mktemp("iiif-work")
    make_pattern().pngsave(str(work / "pattern.png"))
    convert_to_pyramid(work / "pattern.png", folder / f"{VALIDATOR_ID}.tif")
    make_quadrants().pngsave(str(folder / "quadrants.png"))
    gradient = pyvips.Image.xyz(256, 100)[0].cast("uchar").copy(interpretation="b-w")
    gradient.pngsave(str(folder / "gray.png"))
    scan = pyvips.Image.xyz(3000, 2000)
    scan = (scan[0] / 12).bandjoin([scan[1] / 8, (scan[0] + scan[1]) / 20]).cast("uchar")
    scan = scan.copy(interpretation="srgb")
    scan.jpegsave(str(folder / "scan.jpg"), Q=90)
    convert_to_pyramid(folder / "scan.jpg", folder / "scan-pyramid.tif")
    write_header_only_tiff(folder / "huge.tif", 20_000, 20_000)
    return folder


@pytest.fixture
def make_app(images_dir: Path, tmp_path: Path) -> Callable[..., Flask]:
    """make_app(**config): a bare Flask app with the IIIF blueprint (config keys as init_app)."""

    def make(**config: Any) -> Flask:
        app = Flask("iiif-test")
        config.setdefault("images_dir", images_dir)
        config.setdefault("cache_dir", tmp_path / "cache")
        init_app(app, **config)
        return app

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask):  # noqa: ANN201 — FlaskClient
    return app.test_client()


# -- the portal with ingested scans, one record per access level --------------------

ONSITE_NETWORK = "10.99.0.0/16"
ONSITE_IP = "10.99.1.20"
WIDTH, HEIGHT = 800, 600
# level → (rule outcomes for its collection)
LEVELS = {
    "public": Outcomes(see_record="public", view_content="public", download="public"),
    "registered": Outcomes(view_content="registered", preview_max_px=300),
    "onsite": Outcomes(view_content="onsite", preview_max_px=0),
    "staff": Outcomes(view_content="staff", preview_max_px=200),
    "hidden": Outcomes(see_record="hidden", view_content="hidden", download="hidden"),
}


@dataclass
class Scans:
    app: Flask
    store: Store
    data_dir: Path


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scans]:
    """One record per level, each with two ingested page scans: 800 × 600, then 600 × 800."""
    data_dir = tmp_path_factory.mktemp("iiif-access")
    folder = tmp_path_factory.mktemp("library-files")
    for page, (width, height) in ((1, (WIDTH, HEIGHT)), (2, (HEIGHT, WIDTH))):
        image = pyvips.Image.xyz(width, height)[0].cast("uchar").copy(interpretation="b-w")
        image.bandjoin([image, image]).copy(interpretation="srgb").jpegsave(
            str(folder / f"p{page}.jpg")
        )
    settings = Settings(data_dir=data_dir, rights=RightsSettings(onsite_networks=(ONSITE_NETWORK,)))
    store = Store(settings.db_url)
    source = Source("lib", "Thư viện thử", "marc", str(folder / "export.mrc"))
    store.put_source(source)
    run = store.start_run("lib", "full")
    items = []
    for level in LEVELS:
        record = Record(
            "lib",
            level,
            title=f"Bản quét {level}",
            authors=["Nguyễn Du, 1766-1820"],
            year=1902,
            languages=["vie"],
            collections=[f"collection-{level}"],
            rights_statement="http://rightsstatements.org/vocab/NoC-US/1.0/",
            holdings=[Holding("Thư viện thử nghiệm")],
            digital_objects=[
                DigitalObject("image", f"p{page}.jpg", label=f"Trang {page}", order=page)
                for page in (2, 1)  # catalogued out of order: pages follow `order`
            ]
            + [DigitalObject("audio", "missing.mp3", order=9)],  # not an image: not a page
        )
        items.append(HarvestedItem(level, b"<r/>", "marc21", record))
    store.save_items(run, "lib", items)
    report = Ingester(data_dir, source).ingest_records(store, run, [f"lib:{lv}" for lv in LEVELS])
    assert (report.ingested, report.failed) == (2 * len(LEVELS), len(LEVELS))  # no audio file
    for level, outcomes in LEVELS.items():
        save_rule(
            store,
            LicenceRule(
                name=f"{level} scans",
                conditions=Conditions(collections=(f"collection-{level}",)),
                outcomes=outcomes,
            ),
        )
    app = create_app(settings, store=store)
    yield Scans(app, store, data_dir)
    store.close()


def client_as(scans: Scans, who: str):  # noqa: ANN201 — FlaskClient
    client = browser(scans.app)
    if who == "onsite":
        client.environ_base["REMOTE_ADDR"] = ONSITE_IP
    elif who in ("reader", "librarian"):
        response = log_in(client, make_user(scans.app, who))
        assert response.status_code in (302, 303)
    return client
