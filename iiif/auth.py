"""IIIF Authorization Flow API 2.0: how a viewer elsewhere asks the reader to log in.

Every restricted image's info.json (and its Image body in a manifest) carries a probe
service, and so does every restricted audio file in an audiobook's manifest:

    AuthProbeService2        /iiif/3/auth/probe/{identifier}       (an image)
                             /iiif/3/auth/probe/audio/{record id}   (a record's audio)
      AuthAccessService2     /iiif/3/auth/access        (profile "active": the viewer
                                                         opens it in a window; it is
                                                         thuvien's own login page)
        AuthAccessTokenService2  /iiif/3/auth/token     (in an iframe: posts a token
                                                         to the viewer's window)
        AuthLogoutService2       /iiif/3/auth/logout

The images and audio themselves are served by the reader's session cookie, exactly as
on thuvien's own pages; the token only lets a viewer on another site ask the probe what
the reader would get (200, or 401 with a heading and a note to show). Tokens are
signed with the app's secret, name the account (its session id, which changes with
its password) and expire after `TOKEN_SECONDS`.

The portal provides an `AuthAccounts` as config THUVIEN_IIIF_AUTH (who is logged in,
the login page, acting as a token's account); without one, no auth services are
declared and these URLs answer 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlparse

from flask import Response, current_app, redirect, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from iiif.image_api import IIIFError
from iiif.server import _access, _state, bp
from iiif.source import check_identifier

CONTEXT = "http://iiif.io/api/auth/2/context.json"
TOKEN_SECONDS = 3600
_SALT = "thuvien.iiif.auth2"
TEXT = {
    "login": ("Đăng nhập vào thuvien", "Log in to thuvien"),
    "heading": ("Cần đăng nhập", "Logging in may let you see this"),
    "note": (
        "Bản quét này được giới hạn theo giấy phép của thư viện. Bạn đọc đã đăng ký có "
        "thể xem sau khi đăng nhập.",
        "This scan is limited by the library's licence. Registered readers may see it "
        "after logging in.",
    ),
    "confirm": ("Đăng nhập", "Log in"),
    "logout": ("Đăng xuất khỏi thuvien", "Log out of thuvien"),
    "refused": ("Không xem được", "Not available to you"),
    "refused_note": (
        "Giấy phép của tài liệu này không cho phép bạn xem bản quét ở kích thước đầy đủ.",
        "The licence of this item does not let you see its scans at full size.",
    ),
    "token_error": ("Chưa đăng nhập", "Not logged in"),
    "audio_heading": ("Cần đăng nhập", "Logging in may let you listen to this"),
    "audio_note": (
        "Sách nói này được giới hạn theo giấy phép của thư viện. Bạn đọc đã đăng ký có "
        "thể nghe sau khi đăng nhập.",
        "This audiobook is limited by the library's licence. Registered readers may "
        "listen to it after logging in.",
    ),
    "audio_refused": ("Không nghe được", "Not available to you"),
    "audio_refused_note": (
        "Giấy phép của tài liệu này không cho phép bạn nghe sách nói.",
        "The licence of this item does not let you listen to it.",
    ),
}


@dataclass(frozen=True)
class ProbeTexts:
    """The TEXT keys a probe and its access service show, per kind of content."""

    heading: str
    note: str
    refused: str
    refused_note: str


IMAGE_TEXTS = ProbeTexts("heading", "note", "refused", "refused_note")
AUDIO_TEXTS = ProbeTexts("audio_heading", "audio_note", "audio_refused", "audio_refused_note")


class AuthAccounts(Protocol):
    def user_key(self) -> str | None:
        """The logged-in account's session id, None for an anonymous visitor."""

    def use_user(self, key: str) -> bool:
        """Act as that account for the rest of this request; False if it is no more."""

    def login_url(self, next_url: str) -> str:
        """The login page, coming back to `next_url` afterwards."""

    def logout_url(self) -> str:
        """A page where the reader can log out."""


def lang_map(key: str) -> dict[str, list[str]]:
    vi, en = TEXT[key]
    return {"vi": [vi], "en": [en]}


def _accounts() -> AuthAccounts | None:
    return current_app.config.get("THUVIEN_IIIF_AUTH")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def probe_service(identifier: str) -> dict[str, Any] | None:
    """The AuthProbeService2 description for an image (None when auth is not set up)."""
    if _accounts() is None:
        return None
    return _probe_service(url_for("iiif.auth_probe", identifier=identifier, _external=True))


def audio_probe_service(record_id: str) -> dict[str, Any] | None:
    """The AuthProbeService2 for a record's audio files, if listening to them is restricted.

    None when auth is not set up, or when the record's content is everyone's (as for
    images: nothing to log in for). The decision is the record's, asked through the
    same access hook as its page images (view_content; an audio file has no preview).
    """
    if _accounts() is None:
        return None
    access = _record_access(record_id)
    if access is not None and access.shared and access.full:
        return None
    probe_id = url_for("iiif.auth_probe_audio", record_id=record_id, _external=True)
    return _probe_service(probe_id, AUDIO_TEXTS)


def _record_access(record_id: str) -> Any:
    """What the requester gets of a record's content (an ImageAccess; None: not there)."""
    from iiif.objects import image_identifier

    return _access(image_identifier(record_id, 1))


def _probe_service(probe_id: str, texts: ProbeTexts = IMAGE_TEXTS) -> dict[str, Any]:
    return {
        "id": probe_id,
        "type": "AuthProbeService2",
        "service": [
            {
                "id": url_for("iiif.auth_access", _external=True),
                "type": "AuthAccessService2",
                "profile": "active",
                "label": lang_map("login"),
                "heading": lang_map(texts.heading),
                "note": lang_map(texts.note),
                "confirmLabel": lang_map("confirm"),
                "service": [
                    {
                        "id": url_for("iiif.auth_token", _external=True),
                        "type": "AuthAccessTokenService2",
                    },
                    {
                        "id": url_for("iiif.auth_logout", _external=True),
                        "type": "AuthLogoutService2",
                        "label": lang_map("logout"),
                    },
                ],
            }
        ],
    }


