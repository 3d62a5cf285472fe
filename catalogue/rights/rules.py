"""Licence rules in the store: load, save, delete, reorder — and what a change affects.

Positions are 0, 1, 2, … with no gaps, renumbered inside every write's transaction,
so "first match wins" has one meaning however many librarians edit at once. Every
write bumps the `licence_rules_version` counter in the same transaction: a process
that caches a `Policy` compares `rules_version(store)` to know when to reload.

Before a change is saved the console asks `affected_records(store, old, new)` how
many records it affects; after saving, `Impact.visibility` lists the records whose
search-index visibility changed, for a targeted reindex.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.convert import aware
from catalogue.rights.model import Conditions, LicenceRule, Outcomes, RuleError
from catalogue.rights.policy import Policy, probe_addresses
from catalogue.store import Store
from catalogue.tables import CounterRow, LicenceRuleRow

RULES_VERSION = "licence_rules_version"


class RuleNotFound(LookupError):
    """No licence rule has this id."""


# -- reading -------------------------------------------------------------------------


def load_rules(store: Store) -> list[LicenceRule]:
    """Every rule, enabled or not, in order."""
    with store.session() as s:
        return [_rule(row) for row in _ordered(s)]


def get_rule(store: Store, rule_id: int) -> LicenceRule | None:
    with store.session() as s:
        row = s.get(LicenceRuleRow, rule_id)
        return _rule(row) if row else None


def load_policy(store: Store, onsite_networks: Iterable[str] = ()) -> Policy:
    """The policy in force: the stored rules and the library's network ranges."""
    return Policy(load_rules(store), onsite_networks)


def rules_version(store: Store) -> int:
    """Changes with every write to the rules: cheap to poll, to refresh a cached Policy."""
    return store.counter(RULES_VERSION)


# -- writing -------------------------------------------------------------------------


def save_rule(store: Store, rule: LicenceRule, *, updated_by: str = "") -> LicenceRule:
    """Add a rule (no id) or update one (by id), and return it as stored.

    A new rule goes at `rule.position` (clamped; at the end when None); an existing
    rule moves there if the position is given and differs.
    """
    with store.session() as s:
        rows = _ordered(s, lock=True)
        if rule.id is None:
            row = LicenceRuleRow()
            s.add(row)
            rows.insert(_clamp(rule.position, len(rows)), row)
        else:
            row = next((r for r in rows if r.id == rule.id), None)
            if row is None:
                raise RuleNotFound(f"no licence rule with id {rule.id}")
            if rule.position is not None and rule.position != rows.index(row):
                rows.remove(row)
                rows.insert(_clamp(rule.position, len(rows)), row)
        _fill(row, rule, updated_by)
        _renumber(rows)
        _bump(s)
        s.flush()
        return _rule(row)


def delete_rule(store: Store, rule_id: int) -> bool:
    """Remove a rule; False if there was none with this id."""
    with store.session() as s:
        rows = _ordered(s, lock=True)
        row = next((r for r in rows if r.id == rule_id), None)
        if row is None:
            return False
        rows.remove(row)
        s.delete(row)
        s.flush()
        _renumber(rows)
        _bump(s)
        return True


def move_rule(store: Store, rule_id: int, new_position: int) -> list[LicenceRule]:
    """Move a rule to `new_position` (0 = first; clamped) and return the new order."""
    with store.session() as s:
        rows = _ordered(s, lock=True)
        row = next((r for r in rows if r.id == rule_id), None)
        if row is None:
            raise RuleNotFound(f"no licence rule with id {rule_id}")
        rows.remove(row)
        rows.insert(_clamp(new_position, len(rows)), row)
        _renumber(rows)
        _bump(s)
        s.flush()
        return [_rule(r) for r in rows]


def replace_rules(
    store: Store, rules: Iterable[LicenceRule], *, updated_by: str = ""
) -> list[LicenceRule]:
    """Make `rules` (in this order) the whole rule list, in one transaction.

    Rules keep their id when they have one that exists; the others get new ids.
    """
    rules = list(rules)
    with store.session() as s:
        existing = {r.id: r for r in _ordered(s, lock=True)}
        keep = {r.id for r in rules if r.id is not None}
        for rule_id, row in existing.items():
            if rule_id not in keep:
                s.delete(row)
        s.flush()
        rows: list[LicenceRuleRow] = []
        for rule in rules:
            row = existing.pop(rule.id, None) if rule.id is not None else None
            if row is None:  # new, unknown id, or an id given twice
                row = LicenceRuleRow()
                s.add(row)
            _fill(row, rule, updated_by)
            rows.append(row)
        _renumber(rows)
        _bump(s)
        s.flush()
        return [_rule(r) for r in rows]


# -- what a change affects -------------------------------------------------------------


