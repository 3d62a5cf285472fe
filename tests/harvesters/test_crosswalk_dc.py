"""Dublin Core → Record, on oai_dc records shaped like DSpace and Koha OAI output."""

import unicodedata
from datetime import UTC, datetime

import pytest

from harvesters.crosswalk import CrosswalkError, dc_rights_note, dc_to_record
from harvesters.crosswalk.dc import DC_RULES, dc_format


def crosswalk(dc, **kwargs):
    kwargs.setdefault("source_key", "vnu-repository")
    kwargs.setdefault("local_id", "oai:repository.vnu.edu.vn:123456789/1")
    return dc_to_record(dc, **kwargs)


THESIS = {
    "title": [
        "Nghiên cứu ca trù Hà Nội : luận án tiến sĩ / Nguyễn Thị Lan",
        "A study of ca tru singing in Hanoi",
    ],
    "creator": ["Nguyễn Thị Lan, 1975-"],
    "contributor": ["Trần Văn Khê", "Phạm Duy"],
    "subject": ["Ca trù; Âm nhạc truyền thống; Hà Nội"],
    "description": ["Luận án nghiên cứu lịch sử ca trù.", "Có phụ lục ảnh."],
    "publisher": ["Hà Nội : Đại học Quốc gia Hà Nội"],
    "date": ["2019-04-12T08:00:00Z", "2012"],
    "type": ["Text", "Luận án"],
    "format": ["application/pdf", "250 tr."],
    "identifier": [
        "http://repository.vnu.edu.vn/handle/VNU_123/4567",
        "https://repository.vnu.edu.vn/bitstream/VNU_123/4567/1/luan-an.pdf",
        "ISBN 978-604-1-10123-4",
        "urn:isbn:978-0-306-40615-8",
    ],
    "source": ["Bộ sưu tập Luận án VNU"],
    "language": ["vi"],
    "relation": ["https://repository.vnu.edu.vn/bitstream/VNU_123/4567/2/bia.jpg"],
    "coverage": ["Hà Nội (Việt Nam)"],
    "rights": ["http://rightsstatements.org/vocab/InC-EDU/1.0/", "Chỉ phục vụ nghiên cứu."],
}


def test_all_fifteen_elements_map():
    stamp = datetime(2024, 5, 1, tzinfo=UTC)
    record = crosswalk(THESIS, datestamp=stamp)

    assert record.id == "vnu-repository:oai:repository.vnu.edu.vn:123456789/1"
    assert record.datestamp == stamp
    assert record.raw_format == "oai_dc"
    assert record.title == "Nghiên cứu ca trù Hà Nội"
    assert record.subtitle == "luận án tiến sĩ"
    assert record.authors == ["Nguyễn Thị Lan"]
    assert record.contributors == ["Trần Văn Khê", "Phạm Duy"]
    assert record.subjects == ["Ca trù", "Âm nhạc truyền thống", "Hà Nội", "Hà Nội (Việt Nam)"]
    assert record.description == "Luận án nghiên cứu lịch sử ca trù.\n\nCó phụ lục ảnh."
    assert (record.place, record.publisher) == ("Hà Nội", "Đại học Quốc gia Hà Nội")
    assert record.year == 2019
    assert record.format == "thesis"
    assert record.isbns == ["9786041101234"]
    assert record.invalid_isbns == ["9780306406158"]
    assert record.languages == ["vie"]
    assert record.collections == ["Bộ sưu tập Luận án VNU"]
    assert [
        (o.kind, o.location.rsplit("/", 1)[-1], o.order, o.mime_type)
        for o in record.digital_objects
    ] == [
        ("pdf", "luan-an.pdf", 0, "application/pdf"),
        ("image", "bia.jpg", 1, "image/jpeg"),
    ]
    assert record.rights_statement == "http://rightsstatements.org/vocab/InC-EDU/1.0/"
    assert dc_rights_note(THESIS) == "Chỉ phục vụ nghiên cứu."


def test_only_a_title_is_required():
    record = crosswalk({"title": ["Hà Nội xưa"]})
    assert record.title == "Hà Nội xưa"
    assert record.format == "book"
    assert record.authors == record.languages == record.digital_objects == []


@pytest.mark.parametrize(
    "dc",
    [{}, {"title": []}, {"title": ["", "  "]}, {"creator": ["X"]}, {"title": [" / Nguyễn Du"]}],
)
def test_no_title_is_a_crosswalk_error(dc):
    with pytest.raises(CrosswalkError, match="title"):
        crosswalk(dc)


