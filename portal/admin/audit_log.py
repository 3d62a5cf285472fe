"""The audit log (administrators only): filtered, paged, with the hash chain's state."""

from __future__ import annotations

from flask import render_template, request

from catalogue import audit
from portal.account_session import role_required
from portal.admin import PER_PAGE, bp, page_number
from portal.admin import paging as paging_of
from portal.admin.labels import AUDIT_LABELS
from portal.app import services


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
    paging = paging_of(page_number(), total)
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
