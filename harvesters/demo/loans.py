"""When the demo's copies on loan were checked out and are due back: relative to the day
the catalogue is generated, so a reader trying the demo sees what a library shows that
day (most loans due back in the coming weeks, a few overdue), whatever the date.

A Koha item on loan carries its due date (952 $q) and the day it was checked out (952 $s,
items.datelastborrowed). A record with a copy on loan changes with the day it is
generated on, so its datestamp is the start of that day (`loan_stamp`): an incremental
harvest from an earlier day picks up the new dates, one from the same day has nothing
new. Everything is a function of the generation day and the record, never of the
clock, so a catalogue generated for a given day is the same every time.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pymarc

LOAN_DAYS = (14, 28)  # Koha loan periods: a copy is due back 2-4 weeks after checkout
OVERDUE_SHARE = 0.12  # of the copies on loan, about one in eight is late
OVERDUE_DAYS = 14  # by 1 to this many days


@dataclass(frozen=True, slots=True)
class Loan:
    """One copy's loan: checked out on `borrowed`, due back on `due`."""

    borrowed: date
    due: date


def loan_days(draw: int) -> int:
    """A loan period in LOAN_DAYS from a draw of 0-60 (the draw the generator has always
    made here, so every later random choice, and the rest of the demo, stays the same)."""
    low, high = LOAN_DAYS
    return low + draw * (high - low) // 60


def loan(draw: int, barcode: str, today: date) -> Loan:
    """The loan of the copy `barcode`, as it stands on `today`.

    The loan period comes from the generator's draw; how far into it the copy is comes
    from the barcode (no further random draw, so the rest of the demo is unchanged). A
    copy was checked out at least a day before `today`.
    """
    period = loan_days(draw)
    share = zlib.crc32(barcode.encode()) / 2**32  # uniform in [0, 1), fixed per copy
    if share < OVERDUE_SHARE:
        late = 1 + int(share / OVERDUE_SHARE * OVERDUE_DAYS)
        borrowed = today - timedelta(days=period + late)
    else:
        into = (share - OVERDUE_SHARE) / (1 - OVERDUE_SHARE)
        borrowed = today - timedelta(days=1 + int(into * period))  # due in 0..period-1 days
    return Loan(borrowed, borrowed + timedelta(days=period))


def on_loan(marc: pymarc.Record) -> bool:
    """Whether any of the record's Koha items (952) is on loan (has a due date)."""
    return any(field.get("q") for field in marc.get_fields("952"))


def loan_stamp(marc: pymarc.Record | None, stamp: datetime, today: date) -> datetime:
    """The record's datestamp: the start of `today` (UTC) if a copy is on loan, since its
    loans are dated from `today` and so change from one day's catalogue to the next;
    else `stamp`, when the record was last edited. Never later than the start of `today`,
    so never in the future, and a harvest `from` an earlier day fetches the new dates."""
    if marc is not None and on_loan(marc):
        return datetime.combine(today, time(0), tzinfo=UTC)
    return stamp
