"""The licence-rule form: a rule as field values, the values read back, and checked.

Kept apart from the views so that what the librarian typed becomes a `LicenceRule`
(or one message per field at fault) in one place, with no request or page in sight.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from catalogue.rights import (
    DEFAULT_OUTCOMES,
    Conditions,
    LicenceRule,
    Outcomes,
    RuleError,
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
# The form's one-value fields: every field but the lists, and the rule's position.
RULE_TEXT_FIELDS = (
    *(name for name in RULE_FIELD_ORDER if name not in RULE_LIST_FIELDS),
    "position",
)
TRISTATE = {"any": None, "yes": True, "no": False}


def rule_form_values(rule: LicenceRule | None) -> dict[str, Any]:
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


def read_rule_form(data: MultiDict[str, str]) -> dict[str, Any]:
    form: dict[str, Any] = {name: data.get(name, "").strip() for name in RULE_TEXT_FIELDS}
    for name in RULE_LIST_FIELDS:
        form[name] = [v for v in dict.fromkeys(data.getlist(name)) if v]
    form["enabled"] = data.get("enabled") == "1"
    return form


def hidden_fields(form: dict[str, Any]) -> list[tuple[str, str]]:
    """The form's values as hidden inputs, carried through the confirmation page."""
    pairs = [(name, form[name]) for name in RULE_TEXT_FIELDS]
    pairs += [(name, value) for name in RULE_LIST_FIELDS for value in form[name]]
    if form["enabled"]:
        pairs.append(("enabled", "1"))
    return pairs


def _lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def build_rule(
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
