"""The results page's state: its parameters cleaned, its canonical URL, and the query it asks.

`SearchState` reads `q`, `f.<facet>`, `year_from`/`year_to`, `sort`, `page` and `per_page`
leniently (a bad value is dropped or clamped, never an error) and builds every link the
page shows, so one class decides what a results URL means. The query-building helpers live
here too (the advanced form's rows, the year range around the reader's words), because they
make the one query string the state hands the index: user text only ever as data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from werkzeug.datastructures import MultiDict

from indexer.documents import subject_terms
from indexer.protocol import (
    DEFAULT_PER_PAGE,
    FACETS,
    MAX_DEPTH,
    MAX_FACET_LIMIT,
    MAX_PER_PAGE,
    SORTS,
    SearchQuery,
)
from indexer.query import MAX_QUERY_CHARS
from portal.access import visibility_for_request
from portal.search_labels import FIELD_LABELS, OPERATOR_LABELS

FILTER_PREFIX = "f."
MAX_FILTER_VALUES = 50  # across all f.* parameters, as the API
MAX_VALUE_CHARS = 300  # one filter value, as the API
YEAR_LOW, YEAR_HIGH = 0, 9999  # what the query language's year ranges accept

RESULT_FACETS = ("library", "format", "language", "subject", "collection", "online")
PAGE_FACETS = (*RESULT_FACETS, "year")  # what one results-page search counts
FACET_FETCH = 30  # values shown (with "more") per facet on the results page
# The search counts every facet to one limit (SearchQuery has no per-facet limit), and the
# year histogram needs every year, not the 30 commonest: so the page asks for the most
# values the index gives and keeps FACET_FETCH of the others. A result spanning more than
# YEAR_FETCH distinct years loses its rarest years from the decade counts.
YEAR_FETCH = MAX_FACET_LIMIT
PER_PAGE_CHOICES = (10, 20, 50, 100)  # what the results page offers (and accepts)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Invisible format characters: zero-width spaces and joiners, direction marks and
# overrides. They never mean anything in a search, and echoed into a heading an override
# turns the text after it around.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_YEAR_FILTER = re.compile(r"-?[0-9]{1,4}")
_DIGITS = re.compile(r"\s*([0-9]{1,4})\s*")

# The query language's name for a call-number field. Until indexer.query knows it, a
# call number is searched as a phrase in every field (the index's catch-all holds call
# numbers, so it is still found); once it does, the same form searches only that field.
CALL_NUMBER_FIELD = "callnumber"


def phrase_query(field: str | None, text: str) -> str:
    """`field:"text"` in the query language, with the text made safe as one phrase."""
    inner = " ".join(text.replace('"', " ").split())
    if not inner:
        return ""
    return f'{field}:"{inner}"' if field else f'"{inner}"'


# --- the results page's parameters ----------------------------------------------------


@dataclass
class SearchState:
    """The results page's parameters after lenient cleaning; builds every link the page shows."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    too_long: int = 0  # the length of a refused query, 0 if fine

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> SearchState:
        q = clean_text(args.get("q", ""))
        too_long = len(q) if len(q) > MAX_QUERY_CHARS else 0
        if too_long:
            q = q[:MAX_QUERY_CHARS]
        filters: dict[str, list[str]] = {}
        budget = MAX_FILTER_VALUES
        for facet in FACETS:
            for raw in args.getlist(FILTER_PREFIX + facet):
                for value in _filter_values(facet, raw):
                    if value in filters.get(facet, []) or budget <= 0:
                        continue
                    filters.setdefault(facet, []).append(value)
                    budget -= 1
        year_from = year_arg(args.get("year_from"))
        year_to = year_arg(args.get("year_to"))
        if year_from is not None and year_to is not None and year_from > year_to:
            year_from, year_to = year_to, year_from
        sort = args.get("sort", "relevance")
        per_page = _per_page_arg(args.get("per_page"))
        deepest = max(1, -(-MAX_DEPTH // per_page))
        return cls(
            q=q,
            filters=filters,
            year_from=year_from,
            year_to=year_to,
            sort=sort if sort in SORTS else "relevance",
            page=int_arg(args.get("page"), 1, 1, deepest),
            per_page=per_page,
            too_long=too_long,
        )

    @property
    def has_filters(self) -> bool:
        return bool(self.filters) or self.has_year_range

    @property
    def has_year_range(self) -> bool:
        return self.year_from is not None or self.year_to is not None

    def year_clause(self) -> str:
        if not self.has_year_range:
            return ""
        low = "" if self.year_from is None else str(self.year_from)
        high = "" if self.year_to is None else str(self.year_to)
        return f"year:{low}-{high}"

    def effective_q(self) -> str:
        """The query the index gets: the reader's query, within the year range if one is set."""
        return within_year_range(self.q, self.year_clause())

    def search_query(
        self, facets: Iterable[str] = PAGE_FACETS, visibility: list[str] | None = None
    ) -> SearchQuery:
        facets = list(facets)
        return SearchQuery(
            q=self.effective_q(),
            filters=self.filters,
            facets=facets,
            facet_limit=YEAR_FETCH if "year" in facets else FACET_FETCH,
            sort=self.sort,
            page=self.page,
            per_page=self.per_page,
            visibility=visibility if visibility is not None else visibility_for_request(),
        )

    def params(
        self,
        *,
        q: str | None = None,
        page: int | None = None,
        without: tuple[str, str] | None = None,
        filters: bool = True,
        year: bool = True,
        years: tuple[int, int] | None = None,
    ) -> list[tuple[str, str]]:
        """Query-string pairs for this search with some parts changed or dropped
        (`years`: another year range in place of this one)."""
        pairs: list[tuple[str, str]] = []
        query = self.q if q is None else q
        if query:
            pairs.append(("q", query))
        if filters:
            for facet, values in self.filters.items():
                for value in values:
                    if without != (facet, value):
                        pairs.append((FILTER_PREFIX + facet, value))
        low, high = years if years is not None else (self.year_from, self.year_to)
        if year and low is not None:
            pairs.append(("year_from", str(low)))
        if year and high is not None:
            pairs.append(("year_to", str(high)))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.per_page != DEFAULT_PER_PAGE:
            pairs.append(("per_page", str(self.per_page)))
        if page is not None and page > 1:
            pairs.append(("page", str(page)))
        return pairs

    def url(self, **changes: Any) -> str:
        pairs = self.params(**changes)
        base = self._base_url
        return f"{base}?{urlencode(pairs)}" if pairs else base

    @cached_property
    def _base_url(self) -> str:
        return url_for("search.results")


def clean_text(value: str) -> str:
    return _CONTROL.sub(" ", _INVISIBLE.sub("", value or "")).strip()


def _filter_values(facet: str, raw: str) -> list[str]:
    """The values one `f.<facet>` parameter stands for."""
    value = _clean_filter(facet, raw)
    return [] if value is None else filter_parts(facet, value)


def filter_parts(facet: str, value: str) -> list[str]:
    """A whole subject heading ("Hà Nội -- Lịch sử", as links and API clients gave it
    before the subject facet held heading parts) is its parts, which all hold together,
    so an old link still finds what it found; any other value is itself."""
    parts = subject_terms([value]) if facet == "subject" else []
    return parts if len(parts) > 1 else [value]


def _clean_filter(facet: str, raw: str) -> str | None:
    value = clean_text(raw)
    if not value or len(value) > MAX_VALUE_CHARS:
        return None
    if facet == "year" and not _YEAR_FILTER.fullmatch(value):
        return None
    if facet == "online":
        value = value.lower()
        if value not in ("true", "false"):
            return None
    return value


def year_arg(raw: str | None) -> int | None:
    match = _DIGITS.fullmatch(raw or "")
    if not match:
        return None
    return max(YEAR_LOW, min(YEAR_HIGH, int(match.group(1))))


def _per_page_arg(raw: str | None) -> int:
    """One of the offered page sizes; anything else is the default (never an error)."""
    value = int_arg(raw, DEFAULT_PER_PAGE, 0, MAX_PER_PAGE + 1)  # out of range: not offered
    return value if value in PER_PAGE_CHOICES else DEFAULT_PER_PAGE


def int_arg(raw: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return max(low, min(high, value))


def within_year_range(q: str, clause: str) -> str:
    """`q` restricted to a year range, in the query language: `year:1990-2000 (q)`.

    The range goes first, so the 32-clause and 1000-character limits can only cut the
    reader's words, never the range; the reader's parentheses are balanced first, so a
    stray ")" in `q` cannot close ours and put the range inside an OR.
    """
    if not clause:
        return q
    if not q.strip():
        return clause
    return f"{clause} ({_balance_parentheses(q)})"


_PAREN_TOKEN = re.compile(r'"[^"]*"|[()]|[^\s()"]+|\s+')


def _balance_parentheses(text: str) -> str:
    """Drop unmatched ")" and close unclosed "(" as indexer.query lexes them (not in quotes)."""
    if text.count('"') % 2:  # the last quote is unclosed: the lexer reads plain words after it
        cut = text.rindex('"')
        text = text[:cut] + " " + text[cut + 1 :]
    out: list[str] = []
    depth = 0
    for piece in _PAREN_TOKEN.findall(text):
        if piece == "(":
            depth += 1
        elif piece == ")":
            if depth == 0:
                piece = " "
            else:
                depth -= 1
        out.append(piece)
    return "".join(out) + ")" * depth


# --- links and canonical URLs ---------------------------------------------------------


def facet_url(facet: str, value: str) -> str:
    return url_for("search.results", **{FILTER_PREFIX + facet: value})


# The parameters the results page reads; anything else in a URL is left as it came.
_STATE_KEYS = ("q", "year_from", "year_to", "sort", "per_page", "page")


def canonical_url(state: SearchState, args: MultiDict[str, str]) -> str | None:
    """The cleaned URL when the request's differs from it, else None.

    A value the page would drop or change (an unknown sort, a page size it does not offer,
    a year that is no year, a page past the deepest) or a default spelled out (the filter
    form sends `sort=relevance&per_page=20&year_from=`) is redirected to the URL that says
    what is shown, so the address bar, bookmarks and the back button tell the truth.
    An empty `q` alone is let through: every search box sends one.
    """
    wanted = state.params(page=asked_page(state, args))
    given = [
        (key, value)
        for key, values in args.lists()
        if key in _STATE_KEYS or key.startswith(FILTER_PREFIX)
        for value in values
        if (key, value) != ("q", "")
    ]
    if Counter(given) == Counter(wanted):
        return None
    others = [
        (key, value)
        for key, values in args.lists()
        if not (key in _STATE_KEYS or key.startswith(FILTER_PREFIX))
        for value in values
    ]
    pairs = wanted + others
    base = url_for("search.results")
    return f"{base}?{urlencode(pairs)}" if pairs else base


def asked_page(state: SearchState, args: MultiDict[str, str]) -> int:
    """The page number asked for when it is past the deepest page the page size reaches:
    left for the search to redirect, in one step, to the last page there is."""
    raw = (args.get("page") or "").strip()
    if raw.isdigit() and len(raw) <= 9 and int(raw) > state.page:
        return int(raw)
    return state.page


# --- the advanced form's rows as one query --------------------------------------------

_PLAIN_WORD = re.compile(r"[^\s()\"+\-!:*?]([^\s()\":*?]*)\*?")
_OPERATOR_WORDS = {"AND", "OR", "NOT", "&&", "||"}
_QUOTED = re.compile(r'"([^"]*)"')


def row_clause(field: str, text: str) -> str:
    """One advanced-search row as a query-language clause; user text is only ever data.

    Words stay words (so spelling suggestions and a trailing * still work); a quoted part
    stays a phrase; anything with query syntax in it (colons, parentheses, a leading
    minus, AND/OR/NOT) is quoted, so it is searched for, not obeyed.
    """
    text = clean_text(text)
    if field == CALL_NUMBER_FIELD:
        return call_number_clause(text)
    if field in ("isbn", "issn"):
        text = re.sub(r"[\s\"()]+", "", text)
    prefix = "" if field == "all" else f"{field}:"
    parts: list[str] = []
    pos = 0
    for match in _QUOTED.finditer(text):
        parts.extend(_words(text[pos : match.start()]))
        phrase = phrase_query(None, match.group(1))
        if phrase:
            parts.append(phrase)
        pos = match.end()
    parts.extend(_words(text[pos:].replace('"', " ")))
    if not parts:
        return ""
    if len(parts) == 1:
        return prefix + parts[0]
    return f"{prefix}({' '.join(parts)})"


def call_number_clause(text: str) -> str:
    """A call number ("895.9221 NG-D") as one phrase: its parts only mean something together."""
    return phrase_query(CALL_NUMBER_FIELD, text)


def _words(text: str) -> list[str]:
    out = []
    for word in text.split():
        if word in _OPERATOR_WORDS or not _PLAIN_WORD.fullmatch(word):
            quoted = phrase_query(None, word.rstrip("*"))
            if quoted:
                out.append(quoted)
        else:
            out.append(word)
    return out


def build_query(rows: list[tuple[str, str, str]]) -> str:
    """Rows of (operator, field, text), combined left to right into one query string.

    A lone row of several words in all fields is left unbracketed ("ha noi", not
    "(ha noi)"): the heading echoes the query, and the reader never typed brackets."""
    q = ""
    has_or = False
    filled = [(op, name if name in FIELD_LABELS else "all", text) for op, name, text in rows]
    filled = [(op, name, text) for op, name, text in filled if row_clause(name, text)]
    if len(filled) == 1 and filled[0][1] == "all" and filled[0][0] != "NOT":
        clause = row_clause("all", filled[0][2])
        return clause[1:-1] if clause.startswith("(") and clause.endswith(")") else clause
    for op, name, text in filled:
        clause = row_clause(name, text)
        op = op if op in OPERATOR_LABELS else "AND"
        if not q:
            q = f"NOT {clause}" if op == "NOT" else clause
            continue
        if op == "OR":
            q, has_or = f"{q} OR {clause}", True
            continue
        if has_or:
            q, has_or = f"({q})", False
        q = f"{q} NOT {clause}" if op == "NOT" else f"{q} {clause}"
    return q


def advanced_rows(q: str) -> list[tuple[str, str, str]] | None:
    """The advanced form's rows (operator, field, text) that make `q`, or None when `q`
    is not something the form writes: what "Edit this search" fills the form with.

    Read back from the query language the form writes (`build_query`); only rows that
    write `q` again exactly are returned, so editing never changes the search by itself.
    """
    rows: list[tuple[str, str, str]] = []
    op = "AND"
    for token in _top_level(q):
        if token in ("OR", "NOT"):
            if not rows or op != "AND":  # the form's first row has no operator
                return None
            op = token
            continue
        if token.startswith("(") and token.endswith(")") and " OR " in token:
            inner = advanced_rows(token[1:-1])  # a bracketed run of OR-ed rows
            if not inner or rows:
                return None
            rows.extend(inner)
            continue
        field, _colon, rest = token.partition(":")
        if not rest or field not in FIELD_LABELS or token.startswith(("(", '"')):
            field, rest = "all", token
        if rest.startswith("(") and rest.endswith(")"):
            rest = rest[1:-1]
        rows.append((op, field, rest))
        op = "AND"
    if not rows or build_query(rows) != q:
        return None
    together = [("AND", "all", " ".join(text for _op, _field, text in rows))]
    if all(row[:2] == ("AND", "all") for row in rows) and build_query(together) == q:
        return together  # words typed in one box: "ha noi" is one row, not two
    return rows


def _top_level(q: str) -> list[str]:
    """`q` split at its top-level spaces: clauses (with their brackets and quotes) and
    the operators between them."""
    tokens, start, depth, quoted = [], 0, 0, False
    for at, char in enumerate(q + " "):
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif char == " " and depth == 0 and not quoted:
            if q[start:at]:
                tokens.append(q[start:at])
            start = at + 1
    return tokens
