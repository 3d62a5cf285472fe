"""Record → search document: identifiers, names, facets, display fields."""

from __future__ import annotations

import random
import unicodedata

from catalogue import DigitalObject, Holding, Record
from catalogue.identifiers import isbn13_to_10, normalise_isbn, normalise_issn
from indexer import SearchQuery, TantivyIndex
from indexer.documents import (
    DISPLAY_FIELDS,
    display_fields,
    documents_for,
    searched_texts,
    subject_terms,
    to_document,
)
from indexer.names import clean_name, direct_name, name_key, name_variants
from indexer.text import title_sort_key, vietnamese_sort_key


def test_isbn_normalisation():
    assert normalise_isbn("978-604-1-23456-7") == "9786041234567"
    assert normalise_isbn("ISBN 604-1-23456-7 (bìa mềm)") == "9786041234567"
    assert normalise_isbn("604222333x") == "9786042223331"
    assert normalise_isbn("9786041234560") is None  # bad check digit
    assert normalise_isbn("xyz") is None
    assert isbn13_to_10("9786042223331") == "604222333X"
    assert isbn13_to_10("9791234567896") is None


def test_issn_normalisation():
    assert normalise_issn("ISSN 0866-7373") == "0866-7373"
    assert normalise_issn("0866-7374") is None


def test_names():
    assert clean_name("Nguyễn Du, 1766-1820") == "Nguyễn Du"
    assert clean_name("Hugo, Victor, 1802-1885, author") == "Hugo, Victor"
    assert direct_name("Hugo, Victor, 1802-1885") == "Victor Hugo"
    assert direct_name("Nguyễn, Du") == "Nguyễn Du"
    # a two-word family name is not the Vietnamese family Lê; an initial keeps its stop
    assert direct_name("Le Guin, Ursula K.") == "Ursula K. Le Guin"
    assert direct_name("Lê, Văn Hưu") == "Lê Văn Hưu"
    assert direct_name("Vũ, Trọng Phụng") == "Vũ Trọng Phụng"
    # Vietnamese headings past the family-name list, and pen names a cataloguer
    # inverted, keep their written order; so do Vietnamese names written without marks
    assert direct_name("Tô, Hoài, 1920-2014") == "Tô Hoài"
    assert direct_name("Đào, Duy Anh") == "Đào Duy Anh"
    assert direct_name("Nam, Cao, 1915-1951") == "Nam Cao"
    assert direct_name("Bảo, Ninh") == "Bảo Ninh"
    assert direct_name("Xuân, Diệu") == "Xuân Diệu"
    assert direct_name("Nguyen, Thi Minh Khai") == "Nguyen Thi Minh Khai"
    # Western names still turn round
    assert direct_name("Tolstoy, Leo") == "Leo Tolstoy"
    assert direct_name("Greene, Graham, 1904-1991") == "Graham Greene"
    assert direct_name("Dickens, Charles") == "Charles Dickens"
    assert direct_name("García Márquez, Gabriel") == "Gabriel García Márquez"
    # a Vietnamese or Chinese family name on a Western given name is not family first
    assert direct_name("Bach, Johann Sebastian") == "Johann Sebastian Bach"
    assert direct_name("Vuong, Ocean") == "Ocean Vuong"
    assert direct_name("Kim, Anna") == "Anna Kim"
    assert direct_name("Dong, Arthur") == "Arthur Dong"
    assert direct_name("Long, Huey") == "Huey Long"
    # ... but initials after a known family name are, and pinyin after a Chinese one
    assert direct_name("Nguyễn, V. A.") == "Nguyễn V. A."
    assert direct_name("Tran, Q. H.") == "Tran Q. H."
    assert direct_name("Li, Bai") == "Li Bai"
    assert direct_name("Liu, Cixin") == "Liu Cixin"
    assert direct_name("Zhang, Yimou") == "Zhang Yimou"
    assert direct_name("Zhou, Enlai") == "Zhou Enlai"
    assert direct_name("Hu, Shi") == "Hu Shi"
    # pinyin-looking Western names stay ambiguous here; a citation asks the record's
    # language (test_citation_styles: "Lin, Maya" in an English book is Maya Lin)
    assert direct_name("Lin, Maya") == "Lin Maya"
    assert name_key("Nguyễn Du") == name_key("Nguyễn, Du") == name_key("Du, Nguyễn") == "du nguyen"
    assert "Du Nguyễn" in name_variants("Nguyễn Du")
    assert "Victor Hugo" in name_variants("Hugo, Victor")


