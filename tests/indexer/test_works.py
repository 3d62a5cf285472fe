"""Work keys and clustering: merge the same book across libraries, never two books."""

from __future__ import annotations

from catalogue import Record
from indexer.works import cluster_works, normalised_title, title_key, work_key
from tests.indexer.sample_records import KIEU_ISBN, sample_records

ISBN_A = "9786041234567"
ISBN_B = "9786049876547"
ISBN_C = "9786045551110"


def rec(local_id: str, source: str = "lib", **kwargs) -> Record:
    kwargs.setdefault("languages", ["vie"])
    return Record(source, local_id, **kwargs)


def test_work_key_prefers_smallest_isbn():
    record = rec("1", title="X", isbns=[ISBN_B, ISBN_A])
    assert work_key(record) == f"isbn:{ISBN_A}"


def test_isbn10_and_13_are_one_work():
    a = rec("1", title="Truyện Kiều", isbns=["604-1-23456-7"])
    b = rec("2", "other", title="Truyện Kiều", isbns=[ISBN_A])
    keys = cluster_works([a, b])
    assert keys[a.id] == keys[b.id] == f"isbn:{ISBN_A}"


def test_overlap_is_transitive():
    a = rec("1", isbns=[ISBN_A])
    b = rec("2", isbns=[ISBN_A, ISBN_B])
    c = rec("3", isbns=[ISBN_B])
    keys = cluster_works([a, b, c])
    assert len(set(keys.values())) == 1


def test_invalid_isbns_never_merge():
    bad = "9786041234560"  # wrong check digit
    a = rec("1", title="Một", isbns=[bad], invalid_isbns=[bad], year=2000)
    b = rec("2", title="Hai", isbns=[bad], invalid_isbns=[bad], year=2001)
    c = rec("3", title="Ba", invalid_isbns=["123"], year=2002)
    keys = cluster_works([a, b, c])
    assert len(set(keys.values())) == 3


def test_isbn_listed_as_invalid_is_ignored_even_if_it_checks_out():
    a = rec("1", title="Một", isbns=[ISBN_A], invalid_isbns=[ISBN_A])
    b = rec("2", title="Hai", isbns=[ISBN_A], invalid_isbns=[ISBN_A])
    keys = cluster_works([a, b])
    assert keys[a.id] != keys[b.id]


def test_author_forms_are_one_person():
    names = ["Nguyễn Du", "Nguyễn, Du", "Nguyễn Du, 1766-1820", "NGUYỄN DU", "Du, Nguyễn"]
    records = [
        rec(str(i), title="Truyện Kiều", authors=[n], year=2015) for i, n in enumerate(names)
    ]
    keys = cluster_works(records)
    assert len(set(keys.values())) == 1
    assert keys[records[0].id].startswith("t:")


def test_title_normalisation():
    a = rec("1", title="Truyện Kiều /", authors=["Nguyễn Du"], year=2015)
    b = rec("2", title="TRUYỆN KIỀU : thơ", authors=["Nguyễn Du"], year=2015)
    c = rec("3", title="[Truyện Kiều]", authors=["Nguyễn Du"], year=2015)
    assert normalised_title(a) == normalised_title(b) == normalised_title(c) == "truyen kieu"
    assert title_key(a) == title_key(b) == title_key(c)


def test_non_filing_articles():
    a = rec("1", title="The Tale of Kieu", authors=["Nguyễn Du"], year=1983, languages=["eng"])
    b = rec("2", title="Tale of Kieu", authors=["Nguyen Du"], year=1983, languages=["eng"])
    assert cluster_works([a, b])[a.id] == cluster_works([a, b])[b.id]


def test_same_title_different_author_is_two_works():
    a = rec("1", title="Thơ", authors=["Xuân Diệu"], year=1960)
    b = rec("2", title="Thơ", authors=["Huy Cận"], year=1960)
    keys = cluster_works([a, b])
    assert keys[a.id] != keys[b.id]


def test_same_family_name_is_not_the_same_author():
    a = rec("1", title="Tuyển tập", authors=["Nguyễn Tuân"], year=1981)
    b = rec("2", title="Tuyển tập", authors=["Nguyễn Khải"], year=1981)
    keys = cluster_works([a, b])
    assert keys[a.id] != keys[b.id]


def test_same_title_and_author_different_year_is_two_works():
    a = rec("1", title="Số đỏ", authors=["Vũ Trọng Phụng"], year=1936)
    b = rec("2", title="Số đỏ", authors=["Vũ Trọng Phụng"], year=1988)
    keys = cluster_works([a, b])
    assert keys[a.id] != keys[b.id]


