"""Portal accounts: users, roles, argon2 password hashes, rate-limited authentication.

All reads and writes of `users` and `login_attempts` happen here; the password hash
never leaves this module (a `User` carries only a short stamp derived from it, which
changes when the password does, so a session can be tied to one password). So do a
reader's data export and the deletion of an account with everything kept about it.

Rate limiting (OWASP: throttle where the attacker is, never hand the attacker a way to
lock others out) works on the attempts recorded in `login_attempts`, three ways:

- per username *and* client address: a hard limit (5 failures in 15 minutes, counted
  since that pair's last success). Guessing one account from one place stops there.
- per client address: a hard limit (20 failures in 15 minutes, any usernames): stops
  password spraying from one place. Not reset by a success (an attacker's own account
  would reset it).
- per username, from anywhere: only a short, growing delay after many failures
  (1 s, 2 s, 4 s, at most 5 s after the latest failure). It slows guessing spread over
  many addresses, but never keeps the right password out for more than those few
  seconds, and never at an address this account logged in from recently. An attacker
  at address A therefore cannot lock out the owner at address B.

Only attempts whose password was checked are recorded; a refused one is not (so it
can neither move a limit on nor let one address re-arm the username's delay).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from catalogue import audit
from catalogue.convert import aware
from catalogue.store import Store
from catalogue.tables import (
    BookmarkRow,
    ListeningPositionRow,
    LoginAttemptRow,
    RecordRow,
    UserRow,
)

ROLES = ("reader", "librarian", "admin")  # in rising order of what they may do
# The audit action of a deleted account (its entry names it by `pseudonym`, not by name).
USER_DELETED = audit.USER_DELETED
EXPORT_AUDIT_LIMIT = 100_000  # audit entries about one account in an export, newest first

USERNAME_MIN, USERNAME_MAX = 3, 100
PASSWORD_MIN, PASSWORD_MAX = 10, 1000
DISPLAY_NAME_MAX, EMAIL_MAX = 200, 300
_USERNAME = re.compile(r"[\w.\-]+")  # \w: any script's letters and digits, and "_"

# The RFC 9106 "low memory" profile (argon2id, 64 MiB, 3 passes): argon2-cffi's default.
# Replaced by tests with a cheaper one; hashes made with other parameters are redone
# at the next successful log-in.
HASHER = PasswordHasher()

# The most common passwords at least PASSWORD_MIN long (shorter ones are refused anyway),
# from the public breach lists, plus the obvious local ones. Compared casefolded.
COMMON_PASSWORDS = frozenset(
    {
        "0000000000",
        "0123456789",
        "0987654321",
        "1111111111",
        "1122334455",
        "1234512345",
        "1234567890",
        "12345678910",
        "1234567891",
        "123456789a",
        "123456789@",
        "1234567890a",
        "1234qwerty",
        "1q2w3e4r5t",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "5555555555",
        "9876543210",
        "aaaaaaaaaa",
        "a123456789",
        "abc1234567",
        "abcd123456",
        "abcdefghij",
        "administrator",
        "anhyeuem123",
        "baseball123",
        "changeme123",
        "football123",
        "hanoi12345",
        "hanoi123456",
        "iloveyou12",
        "iloveyou123",
        "letmein123",
        "matkhau123",
        "matkhau1234",
        "matkhaumoi",
        "passw0rd123",
        "password01",
        "password12",
        "password123",
        "password1234",
        "password1!",
        "password!1",
        "princess123",
        "qazwsxedc123",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "qwertyuiop",
        "qwertyuiop123",
        "saigon123456",
        "sunshine123",
        "superman123",
        "thuvien123",
        "thuvien1234",
        "thuvienhanoi",
        "trustno1234",
        "vietnam123",
        "vietnam1234",
        "welcome123",
        "zaq12wsxcde",
    }
)


@dataclass(frozen=True)
class RateLimits:
    """How many failed log-ins a window allows; see the module docstring for why each."""

    window: timedelta = timedelta(minutes=15)
    per_user_address: int = 5  # hard: one username from one address
    per_ip: int = 20  # hard: one address, any usernames
    per_username: int = 5  # failures from anywhere before the username's delay starts
    username_delay: timedelta = timedelta(seconds=1)  # then doubling with each failure…
    username_delay_max: timedelta = timedelta(seconds=5)  # …up to this
    # An address the account logged in from within this long skips the username's delay.
    known_address_age: timedelta = timedelta(days=90)


LIMITS = RateLimits()


class AccountError(ValueError):
    """A request about accounts that cannot be done; `code` says why, for translation.

    Codes: username_invalid, username_taken, unknown_user, role_invalid,
    password_too_short, password_too_long, password_is_username, password_too_common,
    display_name_too_long, email_invalid.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


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


