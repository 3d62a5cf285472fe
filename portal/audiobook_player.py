"""The player page's data: the book's files and chapters (each chapter with a media
fragment link that plays without JavaScript), and what player.js is given as JSON.
"""

from __future__ import annotations

import json
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from accessibility.chapters import AudioBook, Chapter, clock, read_audiobook
from catalogue.record import Record
from portal.app import services
from portal.record_files import duration_iso

SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5)


def read_book(record: Record) -> AudioBook:
    """The book's files, durations and chapters, read from the data folder."""
    return read_audiobook(record, services().settings.data_dir)


def chapter_views(record: Record, book: AudioBook, playable: bool) -> list[dict[str, Any]]:
    """Chapters for the template: nested for parts, each with its no-JS link."""
    numbers = {id(c): n for n, c in enumerate(book.leaves(), 1)}

    def view(chapter: Chapter) -> dict[str, Any]:
        file, at = book.locate(chapter.start)
        href = ""
        if playable:
            url = url_for("audiobooks.audio", record_id=record.id, number=file + 1)
            href = f"{url}#t={_fragment(at)}"
        return {
            "title": chapter.title,
            "number": numbers.get(id(chapter)),
            "start": round(chapter.start, 3),
            "start_text": clock(chapter.start),
            "duration": clock(chapter.duration),
            "duration_iso": duration_iso(chapter.duration),
            "href": href,
            "children": [view(c) for c in chapter.children],
        }

    return [view(c) for c in book.chapters]


def _fragment(seconds: float) -> str:
    return f"{seconds:.3f}".rstrip("0").rstrip(".") or "0"


def player_data(
    record: Record,
    book: AudioBook,
    files: list[dict[str, Any]],
    chapters: list[dict[str, Any]],
    reader: bool,
    title_lang: str = "",
) -> str:
    """What player.js needs, as JSON for a <script type="application/json"> element.

    `title_lang` is the language chapter titles are marked with inside the player's
    messages (WCAG 3.1.2), empty when it is the page's."""

    def flat(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The chapters a reader counts, in order (parts are not numbered)."""
        out = []
        for c in items:
            if c["number"] is not None:
                out.append({"title": c["title"], "number": c["number"], "start": c["start"]})
            out += flat(c["children"])
        return out

    data = {
        "record": record.id,
        "duration": round(book.duration, 3),
        "files": files,
        "chapters": flat(chapters),
        "speeds": list(SPEEDS),
        "server": reader,
        "positionUrl": url_for("audiobooks.position", record_id=record.id),
        "bookmarksUrl": url_for("audiobooks.bookmarks", record_id=record.id),
        "text": _player_texts(),
        "titleLang": title_lang,
    }
    # Safe inside <script>: no "</" or "<!--" can close or confuse the element.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def _player_texts() -> dict[str, str]:
    """The player's words in the reader's language (the script has none of its own)."""
    return {
        "play": _("Play"),
        "pause": _("Pause"),
        "playing": _("Playing"),
        "paused": _("Paused"),
        "ended": _("End of the book"),
        "speed": _("Speed %(speed)s×"),
        "fastest": _("Already at the fastest speed, %(speed)s×"),
        "slowest": _("Already at the slowest speed, %(speed)s×"),
        "volume": _("Volume %(volume)s%%"),
        "at": _("%(time)s of %(total)s"),
        "chapter": _("Chapter %(number)s of %(count)s: %(title)s"),
        "jumped": _("%(time)s, chapter %(number)s: %(title)s"),
        "resumed": _("Resuming where you left off: %(time)s, chapter %(number)s: %(title)s"),
        "bookmarkAdded": _("Bookmark added at %(time)s"),
        "bookmarkDeleted": _("Bookmark deleted: %(label)s"),
        "bookmarkLabel": _("Bookmark at %(time)s"),
        "jumpTo": _("Go to %(label)s (%(time)s)"),
        "delete": _("Delete bookmark %(label)s"),
        "noBookmarks": _("No bookmarks yet."),
        "saveFailed": _("Your place could not be saved on the server; it is kept in this browser."),
        "bookmarkFailed": _("The bookmark could not be saved. Please try again."),
        "startOver": _("Start from the beginning"),
        "loadFailed": _("The audio could not be loaded. Please try again later."),
    }