def test_document():
    record = Record(
        "hanoi-library",
        "42",
        title="The Tale of Kieu /",
        subtitle="a bilingual edition",
        authors=["Nguyễn Du, 1766-1820"],
        languages=["eng"],
        year=1983,
        isbns=["9780300040517"],
        invalid_isbns=["123-45"],
        issns=["0866-7373"],
        call_numbers=["895.922 NGU"],
        collections=["Văn học"],
        subjects=["Vietnamese poetry"],
        holdings=[
            Holding("Thư viện Hà Nội", "Kho mở", "895.922 NGU", "available"),
            Holding("Thư viện Hà Nội", "Kho đọc", "895.922 NGU.2", "on_loan"),
        ],
        digital_objects=[
            DigitalObject("image", "scans/2.jpg", order=2),
            DigitalObject("image", "scans/1.jpg", order=1),
        ],
    )
    doc = to_document(record, work_key="isbn:9780300040517", visibility="registered")
    assert doc["id"] == "hanoi-library:42"
    assert doc["title"] == "The Tale of Kieu"
    assert doc["title_sort"] == title_sort_key("The Tale of Kieu /", ["eng"])
    assert doc["title_sort"] == vietnamese_sort_key("Tale of Kieu")  # article left out
    assert doc["authors"] == ["Nguyễn Du"]
    assert "Du Nguyễn" in doc["author_search"]
    assert {"9780300040517", "0300040512", "08667373", "12345"} <= set(doc["identifiers"])
    assert doc["library"] == ["Thư viện Hà Nội"]
    assert doc["call_numbers"] == ["895.922 NGU", "895.922 NGU.2"]
    assert doc["online"] is True
    assert doc["thumbnail"] == "scans/1.jpg"
    assert doc["visibility"] == "registered"
    assert doc["holdings"][1] == {
        "library": "Thư viện Hà Nội",
        "location": "Kho đọc",
        "call_number": "895.922 NGU.2",
        "status": "on_loan",
        "status_read_at": None,
        "due": None,
        "copy_number": "",
        "record_id": "hanoi-library:42",
    }
    assert set(display_fields(doc)) == set(DISPLAY_FIELDS)


def test_each_holding_carries_its_copy_number_into_the_index_and_back():
    """Stored holdings are JSON: the copy number comes back with a hit, no schema change."""
    record = Record(
        "hanoi-library",
        "7",
        title="Truyện Kiều",
        holdings=[
            Holding("Thư viện Hà Nội", "Kho mở", "V23", "available", copy_number="1"),
            Holding("Thư viện Hà Nội", "Kho mở", "V23", "available", copy_number="2"),
            Holding("Thư viện Hà Nội", "Kho mở", "V23", "available"),
        ],
    )
    doc = to_document(record, work_key="rec:hanoi-library:7")
    assert [h["copy_number"] for h in doc["holdings"]] == ["1", "2", ""]
    index = TantivyIndex(None)
    index.add([doc])
    index.commit()
    (hit,) = index.search(SearchQuery(q="kieu")).hits
    assert [h["copy_number"] for h in hit.holdings] == ["1", "2", ""]


def test_library_falls_back_to_source():
    doc = to_document(Record("dspace-vnu", "1", title="X"), work_key="rec:dspace-vnu:1")
    assert doc["library"] == ["dspace-vnu"]
    assert doc["online"] is False


def test_documents_for_clusters_and_skips_deleted():
    records = [
        Record("a", "1", title="Truyện Kiều", isbns=["9786041234567"]),
        Record("b", "1", title="Truyện Kiều", isbns=["9786041234567"]),
        Record("c", "1", title="Gone", deleted=True),
    ]
    docs = documents_for(
        records, visibility=lambda r: "hidden" if r.source_key == "b" else "public"
    )
    assert [d["id"] for d in docs] == ["a:1", "b:1"]
    assert {d["work_key"] for d in docs} == {"isbn:9786041234567"}
    assert [d["visibility"] for d in docs] == ["public", "hidden"]


# --- subject facet: a heading's parts ------------------------------------------------


def test_subject_facet_holds_each_part_of_a_heading():
    record = Record("a", "1", title="Hà Nội xưa", subjects=["Hà Nội (Việt Nam) -- Lịch sử"])
    doc = to_document(record, work_key="rec:a:1")
    assert doc["subject"] == ["Hà Nội (Việt Nam)", "Lịch sử"]
    # the whole heading stays what is searched, shown and linked
    assert doc["subjects"] == ["Hà Nội (Việt Nam) -- Lịch sử"]
    assert searched_texts(doc)["subjects"] == ["Hà Nội (Việt Nam) -- Lịch sử"]
    assert display_fields(doc)["subjects"] == ["Hà Nội (Việt Nam) -- Lịch sử"]


