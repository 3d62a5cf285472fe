"""An OAI-PMH 2.0 data provider over any `OaiRepository`.

It serves the demo libraries as real endpoints and, through `respond`, the portal's
`/oai` feed over the union catalogue. Resumption tokens are self-contained and signed,
so any process holding the same secret can continue any list.

This module dispatches requests and answers the single-answer verbs; the rest lives in
`oai_request` (argument checks, errors), `oai_lists` (the list verbs), `oai_tokens`
(resumption tokens) and `oai_xml` (the elements written).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.util import request_uri

from lxml import etree

from harvesters.oai_lists import list_items, list_sets
from harvesters.oai_repository import OaiRepository, as_utc
from harvesters.oai_request import Context, OaiError, Repository, multi, validate
from harvesters.oai_xml import OAI_NS as OAI_NS
from harvesters.oai_xml import (
    envelope,
    error_document,
    oai_tag,
    record_element,
    row,
    serialise,
    stamp,
    sub,
)
from harvesters.oai_xml import identifier_description as identifier_description

CONTENT_TYPE = "text/xml; charset=utf-8"
MAX_BODY = 64 * 1024


def respond(
    repository: Repository,
    args: Mapping[str, Any],
    base_url: str,
    now: datetime,
    *,
    page_size: int = 100,
    secret: bytes | None = None,
) -> bytes:
    """Answer one OAI-PMH request with its XML document.

    `args` may be a werkzeug MultiDict or hold lists, so repeated arguments are seen.
    `now` is the responseDate and the moment a new list is frozen at (a
    `PagedOaiRepository` freezes its lists itself, by position). Pass the
    portal's secret key as `secret`; without it tokens are signed with the
    repository name, which checks them but doesn't stop forgery.
    """
    now = as_utc(now).replace(microsecond=0)
    request: dict[str, str] = {}
    try:
        verb, params = validate(multi(args))
        request = {"verb": verb, **params}
        key = secret or repository.repository_name.encode("utf-8")
        ctx = Context(repository, base_url, now, page_size, key)
        body = _HANDLERS[verb](ctx, verb, params)
    except OaiError as err:
        return error_document(base_url, now, err.errors, request)
    return serialise(envelope(base_url, now, request, body))


def _identify(ctx: Context, verb: str, params: dict[str, str]) -> etree._Element:
    repo = ctx.repo
    el = etree.Element(oai_tag("Identify"))
    sub(el, "repositoryName", repo.repository_name)
    sub(el, "baseURL", ctx.base_url)
    sub(el, "protocolVersion", "2.0")
    for email in repo.admin_emails:
        sub(el, "adminEmail", email)
    sub(el, "earliestDatestamp", stamp(repo.earliest_datestamp, repo.granularity))
    sub(el, "deletedRecord", repo.deleted_record)
    sub(el, "granularity", repo.granularity)
    for description in getattr(repo, "descriptions", ()):  # optional in OaiRepository
        sub(el, "description").append(description)
    return el


def _list_metadata_formats(ctx: Context, verb: str, params: dict[str, str]) -> etree._Element:
    identifier = params.get("identifier")
    if identifier is not None and ctx.repo.get_item(identifier) is None:
        raise OaiError(("idDoesNotExist", "No item has this identifier."))
    formats = ctx.repo.metadata_formats(identifier)
    if not formats:
        raise OaiError(("noMetadataFormats", "No metadata formats are available."))
    el = etree.Element(oai_tag("ListMetadataFormats"))
    for fmt in formats:
        row(el, "metadataFormat", metadataPrefix=fmt.prefix, schema=fmt.schema,
            metadataNamespace=fmt.namespace)  # fmt: skip
    return el


def _get_record(ctx: Context, verb: str, params: dict[str, str]) -> etree._Element:
    item = ctx.repo.get_item(params["identifier"])
    if item is None:
        raise OaiError(("idDoesNotExist", "No item has this identifier."))
    prefix = params["metadataPrefix"]
    if prefix not in {f.prefix for f in ctx.repo.metadata_formats(item.identifier)}:
        raise OaiError(("cannotDisseminateFormat", f"Item not available as {prefix}."))
    record = record_element(ctx.repo, prefix, item)
    if record is None:
        raise OaiError(("cannotDisseminateFormat", f"Item not available as {prefix}."))
    el = etree.Element(oai_tag("GetRecord"))
    el.append(record)
    return el


_HANDLERS: dict[str, Callable[[Context, str, dict[str, str]], etree._Element]] = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": list_sets,
    "ListIdentifiers": list_items,
    "ListRecords": list_items,
    "GetRecord": _get_record,
}


def make_wsgi_app(
    repository: OaiRepository,
    *,
    page_size: int = 100,
    secret: bytes | None = None,
    base_url: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """A WSGI app answering OAI-PMH GET and POST requests at any path."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method not in ("GET", "HEAD", "POST"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD, POST")])
            return [b""]
        now = clock() if clock else datetime.now(UTC)
        url = base_url or request_uri(environ, include_query=False)
        try:
            args = _wsgi_args(environ, method)
        except OverflowError:
            start_response("413 Content Too Large", [("Content-Type", "text/plain")])
            return [b"Request body too large.\n"]
        except (UnicodeError, ValueError):
            problem = [("badArgument", "Arguments are not valid UTF-8 form data.")]
            body = error_document(url, now, problem, {})
        else:
            body = respond(repository, args, url, now, page_size=page_size, secret=secret)
        headers = [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))]
        start_response("200 OK", headers)
        return [b"" if method == "HEAD" else body]

    return app


def _wsgi_args(environ: dict[str, Any], method: str) -> dict[str, list[str]]:
    """GET arguments from the query string, POST ones from a form-encoded body."""
    if method == "POST":
        ctype = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            raise OverflowError(length)
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        text = raw.decode("utf-8") if ctype == "application/x-www-form-urlencoded" else ""
    else:  # PEP 3333 hands the raw query bytes over as latin-1
        text = environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8")
    args: dict[str, list[str]] = {}
    for name, value in parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=50):
        args.setdefault(name, []).append(value)
    return args
