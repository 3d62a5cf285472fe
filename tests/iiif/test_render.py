"""Rendering with pyvips: sizes, known pixels, qualities, formats, pyramid levels."""

from __future__ import annotations

from pathlib import Path

import pytest
import pyvips

from iiif import render
from iiif.image_api import BadRequest, Limits, parse_request, plan_image
from tests.iiif.conftest import BLUE, GREEN, RED, VALIDATOR_ID, WHITE

AREA = 50_000_000


def make(images_dir: Path, name: str, region="full", size="max", rotation="0", qf="default.png"):
    """Render a request; return (decoded image, plan)."""
    path = next(images_dir.glob(f"{name}.*"))
    meta = render.read_meta(path)
    limits = Limits.for_image(meta.width, meta.height, AREA)
    request = parse_request(region, size, rotation, qf)
    plan = plan_image(request, meta.width, meta.height, limits, color=meta.color)
    data = render.render(meta, plan)
    return pyvips.Image.new_from_buffer(data, ""), plan


def pixel(image, x: int, y: int) -> tuple[int, ...]:
    return tuple(int(v) for v in image(x, y))


def test_meta(images_dir: Path) -> None:
    quadrants = render.read_meta(images_dir / "quadrants.png")
    assert (quadrants.width, quadrants.height, quadrants.color) == (400, 300, True)
    assert not quadrants.tiled and len(quadrants.levels) == 1
    assert render.read_meta(images_dir / "gray.png").color is False
    scan = render.read_meta(images_dir / "scan.jpg")
    assert [lv.shrink for lv in scan.levels] == [1, 2, 4, 8]
    pyramid = render.read_meta(images_dir / "scan-pyramid.tif")
    assert pyramid.tiled
    assert [(lv.width, lv.height) for lv in pyramid.levels][:3] == [
        (3000, 2000),
        (1500, 1000),
        (750, 500),
    ]
    assert render.read_meta(images_dir / f"{VALIDATOR_ID}.tif").tiled


def test_known_pixels(images_dir: Path) -> None:
    image, _ = make(images_dir, "quadrants")
    assert (image.width, image.height, image.bands) == (400, 300, 3)
    assert pixel(image, 10, 10) == RED
    assert pixel(image, 390, 10) == GREEN
    assert pixel(image, 10, 290) == BLUE
    assert pixel(image, 390, 290) == WHITE


def test_region(images_dir: Path) -> None:
    image, _ = make(images_dir, "quadrants", region="200,0,200,150")
    assert (image.width, image.height) == (200, 150)
    assert pixel(image, 0, 0) == GREEN and pixel(image, 199, 149) == GREEN
    image, _ = make(images_dir, "quadrants", region="pct:0,50,50,50")
    assert (image.width, image.height) == (200, 150)
    assert pixel(image, 100, 75) == BLUE
    image, _ = make(images_dir, "quadrants", region="square")
    assert (image.width, image.height) == (300, 300)
    assert pixel(image, 0, 0) == RED and pixel(image, 299, 0) == GREEN


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("max", (400, 300)),
        ("200,", (200, 150)),
        (",30", (40, 30)),
        ("pct:25", (100, 75)),
        ("123,45", (123, 45)),
        ("!100,100", (100, 75)),
        ("^800,", (800, 600)),
        ("^!1000,900", (1000, 750)),
    ],
)
def test_sizes(images_dir: Path, size: str, expected: tuple[int, int]) -> None:
    image, _ = make(images_dir, "quadrants", size=size)
    assert (image.width, image.height) == expected
    assert pixel(image, 2, 2) == RED


def test_rotation_and_mirroring(images_dir: Path) -> None:
    image, _ = make(images_dir, "quadrants", rotation="90")
    assert (image.width, image.height) == (300, 400)
    assert pixel(image, 5, 5) == BLUE  # bottom left turns to top left, clockwise
    assert pixel(image, 295, 5) == RED
    image, _ = make(images_dir, "quadrants", rotation="180")
    assert pixel(image, 5, 5) == WHITE
    image, _ = make(images_dir, "quadrants", rotation="270")
    assert (image.width, image.height) == (300, 400)
    assert pixel(image, 5, 5) == GREEN
    image, _ = make(images_dir, "quadrants", rotation="!0")
    assert (image.width, image.height) == (400, 300)
    assert pixel(image, 5, 5) == GREEN and pixel(image, 395, 5) == RED
    image, _ = make(images_dir, "quadrants", rotation="!90")  # mirrored, then turned
    assert pixel(image, 5, 5) == WHITE