def test_lone_string_values_are_accepted():
    record = crosswalk({"title": "Truyện Kiều", "creator": "Nguyễn Du"})
    assert (record.title, record.authors) == ("Truyện Kiều", ["Nguyễn Du"])


def test_only_the_first_title_counts_even_for_the_subtitle():
    record = crosswalk({"title": ["Truyện Kiều", "Kim Vân Kiều : bản Nôm"]})
    assert (record.title, record.subtitle) == ("Truyện Kiều", "")


def test_colon_without_space_before_is_not_a_subtitle():
    record = crosswalk({"title": ["Hà Nội: 1000 năm"]})
    assert (record.title, record.subtitle) == ("Hà Nội: 1000 năm", "")


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (["Text"], "book"),
        (["Sách"], "book"),
        (["Sách điện tử"], "book"),
        (["Báo cáo khoa học"], "book"),
        (["Sound"], "audiobook"),
        (["Sách nói"], "audiobook"),
        (["Sound", "Sách nói"], "audiobook"),
        (["StillImage"], "image"),
        (["Image"], "image"),
        (["http://purl.org/dc/dcmitype/StillImage"], "image"),
        (["Ảnh"], "image"),
        (["Hình ảnh"], "image"),
        (["MovingImage"], "video"),
        (["Phim tài liệu"], "video"),
        (["Cartographic"], "map"),
        (["Map"], "map"),
        (["Bản đồ"], "map"),
        (["StillImage", "Bản đồ"], "map"),
        (["Tạp chí"], "periodical"),
        (["periodical"], "periodical"),
        (["Báo"], "periodical"),
        (["Luận án"], "thesis"),
        (["Luận văn thạc sĩ"], "thesis"),
        (["Text", "Luận văn"], "thesis"),
        (["info:eu-repo/semantics/doctoralThesis"], "thesis"),
        (["Bản thảo"], "manuscript"),
        (["Text", "Bản viết tay"], "manuscript"),
        (["Text", "Hồ sơ lưu trữ"], "archival"),
        (["Sound", "Âm nhạc"], "music"),
        (["Text", "Báo, tạp chí"], "periodical"),
        (["Image", "StillImage", "Tranh ảnh"], "image"),
        (["Bài báo"], "article"),
        (["info:eu-repo/semantics/article"], "article"),
        (["Tài liệu lưu trữ"], "archival"),
        (["Bản nhạc"], "music"),
        (["SACH NOI"], "audiobook"),
        (["Hiện vật bảo tàng"], "book"),
        (["Dataset"], "book"),
        ([], "book"),
    ],
)
def test_dc_type_vocabulary(types, expected):
    assert dc_format({"title": ["x"], "type": types}) == expected


def test_sound_is_music_when_it_looks_like_music():
    assert dc_format({"type": ["Sound"], "subject": ["Dân ca quan họ"]}) == "music"
    assert dc_format({"type": ["Sound"], "subject": ["Âm nhạc truyền thống"]}) == "music"
    assert dc_format({"type": ["Sound"], "subject": ["Văn học thiếu nhi"]}) == "audiobook"


@pytest.mark.parametrize(
    ("mime", "expected"),
    [
        ("audio/mpeg", "audiobook"),
        ("video/mp4", "video"),
        ("image/jpeg", "image"),
        ("application/pdf", "book"),
        ("250 tr.", "book"),
    ],
)
def test_format_mime_types_are_hints_when_type_is_silent(mime, expected):
    assert dc_format({"format": [mime]}) == expected
    assert dc_format({"format": [mime], "type": ["Bản đồ"]}) == "map"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("vi", "vie"),
        ("vie", "vie"),
        ("VIE", "vie"),
        ("Tiếng Việt", "vie"),
        ("tiếng việt", "vie"),
        ("Vietnamese", "vie"),
        ("vi-VN", "vie"),
        ("vi_VN", "vie"),
        ("en", "eng"),
        ("English", "eng"),
        ("en-US", "eng"),
        ("Tiếng Anh", "eng"),
        ("fr", "fre"),
        ("fra", "fre"),
        ("français", "fre"),
        ("French", "fre"),
        ("zh", "chi"),
        ("chi", "chi"),
        ("zho", "chi"),
        ("Tiếng Trung", "chi"),
        ("ru", "rus"),
        ("jpn", "jpn"),
    ],
)
def test_language_normalisation(written, code):
    assert crosswalk({"title": ["x"], "language": [written]}).languages == [code]


