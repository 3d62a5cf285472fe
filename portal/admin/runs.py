"""Harvest runs: counts, the per-record errors with the bytes as received."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from catalogue import audit
from harvesters.retry import NothingToRetry, plan_retry, retry_failed
from indexer.sync import sync_index
from portal.admin import PER_PAGE, bp, console_settings, page_number, record_change
from portal.admin import paging as paging_of
from portal.app import services

log = logging.getLogger(__name__)

RAW_PREVIEW_CHARS = 600  # of a failed record's raw bytes, on the run page


@bp.get("/runs/<int:run_id>")
def run(run_id: int) -> str:
    found = _run_or_404(run_id)
    page = page_number()
    start = (page - 1) * PER_PAGE
    errors = [
        {
            "number": start + i + 1,
            "error": e,
            "preview": raw_preview(e.raw),
            "truncated": len(e.raw) > RAW_PREVIEW_CHARS,
        }
        for i, e in enumerate(found.errors[start : start + PER_PAGE])
    ]
    source = services().store.get_source(found.source_key)
    return render_template(
        "admin/run.html",
        run=found,
        source=source,
        errors=errors,
        paging=paging_of(page, len(found.errors)),
        retry=plan_retry(found, source) if source and found.status != "running" else None,
    )


@bp.post("/runs/<int:run_id>/retry")
def run_retry(run_id: int) -> Response:
    """Fetch again just the records that failed in this run, as a new run; then bring
    the search index up to date with what it saved."""
    found = _run_or_404(run_id)
    svc = services()
    settings = console_settings()
    if found.status == "running":
        flash(
            _("This run is still going on: retry its failed records when it has finished."), "error"
        )
        return redirect(url_for("admin.run", run_id=run_id), code=303)
    try:
        retried = retry_failed(svc.store, run_id, settings.harvest)
    except NothingToRetry:
        flash(_("This run has no failed record that can be fetched again."), "error")
        return redirect(url_for("admin.run", run_id=run_id), code=303)
    record_change(
        audit.HARVEST_RETRIED,
        found.source_key,
        {
            "run": run_id,
            "retry_run": retried.id,
            "status": retried.status,
            "added": retried.added,
            "updated": retried.updated,
            "failed": retried.failed,
        },
    )
    try:
        sync_index(svc.store, svc.index, onsite_networks=settings.rights.onsite_networks)
    except Exception:  # noqa: BLE001 — the records are saved; the worker syncs again later
        log.exception("index sync after a retry failed")
        flash(
            _(
                "The records are saved, but the search index could not be updated yet; the "
                "harvest worker will try again."
            ),
            "error",
        )
    asked = retried.added + retried.updated + retried.deleted + retried.unchanged
    flash(
        ngettext(
            "The retry is done: %(num)d record saved, %(failed)s still failing.",
            "The retry is done: %(num)d records saved, %(failed)s still failing.",
            asked,
            failed=retried.failed,
        ),
        "success" if retried.status == "succeeded" and not retried.failed else "info",
    )
    return redirect(url_for("admin.run", run_id=retried.id), code=303)


@bp.get("/runs/<int:run_id>/errors/<int:number>/raw")
def run_error_raw(run_id: int, number: int) -> Response:
    """A failed record's bytes exactly as received, to open in a MARC or XML tool."""
    found = _run_or_404(run_id)
    if not 1 <= number <= len(found.errors):
        abort(404)
    raw = found.errors[number - 1].raw
    suffix = "xml" if raw.lstrip().startswith(b"<") else "mrc"
    name = f"{found.source_key}-run{run_id}-error{number}.{suffix}"
    return Response(
        raw,
        mimetype="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _run_or_404(run_id: int) -> Any:
    try:
        return services().store.run(run_id)
    except AttributeError:  # the store found no such run
        abort(404)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def raw_preview(raw: bytes, limit: int = RAW_PREVIEW_CHARS) -> str:
    """Raw bytes as text to show: UTF-8 where it decodes, control characters made visible
    (MARC's separators become ␞ ␟ ␝), cut at `limit` characters. Escaped by the template."""
    text = raw[: limit * 4].decode("utf-8", errors="replace")
    text = _CONTROL.sub(
        lambda m: chr(0x2400 + ord(m.group())) if m.group() != "\x7f" else "␡", text
    )
    return text[:limit] + ("…" if len(text) > limit or len(raw) > limit * 4 else "")
