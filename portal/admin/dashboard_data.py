"""The dashboard's data: its table and cell types, and the figures several tables share.

The figures from `catalogue.stats` are computed once per request (kept on `g`), so the
summary grid and the tables built from the same figures cost one set of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import g
from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from catalogue import stats
from portal.app import services
from portal.i18n import datetime_text


@dataclass
class Cell:
    """One table cell: `value` goes into the CSV, `text` is shown (default: the value)."""

    value: str | int | float | None
    text: str = ""
    href: str = ""
    number: bool = False
    quiet: bool = False  # a run of days without activity, told in words

    @property
    def shown(self) -> str:
        if self.text:
            return self.text
        if self.number and isinstance(self.value, int | float):
            return str(format_decimal(self.value))
        return "" if self.value is None else str(self.value)


@dataclass
class Table:
    """A table of the dashboard (its first column heads each row) and its chart."""

    name: str  # in the CSV's address
    title: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    chart: Markup | None = None
    note: str = ""
    empty: str = field(default_factory=lambda: _("Nothing yet."))
    summary: str = ""  # the chart in one sentence, shown under it (its description)
    shown: list[list[Cell]] | None = None  # the rows on the page, when not `rows`
    daily: bool = False  # one row per day: closed in a <details> under the chart

    @property
    def shown_rows(self) -> list[list[Cell]]:
        return self.rows if self.shown is None else self.shown


def _once(name: str, compute: Callable[[], object]):
    """`compute()` once per request: several tables share one set of figures."""
    cache = g.setdefault("thuvien_dashboard", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def request_access_stats() -> stats.AccessStats:
    return _once("access", lambda: stats.access_stats(services().store))


def request_per_source() -> list[stats.SourceRecords]:
    return _once("sources", lambda: stats.records_per_source(services().store))


def request_health() -> list[stats.SourceHealth]:
    return _once("health", lambda: stats.harvest_health(services().store))


def number(value: float) -> str:
    return str(format_decimal(value))


def short_time(value) -> str:
    return datetime_text(value)
