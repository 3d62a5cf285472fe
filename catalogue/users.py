"""Portal accounts: creating and changing them, argon2 password hashes, and log-ins.

All reads and writes of `users` and `login_attempts` happen here and in the modules
this one is split into: the rules an account must meet (catalogue.account_policy),
the `User` value read from a row (catalogue.user_rows), the log-in rate limits
(catalogue.login_limits) and a reader's data export and account deletion
(catalogue.reader_data). The password hash never leaves them: a `User` carries only a
stamp derived from it. Callers know them all as `users.<name>`, so the names they use
are re-exported here.
"""

from __future__ import annotations

import contextlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from catalogue.account_policy import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
    AccountError,
    check_password,
    check_profile,
    check_role,
    normalise_username,
)
from catalogue.login_limits import LIMITS, RateLimits, lock_remaining
from catalogue.reader_data import USER_DELETED, delete_user, export_user_data
from catalogue.storable import utc_or_now
from catalogue.store import Store
from catalogue.tables import LoginAttemptRow, UserRow
from catalogue.user_rows import User, user_from_row, user_row

__all__ = [
    "HASHER",
    "PASSWORD_MIN",
    "USERNAME_MAX",
    "USERNAME_MIN",
    "USER_DELETED",
    "AccountError",
    "AuthResult",
    "RateLimits",
    "User",
    "authenticate",
    "change_password",
    "check_password",
    "check_profile",
    "create_user",
    "delete_user",
    "export_user_data",
    "find_user",
    "get_user",
    "list_users",
    "normalise_username",
    "set_disabled",
    "set_password",
    "set_role",
]

# The RFC 9106 "low memory" profile (argon2id, 64 MiB, 3 passes): argon2-cffi's default.
# Replaced by tests with a cheaper one; hashes made with other parameters are redone
# at the next successful log-in.
HASHER = PasswordHasher()


@dataclass(frozen=True)
class AuthResult:
    """The outcome of one log-in attempt.

    status: "ok", "invalid" (unknown user or wrong password: never told apart),
    "disabled" (right password, disabled account) or "locked" (a rate limit refused
    the attempt unchecked; retry after `retry_after` seconds: up to the window for
    this address, a few seconds for the username's delay).
    """

    status: str
    user: User | None = None
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# -- users -----------------------------------------------------------------------


def create_user(
    store: Store,
    username: str,
    password: str,
    *,
    role: str = "reader",
    display_name: str = "",
    email: str = "",
    now: datetime | None = None,
) -> User:
    """Add an account. Raises AccountError for a bad or taken username, role or password."""
    name = normalise_username(username)
    check_role(role)
    check_password(password, name)
    display_name, email = check_profile(display_name, email)
    if find_user(store, name) is not None:
        raise _taken(name)
    hashed = HASHER.hash(password)  # slow on purpose: outside the transaction
    try:
        with store.session() as s:
            row = UserRow(
                username=name,
                display_name=display_name,
                email=email,
                password_hash=hashed,
                role=role,
                disabled=False,
                created_at=utc_or_now(now),
            )
            s.add(row)
            s.flush()
            return user_from_row(row)
    except IntegrityError as exc:  # created by someone else meanwhile
        raise _taken(name) from exc


def _taken(name: str) -> AccountError:
    return AccountError("username_taken", f"the username {name!r} is taken", username=name)


def get_user(store: Store, user_id: int) -> User | None:
    with store.session() as s:
        row = s.get(UserRow, user_id)
        return user_from_row(row) if row else None


def find_user(store: Store, username: str) -> User | None:
    try:
        name = normalise_username(username)
    except AccountError:
        return None
    with store.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == name))
        return user_from_row(row) if row else None


