"""Chapters and durations: from real files of each kind, else the 505 note, else the files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from accessibility.chapters import (
    Chapter,
    clock,
    contents_chapters,
    parse_time,
    read_audiobook,
    read_file,
)
from catalogue.record import DigitalObject, Record
from harvesters.demo.audio import AUDIO_DIR, books
from tests.accessibility.catalogue import DATA, audiobook, stored_objects


def titles(chapters: list[Chapter]) -> list[str]:
    return [c.title for c in chapters]


def test_id3_chapters_nested_in_parts() -> None:
    info = read_file(AUDIO_DIR / "ha-noi" / "sach.mp3")
    assert info.mime_type == "audio/mpeg"
    assert info.duration == pytest.approx(57.5, abs=0.2)
    assert titles(info.chapters) == ["Phần 1. Món ngon Hà Nội", "Phần 2. Phố phường"]
    first, second = info.chapters
    assert titles(first.children) == ["Chương 1. Phở", "Chương 2. Quà Hà Nội"]
    assert titles(second.children) == ["Chương 3. Hàng Bạc, Hàng Đào"]
    # A part spans its chapters; chapters meet end to start.
    assert (first.start, first.end) == (first.children[0].start, first.children[-1].end)
    assert first.children[0].end == first.children[1].start == pytest.approx(21.625)
    assert second.children[0].start == pytest.approx(38.391)


def test_id3_chapters_flat_match_the_generator() -> None:
    info = read_file(AUDIO_DIR / "hoa-vang" / "sach.mp3")
    expected = books()["hoa-vang"].chapters
    assert titles(info.chapters) == [t for t, _ in expected]
    assert [round(c.duration) for c in info.chapters] == [s for _, s in expected]
    assert info.chapters[-1].end <= info.duration + 0.01
    assert all(15 <= c.duration <= 40 for c in info.chapters)


def test_vorbis_chapter_comments() -> None:
    info = read_file(DATA / "chapters.ogg")
    assert info.mime_type == "audio/ogg"
    assert titles(info.chapters) == ["Buổi sáng", "Buổi trưa", "Buổi tối"]
    assert [c.start for c in info.chapters] == pytest.approx([0.0, 2.884, 5.783])
    assert info.chapters[-1].end == pytest.approx(info.duration)


def test_mp4_chapters() -> None:
    info = read_file(DATA / "chapters.m4a")
    assert info.mime_type == "audio/mp4"
    assert titles(info.chapters) == ["Buổi sáng", "Buổi trưa", "Buổi tối"]
    assert [c.start for c in info.chapters] == pytest.approx([0.0, 2.884, 5.783], abs=0.03)
    assert info.chapters[0].end == pytest.approx(info.chapters[1].start)


def test_a_book_of_one_file_per_chapter(tmp_path: Path) -> None:
    record = audiobook("x", "Dế Mèn", digital_objects=stored_objects(tmp_path, "de-men"))
    book = read_audiobook(record, tmp_path)
    assert book.source == "files"
    assert book.playable
    expected = books()["de-men"].files
    assert titles(book.chapters) == [title for _, title, _ in expected]
    assert book.duration == pytest.approx(sum(s for _, _, s in expected), abs=0.01)
    third = book.leaves()[2]
    assert third.file == 2
    assert third.start == pytest.approx(book.files[2].offset)
    assert book.files[2].offset == pytest.approx(expected[0][2] + expected[1][2], abs=0.01)
    # A moment on the book's timeline is a file and a time in it.
    file, at = book.locate(third.start + 5)
    assert (file, at) == (2, pytest.approx(5))


def test_embedded_chapters_beat_the_record(tmp_path: Path) -> None:
    record = audiobook(
        "x",
        "Hà Nội",
        contents=["Chương 1. Khác (00:10:00)", "Chương 2. Nữa (00:10:00)"],
        digital_objects=stored_objects(tmp_path, "ha-noi"),
    )
    book = read_audiobook(record, tmp_path)
    assert book.source == "file"
    assert len(book.chapters) == 2 and len(book.leaves()) == 3


def test_one_file_without_chapters_takes_the_contents_note(tmp_path: Path) -> None:
    (obj,) = stored_objects(tmp_path, "mau")[:1]  # a sample chapter file: no CHAP frames
    record = audiobook(
        "x", "Mẫu", contents=["Mở đầu (00:00:02)", "Kết (00:00:02)"], digital_objects=[obj]
    )
    book = read_audiobook(record, tmp_path)
    assert book.source == "record"
    assert titles(book.chapters) == ["Mở đầu", "Kết"]
    assert book.chapters[1].start == 2
    assert book.chapters[1].end == pytest.approx(book.files[0].duration)  # runs to the end


def test_no_files_online_still_lists_the_catalogued_chapters(tmp_path: Path) -> None:
    record = audiobook("x", "Số đỏ", contents=["Chương 1. A (00:31:20) -- Chương 2. B (00:27:45)"])
    book = read_audiobook(record, tmp_path)
    assert not book.playable and book.files == []
    assert book.source == "record"
    assert [(c.title, c.start, c.end) for c in book.chapters] == [
        ("Chương 1. A", 0, 1880),
        ("Chương 2. B", 1880, 3545),
    ]
    assert book.duration == 3545


def test_contents_note_forms() -> None:
    split = contents_chapters(["Chương 1. Mở đầu (00:03:12)", "Chương 2. Những ngày (4:05)"])
    assert [(c.title, c.duration) for c in split] == [
        ("Chương 1. Mở đầu", 192),
        ("Chương 2. Những ngày", 245),
    ]
    joined = contents_chapters(["Phần một [1:02:03] -- Phần hai [0:10]"])
    assert [(c.title, c.start, c.end) for c in joined] == [
        ("Phần một", 0, 3723),
        ("Phần hai", 3723, 3733),
    ]
    # Untimed items are a table of contents, not chapters to play.
    assert contents_chapters(["Chương 1. Mở đầu (00:03:12)", "Chương 2. Không giờ"]) == []
    assert contents_chapters(["Lời nói đầu -- 1945--1954 (tập 2)"]) == []
    assert contents_chapters([]) == []


def test_times_and_clocks() -> None:
    assert parse_time("00:00:02.884") == pytest.approx(2.884)
    assert parse_time("1:02:03") == 3723
    assert parse_time("02:03") == 123
    assert parse_time("soon") is None
    assert clock(0) == "0:00"
    assert clock(59.6) == "1:00"
    assert clock(3723) == "1:02:03"


def test_unreadable_or_missing_files_fall_back(tmp_path: Path) -> None:
    broken = tmp_path / "objects" / "broken.mp3"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not audio at all" * 100)
    shutil.copyfile(AUDIO_DIR / "mau" / "chuong-01.mp3", tmp_path / "objects" / "ok.mp3")
    record = Record(
        source_key="s",
        local_id="x",
        format="audiobook",
        contents=["Một (00:00:05)", "Hai (00:00:05)"],
        digital_objects=[
            DigitalObject(
                "audio", "a.mp3", order=0, duration=5.0, stored_path="objects/broken.mp3"
            ),
            DigitalObject("audio", "b.mp3", order=1, stored_path="objects/ok.mp3"),
            DigitalObject("audio", "c.mp3", order=2, stored_path="../../etc/passwd"),
        ],
    )
    book = read_audiobook(record, tmp_path)
    assert [f.path is not None for f in book.files] == [True, True, False]
    assert book.files[0].duration == 5.0  # the record's measure when the file says nothing
    assert book.files[1].duration == pytest.approx(5.7, abs=0.2)
    assert book.source == "files"
    assert titles(book.chapters)[:2] == ["1", "Chương 1"]  # no label: the file's own title
