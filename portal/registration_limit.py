"""The limit on reader self-registration: how many accounts one client address may create.

The audit log is the counter: each self-registration is appended there with the
client's address, and the wait is worked out from those entries, so the limit holds
across processes and restarts without a table of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import ngettext
from sqlalchemy import select

from catalogue import audit
from catalogue.convert import aware
from catalogue.store import Store
from catalogue.tables import AuditEntryRow
from catalogue.user_rows import User


@dataclass(frozen=True)
class RegistrationLimit:
    """How many reader accounts one client address may create in a sliding window."""

    window: timedelta = timedelta(hours=1)
    per_address: int = 5


REGISTRATION_LIMIT = RegistrationLimit()


def registration_wait(
    store: Store,
    ip: str,
    *,
    now: datetime | None = None,
    limit: RegistrationLimit = REGISTRATION_LIMIT,
) -> int:
    """Seconds until `ip` may create another account (0: now).

    Counts the self-registrations the audit log holds for that address inside the
    window; the wait ends when the oldest of the newest `per_address` leaves it. An
    unknown address is not limited (there is nothing to tell one visitor from another).
    """
    if not ip or limit.per_address <= 0:
        return 0
    now = now or datetime.now(UTC)
    since = now - limit.window
    with store.session() as s:
        times = s.scalars(
            select(AuditEntryRow.at)
            .where(
                AuditEntryRow.action == audit.USER_CREATED,
                AuditEntryRow.ip == ip[:64],
                AuditEntryRow.actor == AuditEntryRow.target,  # made by the new reader
                AuditEntryRow.at > since,
            )
            .order_by(AuditEntryRow.at.desc())
            .limit(limit.per_address)
        ).all()
    if len(times) < limit.per_address:
        return 0
    ends = aware(times[-1]) + limit.window
    return max(1, math.ceil((ends - now).total_seconds()))


def record_registration(store: Store, user: User, ip: str, *, now: datetime | None = None) -> None:
    """A self-registration in the audit log: who, from where; what the limit counts."""
    audit.append(
        store,
        actor=user.username,
        ip=ip,
        action=audit.USER_CREATED,
        target=user.username,
        detail={"id": user.id, "role": user.role, "self_registered": True},
        now=now,
    )


def registration_limit_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many accounts have been created from your network in the last hour. "
        "Please try again in %(num)d minute, or ask the library to create one for you.",
        "Too many accounts have been created from your network in the last hour. "
        "Please try again in %(num)d minutes, or ask the library to create one for you.",
        minutes,
    )