def utcnow() -> datetime:
    return datetime.now(UTC)


# -- validation ------------------------------------------------------------------


def normalise_username(username: str) -> str:
    """The stored form of a username (NFC, casefolded), or AccountError if it is not valid."""
    name = unicodedata.normalize("NFC", (username or "").strip()).casefold()
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX or not _USERNAME.fullmatch(name):
        raise AccountError(
            "username_invalid",
            f"a username has {USERNAME_MIN} to {USERNAME_MAX} characters: letters, digits, "
            "dots, hyphens and underscores",
            minimum=USERNAME_MIN,
            maximum=USERNAME_MAX,
        )
    return name


def check_password(password: str, username: str = "") -> None:
    """Raise AccountError if the password breaks the policy (length, username, common)."""
    if len(password) < PASSWORD_MIN:
        raise AccountError(
            "password_too_short",
            f"a password needs at least {PASSWORD_MIN} characters",
            minimum=PASSWORD_MIN,
        )
    if len(password) > PASSWORD_MAX:
        raise AccountError(
            "password_too_long",
            f"a password can have at most {PASSWORD_MAX} characters",
            maximum=PASSWORD_MAX,
        )
    folded = unicodedata.normalize("NFC", password).casefold()
    if username and folded.strip() == unicodedata.normalize("NFC", username).casefold().strip():
        raise AccountError("password_is_username", "the password must not be the username")
    if folded in COMMON_PASSWORDS or len(set(folded)) == 1:
        raise AccountError(
            "password_too_common", "this password is among the most common ones; choose another"
        )


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(
            "role_invalid", f"role must be one of {', '.join(ROLES)}, not {role!r}", roles=ROLES
        )
    return role


def check_profile(display_name: str, email: str) -> tuple[str, str]:
    display_name, email = display_name.strip(), email.strip()
    if len(display_name) > DISPLAY_NAME_MAX:
        raise AccountError(
            "display_name_too_long",
            f"a display name can have at most {DISPLAY_NAME_MAX} characters",
            maximum=DISPLAY_NAME_MAX,
        )
    if email and (len(email) > EMAIL_MAX or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
        raise AccountError("email_invalid", f"{email!r} is not an e-mail address")
    return display_name, email


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
                created_at=_utc(now),
            )
            s.add(row)
            s.flush()
            return _user(row)
    except IntegrityError as exc:  # created by someone else meanwhile
        raise _taken(name) from exc


def _taken(name: str) -> AccountError:
    return AccountError("username_taken", f"the username {name!r} is taken", username=name)


def get_user(store: Store, user_id: int) -> User | None:
    with store.session() as s:
        row = s.get(UserRow, user_id)
        return _user(row) if row else None


def find_user(store: Store, username: str) -> User | None:
    try:
        name = normalise_username(username)
    except AccountError:
        return None
    with store.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == name))
        return _user(row) if row else None


def list_users(store: Store) -> list[User]:
    with store.session() as s:
        return [_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]


def set_role(store: Store, user: int | str, role: str) -> User:
    """Give an account (by id or username) another role."""
    check_role(role)
    with store.session() as s:
        row = _row(s, user)
        row.role = role
        return _user(row)


def set_disabled(store: Store, user: int | str, disabled: bool = True) -> User:
    """Disable (or enable again) an account: a disabled one cannot log in."""
    with store.session() as s:
        row = _row(s, user)
        row.disabled = disabled
        return _user(row)


def set_password(store: Store, user: int | str, password: str) -> User:
    """Replace an account's password (policy-checked); its old sessions stop working."""
    with store.session() as s:
        name = _row(s, user).username
    check_password(password, name)
    hashed = HASHER.hash(password)
    with store.session() as s:
        row = _row(s, user)
        row.password_hash = hashed
        return _user(row)


def _row(s: Session, user: int | str) -> UserRow:
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


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        email=row.email,
        role=row.role,
        disabled=row.disabled,
        created_at=aware(row.created_at),
        last_login_at=aware(row.last_login_at),
        password_stamp=hashlib.sha256(row.password_hash.encode()).hexdigest()[:16],
    )


