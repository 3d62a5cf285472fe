"""Licence rules: list, create, edit, reorder, delete and install presets.

A change is shown first with the number of records it affects; when confirmed it is
saved and the records whose search visibility changed are re-indexed at once. The
form's fields and checks live in `rule_form`, the "explain a record" tool in
`rule_explain` (imported here so its view is registered with the rule pages).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from catalogue import audit
from catalogue.record import FORMATS
from catalogue.rights import (
    DEFAULT_OUTCOMES,
    DEFAULT_RULE_NAME,
    LEVELS,
    Impact,
    LicenceRule,
    Policy,
    RuleNotFound,
    affected_records,
    delete_rule,
    get_rule,
    install_presets,
    load_rules,
    move_rule,
    preset_rules,
    rules_version,
    save_rule,
)
from indexer.sync import reindex_records
from portal.admin import bp, record_change
from portal.admin.labels import level_label
from portal.admin.rule_explain import console_policy
from portal.admin.rule_form import (
    RULE_FIELD_ORDER,
    build_rule,
    hidden_fields,
    read_rule_form,
    rule_form_values,
)
from portal.app import services
from portal.search_labels import format_label

log = logging.getLogger(__name__)


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
        return _rule_form_page(rule_form_values(None), {}, rule=None)
    return _save_rule_flow(None)


@bp.route("/rules/<int:rule_id>/edit", methods=["GET", "POST"])
def rule_edit(rule_id: int) -> Any:
    old = _rule_or_404(rule_id)
    if request.method == "GET":
        return _rule_form_page(rule_form_values(old), {}, rule=old)
    return _save_rule_flow(old)


@bp.route("/rules/<int:rule_id>/delete", methods=["GET", "POST"])
def rule_delete(rule_id: int) -> Any:
    old = _rule_or_404(rule_id)
    store = services().store
    if request.method == "GET":
        current = load_rules(store)
        proposed = [r for r in current if r.id != rule_id]
        impact = affected_records(store, console_policy(current), console_policy(proposed))
        return render_template("admin/rule_delete.html", rule=old, impact=impact)
    before = console_policy()
    if not delete_rule(store, rule_id):
        abort(404)
    impact, indexed = _apply_rules(before)
    record_change(
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
        before = console_policy()
        try:
            move_rule(store, rule_id, target)
        except RuleNotFound:
            abort(404)
        impact, indexed = _apply_rules(before)
        record_change(
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
        impact = affected_records(
            store, console_policy(current), console_policy([*current, *chosen])
        )
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
    before = console_policy()
    added = install_presets(store, wanted, updated_by=current_user.username)
    impact, indexed = _apply_rules(before)
    for rule in added:
        record_change(
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


def _rule_or_404(rule_id: int) -> LicenceRule:
    found = get_rule(services().store, rule_id)
    if found is None:
        abort(404)
    return found


def _rule_target(rule: LicenceRule) -> str:
    return f"rule:{rule.id}"


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
    after = console_policy()
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
    form = read_rule_form(request.form)
    rule, errors = build_rule(form, old)
    if rule is None or request.form.get("back") == "1":
        return _rule_form_page(form, errors, rule=old)
    if request.form.get("confirm") != "1" or _stale_version():
        current = load_rules(store)
        impact = affected_records(
            store, console_policy(current), console_policy(_with_rule(current, rule))
        )
        action = url_for("admin.rule_edit", rule_id=old.id) if old else url_for("admin.rule_new")
        return render_template(
            "admin/rule_confirm.html",
            heading=_("Save the rule “%(name)s”", name=rule.name),
            rules=[rule],
            impact=impact,
            stale=request.form.get("confirm") == "1",
            action=action,
            hidden=hidden_fields(form),
            version=rules_version(store),
            back=None,
        )
    before = console_policy()
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
    record_change(audit.RULE_UPDATED if old else audit.RULE_CREATED, _rule_target(saved), detail)
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
