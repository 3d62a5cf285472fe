"""The dashboard's per-day tables: restricted content opened and failed log-ins, 30 days.

The two per-day tables (30 rows each, mostly zeros) sit closed in a `<details>` under
their chart, with each run of days without activity told in one line; the chart stays
in view with a sentence summing it up (total, busiest day, quiet days), which is also
its accessible description. The CSV keeps every day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from catalogue import stats
from portal.admin.charts import Bar, columns
from portal.admin.dashboard_data import Cell, Table, number, request_access_stats


def _day_table(
    name: str, title: str, caption: str, header: str, days: Sequence[stats.DayCount]
) -> Table:
    return Table(
        name=name,
        title=title,
        caption=caption,
        headers=[_("Day"), header],
        rows=[[_day_cell(d.day), Cell(d.count, number=True)] for d in reversed(days)],
        shown=collapse_quiet_days(days),
        chart=columns(
            f"chart-{name}",
            title,
            _(
                "A column for each of the last 30 days, oldest on the left, as tall as "
                "that day's number."
            ),
            [Bar(str(format_date(d.day, "d/M")), d.count) for d in days],
            described_by=f"chart-{name}-summary",
        ),
        summary=day_summary(days),
        note=_("Newest day first."),
        daily=True,
    )


def _day_cell(day: date) -> Cell:
    return Cell(day.isoformat(), text=str(format_date(day, "medium")))


def collapse_quiet_days(days: Sequence[stats.DayCount]) -> list[list[Cell]]:
    """The table's rows, newest day first, each run of days without activity in one row:
    its first and last day, and how many days it holds."""
    rows: list[list[Cell]] = []
    run: list[date] = []

    def close_run() -> None:
        if not run:
            return
        newest, oldest = run[0], run[-1]
        when = _day_cell(newest).shown
        if oldest != newest:
            when = _("%(first)s to %(last)s", first=_day_cell(oldest).shown, last=when)
        quiet = ngettext("%(num)d day with no activity", "%(num)d days with no activity", len(run))
        rows.append([Cell(oldest.isoformat(), text=when), Cell(0, text=quiet, quiet=True)])
        run.clear()

    for d in reversed(days):
        if d.count:
            close_run()
            rows.append([_day_cell(d.day), Cell(d.count, number=True)])
        else:
            run.append(d.day)
    close_run()
    return rows


def day_summary(days: Sequence[stats.DayCount]) -> str:
    """The per-day chart in one sentence: the total, the busiest day, the quiet days."""
    total = sum(d.count for d in days)
    if not total:
        return ngettext(
            "No activity in the last %(num)d day.",
            "No activity in the last %(num)d days.",
            len(days),
        )
    busiest = max(days, key=lambda d: (d.count, d.day))
    quiet = sum(1 for d in days if not d.count)
    return " ".join(
        [
            _("Total in %(days)s days: %(total)s.", total=number(total), days=number(len(days))),
            _(
                "Busiest day: %(day)s (%(count)s).",
                day=_day_cell(busiest.day).shown,
                count=number(busiest.count),
            ),
            ngettext("%(num)d day with no activity.", "%(num)d days with no activity.", quiet),
        ]
    )


def access_days_table() -> Table:
    return _day_table(
        "access-days",
        _("Restricted content opened per day"),
        _("Restricted content opened (scans, audio, downloads), per day, last 30 days"),
        _("Opened"),
        request_access_stats().days,
    )


def failed_logins_table() -> Table:
    return _day_table(
        "failed-logins",
        _("Failed log-ins per day"),
        _("Failed log-in attempts per day, last 30 days"),
        _("Failed log-ins"),
        request_access_stats().failed_logins,
    )
