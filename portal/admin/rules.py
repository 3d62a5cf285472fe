"""Licence rules: list, create, edit, reorder, delete, presets, and "explain a record".

A change is shown first with the number of records it affects; when confirmed it is
saved and the records whose search visibility changed are re-indexed at once.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from catalogue import audit
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
from indexer.sync import reindex_records
from portal.admin import bp, console_settings, record_change
from portal.admin.labels import level_label
from portal.app import services
from portal.search_labels import format_label

log = logging.getLogger(__name__)

VISITOR_ROLES = ("anonymous", "reader", "librarian", "admin")


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
# The form's one-value fields: every field but the lists, and the rule's position.
RULE_TEXT_FIELDS = (
    *(name for name in RULE_FIELD_ORDER if name not in RULE_LIST_FIELDS),
    "position",
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
        before = _policy()
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
        context["networks"] = console_settings().rights.onsite_networks
    return render_template("admin/explain.html", **context)


def _places(ip: str) -> list[tuple[str, str]]:
    """Where the explained visitors are: off site, on the library network, at a given address."""
    places = [(_("Outside the library network"), "")]
    networks = console_settings().rights.onsite_networks
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
    networks = console_settings().rights.onsite_networks
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
