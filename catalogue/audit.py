"""The audit log: admin changes and every access to restricted content, append-only and
tamper-evident.

Each entry records who (`actor`: a username, "cli", or "" for an anonymous visitor),
from where (`ip`), what (`action`, one of the constants below, and its `target`:
the username, the source key, "rule:<id>", the record id), when (`at`, UTC) and
any `detail` (JSON; a change as {"from": old, "to": new}). Entries are numbered
1, 2, 3… with no gaps and form a hash chain: an entry's `hash` is the SHA-256 of its
canonical form (see `entry_hash`), which includes its own number and `prev_hash`,
the hash of the entry before it (64 zeros for the first). Editing any column of an
entry, deleting one, reordering or inserting entries all break the chain, and
`verify` names the first entry where it breaks. The number of entries ever appended
is kept beside the log (the `audit_log_length` counter), so cutting entries off its
end shows too.

What a chain cannot show: someone with write access to the database who rewrites
the log from some entry onwards *and* recomputes every later hash and the counter.
Against that, keep the head hash `verify` reports (`thuvien check --audit` prints it)
somewhere else from time to time; an old head must stay in the chain forever.

There is no update or delete here, on purpose. Appends are serialised (SQLite:
the store's sessions begin IMMEDIATE; PostgreSQL: a transaction-scoped advisory
lock), so two entries never share a number or a `prev_hash`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from catalogue.convert import aware
from catalogue.store import Store
from catalogue.tables import AuditEntryRow, CounterRow

# -- actions ---------------------------------------------------------------------

SOURCE_CREATED = "source.created"
SOURCE_UPDATED = "source.updated"
SOURCE_DELETED = "source.deleted"
SOURCE_TESTED = "source.tested"  # a librarian asked a source what it offers (console)
HARVEST_REQUESTED = "harvest.requested"
HARVEST_RETRIED = "harvest.retried"  # a run's failed records asked again (console)
RULE_CREATED = "rule.created"
RULE_UPDATED = "rule.updated"
RULE_DELETED = "rule.deleted"
RULE_MOVED = "rule.moved"
USER_CREATED = "user.created"
USER_ROLE_CHANGED = "user.role_changed"
USER_DISABLED = "user.disabled"
USER_ENABLED = "user.enabled"
USER_PASSWORD_CHANGED = "user.password_changed"  # noqa: S105 — an action name
# A reader deleted their account: the entry names it by a pseudonym, `user#<id>`.
USER_DELETED = "user.deleted"
LOGIN_FAILED = "login.failed"
# A reader (or anyone) was given restricted content: a full image, an audio stream,
# full text or a download that the licence rules do not open to everybody.
CONTENT_ACCESSED = "content.accessed"

ACTIONS = (
    SOURCE_CREATED,
    SOURCE_UPDATED,
    SOURCE_DELETED,
    SOURCE_TESTED,
    HARVEST_REQUESTED,
    HARVEST_RETRIED,
    RULE_CREATED,
    RULE_UPDATED,
    RULE_DELETED,
    RULE_MOVED,
    USER_CREATED,
    USER_ROLE_CHANGED,
    USER_DISABLED,
    USER_ENABLED,
    USER_PASSWORD_CHANGED,
    USER_DELETED,
    LOGIN_FAILED,
    CONTENT_ACCESSED,
)

GENESIS = "0" * 64  # the prev_hash of the first entry
LENGTH_COUNTER = "audit_log_length"  # how many entries were ever appended
VERIFY_BATCH = 1000
# Any 64-bit number; the same in every process that appends (PostgreSQL only).
_PG_LOCK_KEY = 0x74687576_69656E01

# Column sizes: longer values are cut to fit rather than lose the entry.
_LIMITS = {"actor": 100, "ip": 64, "action": 100, "target": 400}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    ip: str
    action: str
    target: str
    detail: dict
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    """What `verify` found. `checked`: entries verified intact (all of them when ok);
    `first_bad_id`: the first entry where the chain breaks; `reason`: why, in words.
    `head_hash`: the hash of the last intact entry (keep it elsewhere as an anchor)."""

    ok: bool
    checked: int
    first_bad_id: int | None
    reason: str
    head_hash: str = GENESIS


# -- writing ---------------------------------------------------------------------


def append(
    store: Store,
    *,
    actor: str,
    ip: str = "",
    action: str,
    target: str = "",
    detail: dict | None = None,
    now: datetime | None = None,
    session: Session | None = None,
) -> AuditEntry:
    """Add one entry at the end of the log and return it.

    By default in a transaction of its own. Pass `session` (an open `store.session()`)
    to write the entry in the same transaction as the change it records, so both or
    neither are kept; never call it without `session` while holding a store session
    open on SQLite: the second writer would wait on the first.
    """
    values = {"actor": actor, "ip": ip, "action": action, "target": target}
    values = {k: (v or "")[: _LIMITS[k]] for k, v in values.items()}
    # What is hashed must be exactly what the database gives back: plain JSON.
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    clean_detail = json.loads(text)
    at = _utc(now) if now is not None else datetime.now(UTC)
    if session is not None:
        return _append(session, store, at, values, clean_detail)
    with store.session() as s:
        return _append(s, store, at, values, clean_detail)


def _append(s: Session, store: Store, at: datetime, values: dict, detail: dict) -> AuditEntry:
    if store.engine.dialect.name == "postgresql":
        s.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
    last = s.execute(
        select(AuditEntryRow.id, AuditEntryRow.hash)
        .order_by(AuditEntryRow.id.desc())
        .limit(1)
        .with_for_update()
    ).first()
    entry_id, prev_hash = (last.id + 1, last.hash) if last else (1, GENESIS)
    digest = entry_hash(entry_id, at, detail=detail, prev_hash=prev_hash, **values)
    s.add(
        AuditEntryRow(id=entry_id, at=at, detail=detail, prev_hash=prev_hash, hash=digest, **values)
    )
    counter = s.get(CounterRow, LENGTH_COUNTER, with_for_update=True)
    if counter is None:
        s.add(CounterRow(name=LENGTH_COUNTER, value=entry_id))
    else:
        counter.value = entry_id
    s.flush()
    return AuditEntry(entry_id, at, detail=detail, prev_hash=prev_hash, hash=digest, **values)


def entry_hash(
    entry_id: int,
    at: datetime,
    *,
    actor: str,
    ip: str,
    action: str,
    target: str,
    detail: dict,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the entry's canonical form: compact JSON with sorted keys, the
    time in UTC ISO 8601 with microseconds, non-ASCII as UTF-8."""
    canonical = json.dumps(
        {
            "id": entry_id,
            "at": _utc(at).isoformat(timespec="microseconds"),
            "actor": actor,
            "ip": ip,
            "action": action,
            "target": target,
            "detail": detail,
            "prev_hash": prev_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# -- reading ---------------------------------------------------------------------


def entries(
    store: Store,
    *,
    limit: int = 50,
    offset: int = 0,
    action: str | None = None,
    actor: str | None = None,
    target: str | None = None,
) -> list[AuditEntry]:
    """Entries newest first. Filters match exactly; an `action` ending in ".*" matches
    a family ("rule.*": every rule change)."""
    query = _filtered(select(AuditEntryRow), action, actor, target)
    query = query.order_by(AuditEntryRow.id.desc()).limit(max(0, limit)).offset(max(0, offset))
    with store.session() as s:
        return [_entry(r) for r in s.scalars(query)]


def count(
    store: Store,
    *,
    action: str | None = None,
    actor: str | None = None,
    target: str | None = None,
) -> int:
    """How many entries `entries` would page through with the same filters."""
    query = _filtered(select(func.count()).select_from(AuditEntryRow), action, actor, target)
    with store.session() as s:
        return s.scalar(query) or 0


def _filtered(query: Select, action: str | None, actor: str | None, target: str | None) -> Select:
    conditions: list[ColumnElement[bool]] = []
    if action:
        if action.endswith(".*"):
            conditions.append(AuditEntryRow.action.startswith(action[:-1], autoescape=True))
        else:
            conditions.append(AuditEntryRow.action == action)
    if actor is not None:
        conditions.append(AuditEntryRow.actor == actor)
    if target is not None:
        conditions.append(AuditEntryRow.target == target)
    return query.where(*conditions)


def _entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=aware(row.at),
        actor=row.actor,
        ip=row.ip,
        action=row.action,
        target=row.target,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


# -- verifying -------------------------------------------------------------------


def verify(store: Store, *, batch: int = VERIFY_BATCH) -> ChainReport:
    """Walk the whole chain in id order, `batch` entries per query (memory stays flat),
    and report the first entry where it breaks. Entries appended meanwhile are checked
    too."""
    appended = store.counter(LENGTH_COUNTER)  # read first: the log only grows after
    prev_hash, checked = GENESIS, 0
    for entry in _walk(store, batch):
        expected = checked + 1
        if isinstance(entry, _Unreadable):
            return ChainReport(False, checked, entry.id, entry.reason, prev_hash)
        if entry.id != expected:
            reason = f"entry {expected} is missing: the ids jump from {expected - 1} to {entry.id}"
            return ChainReport(False, checked, entry.id, reason, prev_hash)
        if entry.prev_hash != prev_hash:
            before = f"entry {entry.id - 1}" if entry.id > 1 else "the start of the log"
            reason = (
                f"its prev_hash is not the hash of {before}: an entry before it was "
                "replaced, reordered or inserted, or its prev_hash was edited"
            )
            return ChainReport(False, checked, entry.id, reason, prev_hash)
        fields = {k: getattr(entry, k) for k in ("actor", "ip", "action", "target", "detail")}
        if entry_hash(entry.id, entry.at, prev_hash=entry.prev_hash, **fields) != entry.hash:
            reason = "its content does not match its hash: it was edited after it was written"
            return ChainReport(False, checked, entry.id, reason, prev_hash)
        prev_hash, checked = entry.hash, expected
    if checked < appended:
        reason = (
            f"{appended} entries were appended but the log ends at entry {checked}: "
            f"the last {appended - checked} were deleted"
        )
        return ChainReport(False, checked, checked + 1, reason, prev_hash)
    return ChainReport(True, checked, None, "chain intact", prev_hash)


@dataclass(frozen=True)
class _Unreadable:
    id: int
    reason: str


def _walk(store: Store, batch: int) -> Iterator[AuditEntry | _Unreadable]:
    after = 0
    while True:
        try:
            with store.session() as s:
                rows = [
                    _entry(r)
                    for r in s.scalars(
                        select(AuditEntryRow)
                        .where(AuditEntryRow.id > after)
                        .order_by(AuditEntryRow.id)
                        .limit(batch)
                    )
                ]
        except (ValueError, TypeError):  # a column edited into something unreadable
            rows = list(_one_by_one(store, after, batch))
            if rows and isinstance(rows[-1], _Unreadable):
                yield from rows
                return
        if not rows:
            return
        yield from rows
        after = rows[-1].id


def _one_by_one(store: Store, after: int, batch: int) -> Iterator[AuditEntry | _Unreadable]:
    """The batch read one entry at a time, up to the first one that cannot be read."""
    with store.session() as s:
        ids = s.scalars(
            select(AuditEntryRow.id)
            .where(AuditEntryRow.id > after)
            .order_by(AuditEntryRow.id)
            .limit(batch)
        ).all()
    for entry_id in ids:
        try:
            with store.session() as s:
                entry = _entry(s.get(AuditEntryRow, entry_id))
        except (ValueError, TypeError) as exc:
            yield _Unreadable(entry_id, f"it cannot be read ({type(exc).__name__}: {exc})")
            return
        yield entry


def _utc(value: datetime) -> datetime:
    value = aware(value)
    return value.astimezone(UTC)


def describe(report: ChainReport) -> str:
    """One line for people: what `thuvien check --audit` prints."""
    if report.ok:
        return f"audit log: {report.checked} entries, chain intact (head {report.head_hash})"
    return (
        f"audit log: chain broken at entry {report.first_bad_id}: {report.reason} "
        f"({report.checked} entries before it are intact)"
    )
