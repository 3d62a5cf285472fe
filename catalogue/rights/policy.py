"""The one access policy: `decide(actor, record, action, policy)` and what follows from it.

Rules are tried in order; the first enabled rule whose conditions all hold decides,
and the decision names it and carries its reason. With no matching rule the policy's
default outcomes decide (see `model.DEFAULT_OUTCOMES`: record public, content and
downloads staff only, 400-pixel previews).

Levels, for any action:

- `public`: everyone;
- `registered`: anyone logged in (readers and staff);
- `onsite`: anyone whose address is on the library network — the policy's
  `onsite_networks` (a setting), or the deciding rule's own `ip_ranges` (a reading
  room) — and staff anywhere. With no networks configured only staff are on site;
- `staff`: librarians and admins;
- `hidden`: librarians and admins; for `see_record` it also means the record does not
  exist for anyone else (`AccessDecision.not_found`: answer 404, never 403).

Staff (librarian, admin) are allowed everything, but their decisions still name the
rule and level, so they see why a reader would be refused. An action other than
`see_record` is never allowed to someone who may not see the record.

The search index holds one `visibility` value per record (`record_visibility`) and a
search asks for the values the actor may see (`visible_levels`: "onsite" is among them
when the client's address is on the library network, `onsite_networks`). Because rules
may depend on the client's address, a record's visibility is found by asking the
policy about every kind of actor: anonymous and reader, at an address outside every
range, and at one address in each cell that the ranges (the library networks and every
rule's `ip_ranges`) cut the address space into — every rule treats all addresses of a
cell alike, so asking about one asks about all.
The record's visibility is the widest level whose whole audience may see it, so a
search never shows a record that `decide` would refuse:

- everyone allowed → `public`; every reader, anywhere → `registered`;
- everyone anywhere on the library network → `onsite`;
- otherwise `hidden` when the deciding rule says hidden, else `staff`.

Where the policy tells people apart in a way the five values cannot express, the
index errs on the side of showing less, and whoever `decide` allows can still open
the record by its link: a record open to readers anywhere *and* to anonymous visitors
on site is indexed `registered`; one open in a reading room but not on the rest of
the library network (or in a room outside it) is indexed `staff`.
Visibility is computed at a moment (`now`): an embargo that ends or an author whose
death passes the 50-year line changes it, which `rules.affected_records` with two
moments finds.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from datetime import datetime

from catalogue.record import Record
from catalogue.rights.conditions import check_actor, check_record, failed_condition
from catalogue.rights.model import (
    ACTIONS,
    DEFAULT_OUTCOMES,
    DEFAULT_REASON,
    DEFAULT_RULE_NAME,
    LEVELS,
    STAFF_ROLES,
    AccessDecision,
    Actor,
    LicenceRule,
    Network,
    Outcomes,
    RuleCheck,
    in_networks,
    parse_networks,
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address | None


class Policy:
    """An ordered list of licence rules plus the library network ranges: immutable."""

    def __init__(
        self,
        rules: Iterable[LicenceRule] = (),
        onsite_networks: Iterable[str] = (),
        *,
        default: Outcomes = DEFAULT_OUTCOMES,
    ) -> None:
        self.rules: tuple[LicenceRule, ...] = tuple(rules)
        networks = parse_networks(onsite_networks, "onsite_networks")
        self.onsite_networks: tuple[str, ...] = tuple(str(n) for n in networks)
        self.default = default
        self._networks: tuple[Network, ...] = networks
        self._enabled = tuple(r for r in self.rules if r.enabled)
        ranges = list(networks)
        for rule in self._enabled:
            ranges.extend(n for n in rule.conditions.networks if n not in ranges)
        # Every range the policy knows (library networks and rules' ranges); one address
        # per cell they cut the address space into (see probe_addresses), and those of
        # the cells on the library network.
        self.ranges: tuple[Network, ...] = tuple(ranges)
        self.probes: tuple[Address, ...] = probe_addresses(self.ranges)
        self.onsite_probes: tuple[Address, ...] = probe_addresses(self.ranges, within=networks)

    def __repr__(self) -> str:
        return f"Policy({len(self.rules)} rules, onsite_networks={list(self.onsite_networks)})"

    # -- deciding ----------------------------------------------------------------

    def decide(self, actor: Actor, record: Record, action: str) -> AccessDecision:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r} (expected one of {', '.join(ACTIONS)})")
        address = actor.address
        rule = pick(self.candidates(record, actor.moment()), address, self._networks)
        return self._decision(actor.role, address, rule, action)

    def decisions(self, actor: Actor, record: Record) -> dict[str, AccessDecision]:
        """All four actions at once (one rule evaluation), e.g. for a record page."""
        address = actor.address
        rule = pick(self.candidates(record, actor.moment()), address, self._networks)
        return {a: self._decision(actor.role, address, rule, a) for a in ACTIONS}

    def candidates(self, record: Record, now: datetime) -> list[LicenceRule]:
        """Enabled rules whose record conditions hold, in order, up to the first that
        does not depend on the actor (which wins for anyone who gets that far)."""
        out = []
        for rule in self._enabled:
            if failed_condition(rule.conditions, record, now) is None:
                out.append(rule)
                if not rule.conditions.about_actor:
                    break
        return out

    def _decision(
        self, role: str, address: Address, rule: LicenceRule | None, action: str
    ) -> AccessDecision:
        outcomes = rule.outcomes if rule else self.default
        level = outcomes.level(action)
        if rule is None:
            rule_id, name, reason, preset = None, DEFAULT_RULE_NAME, DEFAULT_REASON, ""
        else:
            rule_id, name, preset = rule.id, rule.name, rule.preset
            reason = rule.reason or f"Licence rule “{rule.name}” applies."
        if role in STAFF_ROLES:
            return AccessDecision(True, level, action, rule_id, name, reason, None, preset)
        allowed = self._satisfies(level, role, address, rule)
        see = outcomes.see_record
        if allowed and action != "see_record" and not self._satisfies(see, role, address, rule):
            allowed = False
            reason += f" (The record itself is for level “{see}” only.)"
        preview = None
        if action == "view_preview":
            preview = outcomes.preview_max_px
            if allowed and preview == 0:
                allowed = False
                reason += " (No preview is allowed.)"
        return AccessDecision(allowed, level, action, rule_id, name, reason, preview, preset)

    def _satisfies(self, level: str, role: str, address: Address, rule: LicenceRule | None) -> bool:
        if role in STAFF_ROLES or level == "public":
            return True
        if level == "registered":
            return role != "anonymous"
        if level == "onsite":
            if in_networks(address, self._networks):
                return True
            return rule is not None and in_networks(address, rule.conditions.networks)
        return False  # staff, hidden

    # -- the index ---------------------------------------------------------------

    def is_onsite(self, ip: str) -> bool:
        """Whether an address is on the library network (the policy's `onsite_networks`)."""
        return in_networks(Actor.anonymous(ip).address, self._networks)

    def visible_levels(self, actor: Actor) -> list[str]:
        """The index `visibility` values this actor's searches may return."""
        if actor.is_staff:
            return list(LEVELS)
        levels = {"public"}
        if actor.is_registered:
            levels.add("registered")
        if in_networks(actor.address, self._networks):
            levels.add("onsite")
        return [level for level in LEVELS if level in levels]

    def record_visibility(self, record: Record, now: datetime | None = None) -> str:
        """The record's `visibility` for the search index (see the module docstring)."""
        now = now if now is not None else datetime.now().astimezone()
        return self._visibility(self.candidates(record, now))

    def _visibility(self, candidates: list[LicenceRule]) -> str:
        def sees(role: str, address: Address) -> bool:
            rule = pick(candidates, address, self._networks)
            outcomes = rule.outcomes if rule else self.default
            return self._satisfies(outcomes.see_record, role, address, rule)

        # None stands for every address outside all ranges: they are all treated alike.
        everywhere = (None, *self.probes)
        if all(sees("anonymous", a) and sees("reader", a) for a in everywhere):
            return "public"
        if all(sees("reader", a) for a in everywhere):
            return "registered"
        onsite = self.onsite_probes
        if onsite and all(sees("anonymous", a) and sees("reader", a) for a in onsite):
            return "onsite"
        rule = pick(candidates, None, self._networks)
        declared = (rule.outcomes if rule else self.default).see_record
        if declared == "onsite" and not onsite:
            return "onsite"  # no library network: "onsite" and "staff" reach the same people
        return "hidden" if declared == "hidden" else "staff"

    def signature(
        self, record: Record, now: datetime, probes: Sequence[Address] | None = None
    ) -> tuple:
        """Everything the policy answers about a record, for every kind of actor: two
        policies with equal signatures treat the record alike (`rules.affected_records`).
        `probes`: the addresses to ask about (default: one per cell of this policy's ranges).
        """
        probes = self.probes if probes is None else probes
        return self.signature_of(self.candidates(record, now), probes)

    def signature_of(self, candidates: list[LicenceRule], probes: Sequence[Address]) -> tuple:
        """`signature` from a record's `candidates`: the answers depend on nothing else,
        so records reached by the same candidate rules share a signature."""
        answers: list[object] = [self._visibility(candidates)]
        kinds = [("librarian", None), ("anonymous", None), ("reader", None)]
        kinds += [(role, p) for p in probes for role in ("anonymous", "reader")]
        for role, address in kinds:
            rule = pick(candidates, address, self._networks)
            for action in ACTIONS:
                d = self._decision(role, address, rule, action)
                answers.append((d.allowed, d.level, d.preview_max_px))
        return tuple(answers)

    # -- explaining --------------------------------------------------------------

    def explain(self, record: Record, actor: Actor | None = None) -> list[RuleCheck]:
        """Every rule in order: did it match (for this actor; anonymous off site by
        default), which condition failed, and which rule won."""
        actor = actor or Actor.anonymous()
        now, address = actor.moment(), actor.address
        checks, won = [], False
        for rule in self.rules:
            failed = check_record(rule.conditions, record, now) or check_actor(
                rule.conditions, address, self._networks
            )
            if failed is None and not rule.enabled:
                failed = ("enabled", "the rule matches but is disabled")
            matched = failed is None
            winner = matched and not won
            won = won or winner
            key, detail = failed or ("", "")
            checks.append(
                RuleCheck(
                    rule.id, rule.position, rule.name, rule.enabled, matched, winner, key, detail
                )
            )
        return checks


def pick(
    candidates: Sequence[LicenceRule], address: Address, onsite_networks: Sequence[Network]
) -> LicenceRule | None:
    """The first candidate whose actor conditions hold for this address."""
    for rule in candidates:
        if not rule.conditions.about_actor:
            return rule
        if check_actor(rule.conditions, address, onsite_networks) is None:
            return rule
    return None


def probe_addresses(
    networks: Iterable[Network], within: Iterable[Network] | None = None
) -> tuple[Address, ...]:
    """One address in each cell the ranges cut the address space into, for the cells
    inside one of `within` (default: inside any of the ranges).

    Every range starts and ends on a cell boundary, so all addresses of a cell lie in
    the same ranges and every rule treats them alike: asking about one is asking about all.
    """
    networks = list(networks)
    within = networks if within is None else list(within)
    probes: list[Address] = []
    for version, top in ((4, 2**32), (6, 2**128)):
        ranges = [n for n in networks if n.version == version]
        bounds = sorted(
            {int(n.network_address) for n in ranges}
            | {int(n.broadcast_address) + 1 for n in ranges}
        )
        for start in bounds:
            if start >= top:
                continue
            address = ipaddress.ip_address(start) if version == 4 else ipaddress.IPv6Address(start)
            if in_networks(address, within):
                probes.append(address)
    return tuple(probes)


# -- the module-level door every surface uses ----------------------------------------


def decide(actor: Actor, record: Record, action: str, policy: Policy) -> AccessDecision:
    """May `actor` do `action` to `record`? The one question every surface asks."""
    return policy.decide(actor, record, action)


def record_visibility(record: Record, policy: Policy, now: datetime | None = None) -> str:
    """The record's level for the search index's `visibility` field."""
    return policy.record_visibility(record, now)


def visible_levels(actor: Actor, policy: Policy) -> list[str]:
    """The index `visibility` values this actor may see in results, facets, suggestions."""
    return policy.visible_levels(actor)


def explain(record: Record, policy: Policy, actor: Actor | None = None) -> list[RuleCheck]:
    """For the librarian: each rule in order, whether it matched and what failed."""
    return policy.explain(record, actor)
