"""The librarian console at /admin: sources and harvests, licence rules, accounts, audit log.

Server-rendered pages whose forms all work without JavaScript and carry a CSRF token.
Librarians and admins may use the console; accounts and the audit log are for admins
only. Anonymous visitors are sent to log in, readers get a 403 page.

Every change made here is appended to the audit log (who, from which address, what,
on what, with the details). A licence-rule change is shown first with the number of
records it affects, and applied to the search index at once when confirmed: the
records whose visibility changes are re-indexed before the page answers, so a record
that became restricted is gone from searches by the next request.
"""

from __future__ import annotations

import dataclasses
import io
import ipaddress
import itertools
import json
import logging
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import requests
from croniter import croniter
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from catalogue import audit, schedule, users
from catalogue.record import FORMATS, Record
from catalogue.rights import (
    DEFAULT_OUTCOMES,
    DEFAULT_RULE_NAME,
    LEVELS,
    Actor,
    Conditions,
    Impact,
    LicenceRule,
    Outcomes,
    Policy,
    RuleError,
    RuleNotFound,
    affected_records,
    delete_rule,
    get_rule,
    install_presets,
    load_policy,
    load_rules,
    move_rule,
    preset_rules,
    rules_version,
    save_rule,
)
from catalogue.settings import Settings
from catalogue.sources import KEY_PATTERN, SOURCE_TYPES, Source, SourceError
from catalogue.users import ROLES, AccountError
from harvesters import marc as marc_files
from harvesters.errors import HarvestFailed
from harvesters.http import RetryPolicy, new_session, request_with_retries
from harvesters.oai import OaiClient
from indexer.sync import reindex_records
from portal.accounts import account_error_message, role_name, role_required
from portal.app import services
from portal.search import format_label

log = logging.getLogger(__name__)

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50  # audit entries, run errors
RUNS_SHOWN = 20  # runs on a source's page
RAW_PREVIEW_CHARS = 600  # of a failed record's raw bytes, on the run page
SAMPLE_RECORDS = 5  # records a MARC source test reads
MARC_TEST_BYTES = 1 << 20  # at most this much of a MARC file fetched over HTTP by a test
SETS_SHOWN = 200  # sets listed by an OAI source test
NAME_MAX = 300  # a source's name (the store's column)
FIELD_MAX = {"metadata_prefix": 50, "set": 200, "schedule": 100, "url": 2000}
YEAR_LOW, YEAR_HIGH = -3000, 3000  # as catalogue.rights.model
PREVIEW_PX_MAX = 10_000

LEVEL_LABELS = {
    "public": _l("everyone"),
    "registered": _l("logged-in readers"),
    "onsite": _l("on the library network"),
    "staff": _l("staff only"),
    "hidden": _l("hidden (staff only; invisible to everyone else)"),
}
ACTION_LABELS = {
    "see_record": _l("Record"),
    "view_content": _l("Content"),
    "download": _l("Download"),
    "view_preview": _l("Preview"),
}
STATUS_LABELS = {
    "running": _l("Running"),
    "succeeded": _l("Succeeded"),
    "failed": _l("Failed"),
}
MODE_LABELS = {
    "full": _l("Full"),
    "incremental": _l("Incremental"),
    "resume": _l("Resumed"),
}
TYPE_LABELS = {"oai": _l("OAI-PMH"), "marc": _l("MARC file, folder or URL")}
CONDITION_LABELS = {
    "sources": _l("Source"),
    "collections": _l("Collection"),
    "formats": _l("Format"),
    "rights_statements": _l("Rights statement"),
    "year": _l("Publication year"),
    "author_died_before_years": _l("Authors' death"),
    "embargo_active": _l("Embargo"),
    "ip_ranges": _l("Client address"),
    "onsite": _l("Library network"),
    "enabled": _l("Rule disabled"),
}
AUDIT_LABELS = {
    audit.SOURCE_CREATED: _l("Source created"),
    audit.SOURCE_UPDATED: _l("Source changed"),
    audit.SOURCE_DELETED: _l("Source deleted"),
    audit.HARVEST_REQUESTED: _l("Harvest requested"),
    audit.RULE_CREATED: _l("Licence rule created"),
    audit.RULE_UPDATED: _l("Licence rule changed"),
    audit.RULE_DELETED: _l("Licence rule deleted"),
    audit.RULE_MOVED: _l("Licence rule moved"),
    audit.USER_CREATED: _l("New account"),
    audit.USER_ROLE_CHANGED: _l("Role changed"),
    audit.USER_DISABLED: _l("Account disabled"),
    audit.USER_ENABLED: _l("Account enabled"),
    audit.USER_PASSWORD_CHANGED: _l("Password changed"),
    audit.LOGIN_FAILED: _l("Failed log-in"),
    audit.CONTENT_ACCESSED: _l("Content opened"),
}
VISITOR_ROLES = ("anonymous", "reader", "librarian", "admin")


# -- access, audit, shared pieces ---------------------------------------------------------


@bp.before_request
def _staff_only() -> Any:
    """Every console page and form is for librarians and admins (admin-only views add theirs)."""
    return role_required("librarian")(_let_through)()


def _let_through() -> None:
    return None


@bp.context_processor
def _console_context() -> dict[str, Any]:
    return {
        "level_label": level_label,
        "status_label": status_label,
        "mode_label": mode_label,
        "type_label": type_label,
        "describe_conditions": describe_conditions,
        "describe_outcomes": describe_outcomes,
        "condition_label": condition_label,
        "audit_label": audit_label,
        "action_label": action_label,
        "visitor_label": visitor_label,
        "detail_text": detail_text,
        "is_admin": current_user.is_authenticated and current_user.has_role("admin"),
    }


