"""Account errors and lock-outs in the reader's language, and the form field each is about."""

from __future__ import annotations

import math
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import ngettext

from catalogue.account_policy import AccountError


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