def test_arbitrary_rotation(images_dir: Path) -> None:
    png, plan = make(images_dir, "quadrants", size="100,100", rotation="45")
    assert (png.width, png.height) == plan.output_size == (141, 141)
    for angle in ("10", "22.5", "!123", "300"):
        turned, plan = make(images_dir, "quadrants", size="200,", rotation=angle)
        width, height = plan.output_size
        assert abs(turned.width - width) <= 1 and abs(turned.height - height) <= 1
    assert png.bands == 4 and pixel(png, 0, 0)[3] == 0  # transparent corner
    assert pixel(png, 71, 71)[3] == 255
    jpg, _ = make(images_dir, "quadrants", size="100,100", rotation="45", qf="default.jpg")
    assert jpg.bands == 3 and min(pixel(jpg, 0, 0)) > 240  # white corner


def test_gray_and_bitonal(images_dir: Path) -> None:
    gray, _ = make(images_dir, "quadrants", qf="gray.png")
    assert gray.bands == 1
    bitonal, _ = make(images_dir, "quadrants", qf="bitonal.png")
    assert bitonal.bands == 1
    histogram = bitonal.hist_find()
    counts = [int(histogram(i, 0)[0]) for i in range(256)]
    assert sum(counts[1:255]) == 0  # only 0 and 255
    assert counts[0] > 0 and counts[255] > 0
    assert pixel(bitonal, 390, 290) == (255,)  # white stays white
    rotated, _ = make(images_dir, "quadrants", size="100,", rotation="30", qf="bitonal.png")
    values = rotated[0].hist_find()
    assert sum(int(values(i, 0)[0]) for i in range(1, 255)) == 0


def test_gray_image_stays_gray(images_dir: Path) -> None:
    image, plan = make(images_dir, "gray", qf="color.jpg")
    assert plan.quality == "gray" and image.bands == 1
    assert pixel(image, 200, 50)[0] == pytest.approx(200, abs=3)


@pytest.mark.parametrize(("fmt", "loader"), [("jpg", "jpeg"), ("png", "png"), ("webp", "webp")])
def test_formats(images_dir: Path, fmt: str, loader: str) -> None:
    image, _ = make(images_dir, "quadrants", size="80,", qf=f"default.{fmt}")
    assert image.get("vips-loader").startswith(loader)
    assert (image.width, image.height) == (80, 60)


def test_pyramid_and_shrink_on_load_pick_small_levels(images_dir: Path) -> None:
    pyramid = render.read_meta(images_dir / "scan-pyramid.tif")
    limits = Limits.for_image(3000, 2000, AREA)
    small = plan_image(parse_request("full", "300,", "0", "default.jpg"), 3000, 2000, limits)
    assert render.choose_level(pyramid, small).page == 3  # 375 × 250
    tile = plan_image(
        parse_request("0,0,1024,1024", "512,", "0", "default.jpg"), 3000, 2000, limits
    )
    assert render.choose_level(pyramid, tile).page == 1
    assert render.decode_area(pyramid, tile) == 512 * 512
    full_res = plan_image(
        parse_request("0,0,512,512", "max", "0", "default.jpg"), 3000, 2000, limits
    )
    assert render.choose_level(pyramid, full_res).page == 0
    jpeg = render.read_meta(images_dir / "scan.jpg")
    assert render.choose_level(jpeg, small).shrink == 8
    assert render.choose_level(jpeg, tile).shrink == 2


def test_same_pixels_from_pyramid_and_jpeg(images_dir: Path) -> None:
    for size in ("300,", "max"):
        a, _ = make(images_dir, "scan", region="1000,500,700,600", size=size)
        b, _ = make(images_dir, "scan-pyramid", region="1000,500,700,600", size=size)
        assert (a.width, a.height) == (b.width, b.height)
        assert (a - b).abs().avg() < 3


def test_refuses_to_decode_a_huge_unpyramided_file(images_dir: Path) -> None:
    meta = render.read_meta(images_dir / "huge.tif")
    assert (meta.width, meta.height) == (20_000, 20_000)
    limits = Limits.for_image(meta.width, meta.height, AREA)
    whole = plan_image(parse_request("full", "1000,", "0", "default.jpg"), 20_000, 20_000, limits)
    with pytest.raises(BadRequest, match="stored without a pyramid"):
        render.check_decode(meta, whole, AREA)
    corner = plan_image(
        parse_request("0,0,1000,1000", "max", "0", "default.jpg"), 20_000, 20_000, limits
    )
    render.check_decode(meta, corner, AREA)  # 20,000 × 1,000 rows: allowed


def test_convert_to_pyramid(images_dir: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out" / "q.tif"
    meta = render.convert_to_pyramid(images_dir / "quadrants.png", dest)
    assert meta.tiled and (meta.width, meta.height) == (400, 300)
    assert [(lv.width, lv.height) for lv in meta.levels] == [(400, 300), (200, 150)]
    assert list(dest.parent.iterdir()) == [dest]  # no temporary file left behind
    image = pyvips.Image.new_from_file(str(dest))
    assert max(abs(a - b) for a, b in zip(pixel(image, 100, 75), RED, strict=True)) < 8
