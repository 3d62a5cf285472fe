"""Access-policy tests' shorthand: actors, a book, a rule from keyword arguments, and the
library networks and addresses on and off site the policy tests share.
"""

from __future__ import annotations

from datetime import datetime

from catalogue import Record
from catalogue.rights import Actor, Conditions, LicenceRule, Outcomes, decide

NOW = datetime(2025, 6, 1, 12, 0)
LIBRARY_NETWORKS = ["10.20.0.0/16", "2001:db8:20::/48"]
ONSITE_IP = "10.20.3.4"
ONSITE_IP6 = "2001:db8:20:1::5"
OFFSITE_IP = "203.0.113.7"
OFFSITE_IP6 = "2001:db8:99::1"


def actor(role="anonymous", ip="", now=NOW):
    return Actor(role, "" if role == "anonymous" else f"{role}-1", ip, now)


def book(**kw):
    values = {"source_key": "hanoi-library", "local_id": "1", "title": "Truyện Kiều"}
    values.update(kw)
    return Record(**values)


def rule(name="rule", rule_id=None, position=None, enabled=True, reason="", **kw):
    """A rule from keyword arguments: condition names and outcome names mixed."""
    outcome_names = {"see_record", "view_content", "download", "view_preview", "preview_max_px"}
    outcomes = {k: v for k, v in kw.items() if k in outcome_names}
    conditions = {k: v for k, v in kw.items() if k not in outcome_names}
    return LicenceRule(
        name=name,
        conditions=Conditions(**conditions),
        outcomes=Outcomes(**outcomes),
        reason=reason or f"because {name}",
        enabled=enabled,
        id=rule_id,
        position=position,
    )


def allowed(policy, record, action, role="anonymous", ip=""):
    return decide(actor(role, ip), record, action, policy).allowed
