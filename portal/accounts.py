"""Accounts: log in and out, reader registration, the profile page, and `role_required`.

The accounts themselves (hashes, rate limits, roles) live in catalogue.users; this
module is only their web face. Sessions are Flask's signed cookie: logging in or out
starts a fresh one (only the chosen language is kept), and the session names the
password it was opened with, so changing a password ends every other session.
"""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_login import logout_user as _logout_user
from sqlalchemy import select

from catalogue import audit, users
from catalogue.account_policy import ROLES, AccountError
from catalogue.convert import aware
from catalogue.store import Store
from catalogue.tables import AuditEntryRow
from catalogue.user_rows import User
from portal.app import services

bp = Blueprint("account", __name__)

F = TypeVar("F", bound=Callable[..., Any])

ROLE_NAMES = {
    "reader": lazy_gettext("Reader"),
    "librarian": lazy_gettext("Librarian"),
    "admin": lazy_gettext("Administrator"),
}
# What the forms' hints tell (from the policy in catalogue.users).
RULES = {
    "password_min": users.PASSWORD_MIN,
    "username_min": users.USERNAME_MIN,
    "username_max": users.USERNAME_MAX,
}
KEPT_ACROSS_SESSIONS = ("lang",)  # what a fresh session keeps from the old one


@dataclass(frozen=True)
class RegistrationLimit:
    """How many reader accounts one client address may create in a sliding window."""

    window: timedelta = timedelta(hours=1)
    per_address: int = 5


REGISTRATION_LIMIT = RegistrationLimit()


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


# -- log in and out --------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(target or url_for("account.profile"))
        return _login_page(next=target)

    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = _("Enter your username.")
    if not password:
        errors["password"] = _("Enter your password.")
    if errors:
        return _login_page(username=username, next=target, errors=errors)

    result = users.authenticate(services().store, username, password, client_ip())
    if result.status == "locked":
        page = _login_page(
            username=username, next=target, errors={"password": locked_message(result.retry_after)}
        )
        return page, 429, {"Retry-After": str(result.retry_after)}
    if result.status == "disabled":
        message = _("This account has been disabled. Please ask the library for help.")
        return _login_page(username=username, next=target, errors={"password": message}), 403
    if not result.ok:
        message = _("Wrong username or password.")
        return _login_page(username=username, next=target, errors={"password": message})

    start_session(result.user)
    flash(_("Welcome, %(name)s. You are logged in.", name=result.user.name), "success")
    return redirect(target or url_for("search.home"), code=303)


@bp.post("/logout")
def logout() -> Response:
    _logout_user()
    _fresh_session()
    flash(_("You have logged out."), "success")
    return redirect(url_for("search.home"), code=303)


def _login_page(
    *, username: str = "", next: str | None = None, errors: dict[str, str] | None = None
) -> str:
    return render_template(
        "account/login.html", username=username, next=next or "", errors=errors or {}
    )


# -- registration ----------------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
def register() -> Any:
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("account.profile"))
    form = {
        "username": request.form.get("username", "").strip(),
        "display_name": request.form.get("display_name", "").strip(),
        "email": request.form.get("email", "").strip(),
    }
    if request.method == "GET":
        return _register_page(form, {}, target)

    wait = registration_wait(services().store, client_ip())
    if wait:
        page = _register_page(form, {"limit": registration_limit_message(wait)}, target)
        return page, 429, {"Retry-After": str(wait)}

    password = request.form.get("password", "")
    confirm = request.form.get("confirm_password", "")
    errors: dict[str, str] = {}
    if not form["username"]:
        errors["username"] = _("Choose a username.")
    else:
        _collect(errors, users.normalise_username, form["username"])
        if "username" not in errors and users.find_user(services().store, form["username"]):
            errors["username"] = _("This username is taken. Please choose another.")
    _collect(errors, users.check_profile, form["display_name"], form["email"])
    if not password:
        errors["password"] = _("Choose a password.")
    else:
        _collect(errors, users.check_password, password, form["username"])
    if "password" not in errors and password != confirm:
        errors["confirm_password"] = _("The two passwords are not the same.")
    if not errors:
        try:
            user = users.create_user(
                services().store,
                form["username"],
                password,
                role="reader",
                display_name=form["display_name"],
                email=form["email"],
            )
        except AccountError as exc:
            errors[error_field(exc)] = account_error_message(exc)
    if errors:
        return _register_page(form, errors, target)

    record_registration(services().store, user, client_ip())
    start_session(user)
    flash(_("Welcome, %(name)s. Your reader account is ready.", name=user.name), "success")
    return redirect(target or url_for("account.profile"), code=303)


def _register_page(form: dict[str, str], errors: dict[str, str], target: str | None) -> str:
    return render_template(
        "account/register.html", form=form, errors=errors, next=target or "", rules=RULES
    )


def _collect(
    errors: dict[str, str], check: Callable[..., Any], *args: Any, field: str | None = None
) -> None:
    """Run one check; an AccountError becomes the message for its field (or `field`)."""
    try:
        check(*args)
    except AccountError as exc:
        errors.setdefault(field or error_field(exc), account_error_message(exc))


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


# -- the profile -----------------------------------------------------------------


