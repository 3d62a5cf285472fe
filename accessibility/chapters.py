"""An audiobook's files, durations and chapters, read from the files themselves first.

Where chapters come from, best first:
1. the files: ID3 CHAP/CTOC frames (MP3; a CTOC inside a CTOC is a part holding
   chapters), MP4/M4B chapter lists, Vorbis/Opus/FLAC `CHAPTERnnn` comments;
2. the record: a contents note (MARC 505) whose items carry times, e.g.
   "Chương 1. Mở đầu (00:03:12) -- Chương 2. … (00:04:05)" — each time is that item's
   length, as catalogues write them;
3. the files as chapters: a book delivered one file per chapter.

All times are seconds on the book's own timeline (file after file), so a position or a
bookmark is one number whichever file it falls in; `AudioBook.locate` turns it back
into (file, seconds into that file) for the player.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import mutagen
from mutagen.id3 import CTOCFlags

from catalogue.record import DigitalObject, Record

# "(00:03:12)", "(3:12)", "(1:02:03)", "[12:30]" at the end of a contents item.
_TIME = re.compile(r"\s*[(\[]\s*(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:\.\d+)?\s*[)\]]\s*$")
_CLOCK = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)\s*$")
_VORBIS_CHAPTER = re.compile(r"^chapter(\d{1,4})$", re.IGNORECASE)


@dataclass
class Chapter:
    """A chapter (or a part, when it has children) of an audiobook."""

    title: str
    start: float  # seconds into the book
    end: float
    file: int = 0  # index into AudioBook.files where it starts (0 when there are none)
    children: list[Chapter] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass
class AudioFile:
    """One playable file of the book: the record's object and thuvien's stored copy."""

    index: int
    object: DigitalObject
    path: Path | None  # the stored copy; None when not ingested (or missing on disk)
    duration: float
    offset: float  # where this file starts on the book's timeline
    mime_type: str


@dataclass
class AudioBook:
    files: list[AudioFile]
    chapters: list[Chapter]
    source: str  # where the chapters came from: "file" | "record" | "files" | ""

    @property
    def duration(self) -> float:
        if self.files:
            return self.files[-1].offset + self.files[-1].duration
        return max((c.end for c in self.chapters), default=0.0)

    @property
    def playable(self) -> bool:
        return any(f.path is not None for f in self.files)

    def leaves(self) -> list[Chapter]:
        """The chapters a reader counts ("chapter 3"), parts left out."""
        return list(_leaves(self.chapters))

    def locate(self, seconds: float) -> tuple[int, float]:
        """(file index, seconds into that file) of a moment on the book's timeline."""
        for f in reversed(self.files):
            if seconds >= f.offset:
                return f.index, min(seconds - f.offset, f.duration)
        return 0, max(0.0, seconds)


def _leaves(chapters: list[Chapter]) -> Iterator[Chapter]:
    for chapter in chapters:
        if chapter.children:
            yield from _leaves(chapter.children)
        else:
            yield chapter


def audio_objects(record: Record) -> list[DigitalObject]:
    """The record's audio files in their order."""
    return sorted((o for o in record.digital_objects if o.kind == "audio"), key=lambda o: o.order)


def read_audiobook(record: Record, data_dir: Path) -> AudioBook:
    """Files, durations and chapters of an audiobook record (see the module docstring)."""
    objects = audio_objects(record)
    files, embedded, offset = [], [], 0.0
    for index, obj in enumerate(objects):
        path = _stored(obj, data_dir)
        info = read_file(path) if path else None
        duration = (info.duration if info else 0.0) or float(obj.duration or 0.0)
        mime = obj.mime_type or (info.mime_type if info else "")
        files.append(AudioFile(index, obj, path, duration, offset, mime))
        if info and info.chapters:
            embedded += [_shift(c, offset, index) for c in info.chapters]
        offset += duration
    if embedded:
        return AudioBook(files, embedded, "file")
    timed = contents_chapters(record.contents)
    if len(files) > 1:
        return AudioBook(files, _file_chapters(files, timed, record), "files")
    if timed:
        total = files[0].duration if files else 0.0
        return AudioBook(files, _fit(timed, total), "record")
    return AudioBook(files, [], "")


