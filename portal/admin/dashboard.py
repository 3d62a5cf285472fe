"""The console's home, the dashboard: the catalogue, harvest health and access at a glance.

The page opens with a grid of the figures that matter (records, works, sources and their
last harvests, restricted content opened, failed log-ins), so a librarian takes the state
of the catalogue in without scrolling. Below, every figure from `catalogue.stats`
(GROUP BY queries) is a table, most with an SVG chart beside it (`charts`), and each
table can be downloaded as CSV at /admin/dashboard/<table>.csv — the same rows, raw
numbers, no formatting. This module holds the views, the summary grid and the CSV;
the tables are built in `dashboard_tables` and `dashboard_days` from `dashboard_data`.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, or a tab
or carriage return) get a leading apostrophe: a library's name or a record title
comes from outside and must not become a formula on a librarian's machine.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import Response, abort, render_template, url_for
from flask_babel import format_percent, ngettext
from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from catalogue import stats
from catalogue.rights import load_rules
from catalogue.store import Store
from catalogue.tables import RecordRow
from portal.admin import bp
from portal.admin.dashboard_data import (
    number,
    request_access_stats,
    request_health,
    request_per_source,
    short_time,
)
from portal.admin.dashboard_tables import TABLES
from portal.app import services

WEEK = 7  # days in "this week" of the summary: today and the six before


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
    sources = request_per_source()
    health = request_health()
    access = request_access_stats()
    failed = [h for h in health if h.last_status == "failed"]
    never = [h for h in health if h.last_run_id is None]
    errors = sum(h.last_failed_records for h in health)
    successes = [h.last_success for h in health if h.last_success is not None]
    digitised = sum(s.digitised for s in sources)
    rules = len([r for r in load_rules(store) if r.enabled])
    return [
        Figure(
            _("Records"),
            number(total),
            ngettext("in %(num)d library", "in %(num)d libraries", len(sources)),
            href="#figure-libraries",
        ),
        Figure(
            _("Works"),
            number(count_works(store)),
            _("the same work held by several libraries counts once"),
        ),
        Figure(
            _("Digitised records"),
            number(digitised),
            _("%(share)s of the records", share=_percent(digitised / total if total else 0)),
            href="#figure-digitised",
        ),
        Figure(
            _("Sources"),
            number(len(health)),
            _harvest_state(len(health), len(failed), len(never)),
            href="#harvests",
            status="failed" if failed else ("succeeded" if health and not never else ""),
        ),
        Figure(
            _("Records failed in the last harvests"),
            number(errors),
            _("Last successful harvest: %(when)s", when=short_time(max(successes)))
            if successes
            else _("No harvest has succeeded yet."),
            href="#harvests",
        ),
        Figure(
            _("Restricted content opened today"),
            number(access.days[-1].count if access.days else 0),
            _per_period(access.days),
            href="#figure-access-days",
        ),
        Figure(
            _("Failed log-ins today"),
            number(access.failed_logins[-1].count if access.failed_logins else 0),
            _per_period(access.failed_logins),
            href="#figure-failed-logins",
        ),
        Figure(
            _("Licence rules in force"),
            number(rules),
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
        week=number(week),
        month=number(month),
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
