"""An OAI-PMH 2.0 data provider over any `OaiRepository`.

It serves the demo libraries as real endpoints and, through `respond`, the portal's
`/oai` feed over the union catalogue. Resumption tokens are self-contained and signed,
so any process holding the same secret can continue any list.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.util import request_uri

from lxml import etree

from harvesters.oai_repository import (
    DAYS,
    SECONDS,
    XSI_NS,
    OaiItem,
    OaiRepository,
    PagedOaiRepository,
    as_utc,
    item_key,
    xml_safe,
)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_ID_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_ID_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
# oai-identifier.xsd's repositoryIdentifierType: a domain name.
_REPOSITORY_ID = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")
CONTENT_TYPE = "text/xml; charset=utf-8"
MAX_BODY = 64 * 1024


class OaiError(Exception):
    """One or more protocol errors, each (code, message)."""

    def __init__(self, *errors: tuple[str, str]) -> None:
        super().__init__("; ".join(f"{c}: {m}" for c, m in errors))
        self.errors = list(errors)


def _bad(message: str) -> OaiError:
    return OaiError(("badArgument", message))


# verb -> (required args, optional args, accepts resumptionToken)
_VERBS: dict[str, tuple[set[str], set[str], bool]] = {
    "Identify": (set(), set(), False),
    "ListMetadataFormats": (set(), {"identifier"}, False),
    "ListSets": (set(), set(), True),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, True),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, True),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), False),
}
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SECONDS_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def _multi(args: Mapping[str, Any]) -> dict[str, list[str]]:
    """Values as lists, so repeated arguments stay visible (werkzeug MultiDicts too)."""
    if hasattr(args, "getlist"):
        return {k: list(args.getlist(k)) for k in args}
    return {k: [v] if isinstance(v, str) else list(v) for k, v in args.items()}


def _validate(args: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    """Check the verb and its arguments' presence, repetition and syntax."""
    verbs = args.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in _VERBS:
        what = "missing" if not verbs else "repeated" if len(verbs) > 1 else "illegal"
        raise OaiError(("badVerb", f"The verb argument is {what}."))
    verb = verbs[0]
    required, optional, resumable = _VERBS[verb]
    allowed = required | optional | ({"resumptionToken"} if resumable else set())
    params: dict[str, str] = {}
    for name, values in args.items():
        if name == "verb":
            continue
        if name not in allowed:
            raise _bad(f"Illegal argument for {verb}: {xml_safe(name)[:40]}")
        if len(values) != 1:
            raise _bad(f"Repeated argument: {name}")
        if not values[0] or xml_safe(values[0]) != values[0]:
            raise _bad(f"Empty or illegal value for {name}")
        params[name] = values[0]
    if "resumptionToken" in params:
        if len(params) > 1:
            raise _bad("resumptionToken is exclusive: no other argument may be given.")
    elif missing := sorted(required - params.keys()):
        raise _bad(f"Missing required argument(s): {', '.join(missing)}")
    if "set" in params and not _SET_SPEC.fullmatch(params["set"]):
        raise _bad("Illegal setSpec syntax.")
    return verb, params


Repository = OaiRepository | PagedOaiRepository


@dataclass
class _Context:
    repo: Repository
    base_url: str
    now: datetime
    page_size: int
    key: bytes


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
        verb, params = _validate(_multi(args))
        request = {"verb": verb, **params}
        key = secret or repository.repository_name.encode("utf-8")
        ctx = _Context(repository, base_url, now, page_size, key)
        body = _HANDLERS[verb](ctx, verb, params)
    except OaiError as err:
        return error_document(base_url, now, err.errors, request)
    return _serialise(_envelope(base_url, now, request, body))


def error_document(
    base_url: str, now: datetime, errors: Sequence[tuple[str, str]], request: Mapping[str, str]
) -> bytes:
    """An OAI-PMH error response; badVerb/badArgument echo no request attributes (spec 3.2)."""
    if any(code in ("badVerb", "badArgument") for code, _ in errors):
        request = {}
    root = _envelope(base_url, now, request, None)
    for code, message in errors:
        etree.SubElement(root, _oai("error"), code=code).text = xml_safe(message)
    return _serialise(root)


