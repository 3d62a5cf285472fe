"""The dashboard's tables: each figure from `catalogue.stats` as rows and a chart.

`TABLES` names every table (the name is also in its CSV's address); the per-day ones
are built in `dashboard_days`.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalogue import stats
from portal.admin.charts import Bar, horizontal_bars
from portal.admin.dashboard_data import (
    Cell,
    Table,
    request_access_stats,
    request_health,
    request_per_source,
    short_time,
)
from portal.admin.dashboard_days import access_days_table, failed_logins_table
from portal.admin.labels import status_label
from portal.app import services
from portal.search_labels import format_label, language_label

CHART_ROWS = 12  # categories drawn in a chart; the table beside it lists them all
KIND_LABELS = {
    "image": _l("Images"),
    "audio": _l("Audio"),
    "download": _l("Downloads"),
    "manifest": _l("Viewer (IIIF manifest)"),
    "text": _l("Full text"),
}


def _libraries() -> Table:
    found = request_per_source()
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
    found = request_per_source()
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
    found = request_health()

    def when(value) -> Cell:
        if value is None:
            return Cell("", text=_("Never"))
        return Cell(value.isoformat(timespec="seconds"), text=short_time(value))

    rows = []
    for h in found:
        last = Cell(h.last_status or "", text=_("Never harvested"))
        if h.last_run_id is not None:
            last = Cell(
                h.last_status,
                text=f"{status_label(h.last_status)} · {short_time(h.last_started)}",
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


def _access_kinds() -> Table:
    found = request_access_stats().kinds

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
    found = request_access_stats().top_records
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
    "access-days": access_days_table,
    "access-kinds": _access_kinds,
    "top-records": _top_records,
    "failed-logins": failed_logins_table,
}
