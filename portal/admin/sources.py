"""Harvest sources: list, create, edit, enable or disable, delete, test, harvest now."""

from __future__ import annotations

import dataclasses
from typing import Any

from croniter import croniter
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from catalogue import audit, schedule
from catalogue.sources import (
    KEY_PATTERN,
    OPAC_URL_MAX,
    PROFILE_MAX,
    SOURCE_TYPES,
    OpacUrlError,
    Source,
    SourceError,
    WebsiteError,
    check_opac_url,
    check_website,
    clean_profile_text,
)
from harvesters import marc as marc_files
from portal.admin import bp, console_settings, record_change
from portal.admin.probe import test_source
from portal.app import services

RUNS_SHOWN = 20  # runs on a source's page
NAME_MAX = 300  # a source's name (the store's column)
FIELD_MAX = {"metadata_prefix": 50, "set": 200, "schedule": 100, "url": 2000, **PROFILE_MAX}

# The library as readers visit it (shown on /browse/library); free text but the website.
PROFILE_FIELDS = ("website", "address", "hours", "contact")
PROFILE_TEXT = ("address", "hours", "contact")
SOURCE_FIELDS = (
    "key",
    "name",
    "type",
    "url",
    "metadata_prefix",
    "set",
    "schedule",
    "opac_url",
    *PROFILE_FIELDS,
)


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
    record_change(audit.SOURCE_CREATED, source.key, {"source": dataclasses.asdict(source)})
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
        record_change(audit.SOURCE_UPDATED, key, {"changes": changes})
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
        record_change(audit.SOURCE_UPDATED, key, {"changes": {"enabled": [old.enabled, enabled]}})
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
    record_change(audit.SOURCE_DELETED, key, {"source": dataclasses.asdict(old)})
    flash(_("The source “%(name)s” has been deleted.", name=old.name), "success")
    return redirect(url_for("admin.sources"), code=303)


@bp.post("/sources/<key>/harvest")
def source_harvest(key: str) -> Response:
    found = _source_or_404(key)
    schedule.request_harvest(services().store, key)
    record_change(audit.HARVEST_REQUESTED, key)
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
        result = test_source(found, console_settings())
        record_change(
            audit.SOURCE_TESTED,
            key,
            {"ok": result["ok"], "problems": sorted(result["errors"]), "url": found.url},
        )
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
    for name in PROFILE_TEXT:  # as it will be kept: no control characters, plain lines
        form[name] = clean_profile_text(form[name])
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
    if form["opac_url"]:
        try:
            check_opac_url(form["opac_url"])
        except OpacUrlError as exc:
            errors["opac_url"] = opac_url_message(exc)
    if form["website"] and "website" not in errors:
        try:
            check_website(form["website"])
        except WebsiteError as exc:
            errors["website"] = website_message(exc)
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
            opac_url=form["opac_url"],
            **{name: form[name] for name in PROFILE_FIELDS},
        )
    except SourceError as exc:  # what the checks above do not foresee
        return None, {"source": str(exc)}
    return source, {}


def opac_url_message(exc: OpacUrlError) -> str:
    """What is wrong with a record URL template, in the librarian's language."""
    if exc.problem == "too_long":
        return _("At most %(maximum)d characters.", maximum=OPAC_URL_MAX)
    if exc.problem == "scheme":
        return _("The address must start with http:// or https:// and name the server.")
    if exc.problem == "space":
        return _("The address cannot contain spaces or line breaks.")
    if exc.problem == "unknown":
        return _(
            "{%(name)s} is not a placeholder thuvien knows. Use {local_id} (the record's "
            "number in the library) or {barcode} (a copy's barcode).",
            name=exc.placeholder,
        )
    if exc.problem == "host":
        return _("Placeholders can only be used after the server name, in the path or query.")
    if exc.problem == "missing":
        return _(
            "The address must contain {local_id}, where the record's number in the "
            "library goes (or {barcode} for a copy)."
        )
    return _(
        "Write placeholders as {local_id} or {barcode}, in curly brackets, with nothing else "
        "inside; every { needs its }."
    )


def website_message(exc: WebsiteError) -> str:
    """What is wrong with a library's website address, in the librarian's language."""
    if exc.problem == "too_long":
        return _("At most %(maximum)d characters.", maximum=PROFILE_MAX["website"])
    if exc.problem == "space":
        return _("The address cannot contain spaces or line breaks.")
    return _("The address must start with http:// or https:// and name the server.")


def _changes(old: Any, new: Any) -> dict[str, list[Any]]:
    """Field: [old, new] for each field of two dataclasses that differs."""
    before, after = dataclasses.asdict(old), dataclasses.asdict(new)
    return {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