def _record_change(action: str, target: str = "", detail: dict | None = None) -> None:
    """Append a change made through the console to the audit log."""
    audit.append(
        services().store,
        actor=current_user.username,
        ip=request.remote_addr or "",
        action=action,
        target=target,
        detail=detail,
    )


def _settings() -> Settings:
    return services().settings


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


def _paging(page: int, total: int, per_page: int = PER_PAGE) -> dict[str, int]:
    return {"current": page, "last": max(1, math.ceil(total / per_page)), "total": total}


def _labels(table: dict) -> Callable[[str | None], str]:
    """A function naming a stored value in the reader's language (the value itself if unknown)."""
    return lambda value: str(table.get(value or "", value or ""))


level_label = _labels(LEVEL_LABELS)
status_label = _labels(STATUS_LABELS)
mode_label = _labels(MODE_LABELS)
type_label = _labels(TYPE_LABELS)
condition_label = _labels(CONDITION_LABELS)
audit_label = _labels(AUDIT_LABELS)
action_label = _labels(ACTION_LABELS)


def visitor_label(role: str) -> str:
    return _("Anonymous visitor") if role == "anonymous" else role_name(role)


def detail_text(detail: dict, limit: int = 400) -> str:
    """An audit entry's detail as compact JSON text, cut to `limit` characters."""
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the overview -------------------------------------------------------------------------


@bp.get("/")
def dashboard() -> str:
    store = services().store
    rows = []
    for source in store.sources():
        rows.append(
            {
                "source": source,
                "records": store.count_records(source.key),
                "last_run": store.last_run(source.key),
            }
        )
    return render_template(
        "admin/dashboard.html",
        rows=rows,
        total=store.count_records(),
        rules=[r for r in load_rules(store) if r.enabled],
    )


# -- sources ------------------------------------------------------------------------------


SOURCE_FIELDS = ("key", "name", "type", "url", "metadata_prefix", "set", "schedule")


@bp.get("/sources")
def sources() -> str:
    store = services().store
    rows = [{"source": s, "last_run": store.last_run(s.key)} for s in store.sources()]
    return render_template("admin/sources.html", rows=rows)


@bp.route("/sources/new", methods=["GET", "POST"])
def source_new() -> Any:
    if request.method == "GET":
        form = dict.fromkeys(SOURCE_FIELDS, "") | {"type": "oai", "enabled": True}
        form["metadata_prefix"] = "oai_dc"
        return _source_form_page(form, {}, new=True)
    form = _read_source_form(request.form)
    source, errors = _check_source(form, new=True)
    if source is None:
        return _source_form_page(form, errors, new=True)
    services().store.put_source(source)
    _record_change(audit.SOURCE_CREATED, source.key, {"source": dataclasses.asdict(source)})
    flash(_("The source “%(name)s” has been added.", name=source.name), "success")
    return redirect(url_for("admin.source", key=source.key), code=303)


@bp.get("/sources/<key>")
def source(key: str) -> str:
    store = services().store
    found = _source_or_404(key)
    return render_template(
        "admin/source.html",
        source=found,
        records=store.count_records(key),
        runs=store.runs(key, limit=RUNS_SHOWN),
        requested_at=schedule.pending_requests(store).get(key),
        next_harvest=schedule.next_harvest(store, key),
    )