def test_packed_and_repeated_languages_deduplicated_and_junk_dropped():
    record = crosswalk({"title": ["x"], "language": ["vi; en", "vie", "und", "Klingon-ish", ""]})
    assert record.languages == ["vie", "eng"]


@pytest.mark.parametrize(
    ("identifier", "isbns", "invalid", "issns"),
    [
        ("ISBN 0-306-40615-2", ["9780306406157"], [], []),
        ("ISBN: 978-0-306-40615-7 (pbk.)", ["9780306406157"], [], []),
        ("urn:isbn:080442957X", ["9780804429573"], [], []),
        ("978-0-306-40615-7", ["9780306406157"], [], []),
        ("9780306406157", ["9780306406157"], [], []),
        ("ISBN 978-0-306-40615-8", [], ["9780306406158"], []),
        ("0306406152", [], [], []),  # unlabelled 10 digits: could be any local number
        ("ISSN 0866-7489", [], [], ["0866-7489"]),
        ("urn:issn:08667489", [], [], ["0866-7489"]),
        ("0866-7489", [], [], ["0866-7489"]),
        ("0866-7488", [], [], []),
        ("http://hdl.handle.net/123456789/1", [], [], []),
    ],
)
def test_identifiers(identifier, isbns, invalid, issns):
    record = crosswalk({"title": ["x"], "identifier": [identifier]})
    assert (record.isbns, record.invalid_isbns, record.issns) == (isbns, invalid, issns)


def test_files_from_identifier_source_relation_landing_pages_skipped():
    record = crosswalk(
        {
            "title": ["Phố cổ Hà Nội"],
            "identifier": [
                "http://hdl.handle.net/123/9",
                "https://anh.example/pho-co/001.tif",
                "https://anh.example/pho-co/002.JPG",
                "https://anh.example/pho-co/mo-ta.xml",
                "https://anh.example/pho-co/001.tif",
            ],
            "source": ["https://anh.example/goc/scan.png", "Sưu tập Phố cổ"],
            "relation": [
                "https://anh.example/collection/pho-co",
                "https://anh.example/doc/bai.html",
                "urn:nbn:vn:123",
            ],
        }
    )
    assert [(o.kind, o.location.rsplit("/", 1)[-1], o.order) for o in record.digital_objects] == [
        ("image", "001.tif", 0),
        ("image", "002.JPG", 1),
        ("text", "mo-ta.xml", 2),
        ("image", "scan.png", 3),
    ]
    assert record.collections == ["Sưu tập Phố cổ"]


def test_relative_file_paths_are_objects_resolved_at_ingest():
    record = crosswalk(
        {
            "title": ["Bản đồ Hà Nội 1873"],
            "identifier": [
                "scans/hn-12/page-001.jpg",
                "/etc/passwd.txt",
                "C:\\scan.jpg",
                "Bản đồ tờ 2.jpg",
                "scans/hn-12/readme",
                "audio/hn-12/01.mp3",
            ],
        }
    )
    assert [(o.kind, o.location) for o in record.digital_objects] == [
        ("image", "scans/hn-12/page-001.jpg"),
        ("audio", "audio/hn-12/01.mp3"),
    ]


def test_audio_files_from_identifiers_with_query_strings():
    record = crosswalk(
        {
            "title": ["Dế Mèn phiêu lưu ký"],
            "type": ["Sách nói"],
            "identifier": [
                "https://audio.example/de-men/01.mp3?dl=1",
                "https://audio.example/de-men/02.ogg",
            ],
        }
    )
    assert record.format == "audiobook"
    assert [(o.kind, o.mime_type) for o in record.digital_objects] == [
        ("audio", "audio/mpeg"),
        ("audio", "audio/ogg"),
    ]


@pytest.mark.parametrize(
    ("rights", "uri", "note"),
    [
        (
            ["https://creativecommons.org/licenses/by-sa/4.0/deed.vi"],
            "https://creativecommons.org/licenses/by-sa/4.0/",
            "",
        ),
        (
            ["Giấy phép CC BY 4.0 (http://creativecommons.org/licenses/by/4.0/)"],
            "https://creativecommons.org/licenses/by/4.0/",
            "Giấy phép CC BY 4.0 (http://creativecommons.org/licenses/by/4.0/)",
        ),
        (["Bản quyền thuộc tác giả"], "", "Bản quyền thuộc tác giả"),
        (["https://example.org/license"], "", ""),
    ],
)
def test_rights_uri_or_free_text(rights, uri, note):
    dc = {"title": ["x"], "rights": rights}
    assert crosswalk(dc).rights_statement == uri
    assert dc_rights_note(dc) == note