def test_subject_parts_are_counted_once_per_record():
    subjects = ["Việt Nam -- Lịch sử -- Thế kỷ 20", "Hà Nội -- Lịch sử", "Việt Nam -- Văn hóa"]
    doc = to_document(Record("a", "1", title="X", subjects=subjects), work_key="rec:a:1")
    assert doc["subject"] == ["Việt Nam", "Lịch sử", "Thế kỷ 20", "Hà Nội", "Văn hóa"]


def test_a_heading_without_subdivisions_is_one_value():
    doc = to_document(Record("a", "1", title="X", subjects=["Phố cổ"]), work_key="rec:a:1")
    assert doc["subject"] == ["Phố cổ"]
    assert subject_terms(["Văn học dân gian"]) == ["Văn học dân gian"]
    assert subject_terms([]) == []


def test_a_date_range_inside_a_part_is_not_split():
    # only a spaced " -- " separates parts (as for contents notes, crosswalk.rules)
    assert subject_terms(["Việt Nam -- Lịch sử -- 1945--1954"]) == [
        "Việt Nam",
        "Lịch sử",
        "1945--1954",
    ]
    assert subject_terms(["Chiến tranh 1945--1954"]) == ["Chiến tranh 1945--1954"]


def test_subject_parts_are_nfc_trimmed_and_keep_their_case():
    nfd = unicodedata.normalize("NFD", "  Hà Nội  --  Lịch sử ")
    assert subject_terms([nfd, "hà nội -- Lịch sử", "--", ""]) == ["Hà Nội", "Lịch sử", "hà nội"]


def test_genres_do_not_enter_the_subject_facet():
    record = Record("a", "1", title="X", subjects=["Hà Nội"], genres=["Tiểu thuyết -- 1990"])
    doc = to_document(record, work_key="rec:a:1")
    assert doc["subject"] == ["Hà Nội"]
    assert "Tiểu thuyết -- 1990" in searched_texts(doc)["subjects"]


# --- title sort: Vietnamese alphabetical order ----------------------------------------

# Titles in Vietnamese order (a ă â b c d đ e ê …, tones after letters); a folded sort
# would put "Ăn", "Ẩm" among the A's and "Đà Lạt", "Địa chí" among the D's.
VI_TITLE_ORDER = [
    ("Anh hùng xạ điêu", ["vie"]),
    ("The Art of War", ["eng"]),  # files under "Art"
    ("Ăn cưới", ["vie"]),
    ("Ẩm thực Hà Nội", ["vie"]),
    ("Dân ca quan họ", ["vie"]),
    ("Di tích Hà Nội", ["vie"]),
    ("Du ký", ["vie"]),
    ("Đà Lạt", ["vie"]),
    ("Địa chí Hà Nội", ["vie"]),
    ("Em bé", ["vie"]),
    ("Ê-đê", ["vie"]),
    ("Ma", ["vie"]),
    ("Má", ["vie"]),
    ("Mạ", ["vie"]),
    ("Les Misérables", ["fre"]),  # files under "Misérables"
    ("Ô mai", ["vie"]),
    ("Ơn nghĩa", ["vie"]),
    ("Ước mơ", ["vie"]),
]


def test_title_sort_is_the_vietnamese_sort_key_of_the_filing_title():
    record = Record("a", "1", title="Đại Việt sử ký toàn thư /", languages=["vie"])
    doc = to_document(record, work_key="rec:a:1")
    assert doc["title_sort"] == vietnamese_sort_key("Đại Việt sử ký toàn thư")
    nfd = Record("a", "2", title=unicodedata.normalize("NFD", record.title), languages=["vie"])
    assert to_document(nfd, work_key="rec:a:2")["title_sort"] == doc["title_sort"]
    keys = [
        to_document(Record("a", str(n), title=t, languages=lang), work_key=f"rec:a:{n}")[
            "title_sort"
        ]
        for n, (t, lang) in enumerate(VI_TITLE_ORDER)
    ]
    assert keys == sorted(keys)


def test_sort_by_title_through_a_tantivy_index_is_vietnamese_order():
    order = list(range(len(VI_TITLE_ORDER)))
    random.Random(5).shuffle(order)
    records = [
        Record("a", str(n), title=VI_TITLE_ORDER[n][0], languages=VI_TITLE_ORDER[n][1])
        for n in order
    ]
    index = TantivyIndex(None)
    index.add(documents_for(records))
    index.commit()
    result = index.search(SearchQuery(q="", sort="title", per_page=50))
    assert [hit.fields["title"] for hit in result.hits] == [t for t, _ in VI_TITLE_ORDER]
    page_two = index.search(SearchQuery(q="", sort="title", per_page=5, page=2))
    assert [hit.fields["title"] for hit in page_two.hits] == [t for t, _ in VI_TITLE_ORDER[5:10]]