def _stored(obj: DigitalObject, data_dir: Path) -> Path | None:
    if not obj.stored_path:
        return None
    path = (data_dir / obj.stored_path).resolve()
    if not path.is_relative_to(data_dir.resolve()) or not path.is_file():
        return None
    return path


def _shift(chapter: Chapter, offset: float, file: int) -> Chapter:
    return Chapter(
        chapter.title,
        chapter.start + offset,
        chapter.end + offset,
        file,
        [_shift(c, offset, file) for c in chapter.children],
    )


def _file_chapters(files: list[AudioFile], timed: list[Chapter], record: Record) -> list[Chapter]:
    """One chapter per file; titled by the file's label, else the contents note's item."""
    out = []
    for f in files:
        title = f.object.label
        if not title and len(timed) == len(files):
            title = timed[f.index].title
        if not title and f.path:
            title = read_file(f.path).title
        out.append(Chapter(title or str(f.index + 1), f.offset, f.offset + f.duration, f.index))
    if len(timed) == len(files):  # no durations measured: the catalogue's times
        for chapter, item in zip(out, timed, strict=True):
            if chapter.duration == 0 and item.duration:
                chapter.end = chapter.start + item.duration
    return out


def _fit(timed: list[Chapter], total: float) -> list[Chapter]:
    """Catalogued chapter times on one file: the last chapter runs to the file's end."""
    if total and timed and timed[-1].end < total:
        timed[-1].end = total
    return timed


# --- the record: a timed contents note -------------------------------------------------


def parse_time(text: str) -> float | None:
    """Seconds from "01:02:03", "02:03" or "00:00:02.884"; None if not a time."""
    match = _CLOCK.match(text)
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)


def contents_chapters(contents: list[str]) -> list[Chapter]:
    """Chapters from contents items with times; [] unless every item has one.

    Items may come one per entry (the crosswalk splits a 505 on " -- ") or as one note.
    """
    items = [part for item in contents for part in re.split(r"\s+--\s+", item) if part.strip()]
    chapters, at = [], 0.0
    for item in items:
        match = _TIME.search(item)
        if not match:
            return []
        hours, minutes, seconds = match.groups()
        length = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
        title = item[: match.start()].strip().rstrip(".;,:").strip()
        chapters.append(Chapter(title or str(len(chapters) + 1), at, at + length))
        at += length
    return chapters


# --- the files: mutagen -----------------------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    duration: float
    mime_type: str
    title: str
    chapters: tuple[Chapter, ...]


