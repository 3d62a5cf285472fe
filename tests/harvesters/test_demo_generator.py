"""The demo data generator: deterministic, overlapping, realistic, and honest about truth."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pymarc
import pytest

from catalogue.record import Record
from harvesters.crosswalk import dc_to_record, marc_to_record
from harvesters.demo.generator import DemoCatalogue, SampleRecord, generate
from harvesters.demo.model import isbn10_check, isbn13_check
from indexer.names import name_key
from indexer.works import cluster_works, normalised_title, title_key

HANOI, NATIONAL, VNU = "thu-vien-ha-noi", "thu-vien-quoc-gia", "thu-vien-dhqghn"
TODAY = date(2026, 11, 2)  # the day the catalogue is generated on: it dates the loans
DC_ELEMENTS = {
    "title", "creator", "subject", "description", "publisher", "contributor", "date",
    "type", "format", "identifier", "source", "language", "relation", "coverage", "rights",
}  # fmt: skip


@pytest.fixture(scope="module")
def catalogue() -> DemoCatalogue:
    return generate(today=TODAY)


@pytest.fixture(scope="module")
def records(catalogue: DemoCatalogue) -> dict[str, list[SampleRecord]]:
    return {lib.key: list(catalogue.records(lib.key)) for lib in catalogue.libraries}


def live_marc(records: dict[str, list[SampleRecord]]) -> Iterator[pymarc.Record]:
    for key in (HANOI, VNU):
        yield from (r.marc for r in records[key] if r.marc is not None)


def live_marc_records(records: dict[str, list[SampleRecord]]) -> list[SampleRecord]:
    return [r for key in (HANOI, VNU) for r in records[key] if r.marc is not None]


def texts(records: dict[str, list[SampleRecord]]) -> Iterator[str]:
    for record in live_marc(records):
        for field in record.fields:
            if field.is_control_field():
                yield field.data
            else:
                yield from (sf.value for sf in field.subfields)
    for record in records[NATIONAL]:
        for values in (record.dc or {}).values():
            yield from values


def isbn_is_valid(text: str) -> bool:
    digits = re.sub(r"[^0-9X]", "", text.split(" ")[-1].upper())
    if len(digits) == 13:
        return isbn13_check(digits[:12]) == digits[12]
    return len(digits) == 10 and isbn10_check(digits[:9]) == digits[9]


def marc_title(record: pymarc.Record) -> str:
    return record["245"]["a"].rstrip(" /:.")


# --- determinism and shape ------------------------------------------------------------------


def test_same_seed_gives_identical_marc_bytes(tmp_path: Path) -> None:
    for key in (HANOI, VNU):
        first, second = tmp_path / f"{key}-1.mrc", tmp_path / f"{key}-2.mrc"
        generate(seed=7, today=TODAY).write_marc(key, first)
        generate(seed=7, today=TODAY).write_marc(key, second)
        assert first.read_bytes() == second.read_bytes()
    one, two = generate(seed=7, today=TODAY), generate(seed=7, today=TODAY)
    assert list(one.records(NATIONAL)) == list(two.records(NATIONAL))


def test_different_seeds_give_different_catalogues(tmp_path: Path) -> None:
    generate(seed=1, today=TODAY).write_marc(HANOI, tmp_path / "a.mrc")
    generate(seed=2, today=TODAY).write_marc(HANOI, tmp_path / "b.mrc")
    assert (tmp_path / "a.mrc").read_bytes() != (tmp_path / "b.mrc").read_bytes()


def test_three_libraries_one_of_each_kind(catalogue: DemoCatalogue) -> None:
    kinds = {(lib.kind, lib.metadata_prefix) for lib in catalogue.libraries}
    assert len(catalogue.libraries) >= 3
    assert {("oai", "marc21"), ("oai", "oai_dc"), ("marc", "")} <= kinds
    keys = [lib.key for lib in catalogue.libraries]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[a-z0-9-]+", key) for key in keys)
    assert "Thư viện Quốc gia Việt Nam" in {lib.name for lib in catalogue.libraries}


def test_record_sets_are_declared_by_their_library(catalogue, records) -> None:
    for library in catalogue.libraries:
        declared = {spec for spec, _ in library.sets}
        for record in records[library.key]:
            assert set(record.sets) <= declared
        if library.kind == "oai":
            assert any(record.sets for record in records[library.key])


def test_datestamps_are_utc_from_2024_to_the_day_of_generation(records) -> None:
    stamps = [r.datestamp for recs in records.values() for r in recs]
    assert all(s.tzinfo is not None and s.utcoffset().total_seconds() == 0 for s in stamps)
    assert min(stamps) >= datetime(2024, 1, 1, tzinfo=UTC)
    assert max(stamps) <= datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
    assert {s.year for s in stamps} == {2024, 2025, 2026}


# --- the truth --------------------------------------------------------------------------------


def test_many_works_are_held_by_two_or_more_libraries(catalogue: DemoCatalogue) -> None:
    truth = catalogue.works()
    held_by = Counter(len({rid.split(":")[0] for rid in ids}) for ids in truth.values())
    assert (held_by[2] + held_by[3]) / len(truth) >= 0.30
    assert held_by[1] > 0 and held_by[3] > 0


def test_truth_mapping_matches_the_records(catalogue, records) -> None:
    truth = catalogue.works()
    owner = {rid: work_id for work_id, ids in truth.items() for rid in ids}
    assert len(owner) == sum(len(ids) for ids in truth.values())  # no record in two works
    live = [r for recs in records.values() for r in recs if not r.deleted]
    assert {r.id for r in live} == set(owner)
    assert all(owner[r.id] == r.work_id for r in live)
    deleted = [r for recs in records.values() for r in recs if r.deleted]
    assert not any(r.id in owner for r in deleted)


def test_one_work_is_catalogued_differently_by_each_library(records) -> None:
    kieu = {key: next(r for r in recs if r.work_id == "w000000") for key, recs in records.items()}
    hanoi, vnu, national = kieu[HANOI].marc, kieu[VNU].marc, kieu[NATIONAL].dc
    assert hanoi["100"]["a"] == "Nguyễn Du" and "d" not in hanoi["100"]
    assert vnu["100"]["d"] == "1766-1820"
    assert national["creator"] == ["Nguyễn, Du"]
    assert re.fullmatch(r"978-604-\d+-\d+-\d", hanoi["020"]["a"])  # ISBN-13, hyphens
    assert re.fullmatch(r"604\d{6}[\dX]", vnu["020"]["a"])  # ISBN-10
    assert not any(i.startswith(("ISBN", "urn:isbn")) for i in national["identifier"])
    assert hanoi["245"]["b"] and "b" not in vnu["245"] and national["title"] == ["Truyện Kiều"]
    assert hanoi["245"]["a"].endswith(" :")  # ISBD punctuation kept in MARC
    assert hanoi["260"] is not None and vnu["264"] is not None


def test_same_title_different_works_are_kept_apart(records) -> None:
    by_title: dict[str, set[str]] = {}
    for r in live_marc_records(records):
        by_title.setdefault(marc_title(r.marc), set()).add(r.work_id)
    for r in records[NATIONAL]:
        if r.dc is not None:
            by_title.setdefault(r.dc["title"][0].split(" : ")[0], set()).add(r.work_id)
    assert len(by_title["Truyện Kiều"]) >= 2
    assert len(by_title["Hà Nội trong mắt tôi"]) >= 2
    assert len(by_title["Mùa thu Hà Nội"]) >= 2


def test_invalid_isbns_present_and_not_merged(records) -> None:
    invalid = [
        (r, r.marc["020"]["a"])
        for key in (HANOI, VNU)
        for r in records[key]
        if r.marc is not None and r.marc.get("020") and not isbn_is_valid(r.marc["020"]["a"])
    ]
    assert len(invalid) >= 2
    kieu_isbn = next(r.marc["020"]["a"] for r in records[HANOI] if r.work_id == "w000000")
    borrowed = [
        r for r, isbn in invalid if isbn.replace("-", "")[:12] == kieu_isbn.replace("-", "")[:12]
    ]
    assert borrowed and all(r.work_id != "w000000" for r in borrowed)
    valid = [r.marc["020"]["a"] for r in live_marc_records(records) if r.marc.get("020")]
    assert sum(isbn_is_valid(i) for i in valid) > 10 * len(invalid)


def test_deleted_records_in_each_oai_library(catalogue, records) -> None:
    for library in catalogue.libraries:
        if library.kind != "oai":
            continue
        deleted = [r for r in records[library.key] if r.deleted]
        assert len(deleted) >= 2
        assert all(r.marc is None and r.dc is None for r in deleted)


# --- content -----------------------------------------------------------------------------------


def test_every_format_is_present(records) -> None:
    marc = list(live_marc(records))
    types = {str(r.leader)[6] for r in marc}
    assert {"a", "e", "t", "i", "j", "k", "g", "p"} <= types
    assert any(str(r.leader)[7] == "s" and r.get("022") for r in marc)
    assert any(r["008"].data[24] == "m" and r.get("502") for r in marc)
    assert any(str(r.leader)[6] == "g" and r["008"].data[33] == "v" for r in marc)
    dc_types = {t for r in records[NATIONAL] if r.dc for t in r.dc["type"]}
    assert {"Text", "Sound", "Image", "MovingImage"} <= dc_types
    assert dc_types & {"Cartographic", "Map"} and dc_types & {"Sách", "Bản đồ", "Sách nói"}


def test_fixed_fields_are_well_formed(records) -> None:
    for record in live_marc(records):
        leader = str(record.leader)
        assert len(leader) == 24 and leader[9] == "a"
        fixed = record["008"].data
        assert len(fixed) == 40 and fixed[35:38] in {"vie", "eng", "fre", "chi"}


def test_languages_and_leading_articles(records) -> None:
    marc = list(live_marc(records))
    assert {r["008"].data[35:38] for r in marc} >= {"vie", "eng", "fre", "chi"}
    for record in marc:
        title = record["245"]["a"]
        skip = int(record["245"].indicator2)
        if title.startswith(("The ", "Les ")):
            assert skip == 4
        elif title.startswith(("La ", "Le ")):
            assert skip == 3
        elif title.startswith("L'"):
            assert skip == 2
    dc_languages = {v for r in records[NATIONAL] if r.dc for v in r.dc["language"]}
    assert {"vie", "vi", "Tiếng Việt"} & dc_languages


def test_audiobooks_have_timed_chapters_and_one_is_for_registered_readers(records) -> None:
    audio = [r for r in live_marc(records) if str(r.leader)[6] == "i"]
    assert len(audio) >= 3
    chapter = re.compile(r"Chương 1\. .+ \(\d\d:\d\d:\d\d\) -- Chương 2\. .+ \(\d\d:\d\d:\d\d\)")
    assert all(r.get("505") and chapter.match(r["505"]["a"]) for r in audio)
    assert any(f.get("f") == "Registered users only" for r in audio for f in r.get_fields("506"))
    assert all(any(f["u"].endswith(".mp3") for f in r.get_fields("856")) for r in audio)


def test_scans_rights_and_collections(records) -> None:
    marc = list(live_marc(records))
    scanned = [r for r in marc if any(f["u"].startswith("scans/") for f in r.get_fields("856"))]
    assert {str(r.leader)[6] for r in scanned} >= {"a", "e", "t"}
    assert all(f["3"] for r in scanned for f in r.get_fields("856"))
    collections = {f["t"] for r in marc for f in r.get_fields("773")}
    assert {"Bản đồ cổ Hà Nội", "Hồ sơ lưu trữ hạn chế"} <= collections
    terms = {f.get("f") for r in marc for f in r.get_fields("506")}
    assert {"Onsite access only", "Restricted"} & terms
    uris = {f["u"] for r in marc for f in r.get_fields("540")}
    assert any("rightsstatements.org/vocab/InC/" in u for u in uris)
    assert any("creativecommons.org" in u for u in uris)
    dc = [r.dc for r in records[NATIONAL] if r.dc]
    assert any(i.startswith("scans/") for d in dc for i in d["identifier"])
    assert any(d["relation"] == ["Bản đồ cổ Hà Nội"] for d in dc)
    assert any(v.startswith("http://rightsstatements.org/") for d in dc for v in d["rights"])


def test_dc_records_have_the_fifteen_elements(records) -> None:
    for record in records[NATIONAL]:
        if record.dc is not None:
            assert set(record.dc) == DC_ELEMENTS
            assert all(isinstance(v, list) for v in record.dc.values())
            assert record.dc["title"]


def test_digital_files_match_the_links(records) -> None:
    for record in live_marc_records(records):
        links = [f["u"] for f in record.marc.get_fields("856") if f.indicator2 == "0"]
        assert record.digital_files == links
        assert all(path.split("/")[1] == record.local_id for path in links)


def test_text_is_nfc_with_vietnamese_diacritics(records) -> None:
    values = list(texts(records))
    assert all(unicodedata.is_normalized("NFC", v) for v in values)
    joined = "\n".join(values)
    for word in ("Nguyễn Du", "Hồ Xuân Hương", "Truyện Kiều", "Hà Nội", "hạ nổi", "Đ"):
        assert word in joined


# --- files and scale ----------------------------------------------------------------------------


def test_write_marc_round_trips_through_pymarc(catalogue, records, tmp_path: Path) -> None:
    for key in (HANOI, VNU):
        path = tmp_path / f"{key}.mrc"
        written = catalogue.write_marc(key, path)
        expected = [r.marc for r in records[key] if r.marc is not None]
        assert written == len(expected)
        with path.open("rb") as handle:
            read = list(pymarc.MARCReader(handle, to_unicode=True, force_utf8=True))
        assert len(read) == written and all(r is not None for r in read)
        assert [r["245"].value() for r in read] == [r["245"].value() for r in expected]
        assert all(str(r.leader)[9] == "a" for r in read)


def test_write_marc_refuses_a_dublin_core_library(catalogue, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        catalogue.write_marc(NATIONAL, tmp_path / "national.mrc")


def test_large_catalogue_streams_with_consistent_counts() -> None:
    catalogue = generate(seed=11, works=20_000)
    stream = catalogue.records(VNU)
    assert isinstance(stream, Iterator)
    per_library = {
        lib.key: sum(1 for _ in catalogue.records(lib.key)) for lib in catalogue.libraries
    }
    truth = catalogue.works()
    assert len({w.work_id for w in catalogue.iter_works()}) == 20_000
    holdings = sum(len(w.holders) for w in catalogue.iter_works())
    assert sum(per_library.values()) == holdings
    deleted = sum(len(w.deleted_in) for w in catalogue.iter_works())
    assert sum(len(ids) for ids in truth.values()) == holdings - deleted
    assert sum(1 for _ in catalogue.all_records()) == holdings
    isbns = [w.isbn for w in catalogue.iter_works() if w.isbn]
    assert len(set(isbns)) == len(isbns)  # only the typos may collide, never real numbers


# --- works that metadata can tell apart ---------------------------------------------------------
#
# Different maps, pictures and recordings must differ in what a catalogue records (title,
# year, main entry, publisher), as real ones do; copies of one work must still look alike.


@pytest.fixture(scope="module")
def crosswalked() -> list[tuple[str, Record]]:
    """(work_id, record) for every live record of a 4,000-work catalogue, crosswalked."""
    out = []
    for sample in generate(works=4000).all_records():
        if sample.deleted:
            continue
        where = {"source_key": sample.library_key, "local_id": sample.local_id}
        if sample.marc is not None:
            out.append((sample.work_id, marc_to_record(sample.marc, **where)))
        else:
            out.append((sample.work_id, dc_to_record(sample.dc, **where)))
    return out


def test_different_maps_and_pictures_never_share_title_year_and_format(crosswalked) -> None:
    first: dict[tuple[str, int | None, str], str] = {}
    clashes, works = [], set()
    for work_id, record in crosswalked:
        if record.format in ("map", "image"):
            works.add(work_id)
            key = (normalised_title(record), record.year, record.format)
            if first.setdefault(key, work_id) != work_id:
                clashes.append((key, first[key], work_id))
    assert len(works) >= 200  # enough of them for a clash to be likely if titles repeated
    assert not clashes


def test_music_works_of_one_title_differ_in_performer_or_publisher(crosswalked) -> None:
    by_title: dict[str, dict[str, set[tuple[frozenset[str], str]]]] = {}
    for work_id, record in crosswalked:
        if record.format == "music":
            names = frozenset(name_key(n) for n in [*record.authors, *record.contributors])
            publisher = " ".join(record.publisher.split()).casefold()
            by_title.setdefault(normalised_title(record), {}).setdefault(work_id, set()).add(
                (names, publisher)
            )
    shared = {title: works for title, works in by_title.items() if len(works) > 1}
    assert shared  # titles do repeat ("Ca trù Hà Nội", songs recorded again)
    for works in shared.values():
        seen: dict[tuple[frozenset[str], str], str] = {}
        for work_id, forms in works.items():
            for form in forms:
                assert seen.setdefault(form, work_id) == work_id, form
    # …and what the clustering keys on differs too: main entry (or publisher) and year.
    keys: dict[str, str] = {}
    for work_id, record in crosswalked:
        key = title_key(record) if record.format == "music" else None
        if key:
            assert keys.setdefault(key, work_id) == work_id, record.title


def test_copies_of_one_map_picture_or_recording_are_still_one_work(crosswalked) -> None:
    kinds = {"map", "image", "music"}
    records = [(w, r) for w, r in crosswalked if r.format in kinds]
    clusters = cluster_works(r for _, r in records)
    truth: dict[str, set[str]] = {}
    for work_id, record in records:
        truth.setdefault(work_id, set()).add(clusters[record.id])
    assert all(len(keys) == 1 for keys in truth.values())  # copies cluster together…
    assert len({k for keys in truth.values() for k in keys}) == len(truth)  # …works apart
    # …though libraries still write them differently (subtitle kept or dropped).
    titles: dict[str, set[str]] = {}
    for work_id, record in records:
        titles.setdefault(work_id, set()).add(record.subtitle or "")
    assert sum(len(forms) > 1 for forms in titles.values()) >= 10


def test_maps_carry_one_scale_statement_per_work(records) -> None:
    scales: dict[str, set[str]] = {}
    for r in live_marc_records(records):
        if str(r.marc.leader)[6] == "e":
            scales.setdefault(r.work_id, set()).add(r.marc["255"]["a"])
    for r in records[NATIONAL]:
        if r.dc is not None and {"Cartographic", "Map"} & set(r.dc["type"]):
            found = [d for d in r.dc["description"] if "1:" in d or "tỷ lệ" in d.lower()]
            scales.setdefault(r.work_id, set()).update(found)
    assert len(scales) >= 5
    assert all(len(found) == 1 for found in scales.values()), scales
    assert len({s for found in scales.values() for s in found}) >= 3
