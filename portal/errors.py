"""Errors under /api/ are JSON; everywhere else a translated page in the portal's frame.

One handler for every HTTPException, so 404/405 from routing (which never reach a
blueprint's handlers) and unhandled exceptions (which Flask turns into a 500) get the
same `{"error": {"code", "message"}}` body as errors a view raises on purpose.

A form refused for its CSRF token gets a page with a way back to where the form was
(the account forms are shown again instead: see portal.accounts).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"

# What a client is told for errors whose details must stay in the log.
_SAFE_MESSAGES = {
    500: "Something went wrong on our side; it has been logged.",
}


class ApiError(HTTPException):
    """An error an API view raises on purpose, with a stable code and the parameter at fault."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        parameter: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description=message)
        self.code = status
        self.error_code = code
        self.parameter = parameter
        self.extra_headers = dict(headers or {})


def error_code(exc: HTTPException) -> str:
    """A machine-readable code: the ApiError's own, else the status name ("not_found")."""
    own = getattr(exc, "error_code", None)
    if own:
        return own
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def json_error(exc: HTTPException) -> Response:
    """The JSON body and headers (Allow, Retry-After, ...) for an HTTP error."""
    status = exc.code or 500
    body: dict[str, Any] = {
        "code": error_code(exc),
        "message": _SAFE_MESSAGES.get(status) or exc.description or exc.name,
    }
    parameter = getattr(exc, "parameter", None)
    if parameter:
        body["parameter"] = parameter
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    for name, value in getattr(exc, "extra_headers", {}).items():
        response.headers[name] = value
    return response


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def _page_texts(exc: HTTPException) -> tuple[str, str]:
    """A reader-facing title and explanation; never the exception's internal detail."""
    if isinstance(exc, CSRFError):
        return (
            _("The form has expired"),
            _("For your safety, forms expire after a while. Reload the page and try again."),
        )
    texts = {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Not allowed"), _("Your account does not have access to this page.")),
        404: (
            _("Page not found"),
            _("There is nothing at this address. It may have moved, or the link may be wrong."),
        ),
        405: (_("Not allowed"), _("This address does not accept that kind of request.")),
        410: (_("No longer available"), _("The library has withdrawn this item.")),
        429: (_("Too many requests"), _("Please wait a moment and try again.")),
        503: (
            _("Temporarily unavailable"),
            _("The catalogue is not answering right now. Please try again in a moment."),
        ),
    }
    return texts.get(
        exc.code or 500,
        (_("Something went wrong"), _("Something went wrong on our side; it has been logged.")),
    )


def way_back() -> str | None:
    """The page a refused form was on: the Referer's path when it is a page of this site,
    else the form's `next` when that is one; None otherwise (the home page is linked)."""
    # Here, not at the top: portal.account_session needs the app module, which needs this.
    from portal.account_session import page_endpoint, safe_next, site_referrer

    candidates = [request.values.get("next")]
    referrer = site_referrer()
    if referrer is not None:
        query = f"?{referrer.query}" if referrer.query else ""
        candidates.insert(0, f"{referrer.path}{query}")
    for candidate in candidates:
        target = safe_next(candidate)
        if target and page_endpoint(target):
            return target
    return None


def error_page(exc: HTTPException) -> Response:
    """The HTML error page, with the exception's headers (Allow, Retry-After, ...)."""
    title, message = _page_texts(exc)
    back = way_back() if isinstance(exc, CSRFError) else None
    html = render_template(
        "error.html", status=exc.code or 500, title=title, message=message, way_back=back
    )
    response = Response(html, status=exc.code or 500, mimetype="text/html")
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    for name, value in getattr(exc, "extra_headers", {}).items():
        response.headers[name] = value
    return response


def _handle_http_error(exc: HTTPException) -> Response:
    if is_api_request():
        return json_error(exc)
    return error_page(exc)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_error)
