"""Named counters: the change sequence that numbers every record write, and versions the
portal watches (the licence rules')."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalogue.dialects import dialect_insert
from catalogue.tables import CounterRow

if TYPE_CHECKING:
    from catalogue.store import Store

CHANGE_SEQ = "change_seq"


def counter(store: Store, name: str) -> int:
    """A named counter's value (0 if never set). One Core select: the portal asks
    for the licence rules' version on every request."""
    query = select(CounterRow.value).where(CounterRow.name == name)
    with store.engine.connect() as conn:
        return conn.execute(query).scalar() or 0


def set_counter(store: Store, name: str, value: int) -> None:
    with store.session() as s:
        ensure_counter(s, name)
        s.execute(update(CounterRow).where(CounterRow.name == name).values(value=value))


def reserve_seqs(s: Session, n: int) -> int:
    """Take n numbers of the change sequence; returns the highest.

    One UPDATE … RETURNING: it takes the row's write lock (PostgreSQL) or the database's
    (SQLite) at once, so concurrent pages get disjoint numbers in commit order.
    """
    ensure_counter(s, CHANGE_SEQ)
    return s.execute(
        update(CounterRow)
        .where(CounterRow.name == CHANGE_SEQ)
        .values(value=CounterRow.value + n)
        .returning(CounterRow.value)
    ).scalar_one()


def ensure_counter(s: Session, name: str) -> None:
    """Create a counter at 0 unless it exists, without racing a concurrent creator.

    A plain INSERT after a failed SELECT would let two first writers both insert; on
    PostgreSQL the second then fails with a duplicate key and loses its whole page.
    """
    s.execute(dialect_insert(s)(CounterRow).values(name=name, value=0).on_conflict_do_nothing())
