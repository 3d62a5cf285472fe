"""Parsing and planning of Image API 3.0 requests: every form, valid and not."""

from __future__ import annotations

import pytest

from iiif.image_api import (
    BadRequest,
    Forbidden,
    ImageRequest,
    Limits,
    Region,
    Rotation,
    Size,
    format_number,
    parse_quality_format,
    parse_region,
    parse_request,
    parse_rotation,
    parse_size,
    plan_image,
)

BIG = 50_000_000


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("full", Region("full")),
        ("square", Region("square")),
        ("0,0,10,20", Region("pixels", (0, 0, 10, 20))),
        ("125,15,120,140", Region("pixels", (125, 15, 120, 140))),
        ("pct:41.6,7.5,40,70", Region("percent", (41.6, 7.5, 40.0, 70.0))),
        ("pct:0,0,100,100", Region("percent", (0.0, 0.0, 100.0, 100.0))),
        ("pct:.5,0,1,1", Region("percent", (0.5, 0.0, 1.0, 1.0))),
    ],
)
def test_regions(text: str, region: Region) -> None:
    assert parse_region(text) == region


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is not one of full, square"),
        ("Full", "is not one of full, square"),
        ("1,2,3", "is not one of full, square"),
        ("1,2,3,4,5", "is not one of full, square"),
        ("-1,0,10,10", "is not one of full, square"),
        ("1.5,0,10,10", "is not one of full, square"),
        ("pct:1,2,3", "is not one of full, square"),
        ("pct:-1,0,10,10", "is not one of full, square"),
        ("pct:1e2,0,10,10", "is not one of full, square"),
        ("0,0,0,10", "width and height must be greater than 0"),
        ("0,0,10,0", "width and height must be greater than 0"),
        ("pct:0,0,0,10", "width and height must be greater than 0"),
        ("0,0,10,1234567890123", "is too long"),
    ],
)
def test_bad_regions(text: str, message: str) -> None:
    with pytest.raises(BadRequest, match=message) as caught:
        parse_region(text)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("max", Size("max")),
        ("^max", Size("max", upscale=True)),
        ("150,", Size("w", width=150)),
        ("^360,", Size("w", width=360, upscale=True)),
        (",150", Size("h", height=150)),
        ("^,240", Size("h", height=240, upscale=True)),
        ("pct:50", Size("pct", percent=50.0)),
        ("pct:12.5", Size("pct", percent=12.5)),
        ("^pct:120", Size("pct", percent=120.0, upscale=True)),
        ("225,100", Size("wh", width=225, height=100)),
        ("^360,360", Size("wh", width=360, height=360, upscale=True)),
        ("!225,100", Size("confined", width=225, height=100)),
        ("^!360,360", Size("confined", width=360, height=360, upscale=True)),
    ],
)
def test_sizes(text: str, size: Size) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("full", "replaced by 'max'"),
        ("", "is not one of max"),
        ("^", "is not one of max"),
        ("^^max", "is not one of max"),
        (",", "is not one of max"),
        ("!150,", "is not one of max"),
        ("pct:", "is not one of max"),
        ("pct:-5", "is not one of max"),
        ("-5,", "is not one of max"),
        ("1.5,", "is not one of max"),
        ("0,", "at least 1 pixel"),
        (",0", "at least 1 pixel"),
        ("0,10", "at least 1 pixel"),
        ("!10,0", "at least 1 pixel"),
        ("pct:0", "at least 1 pixel"),
        ("pct:120", r"needs the \^ prefix"),
    ],
)
def test_bad_sizes(text: str, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        parse_size(text)


@pytest.mark.parametrize(
    ("text", "rotation"),
    [
        ("0", Rotation(0.0)),
        ("90", Rotation(90.0)),
        ("22.5", Rotation(22.5)),
        ("!0", Rotation(0.0, mirror=True)),
        ("!180", Rotation(180.0, mirror=True)),
        ("360", Rotation(0.0)),
        ("0.5", Rotation(0.5)),
    ],
)
def test_rotations(text: str, rotation: Rotation) -> None:
    assert parse_rotation(text) == rotation


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is not a number of degrees"),
        ("-90", "is not a number of degrees"),
        ("+90", "is not a number of degrees"),
        ("!!90", "is not a number of degrees"),
        ("90!", "is not a number of degrees"),
        ("1e2", "is not a number of degrees"),
        ("nan", "is not a number of degrees"),
        ("360.5", "from 0 to 360"),
        ("400", "from 0 to 360"),
    ],
)
def test_bad_rotations(text: str, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        parse_rotation(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("default.jpg", ("default", "jpg")),
        ("color.png", ("color", "png")),
        ("gray.webp", ("gray", "webp")),
        ("bitonal.jpg", ("bitonal", "jpg")),
    ],
)
def test_quality_and_format(text: str, expected: tuple[str, str]) -> None:
    assert parse_quality_format(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("default", "should be quality.format"),
        ("grey.jpg", "quality 'grey' is not one of default, color, gray, bitonal"),
        ("native.jpg", "quality 'native' is not one of"),
        (".jpg", "quality '' is not one of"),
        ("default.gif", "format 'gif' is not supported here; use one of jpg, png, webp"),
        ("default.tif", "format 'tif' is not supported here"),
        ("default.bmp", "format 'bmp' is not a known format"),
        ("default.JPG", "format 'JPG' is not a known format"),
        ("default.", "format '' is not a known format"),
    ],
)
def test_bad_quality_and_format(text: str, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        parse_quality_format(text)


def test_parse_request() -> None:
    assert parse_request("square", "^!100,50", "!45", "gray.png") == ImageRequest(
        Region("square"),
        Size("confined", width=100, height=50, upscale=True),
        Rotation(45.0, mirror=True),
        "gray",
        "png",
    )


# -- plans ----------------------------------------------------------------------------------


def plan(
    region: str = "full",
    size: str = "max",
    rotation: str = "0",
    qf: str = "default.jpg",
    *,
    width: int = 6000,
    height: int = 4000,
    limits: Limits | None = None,
    color: bool = True,
):
    limits = limits or Limits.for_image(width, height, BIG)
    request = parse_request(region, size, rotation, qf)
    return plan_image(request, width, height, limits, color=color)


def box(p) -> tuple[int, int, int, int, int, int]:
    return (p.x, p.y, p.w, p.h, p.width, p.height)


@pytest.mark.parametrize(
    ("region", "size", "expected"),
    [
        ("full", "max", (0, 0, 300, 200, 300, 200)),
        ("square", "max", (50, 0, 200, 200, 200, 200)),
        ("125,15,120,140", "max", (125, 15, 120, 140, 120, 140)),
        # cropped at the image's edge, not padded
        ("125,15,200,200", "max", (125, 15, 175, 185, 175, 185)),
        ("pct:10,10,50,50", "max", (30, 20, 150, 100, 150, 100)),
        ("pct:50,50,100,100", "max", (150, 100, 150, 100, 150, 100)),
        ("full", "150,", (0, 0, 300, 200, 150, 100)),
        ("full", ",50", (0, 0, 300, 200, 75, 50)),
        ("full", "pct:50", (0, 0, 300, 200, 150, 100)),
        ("full", "225,100", (0, 0, 300, 200, 225, 100)),
        ("full", "!225,100", (0, 0, 300, 200, 150, 100)),
        ("full", "!100,225", (0, 0, 300, 200, 100, 67)),
        ("full", "^!360,360", (0, 0, 300, 200, 360, 240)),
        ("full", "^360,", (0, 0, 300, 200, 360, 240)),
        ("full", "^,400", (0, 0, 300, 200, 600, 400)),
        ("full", "^pct:150", (0, 0, 300, 200, 450, 300)),
        ("full", "^600,100", (0, 0, 300, 200, 600, 100)),
        ("full", "^max", (0, 0, 300, 200, 300, 200)),
        ("full", "^150,", (0, 0, 300, 200, 150, 100)),
        # ^max of a region: scaled up to maxWidth/maxHeight (the image's own size here)
        ("0,0,100,100", "^max", (0, 0, 100, 100, 200, 200)),
    ],
)
def test_plans(region: str, size: str, expected: tuple) -> None:
    assert box(plan(region, size, width=300, height=200)) == expected


@pytest.mark.parametrize(
    ("region", "size", "message"),
    [
        ("300,0,10,10", "max", "entirely outside the image"),
        ("0,200,10,10", "max", "entirely outside the image"),
        ("pct:100,0,10,10", "max", "entirely outside the image"),
        ("full", "301,", r"larger than the region \(300 × 200 px\); prefix the size with \^"),
        ("full", ",201", "larger than the region"),
        ("full", "300,201", "larger than the region"),
        ("full", "!2000,3000", "larger than the region"),
        ("0,0,10,10", "20,", "larger than the region"),
        ("0,0,300,1", "10,", r"would be 10 × 0 px"),
    ],
)
def test_bad_plans(region: str, size: str, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        plan(region, size, width=300, height=200)


def test_canonical_forms() -> None:
    assert plan("full", "max").canonical == "full/max/0/default.jpg"
    assert plan("0,0,6000,4000", "6000,").canonical == "full/max/0/default.jpg"
    assert plan("square", "max").canonical == "1000,0,4000,4000/max/0/default.jpg"
    assert plan("pct:0,0,50,50", "pct:50").canonical == "0,0,3000,2000/1500,1000/0/default.jpg"
    assert plan("full", "!600,600", "!90.50", "gray.png").canonical == (
        "full/600,400/!90.5/gray.png"
    )
    assert plan("0,0,100,100", "^200,").canonical == "0,0,100,100/^200,200/0/default.jpg"


def test_default_quality_is_the_images_own() -> None:
    assert plan(qf="default.jpg").quality == "color"
    assert plan(qf="default.jpg", color=False).quality == "gray"
    assert plan(qf="color.jpg", color=False).quality == "gray"
    assert plan(qf="bitonal.png", color=False).quality == "bitonal"


def test_output_size_after_rotation() -> None:
    assert plan(size="300,200", rotation="90").output_size == (200, 300)
    assert plan(size="300,200", rotation="!270").output_size == (200, 300)
    assert plan(size="300,200", rotation="180").output_size == (300, 200)
    assert plan(size="100,100", rotation="45").output_size == (141, 141)


def test_format_number() -> None:
    assert [format_number(v) for v in (0, 90.0, 22.5, 0.25, 1 / 3)] == [
        "0",
        "90",
        "22.5",
        "0.25",
        "0.3333333333",
    ]


# -- limits -----------------------------------------------------------------------------------


def test_max_area_caps_max_and_refuses_larger_sizes() -> None:
    limits = Limits.for_image(20_000, 20_000, BIG)
    assert (limits.max_width, limits.max_height) == (7071, 7071)
    p = plan(width=20_000, height=20_000, limits=limits)
    assert (p.width, p.height) == (7071, 7071)
    assert p.width * p.height <= BIG
    with pytest.raises(BadRequest, match=r"more than this server makes in one image"):
        plan(size="20000,", width=20_000, height=20_000, limits=limits)
    with pytest.raises(BadRequest, match="maxArea 50,000,000"):
        plan(size="^100000,100000", width=300, height=200)


def test_upscaling_may_go_beyond_the_image_up_to_max_area() -> None:
    p = plan(size="^pct:200", width=1000, height=1000)
    assert (p.width, p.height) == (2000, 2000)


def test_preview_limits() -> None:
    limits = Limits.for_image(6000, 4000, BIG, preview_px=600)
    assert (limits.max_width, limits.max_height) == (600, 400)
    assert limits.preview_scale == pytest.approx(0.1)
    p = plan(limits=limits)
    assert (p.width, p.height) == (600, 400)
    assert p.canonical == "full/max/0/default.jpg"  # max is the preview, for this reader
    assert box(plan("0,0,3000,3000", "max", limits=limits)) == (0, 0, 3000, 3000, 300, 300)
    assert box(plan("full", "300,", limits=limits))[4:] == (300, 200)
    # ^max never goes past the preview either
    assert box(plan("0,0,100,100", "^max", limits=limits))[4:] == (10, 10)
    for region, size in [
        ("full", "601,"),
        ("full", "pct:50"),
        ("0,0,512,512", "512,"),  # a full-resolution tile
        ("0,0,512,512", "100,"),  # sharper than the preview
        ("0,0,100,100", "^600,"),
    ]:
        with pytest.raises(Forbidden, match="at most 600 px on its longest side") as caught:
            plan(region, size, limits=limits)
        assert caught.value.status == 403
    # tiles at the preview's resolution are fine
    assert box(plan("0,0,5120,4000", "512,", limits=limits))[4:] == (512, 400)


def test_preview_larger_than_the_image_is_no_limit() -> None:
    limits = Limits.for_image(300, 200, BIG, preview_px=400)
    assert limits.preview_scale is None
    assert (limits.max_width, limits.max_height) == (300, 200)
