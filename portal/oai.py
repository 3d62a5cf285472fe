"""The union catalogue's OAI-PMH 2.0 provider at /oai.

`harvesters.oai_provider.respond` speaks the protocol; `StoreRepository` serves it the
store, a keyset page at a time, so a catalogue of a million records costs each request
one bounded query. What a harvester sees:

- identifiers `oai:<namespace>:<record id>` (namespace `thuvien`, or the settings'
  `oai_namespace`), the record id percent-encoded where URI syntax needs it;
- datestamps: when thuvien last changed the record (`updated_at`), not the source's
  datestamp, so incremental harvests of /oai catch every change; seconds granularity;
- deleted records stay, with status="deleted" (deletedRecord = persistent);
- formats `oai_dc` and MARCXML, under both `marcxml` and `marc21`: the MARC record as
  received when the record was harvested as MARC, else one built from the record;
- sets `library:<source key>` and `collection:<slug>`, under `library` and `collection`.
  A deleted record keeps no collections in the store, so it appears in library sets only.

A record `portal.access.may_publish_record` refuses (asked as an anonymous visitor) is
treated exactly as one that does not exist: absent from every list, idDoesNotExist for
GetRecord, and collections only it belongs to are not listed as sets.

What a list reads and how it is counted: portal.oai_store; the records as oai_dc and
MARCXML: portal.oai_metadata.

A browser (its Accept header prefers text/html to XML) gets the response rendered as a
page by `static/oai.xsl` on the server: title, headings, a table of records, links to
the verbs and to the next page, instead of an XML tree. Harvesters (Accept */* or XML)
get the XML. The rendering is done here, not by the browser: Chromium is dropping XSLT.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, request, url_for
from lxml import etree

from harvesters.oai_provider import CONTENT_TYPE, respond
from harvesters.xml import parse_xml
from portal import access
from portal.app import services
from portal.oai_metadata import REPOSITORY_NAME
from portal.oai_store import OaiCache, StoreRepository

bp = Blueprint("oai", __name__)

# A placeholder until settings name a real address (the schema requires one).
ADMIN_EMAIL = "admin@example.org"
NAMESPACE = "thuvien"  # set `oai_namespace` to the portal's domain name in production
PAGE_SIZE = 100
PAGE_SIZE_CONFIG = "THUVIEN_OAI_PAGE_SIZE"  # app.config key, for tests and tuning
_TOKEN_KEY_LABEL = b"thuvien oai-pmh resumption tokens"
_CACHE = "thuvien.oai"
STYLESHEET = "oai.xsl"  # in portal/static


@bp.route("/oai", methods=["GET", "POST"])
def endpoint() -> Response:
    """Every verb, by GET or by a form-encoded POST."""
    args = request.form if request.method == "POST" else request.args
    repository = repository_for_request()
    body = respond(
        repository,
        args,
        url_for("oai.endpoint", _external=True),
        datetime.now(UTC),
        page_size=int(current_app.config.get(PAGE_SIZE_CONFIG, PAGE_SIZE)),
        secret=token_key(current_app),
    )
    if request.accept_mimetypes.best_match(["text/xml", "text/html"]) == "text/html":
        response = Response(as_page(body), content_type="text/html; charset=utf-8")
    else:
        response = Response(body, content_type=CONTENT_TYPE)
    response.vary.add("Accept")
    return response


def as_page(body: bytes) -> bytes:
    """The response as an HTML page for a person (see the module docstring)."""
    home = etree.XSLT.strparam(url_for("search.home"))
    return bytes(_stylesheet()(parse_xml(body), home=home))  # the doctype is the XSL's


@lru_cache(maxsize=1)
def _stylesheet() -> etree.XSLT:
    """static/oai.xsl, compiled once; it may read and write nothing else."""
    path = Path(current_app.static_folder or "") / STYLESHEET
    return etree.XSLT(parse_xml(path.read_bytes()), access_control=etree.XSLTAccessControl.DENY_ALL)


def repository_for_request() -> StoreRepository:
    """The repository as this request's requester may see it."""
    found = services()
    settings = found.settings
    return StoreRepository(
        found.store,
        _cache(current_app),
        repository_name=settings.oai_repository_name or REPOSITORY_NAME,
        admin_emails=[settings.oai_admin_email or ADMIN_EMAIL],
        namespace=settings.oai_namespace or NAMESPACE,
        may_see=access.may_publish_record,
        record_url=lambda record_id: url_for("record.show", record_id=record_id, _external=True),
        home_url=url_for("search.home", _external=True),
    )


def token_key(app: Flask) -> bytes:
    """The resumption tokens' HMAC key: derived from the app's secret key, not equal to it."""
    secret = app.secret_key
    secret = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret or b"")
    return hmac.new(secret, _TOKEN_KEY_LABEL, hashlib.sha256).digest()


def _cache(app: Flask) -> OaiCache:
    return app.extensions.setdefault(_CACHE, OaiCache())
