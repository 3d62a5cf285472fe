"""Account rows to `User` values, and finding an account's row by id or username.

A `User` never carries the password hash: only a short stamp derived from it, which
changes when the password does, so a session can be tied to one password.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.account_policy import AccountError, normalise_username
from catalogue.convert import from_columns
from catalogue.tables import UserRow


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    email: str
    role: str
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None
    # Changes whenever the password does (derived from the hash, not the hash).
    password_stamp: str = field(default="", repr=False)

    @property
    def name(self) -> str:
        """What to call the user: the display name, else the username."""
        return self.display_name or self.username


def user_row(s: Session, user: int | str) -> UserRow:
    """The row of an account named by id or username; AccountError if there is none."""
    if isinstance(user, int):
        row = s.get(UserRow, user)
    else:
        try:
            name = normalise_username(user)
        except AccountError:
            row = None
        else:
            row = s.scalar(select(UserRow).where(UserRow.username == name))
    if row is None:
        raise AccountError("unknown_user", f"no account {user!r}", user=user)
    return row


def user_from_row(row: UserRow) -> User:
    stamp = hashlib.sha256(row.password_hash.encode()).hexdigest()[:16]
    return from_columns(User, row, password_stamp=stamp)