@bp.get("/account")
@login_required
def profile() -> str:
    return _profile_page({})


@bp.post("/account/password")
@login_required
def change_password() -> Any:
    current = request.form.get("current_password", "")
    new = request.form.get("new_password", "")
    confirm = request.form.get("confirm_password", "")
    errors: dict[str, str] = {}
    if not current:
        errors["current_password"] = _("Enter your current password.")
    if not new:
        errors["new_password"] = _("Choose a new password.")
    else:
        _collect(errors, users.check_password, new, current_user.username, field="new_password")
        if "new_password" not in errors and new != confirm:
            errors["confirm_password"] = _("The two passwords are not the same.")
    if errors:
        return _profile_page(errors)

    result = users.change_password(
        services().store, current_user.username, current, new, client_ip()
    )
    if result.status == "locked":
        errors["current_password"] = locked_message(result.retry_after)
        return _profile_page(errors), 429, {"Retry-After": str(result.retry_after)}
    if not result.ok:
        errors["current_password"] = _("Your current password is not right.")
        return _profile_page(errors)
    start_session(result.user)  # the old password's sessions end; this one goes on
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("account.profile"), code=303)


@bp.get("/account/data")
@login_required
def export_data() -> Response:
    """The reader's own data, everything the store keeps about the account, as JSON."""
    data = users.export_user_data(services().store, current_user.id)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    filename = f"thuvien-{current_user.username}-{stamp}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )


@bp.post("/account/delete")
@login_required
def delete_account() -> Any:
    """Delete the reader's own account, after the password (a rate-limited attempt)."""
    if current_user.role != "reader":
        flash(
            _("Staff accounts cannot be deleted here: ask an administrator to disable yours."),
            "error",
        )
        return redirect(url_for("account.profile"), code=303)
    password = request.form.get("delete_password", "")
    errors: dict[str, str] = {}
    if not password:
        errors["delete_password"] = _("Enter your password.")
        return _profile_page(delete_errors=errors)
    store = services().store
    result = users.authenticate(store, current_user.username, password, client_ip())
    if result.status == "locked":
        errors["delete_password"] = locked_message(result.retry_after)
        page = _profile_page(delete_errors=errors)
        return page, 429, {"Retry-After": str(result.retry_after)}
    if not result.ok or result.user.id != current_user.id:
        errors["delete_password"] = _("Your password is not right.")
        return _profile_page(delete_errors=errors)
    users.delete_user(store, current_user.id, ip=client_ip())
    _logout_user()
    _fresh_session()
    flash(_("Your account and the data kept about it have been deleted."), "success")
    return redirect(url_for("search.home"), code=303)


def _profile_page(
    errors: dict[str, str] | None = None, *, delete_errors: dict[str, str] | None = None
) -> str:
    return render_template(
        "account/profile.html",
        account=current_user.user,
        errors=errors or {},
        delete_errors=delete_errors or {},
        rules=RULES,
    )


# -- helpers ---------------------------------------------------------------------


def start_session(user: User) -> None:
    """Log a user in on a fresh session (a session fixed before log-in is worth nothing)."""
    _fresh_session()
    login_user(AccountUser(user))


def _fresh_session() -> None:
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


def locked_message(seconds: int) -> str:
    if seconds < 60:  # the username's short delay
        return ngettext(
            "Too many failed attempts for this account. Please wait %(num)d second and try again.",
            "Too many failed attempts for this account. Please wait %(num)d seconds and try again.",
            max(1, seconds),
        )
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed attempts. For your safety, please wait %(num)d minute "
        "before trying again.",
        "Too many failed attempts. For your safety, please wait %(num)d minutes "
        "before trying again.",
        minutes,
    )


def error_field(exc: AccountError) -> str:
    """The form field an AccountError is about."""
    for prefix in ("username", "password", "display_name", "email"):
        if exc.code.startswith(prefix):
            return prefix
    return "username"


def account_error_message(exc: AccountError) -> str:
    """An AccountError in the reader's language."""
    p = exc.params
    messages: dict[str, Callable[[], str]] = {
        "username_invalid": lambda: _(
            "A username has %(minimum)d to %(maximum)d characters: letters, digits, "
            "dots (.), hyphens (-) and underscores (_).",
            minimum=p["minimum"],
            maximum=p["maximum"],
        ),
        "username_taken": lambda: _("This username is taken. Please choose another."),
        "unknown_user": lambda: _("There is no such account."),
        "role_invalid": lambda: _("This role does not exist."),
        "password_too_short": lambda: _(
            "The password needs at least %(minimum)d characters.", minimum=p["minimum"]
        ),
        "password_too_long": lambda: _(
            "The password can have at most %(maximum)d characters.", maximum=p["maximum"]
        ),
        "password_is_username": lambda: _("The password must not be the same as the username."),
        "password_too_common": lambda: _(
            "This password is one of the most common ones and easy to guess. Please choose another."
        ),
        "display_name_too_long": lambda: _(
            "The name can have at most %(maximum)d characters.", maximum=p["maximum"]
        ),
        "email_invalid": lambda: _(
            "Enter an e-mail address like name@example.com, or leave it empty."
        ),
    }
    message = messages.get(exc.code)
    return message() if message else str(exc)
