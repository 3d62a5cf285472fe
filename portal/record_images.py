"""Record page scans through IIIF: the image server's hooks (which images the requester
may have, the catalogue behind the Presentation manifests, readers' accounts for the
Authorization Flow) and the scan viewer on the record page.

The one access policy decides every image: full, preview-sized, or refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalogue import users
from catalogue.record import Record
from iiif.objects import (
    ChainedImageSource,
    RecordImageSource,
    image_identifier,
    page_images,
    parse_image_identifier,
)
from iiif.presentation import manifest_url
from iiif.server import ImageAccess
from iiif.source import FolderImageSource
from portal.access import decide_for_request, log_content_access, may_see_record
from portal.app import services
from portal.record_text import data_lang

THUMBNAIL_PX = 150


# --- scans through IIIF: the one policy decides ---------------------------------------------


def request_record(record_id: str) -> Record | None:
    """The stored record, read once per request (a deep-zoom viewer asks for many tiles)."""
    cache = g.setdefault("_thuvien_records", {})
    if record_id not in cache:
        cache[record_id] = services().store.get_record(record_id)
    return cache[record_id]


def content_access(record: Record) -> ImageAccess | None:
    """What the requester may see of a record's scans (None: the record is not there).

    view_content → every size; else view_preview → images no larger than the rule's
    preview size; else refused, 401 for an anonymous visitor (logging in may help) and
    403 for a reader. A record the requester may not see is not there (404).
    """
    if record.deleted or not may_see_record(record):
        return None
    content = decide_for_request(record, "view_content")
    if content.allowed:
        return ImageAccess(full=True, shared=content.level == "public")
    preview = decide_for_request(record, "view_preview")
    anonymous = not getattr(current_user, "is_authenticated", False)
    refused = 401 if anonymous else 403
    if preview.allowed and preview.preview_max_px:
        # Never shared: the same URL is the full image for someone who may see it.
        return ImageAccess(
            full=False,
            preview_max_px=preview.preview_max_px,
            shared=False,
            refused_status=refused,
        )
    return ImageAccess(full=False, refused_status=refused)


def iiif_image_access(identifier: str) -> ImageAccess | None:
    """The IIIF image server's access hook: page images ask the licence rules.

    Images in the operator's own images folder (identifiers that are not record pages)
    are everyone's. A delivery of restricted content is audited, except a thumbnail of
    the whole page (a results list shows twenty of them; they say nothing of the scan).
    """
    parsed = parse_image_identifier(identifier)
    if parsed is None:
        return ImageAccess(full=True, shared=True)
    record = request_record(parsed[0])
    if record is None:
        return None
    access = content_access(record)
    delivered = access is not None and access.full and request.endpoint == "iiif.image"
    if delivered and not _whole_page_thumbnail(request.view_args or {}):
        log_content_access(record, decide_for_request(record, "view_content"), "image")
    return access


_BOX = re.compile(r"\^?!?(\d*),(\d*)")


def _whole_page_thumbnail(args: dict[str, Any]) -> bool:
    """Whether an image request is the whole page at thumbnail size or smaller."""
    if args.get("region") not in ("full", "square"):
        return False
    box = _BOX.fullmatch(str(args.get("size", "")))
    if box is None or not any(box.groups()):
        return False
    return all(int(n) <= THUMBNAIL_PX for n in box.groups() if n)


class RecordCatalogue:
    """The catalogue as the IIIF Presentation API sees it: only what the requester may see."""

    def record(self, record_id: str) -> Record | None:
        record = request_record(record_id)
        if record is None or record.deleted or not may_see_record(record):
            return None
        return record

    def libraries(self, record: Record) -> list[str]:
        names = sorted({h.library for h in record.holdings if h.library})
        if names:
            return names
        source = services().store.get_source(record.source_key)
        return [source.name if source else record.source_key]

    def homepage(self, record: Record) -> str:
        return url_for("record.show", record_id=record.id, _external=True)

    def digitised(self, *, source_key: str = "", collection: str = "") -> list[Record]:
        found = services().store.digitised_records(source_key=source_key, collection=collection)
        return [r for r in found if may_see_record(r)]

    def groups(self) -> tuple[list[tuple[str, str]], list[str]]:
        """Libraries and collections with a record the requester may see (so a hidden
        collection's name is not revealed by the list)."""
        store = services().store
        keys, names = store.digitised_groups()
        libraries = []
        for key in keys:
            if self.digitised(source_key=key):
                source = store.get_source(key)
                libraries.append((key, source.name if source else key))
        return libraries, [n for n in names if self.digitised(collection=n)]


class IIIFAccounts:
    """Readers' accounts for the IIIF Authorization Flow (see iiif/auth.py).

    A token names its account as "{user id}:{digest of the session id}": the password
    stamp inside the session id never leaves thuvien (tokens go to other sites'
    viewers, and are signed, not encrypted), and a token stops working when the
    account's password changes or the account is disabled, as its sessions do.
    """

    def user_key(self) -> str | None:
        if not getattr(current_user, "is_authenticated", False):
            return None
        return _token_key(current_user.get_id())

    def use_user(self, key: str) -> bool:
        """Act as the token's account for this request only (no session is touched)."""
        user_id, _sep, _digest = key.partition(":")
        if not (user_id.isascii() and user_id.isdigit()):
            return False
        account = users.get_user(services().store, int(user_id))
        if account is None:
            return False
        session_id = f"{account.id}:{account.password_stamp}"
        if not hmac.compare_digest(_token_key(session_id), key):
            return False
        user = current_app.login_manager._user_callback(session_id)
        if user is None:  # disabled
            return False
        g._login_user = user  # flask-login's per-request user: current_user from here on
        return True

    def login_url(self, next_url: str) -> str:
        return url_for("account.login", next=next_url)

    def logout_url(self) -> str:
        return url_for("account.profile")


def _token_key(session_id: str) -> str:
    user_id = session_id.partition(":")[0]
    digest = hashlib.sha256(f"thuvien.iiif.token\x1f{session_id}".encode()).hexdigest()
    return f"{user_id}:{digest[:32]}"


def init_record_images(app: Flask) -> None:
    """Serve ingested page scans and their manifests at /iiif/3/ under the licence rules
    (unless the app was configured otherwise)."""
    settings = app.extensions["thuvien"].settings
    app.config.setdefault("THUVIEN_IIIF_ACCESS", iiif_image_access)
    app.config.setdefault("THUVIEN_IIIF_CATALOGUE", RecordCatalogue())
    app.config.setdefault("THUVIEN_IIIF_AUTH", IIIFAccounts())
    app.config.setdefault(
        "THUVIEN_IIIF_SOURCE",
        ChainedImageSource(
            RecordImageSource(request_record, settings.data_dir),
            FolderImageSource(
                app.config.get("THUVIEN_IIIF_IMAGES_DIR", settings.data_dir / "images")
            ),
        ),
    )


# --- the scan viewer on the record page ---------------------------------------------------


@dataclass
class ScanPage:
    label: str
    info: str  # the page's info.json (what the deep-zoom viewer opens)
    thumbnail: str
    image: str  # the largest image the requester may have (the no-script link)
    lang: str = ""  # the label's language when it is Vietnamese and the page is not
    # A preview is opened as that one image, not tiled from `info`: OpenSeadragon tiles
    # from the image's own size, ignoring `maxWidth` and the scale factors info.json
    # offers, so it asked for tiles sharper than the preview and was refused (401).
    whole: bool = False


@dataclass
class ScanViewer:
    """The record's page scans as the requester may see them."""

    mode: str  # "full" | "preview" | "refused"
    pages: list[ScanPage]
    manifest: str
    drag_link: str  # the IIIF drag-and-drop convention: manifest?manifest=manifest
    preview_px: int = 0

    def pages_json(self) -> str:
        return json.dumps([vars(p) for p in self.pages], ensure_ascii=False)


def scan_viewer(record: Record) -> ScanViewer | None:
    """The viewer for a record with stored page images (None when it has none)."""
    images = page_images(record)
    if not images:
        return None
    access = content_access(record)
    if access is None:
        return None
    manifest = manifest_url(record.id)
    drag_link = f"{manifest}?{urlencode({'manifest': manifest})}"
    if not access.full and not access.preview_max_px:
        # What to do about it (log in, the reading room…) is the access notice's job.
        return ScanViewer("refused", [], manifest, drag_link)
    thumb = min(THUMBNAIL_PX, access.preview_max_px or THUMBNAIL_PX)
    pages = []
    for number, obj in enumerate(images, 1):
        base = url_for("iiif.base", identifier=image_identifier(record.id, number))
        pages.append(
            ScanPage(
                lang=data_lang(obj.label),
                label=obj.label or _("Page %(number)s", number=number),
                info=f"{base}/info.json",
                thumbnail=f"{base}/full/!{thumb},{thumb}/0/default.jpg",
                image=f"{base}/full/max/0/default.jpg",
                whole=not access.full,
            )
        )
    mode = "full" if access.full else "preview"
    return ScanViewer(mode, pages, manifest, drag_link, access.preview_max_px or 0)