def test_no_year_or_no_author_does_not_merge():
    a = rec("1", title="Báo cáo thường niên")
    b = rec("2", title="Báo cáo thường niên")
    c = rec("3", title="Báo cáo thường niên", year=2010)
    d = rec("4", title="Báo cáo thường niên", year=2010)
    keys = cluster_works([a, b, c, d])
    assert len(set(keys.values())) == 4
    assert keys[a.id] == "rec:lib:1"


def test_anonymous_works_match_on_publisher():
    a = rec("1", title="Truyện cổ tích", year=2010, publisher="Kim Đồng")
    b = rec("2", "x", title="Truyện cổ tích", year=2010, publisher="KIM ĐỒNG")
    c = rec("3", "y", title="Truyện cổ tích", year=2010, publisher="Giáo dục")
    keys = cluster_works([a, b, c])
    assert keys[a.id] == keys[b.id] != keys[c.id]


def test_anonymous_maps_and_pictures_match_on_title_format_and_year():
    """The same printed map in three libraries, none naming an author or a publisher."""
    maps = [
        rec(str(i), src, title="Bản đồ thành Hà Nội năm 1912", year=1912, format="map")
        for i, src in enumerate(("a", "b", "c"))
    ]
    other_year = rec("9", "d", title="Bản đồ thành Hà Nội năm 1912", year=1913, format="map")
    postcards = [
        rec(f"p{i}", src, title="Bưu ảnh Hà Nội: Hồ Gươm", year=1920, format="image")
        for i, src in enumerate(("a", "b"))
    ]
    # A manuscript or a book with nothing but a title and a year stays on its own.
    manuscripts = [
        rec(f"m{i}", src, title="Gia phả họ Nguyễn", year=1900, format="manuscript")
        for i, src in enumerate(("a", "b"))
    ]
    books = [
        rec(f"t{i}", src, title="Tuyển tập", year=1990, format="book")
        for i, src in enumerate(("e", "f"))
    ]
    keys = cluster_works([*maps, other_year, *postcards, *manuscripts, *books])
    assert len({keys[m.id] for m in maps}) == 1
    assert keys[other_year.id] != keys[maps[0].id]
    assert keys[postcards[0].id] == keys[postcards[1].id] != keys[maps[0].id]
    assert keys[manuscripts[0].id] != keys[manuscripts[1].id]
    assert keys[books[0].id] != keys[books[1].id]


def test_record_without_isbn_joins_the_one_matching_isbn_work():
    a = rec("1", title="Truyện Kiều", authors=["Nguyễn Du"], year=2015, isbns=[ISBN_A])
    b = rec("2", "x", title="Truyện Kiều", authors=["Nguyễn, Du"], year=2015)
    keys = cluster_works([a, b])
    assert keys[a.id] == keys[b.id] == f"isbn:{ISBN_A}"


def test_ambiguous_title_match_does_not_bridge_two_editions():
    a = rec("1", title="Truyện Kiều", authors=["Nguyễn Du"], year=2015, isbns=[ISBN_A])
    b = rec("2", title="Truyện Kiều", authors=["Nguyễn Du"], year=2015, isbns=[ISBN_B])
    c = rec("3", "x", title="Truyện Kiều", authors=["Nguyễn Du"], year=2015)
    keys = cluster_works([a, b, c])
    assert keys[a.id] != keys[b.id]
    assert keys[c.id] not in (keys[a.id], keys[b.id])


def test_series_issn_does_not_merge_volumes():
    a = rec("1", title="Tập 1", isbns=[ISBN_A], issns=["0866-7373"])
    b = rec("2", title="Tập 2", isbns=[ISBN_C], issns=["0866-7373"])
    keys = cluster_works([a, b])
    assert keys[a.id] != keys[b.id]


def test_periodicals_merge_on_issn():
    a = rec("1", title="Tạp chí Văn học", issns=["0866-7373"], format="periodical")
    b = rec("2", "x", title="Văn học (Tạp chí)", issns=["08667373"], format="periodical")
    keys = cluster_works([a, b])
    assert keys[a.id] == keys[b.id] == "issn:0866-7373"


def test_deleted_records_are_left_out():
    a = rec("1", isbns=[ISBN_A], deleted=True)
    assert cluster_works([a]) == {}


def test_sample_catalogue():
    keys = cluster_works(sample_records())
    kieu = [rid for rid, key in keys.items() if key == f"isbn:{KIEU_ISBN}"]
    assert len(kieu) == 4
    volumes = {key for rid, key in keys.items() if "vnu-tt-" in rid}
    assert len(volumes) == 25
