"""Stored values in the reader's language: levels, statuses, audit actions, rules in words."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from catalogue import audit, users
from catalogue.rights import Conditions, Outcomes, RuleError, preset_rules
from portal.account_session import role_name
from portal.i18n import date_text
from portal.search_labels import format_label

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
    "retry": _l("Retry of failed records"),
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
    audit.SOURCE_TESTED: _l("Source tested"),
    audit.HARVEST_REQUESTED: _l("Harvest requested"),
    audit.HARVEST_RETRIED: _l("Failed records retried"),
    audit.RULE_CREATED: _l("Licence rule created"),
    audit.RULE_UPDATED: _l("Licence rule changed"),
    audit.RULE_DELETED: _l("Licence rule deleted"),
    audit.RULE_MOVED: _l("Licence rule moved"),
    audit.USER_CREATED: _l("New account"),
    audit.USER_ROLE_CHANGED: _l("Role changed"),
    audit.USER_DISABLED: _l("Account disabled"),
    audit.USER_ENABLED: _l("Account enabled"),
    audit.USER_PASSWORD_CHANGED: _l("Password changed"),
    users.USER_DELETED: _l("Account deleted"),
    audit.LOGIN_FAILED: _l("Failed log-in"),
    audit.CONTENT_ACCESSED: _l("Content opened"),
}
VISITOR_ROLES = ("anonymous", "reader", "librarian", "admin")


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


# -- why a rule does not match (catalogue.rights.conditions.Mismatch) ----------------------

LIST_SHOWN = 3  # values of a list named before "(+N)"


def _values(values: Sequence[str], *, formats: bool = False) -> str:
    named = [str(format_label(v)) if formats else v for v in values[:LIST_SHOWN]]
    more = len(values) - LIST_SHOWN
    return ", ".join(named) + (f" (+{more})" if more > 0 else "")


def _day(value: Any) -> str:
    return date_text(value) if isinstance(value, date) else str(value)


def mismatch_text(failed: str, detail: str) -> str:
    """Why a rule does not match a record, in the reader's language.

    `detail` is a `Mismatch` (code and params) from catalogue.rights; a plain text
    (from an older caller) is shown as it is.
    """
    if failed == "enabled":
        return _("the rule matches but is disabled")
    code, p = getattr(detail, "code", ""), getattr(detail, "params", {})
    listed = p.get("listed", ())
    address = p.get("address", "")
    messages: dict[str, Callable[[], str]] = {
        "source_not_listed": lambda: _(
            "the source %(source)s is not one of %(listed)s",
            source=p["source"],
            listed=_values(listed),
        ),
        "collections_none": lambda: (
            _(
                "the record's collections (%(have)s) include none of %(listed)s",
                have=_values(p["have"]),
                listed=_values(listed),
            )
            if p["have"]
            else _(
                "the record is in no collection; the rule needs %(listed)s", listed=_values(listed)
            )
        ),
        "format_not_listed": lambda: _(
            "the format %(format)s is not one of %(listed)s",
            format=format_label(p["format"]) if p["format"] else "—",
            listed=_values(listed, formats=True),
        ),
        "rights_none": lambda: _(
            "the record has no rights statement; the rule needs one starting with %(listed)s",
            listed=_values(listed),
        ),
        "rights_not_listed": lambda: _(
            "%(rights)s does not start with %(listed)s", rights=p["rights"], listed=_values(listed)
        ),
        "year_missing": lambda: _("the record has no publication year"),
        "year_too_early": lambda: _(
            "published in %(year)s, before %(start)s", year=str(p["year"]), start=str(p["start"])
        ),
        "year_too_late": lambda: _(
            "published in %(year)s, not before %(end)s", year=str(p["year"]), end=str(p["end"])
        ),
        "no_creator": lambda: _("no author or contributor is named"),
        "death_unknown": lambda: _("no death year is known for %(name)s", name=p["name"]),
        "died_too_late": lambda: _(
            "%(name)s died in %(died)s, after %(latest)s",
            name=p["name"],
            died=str(p["died"]),
            latest=str(p["latest"]),
        ),
        "no_embargo": lambda: _("the record has no embargo"),
        "embargo_ended": lambda: _("the embargo ended on %(date)s", date=_day(p["until"])),
        "embargo_active": lambda: _("under embargo until %(date)s", date=_day(p["until"])),
        "address_not_listed": lambda: (
            _(
                "the client's address (%(address)s) is not in %(listed)s",
                address=address,
                listed=_values(listed),
            )
            if address
            else _(
                "the client's address is not known; the rule needs %(listed)s",
                listed=_values(listed),
            )
        ),
        "not_onsite": lambda: (
            _("the client (%(address)s) is not on the library network", address=address)
            if address
            else _("the client's address is not known, so it is not on the library network")
        ),
        "onsite": lambda: _("the client (%(address)s) is on the library network", address=address),
    }
    message = messages.get(code)
    return message() if message else str(detail)


# -- the presets' names and reasons ---------------------------------------------------------


PRESET_CONTEXT = "licence rule preset"


@cache
def preset_texts() -> frozenset[str]:
    """The names and reasons the presets file gives its rules (English there; their
    translations are in admin.po, in the context PRESET_CONTEXT)."""
    try:
        rules = preset_rules()
    except RuleError:  # a broken presets file is reported where presets are installed
        return frozenset()
    return frozenset(text for rule in rules for text in (rule.name, rule.reason) if text)


def rule_text(text: str) -> str:
    """A rule's name or reason as shown: a preset's own text in the reader's language;
    anything a librarian wrote, as written."""
    return pgettext(PRESET_CONTEXT, text) if text in preset_texts() else text
