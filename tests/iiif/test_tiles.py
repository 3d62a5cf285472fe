"""Stored JPEG tiles served as they are: the same pixels as decoding them, everything else
still rendered, headers and access as for any image."""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import pyvips
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser

from harvesters.demo.server import serve_wsgi
from harvesters.ingest import write_pyramid
from iiif import render, tiles
from iiif.image_api import Limits, parse_request, plan_image
from iiif.server import ImageAccess

WIDTH, HEIGHT = 1100, 900  # not multiples of the tile: edge tiles, levels rounded down
TILE = 256
# Mean absolute difference (0-255 a sample) two encodings of one picture stay within.
JPEG_TOLERANCE = 5.0


def textured(bands: int) -> pyvips.Image:
    """Detail at every scale (stripes, steps, a gradient): a wrong tile or a shifted
    level would not pass for the right one."""
    xyz = pyvips.Image.xyz(WIDTH, HEIGHT)
    x, y = xyz[0], xyz[1]
    red = (x * 17).sin() * 50 + (y * 11).cos() * 40 + 128  # degrees: ~20-30 px waves
    green = (y / 4) % 200 + (x / 37).floor() % 2 * 50
    blue = ((x + y) / 9) % 160 + (y / 50).floor() % 3 * 30
    if bands == 1:
        return red.cast("uchar").copy(interpretation="b-w")
    return red.bandjoin([green, blue]).cast("uchar").copy(interpretation="srgb")


