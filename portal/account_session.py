"""Who is logged in: the flask-login wiring, roles and `role_required`, fresh sessions.

Sessions are Flask's signed cookie: logging in or out starts a fresh one (only the
chosen language is kept), and the session names the password it was opened with, so
changing a password ends every other session. Also here: the client's address,
`safe_next`, which every page that sends a visitor back somewhere checks the target with,
and `public_page`, which says where a reader who just logged out may go back to.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import SplitResult, unquote, urlsplit

from flask import Flask, current_app, render_template, request, session
from flask_babel import lazy_gettext
from flask_login import LoginManager, UserMixin, current_user, login_user
from werkzeug.exceptions import HTTPException

from catalogue import users
from catalogue.account_policy import ROLES
from catalogue.user_rows import User
from portal.access import decide_for_request, may_see_record
from portal.app import services

F = TypeVar("F", bound=Callable[..., Any])

ROLE_NAMES = {
    "reader": lazy_gettext("Reader"),
    "librarian": lazy_gettext("Librarian"),
    "admin": lazy_gettext("Administrator"),
}
KEPT_ACROSS_SESSIONS = ("lang",)  # what a fresh session keeps from the old one

# The pages a reader who logs out may be sent back to: those every visitor may open.
# Account and console pages are not among them, nor files, feeds or the JSON calls.
PUBLIC_PAGES = frozenset(
    {
        "search.home",
        "search.results",
        "search.advanced",
        "search.browse",
        "search.browse_facet",
        "record.show",
        "audiobooks.index",
        "audiobooks.show",
        "preferences.show",
    }
)


class AccountUser(UserMixin):
    """The logged-in user as flask-login sees it (`current_user`)."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        # The password stamp ties the session to the password it was opened with.
        return f"{self.user.id}:{self.user.password_stamp}"

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def display_name(self) -> str:
        return self.user.display_name

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def is_active(self) -> bool:
        return not self.user.disabled

    def has_role(self, role: str) -> bool:
        """True for `role` and every role above it (an admin may do what a librarian may)."""
        return _rank(self.role) >= _rank(role)


def init_accounts(app: Flask) -> None:
    manager = LoginManager(app)
    manager.session_protection = "strong"
    manager.login_view = "account.login"
    manager.login_message = lazy_gettext("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.localize_callback = str  # the lazy message, in the reader's language, as text

    @manager.user_loader
    def _load(session_id: str) -> AccountUser | None:
        user_id, _sep, stamp = str(session_id).partition(":")
        if not (user_id.isascii() and user_id.isdigit()):
            return None
        user = users.get_user(services().store, int(user_id))
        if user is None or user.disabled:
            return None
        if not hmac.compare_digest(stamp.encode(), user.password_stamp.encode()):
            return None  # the password changed since this session began
        return AccountUser(user)

    @app.context_processor
    def _account_context() -> dict:
        return {"role_name": role_name}


def role_required(*roles: str) -> Callable[[F], F]:
    """Let a view through for the named roles and every role above the lowest of them.

    Roles rise reader < librarian < admin, so `role_required("librarian")` admits
    librarians and admins. Anonymous visitors are sent to log in (and brought back);
    a logged-in user without the role gets a 403 page.
    """
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise ValueError(f"role_required needs roles among {ROLES}, got {roles!r}")
    lowest = min(roles, key=_rank)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not current_user.has_role(lowest):
                page = render_template("account/forbidden.html", required=lowest)
                return page, 403
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def role_name(role: str) -> str:
    """A role as the reader's language names it."""
    return str(ROLE_NAMES.get(role, role))


def _rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else -1


def start_session(user: User) -> None:
    """Log a user in on a fresh session (a session fixed before log-in is worth nothing)."""
    fresh_session()
    login_user(AccountUser(user))


def fresh_session() -> None:
    kept = {k: session[k] for k in KEPT_ACROSS_SESSIONS if k in session}
    session.clear()
    session.update(kept)


def client_ip() -> str:
    """The client's address as the WSGI server saw it (behind a proxy: see ProxyFix)."""
    return request.remote_addr or ""


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site ("/search?q=x"), else None.

    Refused: absolute URLs, scheme-relative ones ("//evil.example"), backslashes
    (which browsers read as slashes), and control characters.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def site_referrer() -> SplitResult | None:
    """The Referer, split, when it is a page of this site; else None. The host decides,
    not the scheme: behind a TLS-terminating proxy the app sees http."""
    parts = urlsplit(request.referrer or "")
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    return parts


def page_endpoint(target: str) -> tuple[str, dict[str, Any]] | None:
    """The view a GET of `target` (a path on this site) opens, and its arguments; None
    when no page answers there (unknown, another method only, or a redirect)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, args = adapter.match(unquote(urlsplit(target).path), method="GET")
    except HTTPException:  # NotFound, MethodNotAllowed, RequestRedirect
        return None
    return str(endpoint), dict(args)


def public_page(target: str | None) -> str | None:
    """`target` if it is a safe path to a page the requester, as they are now, may open.

    Asked after logging out, so "the requester" is the anonymous visitor the reader has
    just become: a record only a logged-in reader may see (or an audiobook only one may
    hear) is not public, and neither is any account or console page.
    """
    target = safe_next(target)
    found = page_endpoint(target) if target else None
    if found is None or found[0] not in PUBLIC_PAGES:
        return None
    endpoint, args = found
    record_id = args.get("record_id")
    if record_id is not None:
        record = services().store.get_record(str(record_id))
        if record is None or not may_see_record(record):
            return None
        if endpoint == "audiobooks.show" and not decide_for_request(record, "view_content").allowed:
            return None
    return target