@bp.route("/sources/<key>/edit", methods=["GET", "POST"])
def source_edit(key: str) -> Any:
    old = _source_or_404(key)
    if request.method == "GET":
        form = {name: str(getattr(old, name)) for name in SOURCE_FIELDS} | {"enabled": old.enabled}
        return _source_form_page(form, {}, new=False)
    form = _read_source_form(request.form) | {"key": key}
    source, errors = _check_source(form, new=False)
    if source is None:
        return _source_form_page(form, errors, new=False)
    changes = _changes(old, source)
    if changes:
        services().store.put_source(source)
        _record_change(audit.SOURCE_UPDATED, key, {"changes": changes})
        flash(_("The source “%(name)s” has been saved.", name=source.name), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return redirect(url_for("admin.source", key=key), code=303)


@bp.post("/sources/<key>/enabled")
def source_enabled(key: str) -> Response:
    old = _source_or_404(key)
    enabled = request.form.get("enabled") == "1"
    if enabled != old.enabled:
        services().store.put_source(dataclasses.replace(old, enabled=enabled))
        _record_change(audit.SOURCE_UPDATED, key, {"changes": {"enabled": [old.enabled, enabled]}})
    if enabled:
        flash(_("The source “%(name)s” is enabled.", name=old.name), "success")
    else:
        flash(
            _(
                "The source “%(name)s” is disabled: it will not be harvested on schedule.",
                name=old.name,
            ),
            "success",
        )
    return redirect(url_for("admin.source", key=key), code=303)


@bp.route("/sources/<key>/delete", methods=["GET", "POST"])
def source_delete(key: str) -> Any:
    old = _source_or_404(key)
    store = services().store
    if request.method == "GET":
        return render_template(
            "admin/source_delete.html", source=old, records=store.count_records(key)
        )
    store.delete_source(key)
    _record_change(audit.SOURCE_DELETED, key, {"source": dataclasses.asdict(old)})
    flash(_("The source “%(name)s” has been deleted.", name=old.name), "success")
    return redirect(url_for("admin.sources"), code=303)


@bp.post("/sources/<key>/harvest")
def source_harvest(key: str) -> Response:
    found = _source_or_404(key)
    schedule.request_harvest(services().store, key)
    _record_change(audit.HARVEST_REQUESTED, key)
    flash(
        _(
            "A harvest of “%(name)s” has been requested. The harvest worker (thuvien worker) "
            "will start it shortly; the run will then appear in the run history.",
            name=found.name,
        ),
        "success",
    )
    return redirect(url_for("admin.source", key=key), code=303)


@bp.route("/sources/<key>/test", methods=["GET", "POST"])
def source_test(key: str) -> str:
    found = _source_or_404(key)
    result = None
    if request.method == "POST":
        result = test_source(found, _settings())
    return render_template("admin/source_test.html", source=found, result=result)


def _source_or_404(key: str) -> Source:
    found = services().store.get_source(key)
    if found is None:
        abort(404)
    return found


def _source_form_page(form: dict[str, Any], errors: dict[str, str], *, new: bool) -> str:
    return render_template(
        "admin/source_form.html", form=form, errors=errors, new=new, types=SOURCE_TYPES
    )


def _read_source_form(data: MultiDict[str, str]) -> dict[str, Any]:
    form: dict[str, Any] = {name: data.get(name, "").strip() for name in SOURCE_FIELDS}
    form["enabled"] = data.get("enabled") == "1"
    return form


def _check_source(form: dict[str, Any], *, new: bool) -> tuple[Source | None, dict[str, str]]:
    """The source the form describes, or None and the message for each field at fault."""
    errors: dict[str, str] = {}
    key = form["key"]
    if new:
        if not key:
            errors["key"] = _("Enter a key.")
        elif not KEY_PATTERN.match(key):
            errors["key"] = _(
                "A key has 1 to 100 characters: lowercase letters a–z, digits, hyphens (-) "
                "and underscores (_), and starts with a letter or digit."
            )
        elif services().store.get_source(key) is not None:
            errors["key"] = _("There is already a source with this key.")
    if not form["name"]:
        errors["name"] = _("Enter the library's name.")
    elif len(form["name"]) > NAME_MAX:
        errors["name"] = _("The name can have at most %(maximum)d characters.", maximum=NAME_MAX)
    if form["type"] not in SOURCE_TYPES:
        errors["type"] = _("Choose the kind of source.")
    if not form["url"]:
        errors["url"] = _("Enter the address of the source.")
    elif form["type"] == "oai" and not marc_files.is_url(form["url"]):
        errors["url"] = _(
            "An OAI-PMH source needs a web address starting with http:// or https://."
        )
    for name, maximum in FIELD_MAX.items():
        if name not in errors and len(form[name]) > maximum:
            errors[name] = _("At most %(maximum)d characters.", maximum=maximum)
    if form["schedule"] and "schedule" not in errors and not croniter.is_valid(form["schedule"]):
        errors["schedule"] = _(
            "This is not a schedule in cron form. For every night at 2:00, write 0 2 * * *."
        )
    if errors:
        return None, errors
    try:
        source = Source(
            key=key,
            name=form["name"],
            type=form["type"],
            url=form["url"],
            metadata_prefix=form["metadata_prefix"] if form["type"] == "oai" else "",
            set=form["set"] if form["type"] == "oai" else "",
            schedule=form["schedule"],
            enabled=form["enabled"],
        )
    except SourceError as exc:  # what the checks above do not foresee
        return None, {"source": str(exc)}
    return source, {}


def _changes(old: Any, new: Any) -> dict[str, list[Any]]:
    """Field: [old, new] for each field of two dataclasses that differs."""
    before, after = dataclasses.asdict(old), dataclasses.asdict(new)
    return {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}


# -- testing a source ---------------------------------------------------------------------


def probe_policy(settings: Settings) -> RetryPolicy:
    """The settings' timeout, but one attempt: a test says at once whether the source answers
    (a harvest retries with backoff; a page must not wait minutes for a source that is down)."""
    harvest = settings.harvest
    return RetryPolicy(
        timeout=harvest.timeout, max_retries=0, max_retry_after=harvest.max_retry_after
    )


def test_source(source: Source, settings: Settings) -> dict[str, Any]:
    """What the source answers, step by step; never raises for anything the source does."""
    policy = probe_policy(settings)
    if source.type == "oai":
        return _test_oai(source, policy)
    return _test_marc(source, policy)


def _problem(exc: Exception) -> str:
    """A failure in the technical words a librarian can pass on to the library's IT staff."""
    if isinstance(exc, HarvestFailed):
        return exc.reason
    if isinstance(exc, requests.RequestException | OSError):
        return f"{type(exc).__name__}: {exc}"
    # Well-formed XML that sickle cannot read as OAI-PMH (an HTML page, another protocol).
    log.info("source test: unreadable answer", exc_info=exc)
    return f"the answer is not an OAI-PMH response ({type(exc).__name__}: {exc})"


def _test_oai(source: Source, policy: RetryPolicy) -> dict[str, Any]:
    client = OaiClient(source.url, policy)
    result: dict[str, Any] = {
        "kind": "oai",
        "ok": False,
        "identify": [],
        "formats": None,
        "sets": None,
        "errors": {},
        "warnings": [],
    }
    try:
        identify = client.identify()
        result["identify"] = [
            (name, values[0])
            for name, values in identify
            if values and isinstance(values[0], str) and values[0].strip()
        ]
    except Exception as exc:  # noqa: BLE001 — a test reports whatever the source does
        result["errors"]["identify"] = _problem(exc)
        return result  # the source is down or no OAI-PMH repository: nothing more to ask
    try:
        formats = client.metadata_formats()
        result["formats"] = [
            {
                "prefix": getattr(f, "metadataPrefix", ""),
                "schema": getattr(f, "schema", ""),
                "namespace": getattr(f, "metadataNamespace", ""),
            }
            for f in formats
        ]
        offered = {f["prefix"] for f in result["formats"]}
        if source.metadata_prefix and source.metadata_prefix not in offered:
            result["warnings"].append(
                _(
                    "The source does not offer the metadata format “%(prefix)s” this source "
                    "is set to harvest.",
                    prefix=source.metadata_prefix,
                )
            )
    except Exception as exc:  # noqa: BLE001
        result["errors"]["formats"] = _problem(exc)
    try:
        found = client.sets()
        result["sets_total"] = len(found)
        result["sets"] = [
            (getattr(s, "setSpec", ""), getattr(s, "setName", "")) for s in found[:SETS_SHOWN]
        ]
        if source.set and source.set not in {getattr(s, "setSpec", "") for s in found}:
            result["warnings"].append(
                _(
                    "The source has no set “%(set)s”, which this source is set to harvest.",
                    set=source.set,
                )
            )
    except Exception as exc:  # noqa: BLE001
        result["errors"]["sets"] = _problem(exc)
    result["ok"] = not result["errors"] and not result["warnings"]
    return result


def _test_marc(source: Source, policy: RetryPolicy) -> dict[str, Any]:
    result: dict[str, Any] = {
        "kind": "marc",
        "ok": False,
        "files": [],
        "samples": [],
        "errors": {},
        "warnings": [],
    }
    try:
        if marc_files.is_url(source.url):
            head, size = _fetch_head(source.url, policy)
            result["files"] = [(source.url, size)]
            result["samples"] = _sample_bytes(head, source.url, cut=len(head) >= MARC_TEST_BYTES)
        else:
            files = marc_files.local_files(source.url, None)
            result["files"] = [(f.label, f.path.stat().st_size) for f in files]
            if not files:
                result["errors"]["files"] = _(
                    "There are no MARC files (.mrc, .marc, .iso, .xml …) in this folder."
                )
                return result
            result["samples"] = _sample_files(files)
    except Exception as exc:  # noqa: BLE001 — a test reports whatever the source does
        result["errors"]["files"] = _problem(exc)
        return result
    if not result["samples"]:
        result["warnings"].append(_("No MARC record could be read from the source."))
    result["ok"] = bool(result["samples"]) and all(s["ok"] for s in result["samples"])
    return result


def _fetch_head(url: str, policy: RetryPolicy) -> tuple[bytes, int | None]:
    """The first MARC_TEST_BYTES of a file over HTTP, and its size if the server says it."""
    response = request_with_retries(new_session(), "GET", url, policy, stream=True)
    try:
        chunks, got = [], 0
        for block in response.iter_content(1 << 16):
            chunks.append(block)
            got += len(block)
            if got >= MARC_TEST_BYTES:
                break
        length = response.headers.get("Content-Length", "")
        return b"".join(chunks)[:MARC_TEST_BYTES], int(length) if length.isdigit() else None
    finally:
        response.close()


def _sample_bytes(head: bytes, label: str, *, cut: bool) -> list[dict[str, Any]]:
    reader = marc_files.read_marcxml if head.lstrip().startswith(b"<") else marc_files.read_iso2709
    samples = _samples(reader(io.BytesIO(head), label), SAMPLE_RECORDS + 1)
    if cut and samples and not samples[-1]["ok"]:
        samples.pop()  # the test stopped reading in the middle of this record
    return samples[:SAMPLE_RECORDS]


def _sample_files(files: list[marc_files.MarcFile]) -> list[dict[str, Any]]:
    samples: list[dict[str, Any]] = []
    for f in files:
        samples += _samples(marc_files.read_file(f.path, f.label), SAMPLE_RECORDS - len(samples))
        if len(samples) >= SAMPLE_RECORDS:
            break
    return samples


def _samples(entries: Iterable[marc_files.MarcEntry], limit: int) -> list[dict[str, Any]]:
    samples: list[dict[str, Any]] = []
    try:
        for entry in itertools.islice(entries, limit):
            sample = {"position": entry.position, "ok": entry.marc is not None, "error": ""}
            if entry.marc is None:
                sample["error"] = entry.error
            else:
                control = entry.marc.get("001")
                sample["id"] = (control.data or "").strip() if control is not None else ""
                sample["title"] = entry.marc.title or ""
            samples.append(sample)
    except HarvestFailed as exc:  # broken MARCXML: what was read before the break still counts
        samples.append({"position": exc.position, "ok": False, "error": exc.reason})
    return samples


# -- harvest runs -------------------------------------------------------------------------


@bp.get("/runs/<int:run_id>")
def run(run_id: int) -> str:
    found = _run_or_404(run_id)
    page = _page_number()
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
    return render_template(
        "admin/run.html",
        run=found,
        source=services().store.get_source(found.source_key),
        errors=errors,
        paging=_paging(page, len(found.errors)),
    )


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


# -- licence rules ------------------------------------------------------------------------


RULE_TEXT_FIELDS = (
    "name",
    "reason",
    "collections",
    "rights_statements",
    "year_from",
    "year_before",
    "author_died_before_years",
    "embargo_active",
    "ip_ranges",
    "onsite",
    "see_record",
    "view_content",
    "download",
    "view_preview",
    "preview_max_px",
    "position",
)
RULE_LIST_FIELDS = ("sources", "formats")
RULE_FIELD_ORDER = (
    "name",
    "reason",
    "sources",
    "collections",
    "formats",
    "rights_statements",
    "year_from",
    "year_before",
    "author_died_before_years",
    "embargo_active",
    "ip_ranges",
    "onsite",
    "see_record",
    "view_content",
    "download",
    "view_preview",
    "preview_max_px",
)
TRISTATE = {"any": None, "yes": True, "no": False}


@bp.get("/rules")
def rules() -> str:
    store = services().store
    current = load_rules(store)
    installed = {r.preset for r in current if r.preset}
    presets = [p for p in preset_rules() if p.preset not in installed]
    return render_template(
        "admin/rules.html",
        rules=current,
        presets=presets,
        default_outcomes=DEFAULT_OUTCOMES,
        default_name=DEFAULT_RULE_NAME,
    )


@bp.route("/rules/new", methods=["GET", "POST"])
def rule_new() -> Any:
    if request.method == "GET":
        return _rule_form_page(_rule_form(None), {}, rule=None)
    return _save_rule_flow(None)


@bp.route("/rules/<int:rule_id>/edit", methods=["GET", "POST"])
def rule_edit(rule_id: int) -> Any:
    old = _rule_or_404(rule_id)
    if request.method == "GET":
        return _rule_form_page(_rule_form(old), {}, rule=old)
    return _save_rule_flow(old)


@bp.route("/rules/<int:rule_id>/delete", methods=["GET", "POST"])
def rule_delete(rule_id: int) -> Any:
    old = _rule_or_404(rule_id)
    store = services().store
    if request.method == "GET":
        current = load_rules(store)
        proposed = [r for r in current if r.id != rule_id]
        impact = affected_records(store, _policy(current), _policy(proposed))
        return render_template("admin/rule_delete.html", rule=old, impact=impact)
    before = _policy()
    if not delete_rule(store, rule_id):
        abort(404)
    impact, indexed = _apply_rules(before)
    _record_change(
        audit.RULE_DELETED,
        _rule_target(old),
        {"rule": old.to_dict(), "affected": impact.count, "reindexed": indexed},
    )
    flash(_("The rule “%(name)s” has been deleted.", name=old.name), "success")
    _flash_impact(impact)
    return redirect(url_for("admin.rules"), code=303)


@bp.post("/rules/<int:rule_id>/move")
def rule_move(rule_id: int) -> Response:
    old = _rule_or_404(rule_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down") or old.position is None:
        abort(400)
    target = old.position + (-1 if direction == "up" else 1)
    store = services().store
    if 0 <= target < len(load_rules(store)):
        before = _policy()
        try:
            move_rule(store, rule_id, target)
        except RuleNotFound:
            abort(404)
        impact, indexed = _apply_rules(before)
        _record_change(
            audit.RULE_MOVED,
            _rule_target(old),
            {
                "from": old.position + 1,
                "to": target + 1,
                "affected": impact.count,
                "reindexed": indexed,
            },
        )
        flash(
            _(
                "The rule “%(name)s” is now number %(position)d.",
                name=old.name,
                position=target + 1,
            ),
            "success",
        )
        _flash_impact(impact)
    return redirect(url_for("admin.rules", _anchor=f"rule-{rule_id}"), code=303)


@bp.post("/rules/presets")
def rules_presets() -> Any:
    store = services().store
    installed = {r.preset for r in load_rules(store) if r.preset}
    available = [p for p in preset_rules() if p.preset not in installed]
    wanted = [k for k in request.form.getlist("presets") if k in {p.preset for p in available}]
    if not wanted:
        flash(_("Choose at least one preset to install."), "error")
        return redirect(url_for("admin.rules", _anchor="presets"), code=303)
    chosen = [p for p in available if p.preset in wanted]
    if request.form.get("confirm") != "1" or _stale_version():
        current = load_rules(store)
        impact = affected_records(store, _policy(current), _policy([*current, *chosen]))
        return render_template(
            "admin/rule_confirm.html",
            heading=_("Install preset rules"),
            rules=chosen,
            impact=impact,
            stale=request.form.get("confirm") == "1",
            action=url_for("admin.rules_presets"),
            hidden=[("presets", k) for k in wanted],
            version=rules_version(store),
            back=url_for("admin.rules", _anchor="presets"),
        )
    before = _policy()
    added = install_presets(store, wanted, updated_by=current_user.username)
    impact, indexed = _apply_rules(before)
    for rule in added:
        _record_change(
            audit.RULE_CREATED,
            _rule_target(rule),
            {"rule": rule.to_dict(), "affected": impact.count, "reindexed": indexed},
        )
    flash(
        ngettext(
            "%(num)d preset rule has been installed at the end of the list.",
            "%(num)d preset rules have been installed at the end of the list.",
            len(added),
        ),
        "success",
    )
    _flash_impact(impact)
    return redirect(url_for("admin.rules"), code=303)


@bp.get("/rules/explain")
def rules_explain() -> str:
    record_id = request.args.get("record", "").strip()[:500]
    ip = request.args.get("ip", "").strip()[:100]
    errors: dict[str, str] = {}
    record: Record | None = None
    if "record" in request.args and not record_id:
        errors["record"] = _("Enter a record id, such as hanoi-library:12345.")
    elif record_id:
        record = services().store.get_record(record_id)
        if record is None:
            errors["record"] = _("There is no record with this id.")
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            errors["ip"] = _("Enter an IP address such as 10.20.0.5, or leave it empty.")
    context: dict[str, Any] = {"record_id": record_id, "ip": ip, "errors": errors, "record": record}
    if record is not None and not errors:
        policy = _policy()
        context["checks"] = policy.explain(record, Actor.anonymous(ip))
        context["places"] = _places(ip)
        context["decisions"] = [
            {
                "role": role,
                "place": place,
                "decisions": policy.decisions(Actor(role=role, ip=address), record),
            }
            for place, address in context["places"]
            for role in VISITOR_ROLES
        ]
        context["networks"] = _settings().rights.onsite_networks
    return render_template("admin/explain.html", **context)


def _places(ip: str) -> list[tuple[str, str]]:
    """Where the explained visitors are: off site, on the library network, at a given address."""
    places = [(_("Outside the library network"), "")]
    networks = _settings().rights.onsite_networks
    if networks:
        network = ipaddress.ip_network(networks[0], strict=False)
        address = network.network_address + (1 if network.num_addresses > 1 else 0)
        places.append((_("On the library network (%(address)s)", address=address), str(address)))
    if ip:
        places.append((_("At %(address)s", address=ip), ip))
    return places


def _rule_or_404(rule_id: int) -> LicenceRule:
    found = get_rule(services().store, rule_id)
    if found is None:
        abort(404)
    return found


def _rule_target(rule: LicenceRule) -> str:
    return f"rule:{rule.id}"


def _policy(rules: Iterable[LicenceRule] | None = None) -> Policy:
    """The policy of these rules (default: the stored ones) with the library's networks."""
    networks = _settings().rights.onsite_networks
    if rules is None:
        return load_policy(services().store, networks)
    return Policy(rules, networks)


def _stale_version() -> bool:
    """True when the rules changed since the confirmation page was shown."""
    shown = request.form.get("version", "")
    return shown != str(rules_version(services().store))


def _apply_rules(before: Policy) -> tuple[Impact, int]:
    """After a rule change: what it changed, and the index brought in line at once.

    The comparison is with the policy as it was just before this change was written,
    so whatever else was saved meanwhile is covered too.
    """
    svc = services()
    after = _policy()
    impact = affected_records(svc.store, before, after)
    try:
        indexed = reindex_records(
            svc.store, svc.index, impact.visibility, visibility=after.record_visibility
        )
    except Exception:  # noqa: BLE001 — the rule is saved; the index must be rebuilt by hand
        log.exception("reindex after a licence rule change failed")
        flash(
            _(
                "The change is saved, but the search index could not be updated. Until "
                "someone runs “thuvien index --rebuild”, searches may show records as before."
            ),
            "error",
        )
        return impact, 0
    return impact, indexed


def _flash_impact(impact: Impact) -> None:
    flash(
        ngettext(
            "%(num)d record is treated differently now; the search index has been updated.",
            "%(num)d records are treated differently now; the search index has been updated.",
            impact.count,
        ),
        "info",
    )


def _save_rule_flow(old: LicenceRule | None) -> Any:
    """Form → (errors | preview with the affected count | saved and applied)."""
    store = services().store
    form = _read_rule_form(request.form)
    rule, errors = _build_rule(form, old)
    if rule is None or request.form.get("back") == "1":
        return _rule_form_page(form, errors, rule=old)
    if request.form.get("confirm") != "1" or _stale_version():
        current = load_rules(store)
        impact = affected_records(store, _policy(current), _policy(_with_rule(current, rule)))
        action = url_for("admin.rule_edit", rule_id=old.id) if old else url_for("admin.rule_new")
        return render_template(
            "admin/rule_confirm.html",
            heading=_("Save the rule “%(name)s”", name=rule.name),
            rules=[rule],
            impact=impact,
            stale=request.form.get("confirm") == "1",
            action=action,
            hidden=_hidden_fields(form),
            version=rules_version(store),
            back=None,
        )
    before = _policy()
    try:
        saved = save_rule(store, rule, updated_by=current_user.username)
    except RuleNotFound:
        abort(404)
    impact, indexed = _apply_rules(before)
    detail: dict[str, Any] = {
        "rule": saved.to_dict(),
        "affected": impact.count,
        "reindexed": indexed,
    }
    if old is not None:
        detail["before"] = old.to_dict()
    _record_change(audit.RULE_UPDATED if old else audit.RULE_CREATED, _rule_target(saved), detail)
    flash(_("The rule “%(name)s” has been saved.", name=saved.name), "success")
    _flash_impact(impact)
    return redirect(url_for("admin.rules", _anchor=f"rule-{saved.id}"), code=303)


def _with_rule(current: list[LicenceRule], rule: LicenceRule) -> list[LicenceRule]:
    """The rule list as it would be with `rule` saved (as save_rule places it)."""
    if rule.id is not None:
        return [rule if r.id == rule.id else r for r in current]
    position = len(current) if rule.position is None else max(0, min(rule.position, len(current)))
    return [*current[:position], rule, *current[position:]]


def _rule_form_page(form: dict[str, Any], errors: dict[str, str], *, rule: LicenceRule | None):
    store = services().store
    known = [s.key for s in store.sources()]
    source_choices = [(s.key, s.name) for s in store.sources()]
    source_choices += [(k, k) for k in form["sources"] if k not in known]  # a deleted source
    positions = [
        (str(i), _("Before rule %(number)d: %(name)s", number=i + 1, name=r.name))
        for i, r in enumerate(load_rules(store) if rule is None else [])
    ]
    return render_template(
        "admin/rule_form.html",
        form=form,
        errors=errors,
        rule=rule,
        order=RULE_FIELD_ORDER,
        source_choices=source_choices,
        format_choices=[(f, format_label(f)) for f in FORMATS],
        level_choices=[(level, level_label(level)) for level in LEVELS],
        position_choices=positions,
    )


def _rule_form(rule: LicenceRule | None) -> dict[str, Any]:
    """A rule as the form's field values (a new rule: the safe defaults)."""
    rule = rule or LicenceRule(name="-", outcomes=DEFAULT_OUTCOMES)
    c, o = rule.conditions, rule.outcomes

    def number(value: int | None) -> str:
        return "" if value is None else str(value)

    def tristate(value: bool | None) -> str:
        return {None: "any", True: "yes", False: "no"}[value]

    return {
        "name": "" if rule.id is None else rule.name,
        "reason": rule.reason,
        "enabled": rule.enabled,
        "sources": list(c.sources),
        "collections": "\n".join(c.collections),
        "formats": list(c.formats),
        "rights_statements": "\n".join(c.rights_statements),
        "year_from": number(c.year_from),
        "year_before": number(c.year_before),
        "author_died_before_years": number(c.author_died_before_years),
        "embargo_active": tristate(c.embargo_active),
        "ip_ranges": "\n".join(c.ip_ranges),
        "onsite": tristate(c.onsite),
        "see_record": o.see_record,
        "view_content": o.view_content,
        "download": o.download,
        "view_preview": o.view_preview or "",
        "preview_max_px": str(o.preview_max_px),
        "position": "",
    }


def _read_rule_form(data: MultiDict[str, str]) -> dict[str, Any]:
    form: dict[str, Any] = {name: data.get(name, "").strip() for name in RULE_TEXT_FIELDS}
    for name in RULE_LIST_FIELDS:
        form[name] = [v for v in dict.fromkeys(data.getlist(name)) if v]
    form["enabled"] = data.get("enabled") == "1"
    return form


def _hidden_fields(form: dict[str, Any]) -> list[tuple[str, str]]:
    """The form's values as hidden inputs, carried through the confirmation page."""
    pairs = [(name, form[name]) for name in RULE_TEXT_FIELDS]
    pairs += [(name, value) for name in RULE_LIST_FIELDS for value in form[name]]
    if form["enabled"]:
        pairs.append(("enabled", "1"))
    return pairs


def _lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def _build_rule(
    form: dict[str, Any], old: LicenceRule | None
) -> tuple[LicenceRule | None, dict[str, str]]:
    """The rule the form describes, or None and a message for each field at fault.

    Every field is checked, so the librarian sees all problems at once; catalogue.rights
    validates again, and a RuleError it raises is shown next to its field.
    """
    errors: dict[str, str] = {}
    numbers: dict[str, int | None] = {}
    for name in ("year_from", "year_before", "author_died_before_years", "preview_max_px"):
        raw = form[name]
        if not raw:
            numbers[name] = None
            if name == "preview_max_px":
                errors[name] = _rule_message(name)
            continue
        try:
            numbers[name] = int(raw)
        except ValueError:
            numbers[name] = None
            errors[name] = _rule_message(name)
    year_from, year_before = numbers["year_from"], numbers["year_before"]
    if year_from is not None and year_before is not None and year_from >= year_before:
        errors["year_before"] = _(
            "“Published before” must be a later year than “published from”, or no record "
            "could match."
        )
    ip_ranges = _lines(form["ip_ranges"])
    for value in ip_ranges:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            errors["ip_ranges"] = _(
                "“%(value)s” is not an IP range. Write one range per line, in CIDR form "
                "such as 10.20.0.0/16.",
                value=value,
            )
            break
    tristates: dict[str, bool | None] = {}
    for name in ("embargo_active", "onsite"):
        if form[name] not in TRISTATE:
            errors[name] = _("Choose one of the options.")
        tristates[name] = TRISTATE.get(form[name])
    position = None
    if old is None and form["position"]:
        if not form["position"].isdigit():
            errors["position"] = _("Choose one of the options.")
        else:
            position = int(form["position"])

    conditions = _valid(
        Conditions,
        {
            "sources": form["sources"],
            "collections": _lines(form["collections"]),
            "formats": form["formats"],
            "rights_statements": _lines(form["rights_statements"]),
            "year_from": year_from,
            "year_before": year_before,
            "author_died_before_years": numbers["author_died_before_years"],
            "embargo_active": tristates["embargo_active"],
            "ip_ranges": ip_ranges,
            "onsite": tristates["onsite"],
        },
        errors,
    )
    outcomes = _valid(
        Outcomes,
        {
            "see_record": form["see_record"],
            "view_content": form["view_content"],
            "download": form["download"],
            "view_preview": form["view_preview"] or None,
            "preview_max_px": numbers["preview_max_px"] if numbers["preview_max_px"] else 0,
        },
        errors,
    )
    if not form["name"]:
        errors["name"] = _("Give the rule a name.")
    if errors or conditions is None or outcomes is None:
        return None, errors
    try:
        rule = LicenceRule(
            name=form["name"],
            conditions=conditions,
            outcomes=outcomes,
            reason=form["reason"],
            enabled=form["enabled"],
            preset=old.preset if old else "",
            id=old.id if old else None,
            position=position,
        )
    except RuleError as exc:
        field = exc.field.rpartition(".")[2]
        return None, {field: _rule_message(field, exc)}
    return rule, {}


def _valid(kind: Callable[..., Any], values: dict[str, Any], errors: dict[str, str]) -> Any:
    """`kind(**values)`, collecting the RuleError of every field at fault (not only the first)."""
    values = dict(values)
    for _attempt in range(len(values) + 1):
        try:
            return kind(**values)
        except RuleError as exc:
            field = exc.field.rpartition(".")[2]
            errors.setdefault(field, _rule_message(field, exc))
            if field not in values:
                return None
            del values[field]  # try the rest, to find their errors too
    return None


def _rule_message(field: str, exc: RuleError | None = None) -> str:
    """What a librarian is told about a field of the rule form, in their language."""
    if field == "name":
        return _("Give the rule a name of at most 300 characters.")
    if field in ("year_from", "year_before"):
        return _("Enter a year from -3000 to 3000 (negative years are BCE).")
    if field == "author_died_before_years":
        return _("Enter a whole number of years from 0 to 500.")
    if field == "preview_max_px":
        return _("Enter the longest side of a preview in pixels, from 0 to 10000 (0: no preview).")
    if field in ("see_record", "view_content", "download", "view_preview", "formats", "sources"):
        return _("Choose from the options shown.")
    if field == "ip_ranges":
        return _("Write one IP range per line, in CIDR form such as 10.20.0.0/16.")
    return exc.message if exc is not None else _("Check this field.")


# -- rules in words -----------------------------------------------------------------------


def describe_conditions(c: Conditions) -> list[str]:
    """What a rule matches, one line per condition, in the reader's language."""
    lines = []
    if c.sources:
        lines.append(_("Source: %(values)s", values=", ".join(c.sources)))
    if c.collections:
        lines.append(_("Collection: %(values)s", values=", ".join(c.collections)))
    if c.formats:
        lines.append(_("Format: %(values)s", values=", ".join(map(format_label, c.formats))))
    if c.rights_statements:
        lines.append(
            _("Rights statement starts with: %(values)s", values=", ".join(c.rights_statements))
        )
    if c.year_from is not None and c.year_before is not None:
        lines.append(
            _(
                "Published from %(start)s to before %(end)s",
                start=str(c.year_from),
                end=str(c.year_before),
            )
        )
    elif c.year_from is not None:
        lines.append(_("Published in %(year)s or later", year=str(c.year_from)))
    elif c.year_before is not None:
        lines.append(_("Published before %(year)s", year=str(c.year_before)))
    if c.author_died_before_years is not None:
        lines.append(
            _(
                "Every author and contributor died at least %(years)s full calendar years ago",
                years=str(c.author_died_before_years),
            )
        )
    if c.embargo_active is True:
        lines.append(_("Under embargo"))
    elif c.embargo_active is False:
        lines.append(_("Not under embargo"))
    if c.ip_ranges:
        lines.append(_("Client address in: %(values)s", values=", ".join(c.ip_ranges)))
    if c.onsite is True:
        lines.append(_("Client on the library network"))
    elif c.onsite is False:
        lines.append(_("Client outside the library network"))
    return lines or [_("Every record (no conditions)")]


def describe_outcomes(o: Outcomes) -> list[str]:
    """Who may do what under a rule, one line per action."""
    lines = [
        _("%(action)s: %(level)s", action=ACTION_LABELS[a], level=level_label(o.level(a)))
        for a in ("see_record", "view_content", "download")
    ]
    if o.preview_max_px == 0:
        lines.append(_("Preview: none"))
    else:
        lines.append(
            _(
                "Preview: %(level)s, up to %(size)s px",
                level=level_label(o.level("view_preview")),
                size=str(o.preview_max_px),
            )
        )
    return lines


# -- users and roles ----------------------------------------------------------------------


@bp.get("/users")
@role_required("admin")
def users_list() -> str:
    return render_template(
        "admin/users.html", accounts=users.list_users(services().store), roles=ROLES
    )


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def user_role(user_id: int) -> Response:
    account = _account_or_404(user_id)
    role = request.form.get("role", "")
    if account.id == current_user.id:
        flash(_("You cannot change your own role; ask another administrator."), "error")
    elif role not in ROLES:
        flash(_("This role does not exist."), "error")
    elif role != account.role:
        try:
            users.set_role(services().store, user_id, role)
        except AccountError as exc:
            flash(account_error_message(exc), "error")
        else:
            _record_change(
                audit.USER_ROLE_CHANGED, account.username, {"from": account.role, "to": role}
            )
            flash(
                _(
                    "%(name)s now has the role %(role)s.",
                    name=account.username,
                    role=role_name(role),
                ),
                "success",
            )
    return redirect(url_for("admin.users_list", _anchor=f"user-{user_id}"), code=303)


@bp.post("/users/<int:user_id>/disabled")
@role_required("admin")
def user_disabled(user_id: int) -> Response:
    account = _account_or_404(user_id)
    disabled = request.form.get("disabled") == "1"
    if account.id == current_user.id:
        flash(_("You cannot disable your own account; ask another administrator."), "error")
    elif disabled != account.disabled:
        users.set_disabled(services().store, user_id, disabled)
        _record_change(audit.USER_DISABLED if disabled else audit.USER_ENABLED, account.username)
        if disabled:
            flash(_("The account %(name)s is disabled.", name=account.username), "success")
        else:
            flash(_("The account %(name)s is enabled.", name=account.username), "success")
    return redirect(url_for("admin.users_list", _anchor=f"user-{user_id}"), code=303)


def _account_or_404(user_id: int) -> users.User:
    account = users.get_user(services().store, user_id)
    if account is None:
        abort(404)
    return account


# -- the audit log ------------------------------------------------------------------------


@bp.get("/audit")
@role_required("admin")
def audit_log() -> str:
    store = services().store
    action = request.args.get("action", "").strip()
    if action not in AUDIT_LABELS:
        action = ""
    actor = request.args.get("actor", "").strip()[:100]
    filters = {"action": action or None, "actor": actor or None}
    total = audit.count(store, **filters)
    paging = _paging(_page_number(), total)
    page = min(paging["current"], paging["last"])
    paging["current"] = page
    found = audit.entries(store, limit=PER_PAGE, offset=(page - 1) * PER_PAGE, **filters)
    args = {k: v for k, v in (("action", action), ("actor", actor)) if v}
    return render_template(
        "admin/audit.html",
        entries=found,
        chain=audit.verify(store),
        action=action,
        actor=actor,
        actions=list(AUDIT_LABELS),
        paging=paging,
        args=args,
    )
