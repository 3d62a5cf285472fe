"""A reader's own data: everything the store keeps about an account, exported as
JSON-ready data, and the account deleted with all of it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalogue import audit
from catalogue.convert import aware
from catalogue.storable import utc_or_now
from catalogue.store import Store
from catalogue.tables import BookmarkRow, ListeningPositionRow, LoginAttemptRow, RecordRow
from catalogue.user_rows import user_from_row, user_row

# The audit action of a deleted account (its entry names it by `pseudonym`, not by name).
USER_DELETED = audit.USER_DELETED
EXPORT_AUDIT_LIMIT = 100_000  # audit entries about one account in an export, newest first


def pseudonym(user_id: int) -> str:
    """How the audit log names a deleted account: its number, not its username. The
    number can be tied back to a name only through entries written before the deletion
    (an append-only, hash-chained log cannot forget them)."""
    return f"user#{user_id}"


def export_user_data(store: Store, user: int | str, *, now: datetime | None = None) -> dict:
    """Everything the store keeps about an account, as plain JSON-ready data: the
    account (never its password hash), listening positions, bookmarks, log-in attempts
    under its username and the audit log's entries by or about it."""
    with store.session() as s:
        row = user_row(s, user)
        account = user_from_row(row)
        positions = _titled_rows(
            s,
            ListeningPositionRow,
            row.id,
            (ListeningPositionRow.position, ListeningPositionRow.updated_at),
            (ListeningPositionRow.updated_at,),
        )
        bookmarks = _titled_rows(
            s,
            BookmarkRow,
            row.id,
            (BookmarkRow.position, BookmarkRow.label, BookmarkRow.created_at),
            (BookmarkRow.created_at, BookmarkRow.id),
        )
        attempts = s.execute(
            select(LoginAttemptRow.at, LoginAttemptRow.ip, LoginAttemptRow.succeeded)
            .where(LoginAttemptRow.username == row.username)
            .order_by(LoginAttemptRow.at, LoginAttemptRow.id)
        ).all()
    entries = {
        e.id: e
        for who in ({"actor": account.username}, {"target": account.username})
        for e in audit.entries(store, limit=EXPORT_AUDIT_LIMIT, **who)
    }
    return {
        "exported_at": _iso(utc_or_now(now)),
        "account": {
            "id": account.id,
            "username": account.username,
            "display_name": account.display_name,
            "email": account.email,
            "role": account.role,
            "disabled": account.disabled,
            "created_at": _iso(account.created_at),
            "last_login_at": _iso(account.last_login_at),
        },
        "listening_positions": [
            {"record_id": r, "title": t or "", "seconds": p, "updated_at": _iso(aware(at))}
            for r, t, p, at in positions
        ],
        "bookmarks": [
            {
                "record_id": r,
                "title": t or "",
                "seconds": p,
                "label": label,
                "created_at": _iso(aware(at)),
            }
            for r, t, p, label, at in bookmarks
        ],
        "login_attempts": [
            {"at": _iso(aware(at)), "ip": ip, "succeeded": ok} for at, ip, ok in attempts
        ],
        "audit_log": [
            {
                "id": e.id,
                "at": _iso(e.at),
                "action": e.action,
                "actor": e.actor,
                "ip": e.ip,
                "target": e.target,
                "detail": e.detail,
            }
            for e in sorted(entries.values(), key=lambda e: e.id)
        ],
    }


def delete_user(
    store: Store, user: int | str, *, actor: str = "", ip: str = "", now: datetime | None = None
) -> str:
    """Delete an account with its listening positions, bookmarks and log-in attempts,
    and append the deletion to the audit log in the same transaction. Returns the
    pseudonym the entry names the account by. `actor`: who deleted it (a staff
    username); empty when the holder deleted it themselves (then the pseudonym acts).

    Audit entries written earlier keep the username: the log is append-only and
    hash-chained (catalogue.audit), so they cannot be rewritten.
    """
    with store.session() as s:
        row = user_row(s, user)
        alias, name, role = pseudonym(row.id), row.username, row.role
        s.execute(delete(ListeningPositionRow).where(ListeningPositionRow.user_id == row.id))
        s.execute(delete(BookmarkRow).where(BookmarkRow.user_id == row.id))
        s.execute(delete(LoginAttemptRow).where(LoginAttemptRow.username == name))
        s.delete(row)
        s.flush()
        audit.append(
            store,
            actor=actor or alias,
            ip=ip,
            action=USER_DELETED,
            target=alias,
            detail={"role": role, "by_holder": not actor},
            now=now,
            session=s,
        )
    return alias


def _titled_rows(s: Session, table, user_id: int, columns: tuple, order: tuple) -> list:
    """One account's rows of `table` as (record id, record title, *columns): the title
    is None for a record no longer in the catalogue."""
    return s.execute(
        select(table.record_id, RecordRow.title, *columns)
        .outerjoin(RecordRow, RecordRow.id == table.record_id)
        .where(table.user_id == user_id)
        .order_by(*order)
    ).all()


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None