def read_file(path: Path) -> FileInfo:
    """Duration, type, title and chapters of one audio file (cached per file version)."""
    stat = path.stat()
    return _read_file(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _read_file(path: str, _mtime: int, _size: int) -> FileInfo:
    try:
        audio = mutagen.File(path)
    except Exception:  # noqa: BLE001 — mutagen raises many kinds for bad files
        audio = None
    if audio is None:
        return FileInfo(0.0, "", "", ())
    duration = float(getattr(audio.info, "length", 0.0) or 0.0)
    mime = audio.mime[0] if getattr(audio, "mime", None) else ""
    chapters = _id3_chapters(audio, duration) or _mp4_chapters(audio, duration)
    chapters = chapters or _vorbis_chapters(audio, duration)
    return FileInfo(duration, _mime(mime), _title(audio), tuple(chapters))


def _mime(mime: str) -> str:
    aliases = {"audio/mp3": "audio/mpeg", "audio/x-mp3": "audio/mpeg", "audio/vorbis": "audio/ogg"}
    return aliases.get(mime, mime)


def _title(audio: mutagen.FileType) -> str:
    tags = audio.tags
    if tags is None:
        return ""
    for key in ("TIT2", "\xa9nam", "title", "TITLE"):
        try:
            value = tags.get(key)
        except (KeyError, ValueError):
            value = None
        if value:
            return str(value[0] if isinstance(value, list) else value.text[0])
    return ""


def _id3_chapters(audio: mutagen.FileType, duration: float) -> list[Chapter]:
    """ID3v2 CHAP frames, ordered by the top-level CTOC (nested CTOCs are parts)."""
    tags = audio.tags
    if tags is None or not hasattr(tags, "getall"):
        return []
    chaps = {f.element_id: f for f in tags.getall("CHAP")}
    if not chaps:
        return []
    tocs = {f.element_id: f for f in tags.getall("CTOC")}

    def frame_title(frame, fallback: str) -> str:  # noqa: ANN001 — a CHAP or CTOC frame
        sub = frame.sub_frames.get("TIT2")
        return str(sub.text[0]).strip() if sub and sub.text else fallback

    def chapter(element_id: str, seen: frozenset[str]) -> Chapter | None:
        if element_id in chaps:
            f = chaps[element_id]
            end = f.end_time / 1000 if f.end_time not in (0, 0xFFFFFFFF) else duration
            return Chapter(frame_title(f, element_id), f.start_time / 1000, end)
        toc = tocs.get(element_id)
        if toc is None or element_id in seen:  # a dangling id, or a loop of CTOCs
            return None
        inner = seen | {element_id}
        children = [c for i in toc.child_element_ids if (c := chapter(i, inner))]
        if not children:
            return None
        return Chapter(
            frame_title(toc, element_id),
            min(c.start for c in children),
            max(c.end for c in children),
            children=children,
        )

    top = [t for t in tocs.values() if t.flags & CTOCFlags.TOP_LEVEL]
    if top:
        out = [
            c for i in top[0].child_element_ids if (c := chapter(i, frozenset({top[0].element_id})))
        ]
        if out:
            return _with_ends(out, duration)
    ordered = sorted(chaps.values(), key=lambda f: f.start_time)
    return _with_ends([c for f in ordered if (c := chapter(f.element_id, frozenset()))], duration)


def _mp4_chapters(audio: mutagen.FileType, duration: float) -> list[Chapter]:
    chapters = getattr(audio, "chapters", None)
    if not chapters:
        return []
    items = sorted(chapters, key=lambda c: c.start)
    return _from_starts([(float(c.start), str(c.title or "")) for c in items], duration)


def _vorbis_chapters(audio: mutagen.FileType, duration: float) -> list[Chapter]:
    """CHAPTER001=00:00:00.000 with CHAPTER001NAME=… (Ogg Vorbis, Opus, FLAC comments)."""
    tags = audio.tags
    if tags is None or not hasattr(tags, "keys"):
        return []
    values = {key.lower(): tags[key] for key in tags.keys()}  # noqa: SIM118 — not a dict
    starts = []
    for key, value in values.items():
        match = _VORBIS_CHAPTER.match(key)
        if not match:
            continue
        seconds = parse_time(str(value[0] if isinstance(value, list) else value))
        if seconds is None:
            continue
        name = values.get(f"{key}name")
        title = str(name[0] if isinstance(name, list) else name) if name else ""
        starts.append((int(match.group(1)), seconds, title))
    starts.sort()
    return _from_starts([(s, t) for _, s, t in starts], duration)


def _from_starts(starts: list[tuple[float, str]], duration: float) -> list[Chapter]:
    """Chapters from (start, title): each runs to the next one's start, the last to the end."""
    out = []
    for i, (start, title) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else max(duration, start)
        out.append(Chapter(title.strip() or str(i + 1), start, end))
    return out


def _with_ends(chapters: list[Chapter], duration: float) -> list[Chapter]:
    """Open-ended chapters (no end time) run to the next one, the last to the file's end."""
    for i, c in enumerate(chapters):
        if c.end <= c.start:
            c.end = chapters[i + 1].start if i + 1 < len(chapters) else max(duration, c.start)
    return chapters


# --- presentation helpers ---------------------------------------------------------------


def clock(seconds: float) -> str:
    """ "1:02:03" or "2:03": how players show a time."""
    total = max(0, int(seconds + 0.5))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