@pytest.fixture(scope="module")
def pyramids(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """rgb: JPEG tiles without colour transform (ingest's quality 90); ycbcr: quality 85
    (YCbCr, chroma subsampled); gray: one band."""
    folder = tmp_path_factory.mktemp("tiles")
    work = tmp_path_factory.mktemp("tiles-work")
    for name, bands, quality in (("rgb", 3, 90), ("ycbcr", 3, 85), ("gray", 1, 90)):
        source = work / f"{name}.png"
        textured(bands).pngsave(str(source))
        write_pyramid(source, folder / f"{name}.tif", tile_size=TILE, quality=quality)
    return folder


@pytest.fixture
def client(make_app: Callable[..., Flask], pyramids: Path):  # noqa: ANN201 — FlaskClient
    return make_app(images_dir=pyramids).test_client()


def plan_for(meta: render.ImageMeta, region: str, size: str, rotation="0", qf="default.jpg"):
    limits = Limits.for_image(meta.width, meta.height, 50_000_000)
    request = parse_request(region, size, rotation, qf)
    return plan_image(request, meta.width, meta.height, limits, color=meta.color)


def whole_tiles(meta: render.ImageMeta) -> list[tuple[int, int, int]]:
    """(scale, column, row) of every tile that lies wholly inside its pyramid level."""
    found = []
    for level in meta.levels:
        scale = 2**level.page
        for row in range(level.height // TILE):
            for column in range(level.width // TILE):
                found.append((scale, column, row))
    return found


def pil_decode(data: bytes) -> pyvips.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    bands = len(image.getbands())
    return pyvips.Image.new_from_memory(image.tobytes(), image.width, image.height, bands, "uchar")


def difference(a: pyvips.Image, b: pyvips.Image) -> tuple[float, float]:
    """(largest, mean) absolute difference of two same-sized images."""
    assert (a.width, a.height, a.bands) == (b.width, b.height, b.bands)
    diff = (a.cast("int") - b.cast("int")).abs()
    return diff.max(), diff.avg()


@pytest.mark.parametrize("name", ["rgb", "ycbcr", "gray"])
def test_copied_tiles_are_the_stored_pixels(pyramids: Path, name: str) -> None:
    meta = render.read_meta(pyramids / f"{name}.tif")
    found = whole_tiles(meta)
    assert {scale for scale, _, _ in found} == {1, 2}  # 550 × 450: one whole tile, at 2
    for scale, column, row in found:
        x, y, side = column * TILE * scale, row * TILE * scale, TILE * scale
        plan = plan_for(meta, f"{x},{y},{side},{side}", f"{TILE},{TILE}")
        data = tiles.stored_tile(meta, plan)
        assert data is not None, (scale, column, row)
        stored = pyvips.Image.new_from_file(str(meta.path), page=scale.bit_length() - 1)
        expected = stored.crop(column * TILE, row * TILE, TILE, TILE)
        # Both decoders read the copied JPEG as exactly what the TIFF holds.
        assert difference(pil_decode(data), expected) == (0, 0)
        assert difference(pyvips.Image.new_from_buffer(data, ""), expected) == (0, 0)
        # And the decode-and-encode path makes the same picture, within JPEG's loss
        # (its re-encoding, at quality 85 with chroma subsampling, is the lossy one) —
        # far closer than the next tile along is.
        rendered = pyvips.Image.new_from_buffer(render.render(meta, plan), "")
        _, mean = difference(rendered, expected)
        neighbour = stored.crop(((column + 1) % 2) * TILE, row * TILE, TILE, TILE)
        _, mean_neighbour = difference(rendered, neighbour)
        assert mean < JPEG_TOLERANCE < mean_neighbour / 3, (scale, column, row)


def test_colour_is_declared_to_decoders(pyramids: Path) -> None:
    rgb = render.read_meta(pyramids / "rgb.tif")
    data = tiles.stored_tile(rgb, plan_for(rgb, "256,256,256,256", "256,"))
    assert data is not None and data.startswith(tiles.SOI + tiles.ADOBE_RGB)
    assert data.endswith(tiles.EOI) and Image.open(io.BytesIO(data)).mode == "RGB"
    gray = render.read_meta(pyramids / "gray.tif")
    data = tiles.stored_tile(gray, plan_for(gray, "0,0,512,512", "256,"))
    assert data is not None and data.startswith(tiles.SOI + tiles.JFIF)
    assert Image.open(io.BytesIO(data)).mode == "L"


@pytest.mark.parametrize(
    ("region", "size", "rotation", "qf"),
    [
        ("0,0,256,256", "256,", "0", "default.png"),  # not JPEG
        ("0,0,256,256", "256,", "0", "default.webp"),
        ("0,0,256,256", "256,", "0", "gray.jpg"),  # another quality
        ("0,0,256,256", "256,", "0", "bitonal.jpg"),
        ("0,0,256,256", "256,", "90", "default.jpg"),  # rotated
        ("0,0,256,256", "256,", "!0", "default.jpg"),  # mirrored
        ("0,0,256,256", "128,", "0", "default.jpg"),  # scaled
        ("1,0,256,256", "256,", "0", "default.jpg"),  # off the grid
        ("128,128,256,256", "256,", "0", "default.jpg"),
        ("0,0,512,256", "512,", "0", "default.jpg"),  # two tiles
        ("1024,0,76,256", "76,", "0", "default.jpg"),  # an edge tile (padded in the file)
        ("0,768,256,132", "256,", "0", "default.jpg"),
        ("0,0,768,768", "256,", "0", "default.jpg"),  # scale 3: no level
        ("0,0,1024,1024", "256,", "0", "default.jpg"),  # scale 4: level 275 × 225, no whole tile
        ("full", "max", "0", "default.jpg"),
    ],
)
def test_everything_else_is_rendered(
    client, pyramids: Path, region: str, size: str, rotation: str, qf: str
) -> None:
    meta = render.read_meta(pyramids / "rgb.tif")
    plan = plan_for(meta, region, size, rotation, qf)
    assert tiles.stored_tile(meta, plan) is None
    response = client.get(f"/iiif/3/rgb/{region}/{size}/{rotation}/{qf}")
    assert response.status_code == 200
    image = pyvips.Image.new_from_buffer(response.data, "")
    assert (image.width, image.height) == plan.output_size
    if rotation == "0" and qf == "default.jpg":
        expected = pyvips.Image.new_from_buffer(render.render(meta, plan), "")
        assert difference(image, expected) == (0, 0)  # what rendering makes


def test_gray_image_in_its_own_quality_is_copied(pyramids: Path) -> None:
    meta = render.read_meta(pyramids / "gray.tif")
    for qf in ("default.jpg", "color.jpg", "gray.jpg"):
        assert tiles.stored_tile(meta, plan_for(meta, "0,0,256,256", "256,", qf=qf))
    assert tiles.stored_tile(meta, plan_for(meta, "0,0,256,256", "256,", qf="bitonal.jpg")) is None


def test_server_copies_aligned_tiles_without_decoding(
    client, pyramids: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = client.get("/iiif/3/rgb/info.json").get_json(force=True)
    # The stored tile size is advertised, with a scale factor for every level.
    assert info["tiles"] == [{"width": TILE, "height": TILE, "scaleFactors": [1, 2, 4, 8]}]

    def refuse(*args, **kwargs):
        raise AssertionError("an image was decoded")

    monkeypatch.setattr(render, "render", refuse)
    meta = render.read_meta(pyramids / "rgb.tif")
    for scale, column, row in whole_tiles(meta):
        side = TILE * scale
        url = f"/iiif/3/rgb/{column * side},{row * side},{side},{side}/{TILE},/0/default.jpg"
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "image/jpeg"
        plan = plan_for(meta, f"{column * side},{row * side},{side},{side}", f"{TILE},")
        assert response.data == tiles.stored_tile(meta, plan)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Cache-Control"].startswith("public")
        assert 'rel="canonical"' in response.headers["Link"]


def test_copied_tiles_answer_conditional_requests(client) -> None:
    url = "/iiif/3/rgb/256,0,256,256/256,/0/default.jpg"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other = client.get("/iiif/3/rgb/512,0,256,256/256,/0/default.jpg")
    assert other.headers["ETag"] != first.headers["ETag"]


def test_access_rules_apply_before_any_tile_is_read(
    make_app: Callable[..., Flask], pyramids: Path
) -> None:
    preview = make_app(
        images_dir=pyramids,
        access=lambda identifier: ImageAccess(full=False, preview_max_px=300, refused_status=401),
    ).test_client()
    # A full-resolution tile is sharper than the preview: refused, as for any image.
    assert preview.get("/iiif/3/rgb/0,0,256,256/256,/0/default.jpg").status_code == 401
    # The preview itself is served, and never to shared caches.
    response = preview.get("/iiif/3/rgb/full/max/0/default.jpg")
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("private")
    hidden = make_app(images_dir=pyramids, access=lambda identifier: None).test_client()
    assert hidden.get("/iiif/3/rgb/0,0,256,256/256,/0/default.jpg").status_code == 404
    refused = make_app(
        images_dir=pyramids, access=lambda identifier: ImageAccess(full=False)
    ).test_client()
    assert refused.get("/iiif/3/rgb/0,0,256,256/256,/0/default.jpg").status_code == 403


def test_a_replaced_file_is_read_afresh(
    make_app: Callable[..., Flask], pyramids: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    target = folder / "page.tif"
    target.write_bytes((pyramids / "rgb.tif").read_bytes())
    client = make_app(images_dir=folder).test_client()
    url = "/iiif/3/page/0,0,256,256/256,/0/default.jpg"
    before = client.get(url)
    assert before.data == tiles.stored_tile(
        render.read_meta(target), plan_for(render.read_meta(target), "0,0,256,256", "256,")
    )
    replacement = folder / ".page.tmp"
    replacement.write_bytes((pyramids / "ycbcr.tif").read_bytes())
    os.replace(replacement, target)  # as ingest replaces a pyramid
    after = client.get(url)
    assert after.status_code == 200 and after.data != before.data
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.data.startswith(tiles.SOI + tiles.JFIF)


def test_files_it_does_not_understand_are_left_to_rendering(
    images_dir: Path, tmp_path: Path
) -> None:
    # A TIFF with no pixel data, a plain PNG, a JPEG: never a stored tile.
    for name in ("huge.tif", "quadrants.png", "scan.jpg"):
        meta = render.read_meta(images_dir / name)
        plan = plan_for(meta, "0,0,256,256", "256,")
        assert tiles.stored_tile(meta, plan) is None
        assert tiles.tile_size(meta) is None
    # A pyramid cut short: its directory is unreadable, so nothing is copied.
    whole = (images_dir / "scan-pyramid.tif").read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(whole[: len(whole) // 2])
    meta = render.ImageMeta(
        path=cut,
        width=3000,
        height=2000,
        color=True,
        loader="tiffload",
        tiled=True,
        mtime_ns=cut.stat().st_mtime_ns,
        bytes=cut.stat().st_size,
        levels=(render.Level(3000, 2000),),
    )
    assert tiles.stored_tile(meta, plan_for(meta, "0,0,256,256", "256,")) is None


def test_tile_grid_matches_the_levels(pyramids: Path) -> None:
    """Each level is the previous one halved, rounded down: tile (c, r) at scale s covers
    full-resolution pixels from s·256·c, so a region on that grid names one stored tile."""
    meta = render.read_meta(pyramids / "rgb.tif")
    pyramid = tiles.read_pyramid(meta)
    assert pyramid is not None
    for level in meta.levels:
        page = pyramid.pages[level.page]
        assert page is not None
        assert (page.width, page.height) == (WIDTH >> level.page, HEIGHT >> level.page)
        across = math.ceil(page.width / TILE) * math.ceil(page.height / TILE)
        assert len(page.offsets) == len(page.byte_counts) == across


# -- in a real browser ----------------------------------------------------------------------


READ_PIXELS = """async (url) => {
    const bitmap = await createImageBitmap(await (await fetch(url)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d");
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    return {width: bitmap.width, height: bitmap.height, rgba: Array.from(data)};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", ["rgb", "ycbcr", "gray"])
def test_chromium_shows_copied_tiles_as_stored(
    make_app: Callable[..., Flask], pyramids: Path, browser: Browser, name: str
) -> None:
    """The spliced JPEG is one a browser decodes, in the right colours (an RGB tile read
    as YCbCr would be far off)."""
    meta = render.read_meta(pyramids / f"{name}.tif")
    app = make_app(images_dir=pyramids)
    with serve_wsgi(app) as base:
        page = browser.new_page()
        try:
            path = f"/iiif/3/{name}/256,256,256,256/256,/0/default.jpg"
            page.goto(base + path)  # the tile's own origin: its pixels may be read
            seen = page.evaluate(READ_PIXELS, base + path)
        finally:
            page.close()
    assert (seen["width"], seen["height"]) == (TILE, TILE)
    rgba = pyvips.Image.new_from_memory(bytes(seen["rgba"]), TILE, TILE, 4, "uchar")
    stored = pyvips.Image.new_from_file(str(meta.path)).crop(TILE, TILE, TILE, TILE)
    expected = stored.colourspace("srgb") if stored.bands == 1 else stored
    _, mean = difference(rgba.extract_band(0, n=3), expected)
    assert mean < 1.0
