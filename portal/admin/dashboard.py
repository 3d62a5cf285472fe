"""The console's home, the dashboard: the catalogue, harvest health and access at a glance.

The page opens with a grid of the figures that matter (records, works, sources and their
last harvests, restricted content opened, failed log-ins), so a librarian takes the state
of the catalogue in without scrolling. Below, every figure from `catalogue.stats`
(GROUP BY queries) is a table, most with an SVG chart beside it (`charts`), and each
table can be downloaded as CSV at /admin/dashboard/<table>.csv — the same rows, raw
numbers, no formatting.

The two per-day tables (30 rows each, mostly zeros) sit closed in a `<details>` under
their chart, with each run of days without activity told in one line; the chart stays
in view with a sentence summing it up (total, busiest day, quiet days), which is also
its accessible description. The CSV keeps every day.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, or a tab
or carriage return) get a leading apostrophe: a library's name or a record title
comes from outside and must not become a formula on a librarian's machine.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import Response, abort, g, render_template, url_for
from flask_babel import format_date, format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import distinct, func, select

from catalogue import stats
from catalogue.rights import load_rules
from catalogue.store import Store
from catalogue.tables import RecordRow
from portal.admin import bp
from portal.admin.charts import Bar, columns, horizontal_bars
from portal.admin.labels import status_label
from portal.app import services
from portal.i18n import datetime_text
from portal.search_labels import format_label, language_label

CHART_ROWS = 12  # categories drawn in a chart; the table beside it lists them all
WEEK = 7  # days in "this week" of the summary: today and the six before
KIND_LABELS = {
    "image": _l("Images"),
    "audio": _l("Audio"),
    "download": _l("Downloads"),
    "manifest": _l("Viewer (IIIF manifest)"),
    "text": _l("Full text"),
}


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


@dataclass
class Figure:
    """One labelled figure of the summary grid at the top of the page."""

    label: str
    value: str
    detail: str = ""
    href: str = ""
    status: str = ""  # "succeeded" / "failed": an icon and colour beside the detail


# -- the page ---------------------------------------------------------------------------


@bp.get("/")
def dashboard() -> str:
    tables = {name: build() for name, build in TABLES.items()}
    catalogue = ["libraries", "digitised", "formats", "languages"]
    access = ["access-days", "access-kinds", "top-records", "failed-logins"]
    return render_template(
        "admin/dashboard.html",
        summary=summary_figures(),
        sections=[
            ("harvests", _("Harvest health"), [tables["harvests"]]),
            ("catalogue", _("The catalogue"), [tables[n] for n in catalogue]),
            ("access", _("Access in the last 30 days"), [tables[n] for n in access]),
        ],
    )


def summary_figures() -> list[Figure]:
    """The figures at the top of the page, from the same computations as the tables."""
    store = services().store
    total = store.count_records()
    sources = _per_source()
    health = _health()
    access = _access_stats()
    failed = [h for h in health if h.last_status == "failed"]
    never = [h for h in health if h.last_run_id is None]
    errors = sum(h.last_failed_records for h in health)
    successes = [h.last_success for h in health if h.last_success is not None]
    digitised = sum(s.digitised for s in sources)
    rules = len([r for r in load_rules(store) if r.enabled])
    return [
        Figure(
            _("Records"),
            _number(total),
            ngettext("in %(num)d library", "in %(num)d libraries", len(sources)),
            href="#figure-libraries",
        ),
        Figure(
            _("Works"),
            _number(count_works(store)),
            _("the same work held by several libraries counts once"),
        ),
        Figure(
            _("Digitised records"),
            _number(digitised),
            _("%(share)s of the records", share=_percent(digitised / total if total else 0)),
            href="#figure-digitised",
        ),
        Figure(
            _("Sources"),
            _number(len(health)),
            _harvest_state(len(health), len(failed), len(never)),
            href="#harvests",
            status="failed" if failed else ("succeeded" if health and not never else ""),
        ),
        Figure(
            _("Records failed in the last harvests"),
            _number(errors),
            _("Last successful harvest: %(when)s", when=_short_time(max(successes)))
            if successes
            else _("No harvest has succeeded yet."),
            href="#harvests",
        ),
        Figure(
            _("Restricted content opened today"),
            _number(access.days[-1].count if access.days else 0),
            _per_period(access.days),
            href="#figure-access-days",
        ),
        Figure(
            _("Failed log-ins today"),
            _number(access.failed_logins[-1].count if access.failed_logins else 0),
            _per_period(access.failed_logins),
            href="#figure-failed-logins",
        ),
        Figure(
            _("Licence rules in force"),
            _number(rules),
            _("See the licence rules"),
            href=url_for("admin.rules"),
        ),
    ]


def _harvest_state(sources: int, failed: int, never: int) -> str:
    if not sources:
        return _("No sources yet.")
    parts = []
    if failed:
        parts.append(
            ngettext(
                "%(num)d failed at its last harvest", "%(num)d failed at their last harvest", failed
            )
        )
    if never:
        parts.append(ngettext("%(num)d never harvested", "%(num)d never harvested", never))
    if not parts:
        return _("Every last harvest succeeded")
    return "; ".join(parts)


def _per_period(days: Sequence[stats.DayCount]) -> str:
    week = sum(d.count for d in days[-WEEK:])
    month = sum(d.count for d in days)
    return _(
        "%(week)s in the last 7 days, %(month)s in 30 days",
        week=_number(week),
        month=_number(month),
    )


def count_works(store: Store) -> int:
    """Works in the catalogue: live records grouped by the work key the index gave them
    (a record not indexed yet counts as a work of its own). Two COUNT queries."""
    live = ~RecordRow.deleted
    with store.session() as s:
        keyed = s.scalar(
            select(func.count(distinct(RecordRow.work_key))).where(
                live, RecordRow.work_key.is_not(None)
            )
        )
        unkeyed = s.scalar(
            select(func.count()).select_from(RecordRow).where(live, RecordRow.work_key.is_(None))
        )
    return (keyed or 0) + (unkeyed or 0)


def _number(value: float) -> str:
    return str(format_decimal(value))


def _percent(share: float) -> str:
    return str(format_percent(share, format="#,##0.#%"))


@bp.get("/dashboard/<name>.csv")
def dashboard_csv(name: str) -> Response:
    build = TABLES.get(name)
    if build is None:
        abort(404)
    table = build()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([safe_cell(c.value if c.value is not None else "") for c in row])
    # A byte-order mark, so spreadsheets read the Vietnamese as UTF-8.
    body = "\ufeff" + out.getvalue()
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="thuvien-{name}-{date.today()}.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text, never runs: text starting like a formula
    gets a leading apostrophe. Numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# -- the tables -------------------------------------------------------------------------


def _libraries() -> Table:
    found = _per_source()
    return Table(
        name="libraries",
        title=_("Records per library"),
        caption=_("Records in the catalogue per library (source)"),
        headers=[_("Library"), _("Key"), _("Records")],
        rows=[
            [
                Cell(s.name, href=url_for("admin.source", key=s.key)),
                Cell(s.key),
                Cell(s.records, number=True),
            ]
            for s in found
        ],
        chart=horizontal_bars(
            "chart-libraries",
            _("Records per library"),
            _("A bar for each library, as long as its number of records."),
            [Bar(s.name, s.records) for s in found[:CHART_ROWS]],
        ),
        empty=_("No sources yet."),
    )


def _digitised() -> Table:
    found = _per_source()
    return Table(
        name="digitised",
        title=_("Digitised share per library"),
        caption=_("Records with digital objects (scans, audio, files) per library"),
        headers=[_("Library"), _("Records"), _("With digital objects"), _("Share, per cent")],
        rows=[
            [
                Cell(s.name, href=url_for("admin.source", key=s.key)),
                Cell(s.records, number=True),
                Cell(s.digitised, number=True),
                Cell(
                    round(100 * s.digitised_share, 1),
                    text=str(format_percent(s.digitised_share, format="#,##0.#%")),
                    number=True,
                ),
            ]
            for s in found
        ],
        chart=horizontal_bars(
            "chart-digitised",
            _("Digitised share per library"),
            _(
                "A bar for each library, as long as the share of its records that are "
                "digitised: a bar across the whole width would be every record."
            ),
            [
                Bar(
                    s.name,
                    100 * s.digitised_share,
                    str(format_percent(s.digitised_share, format="#,##0.#%")),
                )
                for s in found[:CHART_ROWS]
            ],
            maximum=100,
        ),
        empty=_("No sources yet."),
    )


def _counts(
    name: str,
    title: str,
    caption: str,
    header: str,
    found: list[stats.Count],
    label: Callable[[str], str],
) -> Table:
    return Table(
        name=name,
        title=title,
        caption=caption,
        headers=[header, _("Code"), _("Records")],
        rows=[[Cell(label(c.value)), Cell(c.value), Cell(c.count, number=True)] for c in found],
        chart=horizontal_bars(
            f"chart-{name}",
            title,
            _("A bar for each value, as long as its number of records."),
            [Bar(label(c.value), c.count) for c in found[:CHART_ROWS]],
        ),
    )


def _formats() -> Table:
    return _counts(
        "formats",
        _("Records per format"),
        _("Records in the catalogue per format"),
        _("Format"),
        stats.records_per_format(services().store),
        lambda v: format_label(v) if v else _("No format given"),
    )


def _languages() -> Table:
    return _counts(
        "languages",
        _("Records per language"),
        _("Records in the catalogue per language (a record in two languages counts for both)"),
        _("Language"),
        stats.records_per_language(services().store),
        lambda v: language_label(v) if v else _("No language given"),
    )


def _harvests() -> Table:
    found = _health()

    def when(value) -> Cell:
        if value is None:
            return Cell("", text=_("Never"))
        return Cell(value.isoformat(timespec="seconds"), text=_short_time(value))

    rows = []
    for h in found:
        last = Cell(h.last_status or "", text=_("Never harvested"))
        if h.last_run_id is not None:
            last = Cell(
                h.last_status,
                text=f"{status_label(h.last_status)} · {_short_time(h.last_started)}",
                href=url_for("admin.run", run_id=h.last_run_id),
            )
        rows.append(
            [
                Cell(h.name, href=url_for("admin.source", key=h.key)),
                last,
                Cell(h.last_failed_records, number=True),
                when(h.last_success),
                Cell(h.runs, number=True),
                Cell(h.failed_runs, number=True),
                Cell(h.records_failed, number=True),
            ]
        )
    return Table(
        name="harvests",
        title=_("Harvests by source"),
        caption=_("The harvests of each source: the last run, the last success, the last 30 days"),
        headers=[
            _("Source"),
            _("Last harvest"),
            _("Records failed in the last harvest"),
            _("Last success"),
            _("Runs (30 days)"),
            _("Failed runs (30 days)"),
            _("Records failed (30 days)"),
        ],
        rows=rows,
        empty=_("No sources yet."),
    )


def _short_time(value) -> str:
    return datetime_text(value)


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
            _("Total in %(days)s days: %(total)s.", total=_number(total), days=_number(len(days))),
            _(
                "Busiest day: %(day)s (%(count)s).",
                day=_day_cell(busiest.day).shown,
                count=_number(busiest.count),
            ),
            ngettext("%(num)d day with no activity.", "%(num)d days with no activity.", quiet),
        ]
    )


def _once(name: str, compute: Callable[[], object]):
    """`compute()` once per request: several tables share one set of figures."""
    cache = g.setdefault("thuvien_dashboard", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def _access_stats() -> stats.AccessStats:
    return _once("access", lambda: stats.access_stats(services().store))


def _per_source() -> list[stats.SourceRecords]:
    return _once("sources", lambda: stats.records_per_source(services().store))


def _health() -> list[stats.SourceHealth]:
    return _once("health", lambda: stats.harvest_health(services().store))


def _access_days() -> Table:
    return _day_table(
        "access-days",
        _("Restricted content opened per day"),
        _("Restricted content opened (scans, audio, downloads), per day, last 30 days"),
        _("Opened"),
        _access_stats().days,
    )


def _failed_logins() -> Table:
    return _day_table(
        "failed-logins",
        _("Failed log-ins per day"),
        _("Failed log-in attempts per day, last 30 days"),
        _("Failed log-ins"),
        _access_stats().failed_logins,
    )


def _access_kinds() -> Table:
    found = _access_stats().kinds

    def label(value: str) -> str:
        return str(KIND_LABELS.get(value, value or _("Other")))

    return Table(
        name="access-kinds",
        title=_("Restricted content opened, by kind"),
        caption=_("Restricted content opened in the last 30 days, by kind of content"),
        headers=[_("Kind of content"), _("Code"), _("Opened")],
        rows=[[Cell(label(c.value)), Cell(c.value), Cell(c.count, number=True)] for c in found],
        chart=horizontal_bars(
            "chart-access-kinds",
            _("Restricted content opened, by kind"),
            _("A bar for each kind of content, as long as the number of times it was opened."),
            [Bar(label(c.value), c.count) for c in found[:CHART_ROWS]],
        ),
        empty=_("No restricted content was opened in the last 30 days."),
    )


def _top_records() -> Table:
    found = _access_stats().top_records
    return Table(
        name="top-records",
        title=_("Most opened records"),
        caption=_("The records whose restricted content was opened most in the last 30 days"),
        headers=[_("Record"), _("Record id"), _("Opened")],
        rows=[
            [
                Cell(r.title or r.record_id, href=url_for("record.show", record_id=r.record_id)),
                Cell(r.record_id),
                Cell(r.count, number=True),
            ]
            for r in found
        ],
        chart=horizontal_bars(
            "chart-top-records",
            _("Most opened records"),
            _("A bar for each record, as long as the number of times its content was opened."),
            [Bar(r.title or r.record_id, r.count) for r in found],
        ),
        empty=_("No restricted content was opened in the last 30 days."),
    )


TABLES: dict[str, Callable[[], Table]] = {
    "libraries": _libraries,
    "digitised": _digitised,
    "formats": _formats,
    "languages": _languages,
    "harvests": _harvests,
    "access-days": _access_days,
    "access-kinds": _access_kinds,
    "top-records": _top_records,
    "failed-logins": _failed_logins,
}
