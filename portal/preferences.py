"""Reader preferences: text size, contrast, motion and spacing, kept in a cookie.

A cookie, not the session: the choice belongs to the browser, holds for anonymous
readers and across logging in and out, and the server reads it on every request, so
`base.html` puts the matching classes on `<html>` and the first paint is already right.
Without JavaScript the preferences form posts here and comes back to the page it was
on; with JavaScript (static/prefs.js) a choice applies at once and the script writes
the same cookie. Anything in the cookie or the form that is not a known value is
ignored, so a damaged cookie can only ever mean "the defaults".

"Follow my device" (the default contrast and motion) leaves it to the CSS media
queries `prefers-contrast: more` and `prefers-reduced-motion: reduce`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

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
from flask_babel import lazy_gettext as _l

from portal.account_session import safe_next
from portal.i18n import current_language

bp = Blueprint("preferences", __name__)

COOKIE = "thuvien_prefs"
COOKIE_MAX_AGE = 365 * 24 * 3600  # a year; each save renews it
MAX_COOKIE_CHARS = 200  # a valid value is under 70 characters
CLASS_PREFIX = "prefs-"

# Each preference: the values it may take, the first being the default.
CHOICES: dict[str, tuple[str, ...]] = {
    "size": ("100", "125", "150", "200"),
    "contrast": ("auto", "high", "standard"),
    "motion": ("auto", "reduce"),
    "spacing": ("standard", "wide"),
}
LEGENDS = {
    "size": _l("Text size"),
    "contrast": _l("Contrast"),
    "motion": _l("Movement"),
    "spacing": _l("Spacing of text"),
}
LABELS = {
    ("size", "100"): _l("Normal (100%)"),
    ("size", "125"): _l("Large (125%)"),
    ("size", "150"): _l("Larger (150%)"),
    ("size", "200"): _l("Largest (200%)"),
    ("contrast", "auto"): _l("Follow my device"),
    ("contrast", "high"): _l("High contrast"),
    ("contrast", "standard"): _l("Standard contrast"),
    ("motion", "auto"): _l("Follow my device"),
    ("motion", "reduce"): _l("Reduce movement and animation"),
    ("spacing", "standard"): _l("Standard spacing"),
    ("spacing", "wide"): _l("Wider spacing between lines, words and letters"),
}
HINTS = {
    "contrast": _l(
        "“Follow my device” uses high contrast when your device asks for more contrast."
    ),
    "motion": _l("“Follow my device” reduces movement when your device asks for less motion."),
}


@dataclass(frozen=True)
class ReaderPreferences:
    """One reader's display choices; the defaults change nothing on the page."""

    size: str = "100"
    contrast: str = "auto"
    motion: str = "auto"
    spacing: str = "standard"

    @classmethod
    def from_cookie(cls, raw: str | None) -> ReaderPreferences:
        """Read `size=150&contrast=high`-style text; unknown names and values are ignored."""
        if not raw or len(raw) > MAX_COOKIE_CHARS:
            return cls()
        values: dict[str, str] = {}
        for name, _sep, value in (part.partition("=") for part in raw.split("&")):
            if value in CHOICES.get(name, ()):
                values.setdefault(name, value)  # the first valid value of a name counts
        return cls().updated(values)

    def updated(self, values: Any) -> ReaderPreferences:
        """These preferences with every valid value in `values` (a dict or form) taken."""
        changes = {}
        for f in fields(self):
            value = values.get(f.name)
            if isinstance(value, str) and value in CHOICES[f.name]:
                changes[f.name] = value
        return replace(self, **changes)

    @property
    def is_default(self) -> bool:
        return self == ReaderPreferences()

    def cookie_value(self) -> str:
        """Only what differs from the defaults ("" when nothing does)."""
        return "&".join(
            f"{f.name}={getattr(self, f.name)}"
            for f in fields(self)
            if getattr(self, f.name) != CHOICES[f.name][0]
        )

    def classes(self) -> str:
        """The classes on <html> that thuvien.css styles ("" for the defaults)."""
        return " ".join(
            f"{CLASS_PREFIX}{f.name}-{getattr(self, f.name)}"
            for f in fields(self)
            if getattr(self, f.name) != CHOICES[f.name][0]
        )


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class Group:
    """One fieldset of the preferences form."""

    name: str
    legend: str
    hint: str
    options: tuple[Option, ...]


def current_preferences() -> ReaderPreferences:
    return ReaderPreferences.from_cookie(request.cookies.get(COOKIE))


def form_groups(prefs: ReaderPreferences) -> tuple[Group, ...]:
    """The form's fieldsets, labels translated; the header shows them on every page."""
    return _form_groups(current_language(), prefs)


@lru_cache(maxsize=256)  # languages × the 96 combinations of choices
def _form_groups(language: str, prefs: ReaderPreferences) -> tuple[Group, ...]:
    """Remembered per language and preferences: ~15 labels translated once, not per page.
    `language` must be the request's (the translation inside is the request's)."""
    return tuple(
        Group(
            name=name,
            legend=str(LEGENDS[name]),
            hint=str(HINTS.get(name, "")),
            options=tuple(
                Option(value, str(LABELS[name, value]), getattr(prefs, name) == value)
                for value in values
            ),
        )
        for name, values in CHOICES.items()
    )


def return_path() -> str:
    """Where the preferences form brings a reader back to: this page, if it can be got."""
    if request.method != "GET":
        return ""
    return request.full_path.rstrip("?")


def save_cookie(response: Response, prefs: ReaderPreferences) -> Response:
    value = prefs.cookie_value()
    if not value:
        response.delete_cookie(COOKIE, path="/", samesite="Lax")
        return response
    # Not HttpOnly: prefs.js writes the same cookie when a choice changes.
    response.set_cookie(
        COOKIE,
        value,
        max_age=COOKIE_MAX_AGE,
        path="/",
        samesite="Lax",
        secure=request.is_secure,
        httponly=False,
    )
    return response


@bp.app_context_processor
def _frame_context() -> dict[str, Any]:
    """What base.html needs on every page: the reader's preferences and their form."""
    prefs = current_preferences()
    return {
        "reader_prefs": prefs,
        "prefs_groups": form_groups,
        "prefs_return": return_path,
        "has_endpoint": _has_endpoint,
    }


def _has_endpoint(name: str) -> bool:
    """Whether a view exists (a link to a part of the portal that may not be installed)."""
    return name in current_app.view_functions


@bp.get("/preferences")
def show() -> ResponseReturnValue:
    return render_template(
        "preferences/show.html",
        groups=form_groups(current_preferences()),
        next=safe_next(request.args.get("next")) or "",
    )


@bp.post("/preferences")
def save() -> ResponseReturnValue:
    if request.form.get("reset"):
        prefs = ReaderPreferences()
        flash(_("Your display settings are back to the defaults."), "success")
    else:
        prefs = current_preferences().updated(request.form)
        flash(_("Your display settings are saved."), "success")
    target = safe_next(request.form.get("next")) or url_for("preferences.show")
    return save_cookie(redirect(target, code=303), prefs)
