"""The OAI-PMH list verbs: ListSets, ListIdentifiers and ListRecords, paged with
resumption tokens.

A list is either frozen at its first request and read by offset (an `OaiRepository`),
or read by the position a `PagedOaiRepository` hands back; either way a token resumes
right after the last item sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from lxml import etree

from harvesters.oai_repository import OaiItem, item_key
from harvesters.oai_request import (
    Context,
    OaiError,
    Repository,
    bad_argument,
    parse_bound,
)
from harvesters.oai_tokens import decode_token, encode_token
from harvesters.oai_xml import header_element, oai_tag, record_element, row, sub


def list_sets(ctx: Context, verb: str, params: dict[str, str]) -> etree._Element:
    state = decode_token(ctx.key, verb, params["resumptionToken"]) if params else {"o": 0}
    sets = ctx.repo.sets()
    if not sets:
        raise OaiError(("noSetHierarchy", "This repository does not support sets."))
    start = state["o"]
    page = sets[start : start + ctx.page_size]
    if not page:
        raise OaiError(("badResumptionToken", "The list has changed; start again."))
    el = etree.Element(oai_tag("ListSets"))
    for spec, name in page:
        row(el, "set", setSpec=spec, setName=name)
    _resumption(ctx, el, {"v": verb, "o": start + len(page)}, start, len(sets), bool(params))
    return el


def list_items(ctx: Context, verb: str, params: dict[str, str]) -> etree._Element:
    """ListIdentifiers/ListRecords."""
    if hasattr(ctx.repo, "list_page"):
        return _list_paged(ctx, verb, params)
    resumed = "resumptionToken" in params
    if resumed:
        state = decode_token(ctx.key, verb, params["resumptionToken"])
    else:
        state = {"m": params["metadataPrefix"], "f": params.get("from"),
                 "u": params.get("until"), "s": params.get("set"), "o": 0,
                 "c": ctx.now.isoformat(), "k": None}  # fmt: skip
    query = _query(ctx, state, resumed)
    render = (
        partial(header_element, ctx.repo)
        if verb == "ListIdentifiers"
        else partial(record_element, ctx.repo, state["m"])
    )
    elements, start, end, total, last = _collect(ctx, query, state["o"], state["k"], render)
    if not elements:
        raise OaiError(("noRecordsMatch", "No records match this request."))
    el = etree.Element(oai_tag(verb))
    el.extend(elements)
    _resumption(ctx, el, {**state, "v": verb, "o": end, "k": [last[0].isoformat(), last[1]]},
                start, total, resumed)  # fmt: skip
    return el


def _list_paged(ctx: Context, verb: str, params: dict[str, str]) -> etree._Element:
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
        state = decode_token(ctx.key, verb, params["resumptionToken"], paged=True)
    else:
        state = {"m": params["metadataPrefix"], "f": params.get("from"),
                 "u": params.get("until"), "s": params.get("set"), "p": None, "n": 0}  # fmt: skip
    query = _query(ctx, state, resumed)
    prefix = state["m"] if verb == "ListRecords" else None
    render = (
        partial(header_element, ctx.repo)
        if prefix is None
        else partial(record_element, ctx.repo, prefix)
    )
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
    el = etree.Element(oai_tag(verb))
    el.extend(elements)
    if resume_at is not None or resumed:
        token = ""
        if resume_at is not None:
            next_state = {**state, "v": verb, "p": resume_at, "n": state["n"] + len(elements)}
            token = encode_token(ctx.key, next_state)
        mark = sub(el, "resumptionToken", token)
        size = getattr(ctx.repo, "list_size", None)  # known only to some repositories
        if size is not None:
            mark.set("completeListSize", str(size))
        mark.set("cursor", str(state["n"]))
    return el


@dataclass
class _Query:
    from_: datetime | None
    until: datetime | None
    set_spec: str | None


def _query(ctx: Context, state: dict[str, Any], resumed: bool) -> _Query:
    """Turn request or token arguments into repository bounds, or the protocol's errors."""
    try:
        from_ = parse_bound(state["f"], "from", ctx.repo.granularity)
        until = parse_bound(state["u"], "until", ctx.repo.granularity)
        if from_ and until and from_[1] != until[1]:
            raise bad_argument("from and until have different granularities.")
        if from_ and until and from_[0] > until[0]:
            raise bad_argument("from is later than until.")
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


def _collect(
    ctx: Context,
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


def _fetch_after(ctx: Context, query: _Query, offset: int, last: tuple[datetime, str] | None):
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


def _fetch(ctx: Context, query: _Query, offset: int, limit: int):
    return ctx.repo.list_items(
        from_=query.from_, until=query.until, set_spec=query.set_spec, offset=offset, limit=limit
    )


def _resumption(
    ctx: Context, el: etree._Element, state: dict[str, Any], start: int, total: int, resumed: bool
) -> None:
    """Add the resumptionToken element (state["o"] is where the next page starts); it is
    empty on the page that completes a resumed list, absent if one page held it all."""
    if state["o"] >= total and not resumed:
        return
    token = encode_token(ctx.key, state) if state["o"] < total else ""
    attrs = {"completeListSize": str(total), "cursor": str(start)}
    sub(el, "resumptionToken", token).attrib.update(attrs)