@pytest.mark.parametrize(
    ("dates", "year"),
    [
        (["2012"], 2012),
        (["[1998?]"], 1998),
        (["c2005"], 2005),
        (["2015-03-02"], 2015),
        (["không rõ", "1930"], 1930),
        (["n.d."], None),
    ],
)
def test_year_is_the_first_four_digit_year(dates, year):
    assert crosswalk({"title": ["x"], "date": dates}).year == year


def test_publisher_alone_and_unknown_publisher():
    assert crosswalk({"title": ["x"], "publisher": ["Nxb. Trẻ"]}).publisher == "Nxb. Trẻ"
    record = crosswalk({"title": ["x"], "publisher": ["[S.l.] : [s.n.]"]})
    assert (record.place, record.publisher) == ("", "")


def test_nfd_input_comes_out_nfc_byte_exact():
    def nfd(text):
        return unicodedata.normalize("NFD", text)

    record = crosswalk(
        {
            "title": [nfd("Thăng Long – Hà Nội nghìn năm")],
            "creator": [nfd("Đặng Thai Mai")],
            "subject": [nfd("Lịch sử; Văn hoá")],
            "language": [nfd("Tiếng Việt")],
            "type": [nfd("Bản đồ")],
        }
    )
    assert record.title.encode() == "Thăng Long – Hà Nội nghìn năm".encode()
    assert record.authors == ["Đặng Thai Mai"]
    assert record.subjects == ["Lịch sử", "Văn hoá"]
    assert all(unicodedata.is_normalized("NFC", s) for s in [record.title, *record.subjects])
    assert record.languages == ["vie"]
    assert record.format == "map"


def test_every_rule_targets_a_record_field():
    from catalogue import Record

    assert {rule.target for rule in DC_RULES} <= set(Record.__dataclass_fields__)


# -- classification numbers in dc:subject -------------------------------------------------


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("895.9223", "895.9223"),
        ("959.731", "959.731"),
        ("530", "530"),
        ("DDC 959.731", "959.731"),
        ("ddc:530", "530"),  # DSpace / DINI
        ("DDC 23: 895.9221/32", "895.922132"),  # edition, prime marks
        ("Dewey 001", "001"),
        ("UDC 94(597)", "94(597)"),
        ("94(597)", "94(597)"),
        ("821.922:82-3", "821.922:82-3"),
        ('94(597)"1945"', '94(597)"1945"'),
        ("LCC PL4378.9", "PL4378.9"),
    ],
)
def test_classification_numbers_in_subject_become_call_numbers(written, number):
    record = crosswalk({"title": ["Vật lý lượng tử"], "subject": ["Vật lý", written]})
    assert record.subjects == ["Vật lý"]
    assert record.call_numbers == [number]


@pytest.mark.parametrize(
    "subject",
    ["1945", "1945-1954", "Thế kỷ 20", "Hà Nội", "Thơ 1930-1945", "ddc Hà Nội", "12", "1000"],
)
def test_years_eras_and_words_stay_subjects(subject):
    record = crosswalk({"title": ["Lịch sử"], "subject": [subject]})
    assert record.subjects == [subject] and record.call_numbers == []


def test_packed_subjects_are_split_before_numbers_are_picked_out():
    record = crosswalk(
        {
            "title": ["Truyện Kiều"],
            "subject": ["Văn học Việt Nam; 895.9221; Thơ", "DDC 895.9221"],
            "coverage": ["Hà Nội"],
        }
    )
    assert record.subjects == ["Văn học Việt Nam", "Thơ", "Hà Nội"]
    assert record.call_numbers == ["895.9221"]  # the same number twice is kept once


def test_the_demo_physics_journal_is_not_classed_as_hanoi_history():
    from harvesters.demo.generator import generate

    catalogue = generate(seed=2026, works=300)
    journals = [w for w in catalogue.iter_works() if w.format == "periodical"]
    assert journals
    for work in journals:
        about_hanoi = "Hà Nội" in work.title
        assert (work.ddc == "959.731") == about_hanoi, (work.title, work.ddc)
    physics = [w for w in journals if "vật lý" in w.title]
    assert all(w.ddc == "530.12" for w in physics)
