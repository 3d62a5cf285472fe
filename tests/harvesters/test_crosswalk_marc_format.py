"""The format of a MARC21 record, from its leader and 008."""

import pytest

from harvesters.crosswalk.marc import marc_format
from tests.support.marc_records import crosswalk, df, f008, titled


@pytest.mark.parametrize(
    ("kind_level", "f8", "extra", "expected"),
    [
        ("am", f008(), [], "book"),
        ("ac", f008(), [], "book"),
        ("tm", f008(), [], "manuscript"),
        ("as", f008(), [], "periodical"),
        ("ai", f008(), [], "periodical"),
        ("ab", f008(), [], "article"),
        ("aa", f008(), [], "article"),
        ("am", f008(nature="m   "), [], "thesis"),
        ("am", f008(nature="bm  "), [], "thesis"),
        (
            "am",
            f008(),
            [df("502", "  ", "a", "Luận án (Tiến sĩ)--Đại học Quốc gia Hà Nội, 2010.")],
            "thesis",
        ),
        ("tm", f008(), [df("502", "  ", "a", "Luận văn (Thạc sĩ)")], "thesis"),
        ("em", f008(), [], "map"),
        ("fm", f008(), [], "map"),
        ("cm", f008(), [], "music"),
        ("dm", f008(), [], "music"),
        ("jm", f008(), [], "music"),
        ("im", f008(), [], "audiobook"),
        ("gm", f008(visual="v"), [], "video"),
        ("gm", f008(visual="m"), [], "video"),
        ("gm", f008(visual="s"), [], "image"),
        ("km", f008(), [], "image"),
        ("pc", f008(), [], "archival"),
        ("mm", f008(), [], "book"),
        ("rm", f008(), [], "book"),
        ("?m", f008(), [], "book"),
    ],
)
def test_format_from_leader_and_008(kind_level, f8, extra, expected):
    leader = "00000n" + kind_level + " a2200000 a 4500"
    record = titled(*extra, leader=leader, f8=f8)
    assert marc_format(record) == expected
    assert crosswalk(record).format == expected


def test_video_test_survives_a_short_008():
    assert marc_format(titled(leader="00000ngm a2200000 a 4500", f8="short")) == "image"