def list_users(store: Store) -> list[User]:
    with store.session() as s:
        return [user_from_row(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]


def set_role(store: Store, user: int | str, role: str) -> User:
    """Give an account (by id or username) another role."""
    check_role(role)
    with store.session() as s:
        row = user_row(s, user)
        row.role = role
        return user_from_row(row)


def set_disabled(store: Store, user: int | str, disabled: bool = True) -> User:
    """Disable (or enable again) an account: a disabled one cannot log in."""
    with store.session() as s:
        row = user_row(s, user)
        row.disabled = disabled
        return user_from_row(row)


def set_password(store: Store, user: int | str, password: str) -> User:
    """Replace an account's password (policy-checked); its old sessions stop working."""
    with store.session() as s:
        name = user_row(s, user).username
    check_password(password, name)
    hashed = HASHER.hash(password)
    with store.session() as s:
        row = user_row(s, user)
        row.password_hash = hashed
        return user_from_row(row)


# -- authentication --------------------------------------------------------------


def authenticate(
    store: Store,
    username: str,
    password: str,
    ip: str,
    *,
    now: datetime | None = None,
    limits: RateLimits | None = None,
) -> AuthResult:
    """Check a log-in; every attempt is recorded and counts towards the rate limits.

    Unknown usernames cost the same argon2 work as known ones, and are limited alike,
    so neither answers nor response times tell whether an account exists. An attempt
    refused by a limit ("locked") is not checked, whatever the password.
    """
    now = utc_or_now(now)
    result = _attempt(store, username, password, ip, now, limits or LIMITS)
    if not result.ok:
        return result
    with store.session() as s:
        row = s.get(UserRow, result.user.id)
        row.last_login_at = now
        return AuthResult("ok", user_from_row(row))


def change_password(
    store: Store,
    username: str,
    current_password: str,
    new_password: str,
    ip: str,
    *,
    now: datetime | None = None,
    limits: RateLimits | None = None,
) -> AuthResult:
    """Set a new password if the current one is right (a rate-limited, recorded attempt).

    Raises AccountError if the new password breaks the policy (checked first).
    """
    check_password(new_password, username)
    result = _attempt(store, username, current_password, ip, utc_or_now(now), limits or LIMITS)
    if not result.ok:
        return result
    return AuthResult("ok", set_password(store, result.user.id, new_password))


def _attempt(
    store: Store, username: str, password: str, ip: str, now: datetime, limits: RateLimits
) -> AuthResult:
    """Check one attempt, unless a limit refuses it (then nothing is recorded). A checked
    attempt is recorded as failed first, in the transaction that checked the limits (so
    concurrent attempts count against each other), and marked succeeded only once the
    password is verified."""
    try:
        name = normalise_username(username)
    except AccountError:
        name = unicodedata.normalize("NFC", (username or "").strip()).casefold()[:USERNAME_MAX]
    ip = (ip or "")[:64]
    with store.session() as s:
        wait = lock_remaining(s, name, ip, limits, now)
        if wait:
            return AuthResult("locked", retry_after=wait)
        attempt = LoginAttemptRow(username=name, ip=ip, at=now, succeeded=False)
        s.add(attempt)
        s.flush()
        attempt_id = attempt.id
        row = s.scalar(select(UserRow).where(UserRow.username == name))
        user, stored_hash = (user_from_row(row), row.password_hash) if row else (None, None)

    # argon2 is slow on purpose: no transaction is held open while it works.
    if not _verify(stored_hash, password):
        return AuthResult("invalid")
    if user.disabled:
        return AuthResult("disabled")
    rehashed = HASHER.hash(password) if HASHER.check_needs_rehash(stored_hash) else None
    with store.session() as s:
        s.execute(
            update(LoginAttemptRow).where(LoginAttemptRow.id == attempt_id).values(succeeded=True)
        )
        if rehashed:
            s.execute(
                update(UserRow)
                .where(UserRow.id == user.id, UserRow.password_hash == stored_hash)
                .values(password_hash=rehashed)
            )
    return AuthResult("ok", user)


def _verify(stored_hash: str | None, password: str) -> bool:
    """argon2 verification; with no hash (unknown user) the same work against a dummy."""
    if stored_hash is None or len(password) > PASSWORD_MAX:
        with contextlib.suppress(VerificationError):
            HASHER.verify(_dummy_hash(), password[:PASSWORD_MAX])
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
        return False


_DUMMY_HASHES: dict[tuple, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password made with the current parameters (made once per set)."""
    key = (
        HASHER.time_cost,
        HASHER.memory_cost,
        HASHER.parallelism,
        HASHER.hash_len,
        HASHER.salt_len,
        HASHER.type,
    )
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = HASHER.hash(secrets.token_urlsafe(32))
    return _DUMMY_HASHES[key]
