"""The librarian console at /admin: dashboard, sources and harvests, licence rules,
accounts, audit log.

Server-rendered pages whose forms all work without JavaScript and carry a CSRF token.
Librarians and admins may use the console; accounts and the audit log are for admins
only. Anonymous visitors are sent to log in, readers get a 403 page.

Every change made here is appended to the audit log (who, from which address, what,
on what, with the details). A licence-rule change is shown first with the number of
records it affects, and applied to the search index at once when confirmed: the
records whose visibility changes are re-indexed before the page answers, so a record
that became restricted is gone from searches by the next request.

This package holds the blueprint and what its pages share; each part of the console
has its module (`dashboard` with `dashboard_data`, `dashboard_days` and
`dashboard_tables`; `sources`, `probe`, `runs`; `rules` with `rule_form` and
`rule_explain`; `users`, `audit_log`), and `labels` names stored values in the reader's
language.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, request
from flask_login import current_user

from catalogue import audit
from catalogue.settings import Settings
from portal.account_session import role_required
from portal.admin.labels import (
    action_label,
    audit_label,
    condition_label,
    describe_conditions,
    describe_outcomes,
    detail_text,
    level_label,
    mismatch_text,
    mode_label,
    rule_text,
    status_label,
    type_label,
    visitor_label,
)
from portal.app import services

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50  # audit entries, run errors


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
        "mismatch_text": mismatch_text,
        "rule_text": rule_text,
        "audit_label": audit_label,
        "action_label": action_label,
        "visitor_label": visitor_label,
        "detail_text": detail_text,
        "is_admin": current_user.is_authenticated and current_user.has_role("admin"),
    }


def record_change(action: str, target: str = "", detail: dict | None = None) -> None:
    """Append a change made through the console to the audit log."""
    audit.append(
        services().store,
        actor=current_user.username,
        ip=request.remote_addr or "",
        action=action,
        target=target,
        detail=detail,
    )


def console_settings() -> Settings:
    return services().settings


def page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


def paging(page: int, total: int, per_page: int = PER_PAGE) -> dict[str, int]:
    return {"current": page, "last": max(1, math.ceil(total / per_page)), "total": total}


# The console's pages: importing each module registers its views on `bp`.
from portal.admin import (  # noqa: E402
    audit_log,
    dashboard,
    probe,
    rules,
    runs,
    sources,
    users,
)
from portal.admin.probe import probe_policy, test_source  # noqa: E402
from portal.admin.runs import RAW_PREVIEW_CHARS, raw_preview  # noqa: E402

__all__ = [
    "PER_PAGE",
    "RAW_PREVIEW_CHARS",
    "audit_log",
    "bp",
    "dashboard",
    "probe",
    "probe_policy",
    "raw_preview",
    "rules",
    "runs",
    "sources",
    "test_source",
    "users",
]
