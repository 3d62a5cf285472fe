"""Accounts: the blueprint's pages — log in and out, reader registration, the profile.

The accounts themselves (hashes, rate limits, roles) live in catalogue.users; this
module is only their web face. Who is logged in, roles and `role_required` are in
`portal.account_session`; the messages in `portal.account_messages`; the limit on
self-registration in `portal.registration_limit`.

A form refused for its CSRF token (expired after a long pause, or the cookies cleared)
comes back as the reader sent it, passwords left out, with a fresh token and `next`:
see `_form_expired`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_login import logout_user as _logout_user
from flask_wtf.csrf import CSRFError

from catalogue import users
from catalogue.account_policy import AccountError
from portal.account_messages import account_error_message, error_field, locked_message
from portal.account_session import (
    client_ip,
    fresh_session,
    init_accounts,
    public_page,
    safe_next,
    start_session,
)
from portal.app import services
from portal.errors import error_page
from portal.registration_limit import (
    record_registration,
    registration_limit_message,
    registration_wait,
)

# Imported from here by the app factory, the admin console and the preferences page.
__all__ = ["bp", "init_accounts"]

bp = Blueprint("account", __name__)

# What the forms' hints tell (from the policy in catalogue.users).
RULES = {
    "password_min": users.PASSWORD_MIN,
    "username_min": users.USERNAME_MIN,
    "username_max": users.USERNAME_MAX,
}

# The non-secret fields a refused form is refilled with, and their forms' maxlength.
KEPT_FIELDS = {"username": 100, "display_name": 200, "email": 300}


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
    """Log out, then back to the page the reader was on when anyone may see it there
    (asked once logged out), else to the home page."""
    _logout_user()
    fresh_session()
    flash(_("You have logged out."), "success")
    target = public_page(request.values.get("next"))
    return redirect(target or url_for("search.home"), code=303)


def _login_page(
    *,
    username: str = "",
    next: str | None = None,
    errors: dict[str, str] | None = None,
    expired: bool = False,
) -> str:
    return render_template(
        "account/login.html",
        username=username,
        next=next or "",
        errors=errors or {},
        expired=expired,
    )


# -- registration ----------------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
def register() -> Any:
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("account.profile"))
    form = _sent_fields()
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


def _register_page(
    form: dict[str, str], errors: dict[str, str], target: str | None, *, expired: bool = False
) -> str:
    return render_template(
        "account/register.html",
        form=form,
        errors=errors,
        next=target or "",
        rules=RULES,
        expired=expired,
    )


def _sent_fields() -> dict[str, str]:
    """The non-secret fields as the form sent them (empty on a GET)."""
    return {name: request.form.get(name, "").strip() for name in KEPT_FIELDS}


def _collect(
    errors: dict[str, str], check: Callable[..., Any], *args: Any, field: str | None = None
) -> None:
    """Run one check; an AccountError becomes the message for its field (or `field`)."""
    try:
        check(*args)
    except AccountError as exc:
        errors.setdefault(field or error_field(exc), account_error_message(exc))


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
    fresh_session()
    flash(_("Your account and the data kept about it have been deleted."), "success")
    return redirect(url_for("search.home"), code=303)


def _profile_page(
    errors: dict[str, str] | None = None,
    *,
    delete_errors: dict[str, str] | None = None,
    expired: str = "",
) -> str:
    """The profile; `expired` names the form refused for its token ("password", "delete")."""
    return render_template(
        "account/profile.html",
        account=current_user.user,
        errors=errors or {},
        delete_errors=delete_errors or {},
        rules=RULES,
        expired=expired,
    )


# -- a form refused for its CSRF token ---------------------------------------------


@bp.errorhandler(CSRFError)
def _form_expired(exc: CSRFError) -> ResponseReturnValue:
    """The same form again, status 400, with a fresh token and a message at its top.

    Nothing the refused post carried is acted on: it only refills the non-secret fields
    (never a password), and `next` is checked as the view checks it. Logging out keeps
    the generic page, which links back to where the reader was (and the header there
    has a logout button with a fresh token).
    """
    endpoint = request.endpoint or ""
    if endpoint in ("account.login", "account.register"):
        target = safe_next(request.values.get("next"))
        if current_user.is_authenticated:  # as the form's GET would
            return redirect(target or url_for("account.profile"), code=303)
        form = {name: value[: KEPT_FIELDS[name]] for name, value in _sent_fields().items()}
        if endpoint == "account.login":
            return _login_page(username=form["username"], next=target, expired=True), 400
        return _register_page(form, {}, target, expired=True), 400
    if endpoint in ("account.change_password", "account.delete_account"):
        if not current_user.is_authenticated:  # the session went with the token
            flash(str(current_app.login_manager.login_message), "info")
            return redirect(url_for("account.login", next=url_for("account.profile")), code=303)
        which = "password" if endpoint == "account.change_password" else "delete"
        return _profile_page(expired=which), 400
    return error_page(exc)