@dataclass
class Impact:
    """Records a policy change treats differently.

    `ids`: records whose decision changes for some action and some kind of actor
    (anonymous, reader, staff; off site or at any address a rule tells apart).
    `visibility`: the subset whose search-index visibility changes, with the new
    value — what a targeted reindex must rewrite. `checked`: records examined.
    """

    checked: int = 0
    ids: list[str] = field(default_factory=list)
    visibility: dict[str, str] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.ids)


def affected_records(
    store: Store,
    old: Policy,
    new: Policy,
    *,
    now: datetime | None = None,
    then: datetime | None = None,
) -> Impact:
    """Which live records `new` treats differently from `old` (see `Impact`).

    Streams the store (`Store.iter_records`), so memory holds only the answer. `old` is
    judged at `then` and `new` at `now` (both default to the current time): passing
    the same policy twice with two moments finds the records whose embargo ended or
    whose authors' death passed the copyright line in between.
    """
    impact = Impact()
    seen = [0]
    for record_id, visibility in _compare(store, old, new, now, then, seen):
        impact.ids.append(record_id)
        if visibility is not None:
            impact.visibility[record_id] = visibility
    impact.checked = seen[0]
    return impact


def iter_affected_records(
    store: Store,
    old: Policy,
    new: Policy,
    *,
    now: datetime | None = None,
    then: datetime | None = None,
) -> Iterator[tuple[str, str | None]]:
    """(record id, new visibility or None if unchanged) for each affected record."""
    return _compare(store, old, new, now, then, [0])


def _compare(
    store: Store,
    old: Policy,
    new: Policy,
    now: datetime | None,
    then: datetime | None,
    seen: list[int],
) -> Iterator[tuple[str, str | None]]:
    now = now if now is not None else datetime.now().astimezone()
    then = then if then is not None else now
    quick = (
        then == now
        and old.onsite_networks == new.onsite_networks
        and old.default == new.default
        and old.probes == new.probes
        and old.onsite_probes == new.onsite_probes
    )
    # One address in each cell of both policies' ranges together: every kind of
    # client address is asked of both.
    probes = probe_addresses([*old.ranges, *new.ranges])
    # A signature depends only on the candidate rules: most records share a few.
    memo: dict[tuple[int, ...], tuple] = {}

    def signature(policy: Policy, candidates: list[LicenceRule]) -> tuple:
        key = (id(policy), *map(id, candidates))
        if key not in memo:
            memo[key] = policy.signature_of(candidates, probes)
        return memo[key]

    for record in store.iter_records():
        seen[0] += 1
        old_rules = old.candidates(record, then)
        new_rules = new.candidates(record, now)
        if quick and _same(old_rules, new_rules):
            continue  # the same outcomes reached the same way: nothing can differ
        before, after = signature(old, old_rules), signature(new, new_rules)
        if before != after:
            yield record.id, (after[0] if after[0] != before[0] else None)


def _same(a: list[LicenceRule], b: list[LicenceRule]) -> bool:
    """Candidate lists that decide alike for every actor (same outcomes and actor tests)."""
    if len(a) != len(b):
        return False
    return all(
        x.outcomes == y.outcomes
        and x.conditions.ip_ranges == y.conditions.ip_ranges
        and x.conditions.onsite == y.conditions.onsite
        for x, y in zip(a, b, strict=True)
    )


# -- rows ------------------------------------------------------------------------------


def _ordered(s: Session, *, lock: bool = False) -> list[LicenceRuleRow]:
    query = select(LicenceRuleRow).order_by(LicenceRuleRow.position, LicenceRuleRow.id)
    if lock:
        query = query.with_for_update()
    return list(s.scalars(query))


def _rule(row: LicenceRuleRow) -> LicenceRule:
    try:
        return LicenceRule(
            id=row.id,
            position=row.position,
            name=row.name,
            enabled=row.enabled,
            conditions=Conditions.from_dict(row.conditions),
            outcomes=Outcomes.from_dict(row.outcomes),
            reason=row.reason,
            preset=row.preset,
            updated_at=aware(row.updated_at),
            updated_by=row.updated_by,
        )
    except RuleError as exc:
        raise RuleError(exc.field, f"stored rule {row.id} ({row.name!r}): {exc.message}") from exc


def _fill(row: LicenceRuleRow, rule: LicenceRule, updated_by: str) -> None:
    row.name = rule.name
    row.enabled = rule.enabled
    row.conditions = rule.conditions.to_dict()
    row.outcomes = rule.outcomes.to_dict()
    row.reason = rule.reason
    row.preset = rule.preset
    row.updated_at = datetime.now(UTC)
    row.updated_by = updated_by or rule.updated_by


def _renumber(rows: list[LicenceRuleRow]) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position


def _clamp(position: int | None, size: int) -> int:
    if position is None:
        return size
    return max(0, min(size, int(position)))


def _bump(s: Session) -> None:
    row = s.get(CounterRow, RULES_VERSION, with_for_update=True)
    if row is None:
        s.add(CounterRow(name=RULES_VERSION, value=1))
    else:
        row.value += 1
