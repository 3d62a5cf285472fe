"""The IIIF Image API 3.0 server (compliance level 2): a Flask blueprint at /iiif/3/.

    /iiif/3/{identifier}                                        303 → info.json
    /iiif/3/{identifier}/info.json                              image information
    /iiif/3/{identifier}/{region}/{size}/{rotation}/{quality}.{format}

Register it with `init_app(app, settings)`. Configuration (app.config, all optional):

    THUVIEN_IIIF_IMAGES_DIR       folder of images named {identifier}.tif|.jpg|.png|…
                                  (default: settings.data_dir / "images")
    THUVIEN_IIIF_SOURCE           an ImageSource (identifier → file) instead of the folder
    THUVIEN_IIIF_CACHE_DIR        derivative cache (default: settings.data_dir / "cache/iiif")
    THUVIEN_IIIF_CACHE_MAX_BYTES  its size bound (default 1 GiB; 0 turns caching off)
    THUVIEN_IIIF_MAX_AREA         largest image made, in pixels (default 50 megapixels)
    THUVIEN_IIIF_MAX_AGE          Cache-Control max-age in seconds (default one day)
    THUVIEN_IIIF_ACCESS           callable(identifier) → ImageAccess | (full, preview_px) | None
    THUVIEN_IIIF_CATALOGUE        records for manifests and collections (iiif.presentation)
    THUVIEN_IIIF_AUTH             accounts for the Authorization Flow 2.0 (iiif.auth)

The access callable is asked on every request, inside the request context (so it can
look at the logged-in reader and the address). None means the image is not there for
this requester (404); full False with a preview size serves only that preview (larger
requests get `refused_status`, `max` is the preview); full False without a preview is
answered with `refused_status`: 401 where logging in may help, else 403.

Every response carries `Access-Control-Allow-Origin: *`; images and info.json carry
ETag and Last-Modified (conditional requests get 304 before anything is decoded),
Cache-Control, and the profile Link header; images also the canonical Link header.
Errors are plain text saying what was wrong.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyvips
from flask import Blueprint, Flask, Response, current_app, request, url_for

from iiif import render, tiles
from iiif.cache import DerivativeCache, cache_key
from iiif.image_api import (
    BadRequest,
    Forbidden,
    IIIFError,
    Limits,
    NotFound,
    Unauthorized,
    parse_request,
    plan_image,
)
from iiif.info import PROFILE_URI, TILE_SIZE, image_info
from iiif.source import FolderImageSource, ImageSource, check_identifier

bp = Blueprint("iiif", __name__, url_prefix="/iiif/3")

EXTENSION = "thuvien.iiif"
DEFAULT_MAX_AREA = 50_000_000
DEFAULT_CACHE_MAX_BYTES = 1024**3
DEFAULT_MAX_AGE = 86_400
JSONLD = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'


@dataclass(frozen=True)
class ImageAccess:
    """What one requester may see of one image.

    `full`: every size. Otherwise `preview_max_px` (longest side) caps what is served;
    0 or None means nothing at all, answered with `refused_status` (401: logging in may
    help; 403). `shared`: the answer is the same for everyone, so shared caches
    (proxies, CDNs) may keep the responses; otherwise they are private.
    """

    full: bool = True
    preview_max_px: int | None = None
    shared: bool = False
    # When nothing may be shown: 401 (log in and it may be) or 403.
    refused_status: int = 403


def allow_everyone(identifier: str) -> ImageAccess:
    """The default access hook: every image in full, to everyone."""
    return ImageAccess(full=True, shared=True)


# Replaced per app by config THUVIEN_IIIF_ACCESS; module-level default for everything else.
ACCESS: Callable[[str], Any] = allow_everyone


@dataclass
class _State:
    source: ImageSource
    cache: DerivativeCache


_state_lock = threading.Lock()


def init_app(app: Flask, settings: Any = None, **config: Any) -> None:
    """Register the blueprint; `settings` (catalogue Settings) gives the default folders.

    Keyword arguments are config keys without the THUVIEN_IIIF_ prefix, lower case
    (images_dir=…, max_area=…); they override app.config.
    """
    data_dir = Path(settings.data_dir) if settings is not None else Path("data")
    defaults = {
        "THUVIEN_IIIF_IMAGES_DIR": data_dir / "images",
        "THUVIEN_IIIF_CACHE_DIR": data_dir / "cache" / "iiif",
        "THUVIEN_IIIF_CACHE_MAX_BYTES": DEFAULT_CACHE_MAX_BYTES,
        "THUVIEN_IIIF_MAX_AREA": DEFAULT_MAX_AREA,
        "THUVIEN_IIIF_MAX_AGE": DEFAULT_MAX_AGE,
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)
    for name, value in config.items():
        app.config[f"THUVIEN_IIIF_{name.upper()}"] = value
    app.register_blueprint(bp)


def _state() -> _State:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    state = app.extensions.get(EXTENSION)
    if state is None:
        with _state_lock:
            state = app.extensions.get(EXTENSION)
            if state is None:
                state = _make_state(app)
                app.extensions[EXTENSION] = state
    return state


def _make_state(app: Flask) -> _State:
    config = app.config
    # Registered without init_app: the portal's settings (if any) still give the folders.
    settings = getattr(app.extensions.get("thuvien"), "settings", None)
    data_dir = Path(settings.data_dir) if settings is not None else Path("data")
    source = config.get("THUVIEN_IIIF_SOURCE") or FolderImageSource(
        config.get("THUVIEN_IIIF_IMAGES_DIR", data_dir / "images")
    )
    cache = DerivativeCache(
        config.get("THUVIEN_IIIF_CACHE_DIR", data_dir / "cache" / "iiif"),
        int(config.get("THUVIEN_IIIF_CACHE_MAX_BYTES", DEFAULT_CACHE_MAX_BYTES)),
    )
    return _State(source, cache)


def _max_area() -> int:
    return int(current_app.config.get("THUVIEN_IIIF_MAX_AREA", DEFAULT_MAX_AREA))


def _access(identifier: str) -> ImageAccess | None:
    hook = current_app.config.get("THUVIEN_IIIF_ACCESS") or ACCESS
    answer = hook(identifier)
    if answer is None or isinstance(answer, ImageAccess):
        return answer
    full, preview = answer[0], answer[1]
    return ImageAccess(full=bool(full), preview_max_px=preview, shared=False)


@dataclass(frozen=True)
class _Found:
    identifier: str
    meta: render.ImageMeta
    access: ImageAccess
    limits: Limits


def _find(identifier: str) -> _Found:
    """The image and what this requester may see of it, or NotFound/Forbidden."""
    name = check_identifier(identifier)
    path = _state().source.resolve(name)
    if path is None:
        raise NotFound(f"there is no image with the identifier {name!r}")
    access = _access(name)
    if access is None:
        raise NotFound(f"there is no image with the identifier {name!r}")
    if not access.full and not access.preview_max_px:
        if access.refused_status == 401:
            raise Unauthorized("log in to see this image")
        raise Forbidden("this image may not be shown to you")
    meta = render.read_meta(path)
    preview = None if access.full else access.preview_max_px
    limits = Limits.for_image(meta.width, meta.height, _max_area(), preview)
    return _Found(name, meta, access, limits)


def _base_id(identifier: str) -> str:
    return url_for("iiif.info", identifier=identifier, _external=True).removesuffix("/info.json")


# -- responses ---------------------------------------------------------------------------


def _error(exc: IIIFError) -> Response:
    response = Response(exc.message + "\n", status=exc.status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _last_modified(meta: render.ImageMeta) -> datetime:
    return datetime.fromtimestamp(meta.mtime_ns // 1_000_000_000, tz=UTC)


def _not_modified(etag: str, last_modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and last_modified <= since


def _cache_headers(response: Response, found: _Found, etag: str) -> None:
    max_age = int(current_app.config.get("THUVIEN_IIIF_MAX_AGE", DEFAULT_MAX_AGE))
    scope = "public" if found.access.shared else "private"
    response.headers["Cache-Control"] = f"{scope}, max-age={max_age}"
    if not found.access.shared:
        response.vary.add("Cookie")
    response.set_etag(etag)
    response.last_modified = _last_modified(found.meta)


def _conditional(found: _Found, etag: str, response: Response) -> Response:
    if _not_modified(etag, _last_modified(found.meta)):
        not_modified = Response(status=304)
        for name in ("Link", "Vary", "Content-Location"):
            if name in response.headers:
                not_modified.headers[name] = response.headers[name]
        _cache_headers(not_modified, found, etag)
        return not_modified
    _cache_headers(response, found, etag)
    return response


def _wants_jsonld() -> bool:
    """JSON-LD when asked for (or no Accept at all, as the spec prefers); else plain JSON.

    Accept values may carry parameters (application/ld+json;profile="…"), which
    werkzeug's matching would not match to a bare type: compare the types ourselves.
    """
    if not request.headers.get("Accept"):
        return True
    jsonld = plain = 0.0
    for value, quality in request.accept_mimetypes:
        kind = value.split(";", 1)[0].strip().lower()
        if kind == "application/ld+json":
            jsonld = max(jsonld, quality)
        elif kind in ("application/json", "application/*", "*/*"):
            plain = max(plain, quality)
    return jsonld > 0 and jsonld >= plain


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Link, ETag, Last-Modified"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            "Accept, Authorization, If-None-Match, If-Modified-Since"
        )
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


# -- views -------------------------------------------------------------------------------


@bp.get("/<identifier>")
def base(identifier: str) -> Response:
    """The base URI redirects to the image information (303 See Other)."""
    try:
        name = check_identifier(identifier)
    except IIIFError as exc:
        return _error(exc)
    response = Response(status=303)
    response.headers["Location"] = url_for("iiif.info", identifier=name, _external=True)
    return response


@bp.get("/<identifier>/info.json")
def info(identifier: str) -> Response:
    try:
        found = _find(identifier)
    except IIIFError as exc:
        return _error(exc)
    meta = found.meta
    services = None
    if not found.access.shared:  # restricted for someone: say how to log in (Auth 2.0)
        from iiif.auth import probe_service

        probe = probe_service(found.identifier)
        services = [probe] if probe else None
    document = image_info(
        _base_id(found.identifier),
        meta.width,
        meta.height,
        found.limits,
        color=meta.color,
        tile_size=tiles.tile_size(meta) or TILE_SIZE,
        services=services,
    )
    body = json.dumps(document, ensure_ascii=False, indent=2)
    mimetype = JSONLD if _wants_jsonld() else "application/json"
    etag = cache_key("info", mimetype, body)[:40]
    response = Response(body, status=200, content_type=mimetype)
    response.vary.add("Accept")
    response.headers["Link"] = f'<{PROFILE_URI}>;rel="profile"'
    return _conditional(found, etag, response)


@bp.get("/<identifier>/<region>/<size>/<rotation>/<quality_format>")
def image(identifier: str, region: str, size: str, rotation: str, quality_format: str) -> Response:
    try:
        check_identifier(identifier)
        parsed = parse_request(region, size, rotation, quality_format)
        found = _find(identifier)
        meta = found.meta
        try:
            plan = plan_image(parsed, meta.width, meta.height, found.limits, color=meta.color)
        except Forbidden as exc:
            # Larger than the preview: an anonymous visitor may see it after logging in.
            if found.access.refused_status == 401:
                raise Unauthorized(exc.message) from None
            raise
        render.check_decode(meta, plan, _max_area())  # before anything is decoded
    except IIIFError as exc:
        return _error(exc)
    state = _state()
    key = cache_key(render.RENDER_VERSION, str(meta.path), meta.version, plan.key)
    etag = key[:40]
    base_id = _base_id(found.identifier)
    response = Response(status=200, mimetype=plan.media_type)
    response.headers["Link"] = (
        f'<{base_id}/{plan.canonical}>;rel="canonical", <{PROFILE_URI}>;rel="profile"'
    )
    response = _conditional(found, etag, response)
    if response.status_code == 304:
        return response
    # A stored tile of the pyramid is already the answer: its bytes, nothing decoded.
    data = tiles.stored_tile(meta, plan)
    if data is None:
        data = state.cache.get(key)
    if data is None:
        try:
            data = render.render(meta, plan)
        except IIIFError as exc:
            return _error(exc)
        except pyvips.Error as exc:
            current_app.logger.exception("IIIF: cannot make %s for %s", plan.key, meta.path)
            return _error(_ServerError(f"the image could not be made: {render.first_line(exc)}"))
        state.cache.put(key, data)
    response.set_data(data)
    return response


@bp.get("/<path:rest>")
def elsewhere(rest: str) -> Response:
    """Anything else under /iiif/3/: a slash in an identifier, a missing segment, …"""
    segments = rest.split("/")
    if any(seg in (".", "..") or "\x00" in seg for seg in segments):
        return _error(BadRequest("the image identifier must not contain '/' or '..'"))
    return _error(
        NotFound(
            "no image here: image URLs are /iiif/3/{identifier}/info.json and "
            "/iiif/3/{identifier}/{region}/{size}/{rotation}/{quality}.{format}"
        )
    )


class _ServerError(IIIFError):
    status = 500


# The Presentation API's and the Authorization Flow's routes live on this blueprint too.
from iiif import auth, presentation  # noqa: E402, F401 — register their views on `bp`
