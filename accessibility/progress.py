"""Where a logged-in reader is in each audiobook, and the places they marked.

Positions and bookmarks are seconds on the book's timeline (see accessibility.chapters),
kept per account so they follow the reader to any device. Every function takes the
user id: a reader can only ever read or change their own rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select

from catalogue.convert import aware
from catalogue.store import Store
from catalogue.tables import BookmarkRow, ListeningPositionRow

LABEL_MAX = 200  # bookmarks.label is String(200)
MAX_BOOKMARKS = 500  # per reader and book: enough for anyone, not a storage hole
MAX_SECONDS = 7 * 24 * 3600  # no audiobook lasts a week


class ProgressError(ValueError):
    """A position or bookmark that cannot be kept, with the reason to show."""


@dataclass(frozen=True)
class Position:
    record_id: str
    position: float
    updated_at: datetime


@dataclass(frozen=True)
class Bookmark:
    id: int
    record_id: str
    position: float
    label: str
    created_at: datetime

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "position": self.position,
            "label": self.label,
            "created_at": self.created_at.isoformat(),
        }


def check_seconds(value: object, limit: float | None = None) -> float:
    """A position in seconds: a finite, non-negative number (not past `limit` if given)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ProgressError("position must be a number of seconds")
    try:
        seconds = float(value)
    except ValueError:
        raise ProgressError("position must be a number of seconds") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ProgressError("position must be zero or more seconds")
    ceiling = MAX_SECONDS if limit is None else limit
    if seconds > ceiling + 1:  # a second's grace for players that report a little past
        raise ProgressError("position is past the end of the book")
    return round(min(seconds, ceiling), 3)


def check_label(value: object) -> str:
    label = " ".join(str(value or "").split())
    if len(label) > LABEL_MAX:
        raise ProgressError(f"a bookmark's label is at most {LABEL_MAX} characters")
    return label


def get_position(store: Store, user_id: int, record_id: str) -> Position | None:
    with store.session() as s:
        row = s.get(ListeningPositionRow, (user_id, record_id))
        if row is None:
            return None
        return Position(row.record_id, row.position, aware(row.updated_at))


def save_position(store: Store, user_id: int, record_id: str, position: float) -> Position:
    """Remember where the reader is (one row per reader and book, replaced each time)."""
    now = datetime.now(UTC)
    with store.session() as s:
        row = s.get(ListeningPositionRow, (user_id, record_id))
        if row is None:
            row = ListeningPositionRow(user_id=user_id, record_id=record_id)
            s.add(row)
        row.position = position
        row.updated_at = now
    return Position(record_id, position, now)


def bookmarks(store: Store, user_id: int, record_id: str) -> list[Bookmark]:
    """The reader's bookmarks in this book, in the order they come in the book."""
    with store.session() as s:
        rows = s.scalars(
            select(BookmarkRow)
            .where(BookmarkRow.user_id == user_id, BookmarkRow.record_id == record_id)
            .order_by(BookmarkRow.position, BookmarkRow.id)
        )
        return [_bookmark(r) for r in rows]


def add_bookmark(
    store: Store, user_id: int, record_id: str, position: float, label: str = ""
) -> Bookmark:
    with store.session() as s:
        count = s.scalar(
            select(func.count())
            .select_from(BookmarkRow)
            .where(BookmarkRow.user_id == user_id, BookmarkRow.record_id == record_id)
        )
        if count >= MAX_BOOKMARKS:
            raise ProgressError(f"at most {MAX_BOOKMARKS} bookmarks per book: delete some first")
        row = BookmarkRow(
            user_id=user_id,
            record_id=record_id,
            position=position,
            label=label,
            created_at=datetime.now(UTC),
        )
        s.add(row)
        s.flush()
        return _bookmark(row)


def delete_bookmark(store: Store, user_id: int, record_id: str, bookmark_id: int) -> bool:
    """Delete one of this reader's bookmarks in this book; False if there is no such one."""
    with store.session() as s:
        result = s.execute(
            delete(BookmarkRow).where(
                BookmarkRow.id == bookmark_id,
                BookmarkRow.user_id == user_id,
                BookmarkRow.record_id == record_id,
            )
        )
        return result.rowcount > 0


def _bookmark(row: BookmarkRow) -> Bookmark:
    return Bookmark(row.id, row.record_id, row.position, row.label, aware(row.created_at))
