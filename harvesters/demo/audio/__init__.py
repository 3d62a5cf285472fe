"""The demo's bundled audiobook recordings: which files each book has, and where they are.

`make_audio.py` writes the recordings and `books.json` (their chapters and durations);
the demo catalogue takes chapter lists from here, so a record's 505 note and 856 links
always describe files that exist. A record links its files as
`audio/<local id>/<book folder>/<file>` (one folder per record, as libraries lay out
their files); `bundled_file` maps such a link back to the file shipped here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

AUDIO_DIR = Path(__file__).resolve().parent
SAMPLE = "mau"  # the short reading sample the generated audiobooks share


@dataclass(frozen=True)
class BundledBook:
    folder: str
    title: str
    form: str  # "files": one MP3 per chapter | "single": one MP3 with ID3 chapters
    files: tuple[tuple[str, str, float], ...]  # (file name, title, seconds)
    chapters: tuple[tuple[str, int], ...]  # (title, whole seconds): the 505 note's list


@cache
def books() -> dict[str, BundledBook]:
    data = json.loads((AUDIO_DIR / "books.json").read_text(encoding="utf-8"))
    out = {}
    for folder, book in data.items():
        files = tuple((f["file"], f["title"], f["duration"]) for f in book["files"])
        if book["form"] == "single":
            spans = [(c["title"], c["end"] - c["start"]) for c in book["chapters"]]
        else:
            spans = [(title, seconds) for _, title, seconds in files]
        chapters = tuple((title, round(seconds)) for title, seconds in spans)
        out[folder] = BundledBook(folder, book["title"], book["form"], files, chapters)
    return out


def chapters(folder: str) -> tuple[tuple[str, int], ...]:
    """A bundled book's chapters as (title, seconds): what the showcase specs list."""
    return books()[folder].chapters


def sample_durations() -> list[int]:
    """Seconds of each chapter file of the shared reading sample."""
    return [seconds for _, seconds in chapters(SAMPLE)]


def book_for(work_chapters: list[tuple[str, int]]) -> BundledBook:
    """The recording a demo audiobook links to: the bundled book whose chapters it lists,
    else the shared sample (generated audiobooks take their durations from it)."""
    for book in books().values():
        if book.folder != SAMPLE and tuple(work_chapters) == book.chapters:
            return book
    return books()[SAMPLE]


def audio_links(work_chapters: list[tuple[str, int]], local_id: str) -> list[tuple[str, str, str]]:
    """(relative path, label, mime type) of each audio file of a demo audiobook record."""
    if not work_chapters:
        return []
    book = book_for(work_chapters)
    base = f"audio/{local_id}/{book.folder}"
    if book.form == "single":
        name, title, _ = book.files[0]
        return [(f"{base}/{name}", title, "audio/mpeg")]
    files = book.files[: len(work_chapters)]
    return [
        (f"{base}/{name}", title, "audio/mpeg")
        for (name, _, _), (title, _) in zip(files, work_chapters, strict=False)
    ]


def bundled_file(location: str) -> Path | None:
    """The shipped file behind a demo link `audio/<local id>/<folder>/<file>`, if any."""
    parts = location.split("/")
    if len(parts) != 4 or parts[0] != "audio" or parts[2] not in books():
        return None
    if parts[3] not in {name for name, _, _ in books()[parts[2]].files}:
        return None
    return AUDIO_DIR / parts[2] / parts[3]
