"""The demo's bundled audiobooks: real speech, chapters, small, and every link answered."""

from __future__ import annotations

import pytest
from mutagen.mp3 import MP3

from accessibility.chapters import read_file
from harvesters.demo.audio import AUDIO_DIR, SAMPLE, books, bundled_file
from harvesters.demo.generator import generate
from harvesters.demo.vocab import REGISTERED_AUDIO

DEMO_SEED = 2026
REAL_BOOKS = [folder for folder in books() if folder != SAMPLE]


def test_the_catalogue_of_recordings_matches_the_files() -> None:
    for folder, book in books().items():
        for name, _title, seconds in book.files:
            audio = MP3(AUDIO_DIR / folder / name)
            assert audio.info.length == pytest.approx(seconds, abs=0.01), (folder, name)
            assert audio.info.channels == 1
            assert audio.info.bitrate <= 32_000


def test_small_enough_to_ship() -> None:
    total = sum(p.stat().st_size for p in AUDIO_DIR.rglob("*.mp3"))
    assert total < 2_000_000, f"{total:,} bytes of demo audio"


def test_at_least_three_real_books_both_forms_chapters_of_15_to_40_seconds() -> None:
    assert len(REAL_BOOKS) >= 3
    forms = {books()[folder].form for folder in REAL_BOOKS}
    assert forms == {"files", "single"}
    for folder in REAL_BOOKS:
        assert all(15 <= s <= 40 for _, s in books()[folder].chapters), folder
    # One of the single-file books nests its chapters in parts (ID3 CTOC in CTOC).
    nested = [
        folder
        for folder in REAL_BOOKS
        if books()[folder].form == "single"
        and any(c.children for c in read_file(AUDIO_DIR / folder / "sach.mp3").chapters)
    ]
    assert nested == ["ha-noi"]


def test_links_map_back_to_the_shipped_files_and_nothing_else() -> None:
    assert (
        bundled_file("audio/10003/de-men/chuong-01.mp3") == AUDIO_DIR / "de-men" / "chuong-01.mp3"
    )
    for bad in (
        "audio/10003/de-men/chuong-09.mp3",
        "audio/10003/../de-men/chuong-01.mp3",
        "audio/10003/books.json/x",
        "scans/10003/de-men/chuong-01.mp3",
        "audio/de-men/chuong-01.mp3",
    ):
        assert bundled_file(bad) is None, bad


@pytest.fixture(scope="module")
def demo_records() -> list:
    return list(generate(seed=DEMO_SEED, works=120).all_records())


def test_every_demo_audiobook_links_only_files_that_exist(demo_records) -> None:
    audiobooks = [r for r in demo_records if r.marc is not None and r.marc.leader[6] == "i"]
    assert len(audiobooks) >= 3
    for record in audiobooks:
        audio = [path for path in record.digital_files if path.startswith("audio/")]
        assert audio, record.id
        for path in audio:
            assert bundled_file(path) is not None, path
            assert path.split("/")[1] == record.local_id


def test_the_showcase_books_are_read_by_their_own_recordings(demo_records) -> None:
    folders = {}
    registered = set()
    for record in demo_records:
        for path in record.digital_files:
            if path.startswith("audio/") and path.split("/")[2] != SAMPLE:
                folders.setdefault(path.split("/")[2], set()).add(record.work_id)
                marc = record.marc
                if marc is not None and any(
                    f.get("t") == REGISTERED_AUDIO for f in marc.get_fields("773")
                ):
                    registered.add(path.split("/")[2])
    assert set(folders) == set(REAL_BOOKS)
    assert registered == {"hoa-vang"}  # registered readers only, by the demo's rule
    # The 505 note gives each chapter the length of its recording.
    marc = next(
        r.marc for r in demo_records if r.marc is not None and "ha-noi" in str(r.digital_files)
    )
    note = marc["505"]["a"]
    expected = " -- ".join(
        f"{t} (00:{s // 60:02d}:{s % 60:02d})" for t, s in books()["ha-noi"].chapters
    )
    assert note == expected