# -- a reader's own data: export and deletion --------------------------------------


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
        row = _row(s, user)
        account = _user(row)
        positions = s.execute(
            select(
                ListeningPositionRow.record_id,
                RecordRow.title,
                ListeningPositionRow.position,
                ListeningPositionRow.updated_at,
            )
            .outerjoin(RecordRow, RecordRow.id == ListeningPositionRow.record_id)
            .where(ListeningPositionRow.user_id == row.id)
            .order_by(ListeningPositionRow.updated_at)
        ).all()
        bookmarks = s.execute(
            select(
                BookmarkRow.record_id,
                RecordRow.title,
                BookmarkRow.position,
                BookmarkRow.label,
                BookmarkRow.created_at,
            )
            .outerjoin(RecordRow, RecordRow.id == BookmarkRow.record_id)
            .where(BookmarkRow.user_id == row.id)
            .order_by(BookmarkRow.created_at, BookmarkRow.id)
        ).all()
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
        "exported_at": _iso(_utc(now)),
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
        row = _row(s, user)
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


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


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
    now = _utc(now)
    result = _attempt(store, username, password, ip, now, limits or LIMITS)
    if not result.ok:
        return result
    with store.session() as s:
        row = s.get(UserRow, result.user.id)
        row.last_login_at = now
        return AuthResult("ok", _user(row))


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
    result = _attempt(store, username, current_password, ip, _utc(now), limits or LIMITS)
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
        wait = _lock_remaining(s, name, ip, limits, now)
        if wait:
            return AuthResult("locked", retry_after=wait)
        attempt = LoginAttemptRow(username=name, ip=ip, at=now, succeeded=False)
        s.add(attempt)
        s.flush()
        attempt_id = attempt.id
        row = s.scalar(select(UserRow).where(UserRow.username == name))
        user, stored_hash = (_user(row), row.password_hash) if row else (None, None)

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


def _lock_remaining(s: Session, name: str, ip: str, limits: RateLimits, now: datetime) -> int:
    """Seconds before this username may be tried from this address (0: now).

    Hard limits: `per_user_address` failures of the pair (since its last success) or
    `per_ip` failures of the address inside the window; the wait ends when the oldest
    of the newest `limit` failures leaves it. Then the username's short delay.
    """
    since = now - limits.window
    by_name = LoginAttemptRow.username == name
    by_ip = LoginAttemptRow.ip == ip
    pair_since = _since_success(s, since, by_name, by_ip)
    wait = _wait(s, (by_name, by_ip), pair_since, limits.per_user_address, limits.window, now)
    if ip:
        wait = max(wait, _wait(s, (by_ip,), since, limits.per_ip, limits.window, now))
    if wait:
        return wait
    return _username_delay(s, name, ip, limits, now)


def _username_delay(s: Session, name: str, ip: str, limits: RateLimits, now: datetime) -> int:
    """The username's growing delay after its latest failure, from any address: 0 below
    `per_username` failures (since its last success, inside the window), then
    `username_delay` doubling per failure up to `username_delay_max`. An address the
    account logged in from within `known_address_age` is never delayed."""
    if limits.per_username <= 0:
        return 0
    by_name = LoginAttemptRow.username == name
    failed = (by_name, LoginAttemptRow.succeeded.is_(False))
    name_since = _since_success(s, now - limits.window, by_name)
    failures, latest = s.execute(
        select(func.count(), func.max(LoginAttemptRow.at)).where(
            *failed, LoginAttemptRow.at > name_since
        )
    ).one()
    if failures < limits.per_username or latest is None:
        return 0
    doublings = min(failures - limits.per_username, 16)
    delay = min(limits.username_delay * 2**doublings, limits.username_delay_max)
    remaining = (aware(latest) + delay - now).total_seconds()
    if remaining <= 0:
        return 0
    if ip and s.scalar(
        select(LoginAttemptRow.id)
        .where(
            by_name,
            LoginAttemptRow.ip == ip,
            LoginAttemptRow.succeeded.is_(True),
            LoginAttemptRow.at > now - limits.known_address_age,
        )
        .limit(1)
    ):
        return 0
    return max(1, math.ceil(remaining))


def _since_success(s: Session, since: datetime, *who: ColumnElement[bool]) -> datetime:
    """`since`, or the latest successful log-in of `who` if it is later: a success
    starts the count again."""
    last_ok = aware(
        s.scalar(
            select(func.max(LoginAttemptRow.at)).where(*who, LoginAttemptRow.succeeded.is_(True))
        )
    )
    return last_ok if last_ok is not None and last_ok > since else since


def _wait(
    s: Session,
    who: tuple[ColumnElement[bool], ...],
    since: datetime,
    limit: int,
    window: timedelta,
    now: datetime,
) -> int:
    if limit <= 0:
        return 0
    times = s.scalars(
        select(LoginAttemptRow.at)
        .where(*who, LoginAttemptRow.succeeded.is_(False), LoginAttemptRow.at > since)
        .order_by(LoginAttemptRow.at.desc())
        .limit(limit)
    ).all()
    if len(times) < limit:
        return 0
    ends = aware(times[-1]) + window
    return max(1, math.ceil((ends - now).total_seconds()))


def _utc(now: datetime | None) -> datetime:
    return utcnow() if now is None else aware(now).astimezone(UTC)
