"""MARC21 names (authors or contributors by relator) and subject headings and genres."""

import pytest

from tests.support.marc_records import crosswalk, df, titled


@pytest.mark.parametrize(
    ("relator", "role"),
    [
        ((), "authors"),
        (("e", "tác giả."), "authors"),
        (("e", "author."), "authors"),
        (("4", "aut"), "authors"),
        (("e", "dịch."), "contributors"),
        (("e", "translator."), "contributors"),
        (("4", "trl"), "contributors"),
        (("e", "người đọc"), "contributors"),
        (("e", "narrator"), "contributors"),
        (("4", "nrt"), "contributors"),
        (("e", "chủ biên"), "contributors"),
    ],
)
def test_added_entry_relator_decides_author_or_contributor(relator, role):
    record = crosswalk(titled(df("700", "1 ", "a", "Trần, Văn Bình,", "d", "1950-", *relator)))
    other = "contributors" if role == "authors" else "authors"
    assert getattr(record, role) == ["Trần, Văn Bình"]
    assert getattr(record, other) == []


def test_main_entries_then_added_entries_in_order_corporate_and_meeting_names():
    record = crosswalk(
        titled(
            df("110", "2 ", "a", "Viện Văn học.", "b", "Phòng Văn học cổ."),
            df("700", "0 ", "a", "Hồ Xuân Hương."),
            df(
                "711",
                "2 ",
                "a",
                "Hội thảo Nguyễn Du",
                "d",
                "(2015 :",
                "c",
                "Hà Nội)",
                "j",
                "tác giả",
            ),
            df("710", "2 ", "a", "Nhà xuất bản Trẻ,", "e", "nhà xuất bản."),
        )
    )
    assert record.authors == [
        "Viện Văn học. Phòng Văn học cổ",
        "Hồ Xuân Hương",
        "Hội thảo Nguyễn Du (2015 : Hà Nội)",
    ]
    assert record.contributors == ["Nhà xuất bản Trẻ"]


def test_name_title_entries_are_works_not_people():
    record = crosswalk(
        titled(df("700", "02", "a", "Nguyễn Trãi,", "d", "1380-1442.", "t", "Bình Ngô đại cáo."))
    )
    assert record.authors == record.contributors == []


def test_initials_keep_their_period():
    record = crosswalk(titled(df("100", "1 ", "a", "Smith, J.", "q", "(John)")))
    assert record.authors == ["Smith, J. (John)"]


def test_subject_headings_of_every_kind_with_subdivisions():
    record = crosswalk(
        titled(
            df("600", "04", "a", "Nguyễn Du,", "d", "1765-1820", "x", "Phê bình và chú giải."),
            df("610", "24", "a", "Đảng Cộng sản Việt Nam", "x", "Lịch sử."),
            df("611", "24", "a", "Hội nghị Diên Hồng", "d", "(1284)"),
            df("630", "04", "a", "Truyện Kiều."),
            df(
                "651",
                " 4",
                "a",
                "Hà Nội (Việt Nam)",
                "x",
                "Lịch sử",
                "y",
                "1010-2010",
                "v",
                "Bản đồ.",
            ),
            df("653", "  ", "a", "Thơ lục bát", "a", "Văn học trung đại"),
            df("655", " 7", "a", "Tiểu thuyết", "z", "Việt Nam."),
        )
    )
    assert record.subjects == [
        "Nguyễn Du, 1765-1820 -- Phê bình và chú giải",
        "Đảng Cộng sản Việt Nam -- Lịch sử",
        "Hội nghị Diên Hồng (1284)",
        "Truyện Kiều",
        "Hà Nội (Việt Nam) -- Lịch sử -- 1010-2010 -- Bản đồ",
        "Thơ lục bát",
        "Văn học trung đại",
    ]
    assert record.genres == ["Tiểu thuyết -- Việt Nam"]
