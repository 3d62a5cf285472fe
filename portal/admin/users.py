"""Accounts and roles (administrators only)."""

from __future__ import annotations

import secrets

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalogue import audit, users
from catalogue.account_policy import ROLES, AccountError
from portal.account_messages import account_error_message
from portal.account_session import role_name, role_required
from portal.admin import bp, record_change
from portal.app import services


@bp.get("/users")
@role_required("admin")
def users_list() -> str:
    return _users_page()


def _users_page(new_password: tuple[users.User, str] | None = None) -> str:
    return render_template(
        "admin/users.html",
        accounts=users.list_users(services().store),
        roles=ROLES,
        new_password=new_password,
    )


@bp.post("/users/<int:user_id>/password")
@role_required("admin")
def user_password(user_id: int) -> Response | tuple[str, int, dict[str, str]]:
    """Give an account a new random password, shown once on the page that answers (not
    kept in a flash message: the session cookie is signed, not encrypted). For a reader
    who forgot theirs: there is no mail server to send a reset link."""
    account = _account_or_404(user_id)
    if account.id == current_user.id:
        flash(_("Change your own password on your account page."), "error")
        return redirect(url_for("admin.users_list", _anchor=f"user-{user_id}"), code=303)
    password = secrets.token_urlsafe(12)
    users.set_password(services().store, user_id, password)  # ends the account's sessions
    record_change(audit.USER_PASSWORD_CHANGED, account.username, {"by_administrator": True})
    return _users_page((account, password)), 200, {"Cache-Control": "no-store"}


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def user_role(user_id: int) -> Response:
    account = _account_or_404(user_id)
    role = request.form.get("role", "")
    if account.id == current_user.id:
        flash(_("You cannot change your own role; ask another administrator."), "error")
    elif role not in ROLES:
        flash(_("This role does not exist."), "error")
    elif role != account.role:
        try:
            users.set_role(services().store, user_id, role)
        except AccountError as exc:
            flash(account_error_message(exc), "error")
        else:
            record_change(
                audit.USER_ROLE_CHANGED, account.username, {"from": account.role, "to": role}
            )
            flash(
                _(
                    "%(name)s now has the role %(role)s.",
                    name=account.username,
                    role=role_name(role),
                ),
                "success",
            )
    return redirect(url_for("admin.users_list", _anchor=f"user-{user_id}"), code=303)


@bp.post("/users/<int:user_id>/disabled")
@role_required("admin")
def user_disabled(user_id: int) -> Response:
    account = _account_or_404(user_id)
    disabled = request.form.get("disabled") == "1"
    if account.id == current_user.id:
        flash(_("You cannot disable your own account; ask another administrator."), "error")
    elif disabled != account.disabled:
        users.set_disabled(services().store, user_id, disabled)
        record_change(audit.USER_DISABLED if disabled else audit.USER_ENABLED, account.username)
        if disabled:
            flash(_("The account %(name)s is disabled.", name=account.username), "success")
        else:
            flash(_("The account %(name)s is enabled.", name=account.username), "success")
    return redirect(url_for("admin.users_list", _anchor=f"user-{user_id}"), code=303)


def _account_or_404(user_id: int) -> users.User:
    account = users.get_user(services().store, user_id)
    if account is None:
        abort(404)
    return account
