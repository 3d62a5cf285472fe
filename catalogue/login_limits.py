"""Log-in rate limits, worked out from the attempts recorded in `login_attempts`.

OWASP: throttle where the attacker is, never hand the attacker a way to lock others
out. Three limits:

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

Only attempts whose password was checked are recorded (catalogue.users); a refused
one is not (so it can neither move a limit on nor let one address re-arm the
username's delay).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from catalogue.convert import aware
from catalogue.tables import LoginAttemptRow


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


def lock_remaining(s: Session, name: str, ip: str, limits: RateLimits, now: datetime) -> int:
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
    """Seconds until the oldest of `who`'s newest `limit` failures since `since` leaves
    the window (0 while there are fewer)."""
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
