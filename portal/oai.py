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

The page is in the reader's UI language (`portal.i18n.current_language()`: Vietnamese
until they choose English), its words kept in the stylesheet. The XML never depends on
it, nor reads the session to find it. `lang` in the query is the portal's language
switch for a person, and for a harvester an argument OAI-PMH does not have: a browser
asking `/oai?verb=Identify&lang=en` has its choice kept and comes back to the page
without it, as on every page; a harvester is answered badArgument, as the protocol says.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, redirect, request, session, url_for
from lxml import etree
from werkzeug.datastructures import MultiDict

from harvesters.oai_provider import CONTENT_TYPE, respond
from harvesters.xml import parse_xml
from indexer.text import is_vietnamese
from portal import access
from portal.app import services
from portal.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language
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
LANGUAGE_ARG = "lang"  # the portal's language switch (portal.i18n)
_PAGE_FUNCTIONS = "urn:thuvien:oai-page"  # the stylesheet's tv: prefix


@bp.route("/oai", methods=["GET", "POST"])
def endpoint() -> Response:
    """Every verb, by GET or by a form-encoded POST."""
    args = request.form if request.method == "POST" else request.args
    page = wants_page()
    if page and request.method == "GET" and LANGUAGE_ARG in args:
        return switch_language()
    repository = repository_for_request()
    body = respond(
        repository,
        args,
        url_for("oai.endpoint", _external=True),
        datetime.now(UTC),
        page_size=int(current_app.config.get(PAGE_SIZE_CONFIG, PAGE_SIZE)),
        secret=token_key(current_app),
    )
    if page:
        response = Response(page_for(body, args), content_type="text/html; charset=utf-8")
    else:
        response = Response(body, content_type=CONTENT_TYPE)
    response.vary.add("Accept")
    return response


def wants_page() -> bool:
    """Whether the requester is a person's browser: its Accept prefers HTML to XML."""
    return request.accept_mimetypes.best_match(["text/xml", "text/html"]) == "text/html"


def switch_language() -> Response:
    """A person's `?lang=`: kept as their choice, then the same request without it (as
    portal.i18n does on every page; here only for browsers, see the module docstring)."""
    wanted = request.args.get(LANGUAGE_ARG)
    if wanted in LANGUAGES:
        session["lang"] = wanted
    rest = [(key, value) for key, value in request.args.items(multi=True) if key != LANGUAGE_ARG]
    target = url_for("oai.endpoint") + (f"?{urlencode(rest)}" if rest else "")
    return redirect(target, code=303)


def page_for(body: bytes, args: MultiDict[str, str]) -> bytes:
    """The page for this request's reader: in their language, linking to the other one."""
    language = current_language()
    other = next(code for code in LANGUAGES if code != language)
    query = urlencode([*args.items(multi=True), (LANGUAGE_ARG, other)])
    return as_page(body, language, f"{url_for('oai.endpoint')}?{query}")


def as_page(body: bytes, language: str = DEFAULT_LANGUAGE, switch: str = "") -> bytes:
    """The response as an HTML page for a person, in `language` ("vi" or "en"); `switch`
    is the address of the same page in the other language (see the module docstring)."""
    params = {"home": url_for("search.home"), "lang": language, "switch": switch}
    strings = {name: etree.XSLT.strparam(value) for name, value in params.items()}
    return bytes(_stylesheet()(parse_xml(body), **strings))  # the doctype is the XSL's


def _vietnamese(_context: object, text: str) -> bool:
    """tv:vietnamese(text) for the stylesheet: the portal's one test of catalogue text."""
    return is_vietnamese(str(text))


@lru_cache(maxsize=1)
def _stylesheet() -> etree.XSLT:
    """static/oai.xsl, compiled once; it may read and write nothing else."""
    path = Path(current_app.static_folder or "") / STYLESHEET
    return etree.XSLT(
        parse_xml(path.read_bytes()),
        access_control=etree.XSLTAccessControl.DENY_ALL,
        extensions={(_PAGE_FUNCTIONS, "vietnamese"): _vietnamese},
    )


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