def _not_set_up() -> Response:
    return Response("IIIF authorization is not set up here\n", 404, mimetype="text/plain")


@bp.get("/auth/access")
def auth_access() -> Response:
    """The access service: the login page, then a page that closes the window."""
    accounts = _accounts()
    if accounts is None:
        return _not_set_up()
    done = url_for("iiif.auth_done")
    if accounts.user_key() is not None:
        return redirect(done)
    return redirect(accounts.login_url(done))


@bp.get("/auth/done")
def auth_done() -> Response:
    """Where the access service's window ends: it closes itself (or says it may be closed)."""
    body = (
        '<!doctype html><html lang="vi"><meta charset="utf-8"><title>thuvien</title>'
        "<main><p>Bạn đã đăng nhập. Có thể đóng cửa sổ này.</p>"
        '<p lang="en">You are logged in. You may close this window.</p></main>'
        "<script>window.close()</script></html>"
    )
    return Response(body, mimetype="text/html")


@bp.get("/auth/token")
def auth_token() -> Response:
    """The token service: an HTML page that posts the token (or an error) to the viewer."""
    accounts = _accounts()
    if accounts is None:
        return _not_set_up()
    message_id = request.args.get("messageId", "")
    origin = request.args.get("origin", "")
    if not message_id or not _is_origin(origin):
        return Response(
            "the token service needs messageId and origin (scheme://host[:port])\n",
            400,
            mimetype="text/plain",
        )
    key = accounts.user_key()
    if key is None:
        message: dict[str, Any] = {
            "@context": CONTEXT,
            "type": "AuthAccessTokenError2",
            "profile": "missingAspect",
            "heading": lang_map("token_error"),
            "note": lang_map("note"),
            "messageId": message_id,
        }
    else:
        message = {
            "@context": CONTEXT,
            "type": "AuthAccessToken2",
            "accessToken": _serializer().dumps({"u": key}),
            "expiresIn": TOKEN_SECONDS,
            "messageId": message_id,
        }
    payload = json.dumps(message).replace("<", "\\u003c")
    target = json.dumps(origin).replace("<", "\\u003c")
    body = (
        '<!doctype html><html><meta charset="utf-8"><title>thuvien</title><body><script>'
        f"window.parent.postMessage({payload}, {target});"
        "</script></body></html>"
    )
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _is_origin(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and parsed.path in ("", "/")


@bp.route("/auth/probe/<identifier>", methods=["GET", "OPTIONS"])
def auth_probe(identifier: str) -> Response:
    """The probe: what the token's reader (or an anonymous visitor) gets of the image."""

    def image_access() -> Any:
        name = check_identifier(identifier)
        found = _state().source.resolve(name)
        return _access(name) if found is not None else None

    return _probe(image_access, IMAGE_TEXTS, preview=True)


@bp.route("/auth/probe/audio/<path:record_id>", methods=["GET", "OPTIONS"])
def auth_probe_audio(record_id: str) -> Response:
    """The probe of a record's audio: 200 if the reader may listen, else 401/403/404."""
    return _probe(lambda: _record_access(record_id), AUDIO_TEXTS, preview=False)


def _probe(find_access: Callable[[], Any], texts: ProbeTexts, *, preview: bool) -> Response:
    """Answer a probe: as the token's reader (Authorization: Bearer) or anonymously.

    `preview`: a reduced version may be shown without full access (images), which
    logging in may lift; audio is all or nothing.
    """
    accounts = _accounts()
    if accounts is None:
        return _not_set_up()
    if request.method == "OPTIONS":
        return Response(status=204)
    result: dict[str, Any] = {"@context": CONTEXT, "type": "AuthProbeResult2"}
    header = request.headers.get("Authorization", "")
    as_reader = header.lower().startswith("bearer ")
    if as_reader:
        try:
            data = _serializer().loads(header[7:].strip(), max_age=TOKEN_SECONDS)
        except BadSignature:
            return _probe_json({**result, "status": 401, **_texts("token_error", texts.note)})
        if not accounts.use_user(str(data.get("u", ""))):
            return _probe_json({**result, "status": 401, **_texts("token_error", texts.note)})
    try:
        access = find_access()
    except IIIFError as exc:
        return _probe_json({**result, "status": exc.status})
    if access is None:
        return _probe_json({**result, "status": 404})
    if access.full:
        return _probe_json({**result, "status": 200})
    if not as_reader and (access.refused_status == 401 or (preview and access.preview_max_px)):
        return _probe_json({**result, "status": 401, **_texts(texts.heading, texts.note)})
    # A reader the licence does not let see more: logging in again would not help.
    return _probe_json({**result, "status": 403, **_texts(texts.refused, texts.refused_note)})


def _texts(heading: str, note: str) -> dict[str, Any]:
    return {"heading": lang_map(heading), "note": lang_map(note)}


def _probe_json(result: dict[str, Any]) -> Response:
    response = Response(json.dumps(result, ensure_ascii=False), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    if request.method == "OPTIONS" or request.headers.get("Authorization"):
        response.vary.add("Authorization")
    return response


@bp.get("/auth/logout")
def auth_logout() -> Response:
    """The logout service: thuvien's page where the reader logs out (a form, with CSRF)."""
    accounts = _accounts()
    if accounts is None:
        return _not_set_up()
    return redirect(accounts.logout_url())
