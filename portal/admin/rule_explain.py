"""Explain a record: which licence rule decides for it, and what each visitor may do.

A read-only tool beside the rule list; it also holds `console_policy`, the policy the
console compares before and after a rule change, so both use the library's networks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _

from catalogue.record import Record
from catalogue.rights import Actor, LicenceRule, Policy, load_policy
from portal.admin import bp, console_settings
from portal.app import services

VISITOR_ROLES = ("anonymous", "reader", "librarian", "admin")


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
        policy = console_policy()
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


def console_policy(rules: Iterable[LicenceRule] | None = None) -> Policy:
    """The policy of these rules (default: the stored ones) with the library's networks."""
    networks = console_settings().rights.onsite_networks
    if rules is None:
        return load_policy(services().store, networks)
    return Policy(rules, networks)