def _envelope(
    base_url: str, now: datetime, request: Mapping[str, str], body: etree._Element | None
) -> etree._Element:
    root = etree.Element(_oai("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    _sub(root, "responseDate", _stamp(now, SECONDS))
    _sub(root, "request", base_url).attrib.update(request)
    if body is not None:
        root.append(body)
    return root


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _identify(ctx: _Context, verb: str, params: dict[str, str]) -> etree._Element:
    repo = ctx.repo
    el = etree.Element(_oai("Identify"))
    _sub(el, "repositoryName", repo.repository_name)
    _sub(el, "baseURL", ctx.base_url)
    _sub(el, "protocolVersion", "2.0")
    for email in repo.admin_emails:
        _sub(el, "adminEmail", email)
    _sub(el, "earliestDatestamp", _stamp(repo.earliest_datestamp, repo.granularity))
    _sub(el, "deletedRecord", repo.deleted_record)
    _sub(el, "granularity", repo.granularity)
    for description in getattr(repo, "descriptions", ()):  # optional in OaiRepository
        _sub(el, "description").append(description)
    return el


def identifier_description(namespace: str, sample_identifier: str) -> etree._Element | None:
    """Identify's oai-identifier <description>, which tells a harvester how to read the
    identifiers; None when `namespace` is not a domain name, as the schema requires."""
    if not _REPOSITORY_ID.fullmatch(namespace):
        return None
    root = etree.Element(_id_tag("oai-identifier"), nsmap={None: OAI_ID_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_ID_NS} {OAI_ID_SCHEMA}")
    for name, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", namespace),
        ("delimiter", ":"),
        ("sampleIdentifier", sample_identifier),
    ):
        etree.SubElement(root, _id_tag(name)).text = text
    return root


def _id_tag(name: str) -> str:
    return f"{{{OAI_ID_NS}}}{name}"


def _list_metadata_formats(ctx: _Context, verb: str, params: dict[str, str]) -> etree._Element:
    identifier = params.get("identifier")
    if identifier is not None and ctx.repo.get_item(identifier) is None:
        raise OaiError(("idDoesNotExist", "No item has this identifier."))
    formats = ctx.repo.metadata_formats(identifier)
    if not formats:
        raise OaiError(("noMetadataFormats", "No metadata formats are available."))
    el = etree.Element(_oai("ListMetadataFormats"))
    for fmt in formats:
        _row(el, "metadataFormat", metadataPrefix=fmt.prefix, schema=fmt.schema,
             metadataNamespace=fmt.namespace)  # fmt: skip
    return el


def _list_sets(ctx: _Context, verb: str, params: dict[str, str]) -> etree._Element:
    state = _decode_token(ctx, verb, params["resumptionToken"]) if params else {"o": 0}
    sets = ctx.repo.sets()
    if not sets:
        raise OaiError(("noSetHierarchy", "This repository does not support sets."))
    start = state["o"]
    page = sets[start : start + ctx.page_size]
    if not page:
        raise OaiError(("badResumptionToken", "The list has changed; start again."))
    el = etree.Element(_oai("ListSets"))
    for spec, name in page:
        _row(el, "set", setSpec=spec, setName=name)
    _resumption(ctx, el, {"v": verb, "o": start + len(page)}, start, len(sets), bool(params))
    return el


def _list_items(ctx: _Context, verb: str, params: dict[str, str]) -> etree._Element:
    if hasattr(ctx.repo, "list_page"):
        return _list_paged(ctx, verb, params)
    resumed = "resumptionToken" in params
    if resumed:
        state = _decode_token(ctx, verb, params["resumptionToken"])
    else:
        state = {"m": params["metadataPrefix"], "f": params.get("from"),
                 "u": params.get("until"), "s": params.get("set"), "o": 0,
                 "c": ctx.now.isoformat(), "k": None}  # fmt: skip
    query = _query(ctx, state, resumed)
    render = (
        partial(_header, ctx) if verb == "ListIdentifiers" else partial(_record, ctx, state["m"])
    )
    elements, start, end, total, last = _collect(ctx, query, state["o"], state["k"], render)
    if not elements:
        raise OaiError(("noRecordsMatch", "No records match this request."))
    el = etree.Element(_oai(verb))
    el.extend(elements)
    _resumption(ctx, el, {**state, "v": verb, "o": end, "k": [last[0].isoformat(), last[1]]},
                start, total, resumed)  # fmt: skip
    return el


def _list_paged(ctx: _Context, verb: str, params: dict[str, str]) -> etree._Element:
    """ListIdentifiers/ListRecords over a `PagedOaiRepository`: tokens carry its position.

    Reading goes on until the page is full and one more item is known to follow (so a
    token never leads to an empty page unless the catalogue changed meanwhile), or the
    list ends. Each read asks for a full page, however few items are still wanted: a
    long run of hidden items costs a few queries, not one per item. Items read beyond
    the page are read again by the next one. The cursor counts the items sent before
    this page.
    """
    resumed = "resumptionToken" in params
    if resumed:
        state = _decode_token(ctx, verb, params["resumptionToken"], paged=True)
    else:
        state = {"m": params["metadataPrefix"], "f": params.get("from"),
                 "u": params.get("until"), "s": params.get("set"), "p": None, "n": 0}  # fmt: skip
    query = _query(ctx, state, resumed)
    prefix = state["m"] if verb == "ListRecords" else None
    render = partial(_header, ctx) if prefix is None else partial(_record, ctx, prefix)
    elements: list[etree._Element] = []
    position = last_sent = state["p"]
    resume_at: str | None = None
    while resume_at is None:
        try:
            entries, position = ctx.repo.list_page(  # type: ignore[union-attr]
                prefix=prefix, from_=query.from_, until=query.until, set_spec=query.set_spec,
                position=position, limit=ctx.page_size + 1,
            )  # fmt: skip
        except ValueError as err:
            raise OaiError(("badResumptionToken", "The resumptionToken is invalid.")) from err
        for item, after in entries:
            element = render(item)
            if element is None:
                continue
            if len(elements) == ctx.page_size:
                resume_at = last_sent  # one more follows: the next page starts with it
                break
            elements.append(element)
            last_sent = after
        if position is None:
            break
    if not elements:
        raise OaiError(("noRecordsMatch", "No records match this request."))
    el = etree.Element(_oai(verb))
    el.extend(elements)
    if resume_at is not None or resumed:
        token = ""
        if resume_at is not None:
            next_state = {**state, "v": verb, "p": resume_at, "n": state["n"] + len(elements)}
            token = _encode_token(ctx, next_state)
        mark = _sub(el, "resumptionToken", token)
        size = getattr(ctx.repo, "list_size", None)  # known only to some repositories
        if size is not None:
            mark.set("completeListSize", str(size))
        mark.set("cursor", str(state["n"]))
    return el


def _get_record(ctx: _Context, verb: str, params: dict[str, str]) -> etree._Element:
    item = ctx.repo.get_item(params["identifier"])
    if item is None:
        raise OaiError(("idDoesNotExist", "No item has this identifier."))
    prefix = params["metadataPrefix"]
    if prefix not in {f.prefix for f in ctx.repo.metadata_formats(item.identifier)}:
        raise OaiError(("cannotDisseminateFormat", f"Item not available as {prefix}."))
    record = _record(ctx, prefix, item)
    if record is None:
        raise OaiError(("cannotDisseminateFormat", f"Item not available as {prefix}."))
    el = etree.Element(_oai("GetRecord"))
    el.append(record)
    return el


@dataclass
class _Query:
    from_: datetime | None
    until: datetime | None
    set_spec: str | None


def _query(ctx: _Context, state: dict[str, Any], resumed: bool) -> _Query:
    """Turn request or token arguments into repository bounds, or the protocol's errors."""
    try:
        from_ = _parse_bound(state["f"], "from", ctx.repo.granularity)
        until = _parse_bound(state["u"], "until", ctx.repo.granularity)
        if from_ and until and from_[1] != until[1]:
            raise _bad("from and until have different granularities.")
        if from_ and until and from_[0] > until[0]:
            raise _bad("from is later than until.")
    except OaiError as err:
        if resumed:
            raise OaiError(("badResumptionToken", "The token's query is no longer valid.")) from err
        raise
    errors = []
    if state["m"] not in {f.prefix for f in ctx.repo.metadata_formats(None)}:
        errors.append(("cannotDisseminateFormat", f"Unknown metadataPrefix: {state['m']}"))
    if state["s"] is not None and not _has_sets(ctx.repo):
        errors.append(("noSetHierarchy", "This repository does not support sets."))
    if errors:
        raise OaiError(*errors)
    end = None
    if until:  # inclusive to the end of the given day or second
        step = timedelta(days=1) if until[1] else timedelta(seconds=1)
        end = until[0] + step - timedelta(microseconds=1)
    if "c" in state:
        # The list is frozen at its first request, so items changed meanwhile don't join it.
        frozen = datetime.fromisoformat(state["c"])
        end = frozen if end is None else min(end, frozen)
    return _Query(from_[0] if from_ else None, end, state["s"])


def _has_sets(repo: Repository) -> bool:
    declared = getattr(repo, "has_sets", None)
    return bool(repo.sets()) if declared is None else bool(declared)


def _parse_bound(value: str | None, name: str, granularity: str):
    """(start instant, is-day-granularity) of a from/until value, or badArgument."""
    if value is None:
        return None
    if _DAY_RE.fullmatch(value):
        fmt, day = "%Y-%m-%d", True
    elif _SECONDS_RE.fullmatch(value):
        if granularity != SECONDS:
            raise _bad(f"{name} is finer than this repository's granularity ({granularity}).")
        fmt, day = "%Y-%m-%dT%H:%M:%SZ", False
    else:
        raise _bad(f"{name} is not a UTCdatetime.")
    try:
        return datetime.strptime(value, fmt).replace(tzinfo=UTC), day
    except ValueError as err:
        raise _bad(f"{name} is not a valid date.") from err


def _collect(
    ctx: _Context,
    query: _Query,
    offset: int,
    last: list[str] | None,
    render: Callable[[OaiItem], etree._Element | None],
) -> tuple[list[etree._Element], int, int, int, tuple[datetime, str]]:
    """One page of rendered items: (elements, start, end, total, key of the last item read).

    Items the format can't disseminate are skipped; reading goes on until a page
    has something or the list ends.
    """
    last_key = (datetime.fromisoformat(last[0]), last[1]) if last else None
    items, start, total = _fetch_after(ctx, query, offset, last_key)
    pos, elements = start, []
    while True:
        elements.extend(e for e in map(render, items) if e is not None)
        pos += len(items)
        if items:
            last_key = item_key(items[-1])
        if elements or not items or pos >= total:
            return elements, start, pos, total, last_key or (ctx.now, "")
        items, total = _fetch(ctx, query, pos, ctx.page_size)


def _fetch_after(ctx: _Context, query: _Query, offset: int, last: tuple[datetime, str] | None):
    """Continue right after the last item sent, even if earlier items left the list since.

    The common case costs one query: the page read from one item early starts with it.
    """
    if last is None or offset == 0:
        items, total = _fetch(ctx, query, offset, ctx.page_size)
        return items, offset, total
    items, total = _fetch(ctx, query, offset - 1, ctx.page_size + 1)
    if items and item_key(items[0]) == last:
        return items[1:], offset, total
    low, high = 0, total  # binary search for the first item after `last`
    while low < high:
        mid = (low + high) // 2
        probe, _ = _fetch(ctx, query, mid, 1)
        if probe and item_key(probe[0]) <= last:
            low = mid + 1
        else:
            high = mid
    items, total = _fetch(ctx, query, low, ctx.page_size)
    return items, low, total


def _fetch(ctx: _Context, query: _Query, offset: int, limit: int):
    return ctx.repo.list_items(
        from_=query.from_, until=query.until, set_spec=query.set_spec, offset=offset, limit=limit
    )


def _header(ctx: _Context, item: OaiItem) -> etree._Element:
    el = etree.Element(_oai("header"))
    if item.deleted:
        el.set("status", "deleted")
    _sub(el, "identifier", item.identifier)
    _sub(el, "datestamp", _stamp(item.datestamp, ctx.repo.granularity))
    for spec in item.sets:
        _sub(el, "setSpec", spec)
    return el


def _record(ctx: _Context, prefix: str, item: OaiItem) -> etree._Element | None:
    """A <record>: header only when deleted; None when the item lacks this format."""
    el = etree.Element(_oai("record"))
    el.append(_header(ctx, item))
    if item.deleted:
        return el
    metadata = ctx.repo.metadata(item, prefix)
    if metadata is None:
        return None
    payload = copy.deepcopy(metadata)
    payload.tail = None
    _sub(el, "metadata").append(payload)
    return el


def _resumption(
    ctx: _Context, el: etree._Element, state: dict[str, Any], start: int, total: int, resumed: bool
) -> None:
    """Add the resumptionToken element (state["o"] is where the next page starts); it is
    empty on the page that completes a resumed list, absent if one page held it all."""
    if state["o"] >= total and not resumed:
        return
    token = _encode_token(ctx, state) if state["o"] < total else ""
    attrs = {"completeListSize": str(total), "cursor": str(start)}
    _sub(el, "resumptionToken", token).attrib.update(attrs)


def _encode_token(ctx: _Context, state: dict[str, Any]) -> str:
    payload = json.dumps(state, separators=(",", ":"), sort_keys=True).encode("utf-8")
    mac = hmac.new(ctx.key, payload, hashlib.sha256).digest()[:12]
    return f"{_b64(payload)}.{_b64(mac)}"


def _decode_token(ctx: _Context, verb: str, token: str, *, paged: bool = False) -> dict[str, Any]:
    """The state a token carries, if we signed it for this verb; else badResumptionToken."""
    bad = OaiError(("badResumptionToken", "The resumptionToken is invalid or has expired."))
    try:
        payload_part, mac_part = token.split(".")
        payload, mac = _unb64(payload_part), _unb64(mac_part)
        expected = hmac.new(ctx.key, payload, hashlib.sha256).digest()[:12]
        state = json.loads(payload) if hmac.compare_digest(mac, expected) else None
    except (ValueError, UnicodeError):
        raise bad from None
    if paged:
        needed, counter = {"m", "f", "u", "s", "p", "n"}, "n"
    else:
        needed = {"o"} if verb == "ListSets" else {"o", "m", "f", "u", "s", "c", "k"}
        counter = "o"
    if not isinstance(state, dict) or state.get("v") != verb or not needed <= state.keys():
        raise bad
    if not isinstance(state[counter], int) or state[counter] < 0:
        raise bad
    if paged and not isinstance(state["p"], str):
        raise bad
    return state


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _oai(name: str) -> str:
    return f"{{{OAI_NS}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, _oai(name))
    if text is not None:
        el.text = xml_safe(text)
    return el


def _row(parent: etree._Element, name: str, **children: str) -> etree._Element:
    row = _sub(parent, name)
    for child, text in children.items():
        _sub(row, child, text)
    return row


def _stamp(value: datetime, granularity: str) -> str:
    value = as_utc(value)
    return value.strftime("%Y-%m-%d" if granularity == DAYS else "%Y-%m-%dT%H:%M:%SZ")


_HANDLERS: dict[str, Callable[[_Context, str, dict[str, str]], etree._Element]] = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "ListIdentifiers": _list_items,
    "ListRecords": _list_items,
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
