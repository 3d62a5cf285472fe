"""The search contract every backend implements (`TantivyIndex`, `SolrIndex`).

Callers build a `SearchQuery`, get a `SearchResult`; they never see a backend's query
syntax. Bounds (page depth, page size) are enforced here, once, so no backend can be
asked for page 10 000 by a crawler.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, runtime_checkable

from indexer.suggestions import Suggestion

# Facet name → the search-document key holding its values (see documents.to_document).
FACETS = ("library", "format", "language", "year", "subject", "collection", "online")
# Facets whose picked values must all hold (each narrows: a work on Hà Nội AND on history),
# counted within the result; in the others picked values are alternatives (this library OR
# that one), each counted without its own facet's filter so the alternatives stay listed.
ALL_OF_FACETS = ("subject",)
SORTS = ("relevance", "year_desc", "year_asc", "title")
VISIBILITY_LEVELS = ("public", "registered", "onsite", "staff", "hidden")

MAX_PER_PAGE = 100
MAX_DEPTH = 1000  # no result beyond the 1000th work is ever served
MAX_FACET_LIMIT = 200
DEFAULT_PER_PAGE = 20


@dataclass
class SearchQuery:
    """What a caller asks for. Out-of-range values are clamped, unknown names dropped."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    facets: list[str] = field(default_factory=list)
    facet_limit: int = 20
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    visibility: list[str] = field(default_factory=lambda: ["public"])

    def __post_init__(self) -> None:
        self.q = str(self.q or "")
        self.filters = {
            name: [_filter_value(v) for v in _as_list(values) if str(v) != ""]
            for name, values in (self.filters or {}).items()
            if name in FACETS
        }
        if "online" in self.filters:
            self.filters["online"] = [v.lower() for v in self.filters["online"]]
        self.filters = {name: values for name, values in self.filters.items() if values}
        self.facets = [name for name in dict.fromkeys(self.facets or []) if name in FACETS]
        self.facet_limit = _clamp(self.facet_limit, 1, MAX_FACET_LIMIT, 20)
        self.sort = self.sort if self.sort in SORTS else "relevance"
        self.page = _clamp(self.page, 1, MAX_DEPTH, 1)
        self.per_page = _clamp(self.per_page, 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)
        self.visibility = [str(v) for v in _as_list(self.visibility)]

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def limit(self) -> int:
        """How many works this page may show: per_page, cut at MAX_DEPTH."""
        return max(0, min(self.per_page, MAX_DEPTH - self.offset))


class FacetCount(NamedTuple):
    """One facet value and how many works (not records) have it."""

    value: str
    count: int


@dataclass
class Hit:
    """One work: the best-matching record's display fields plus every visible record's holdings."""

    work_key: str
    id: str  # the representative (best-matching) record
    record_ids: list[str]
    fields: dict[str, Any]
    holdings: list[dict[str, Any]]
    libraries: list[str]
    snippet: str = ""  # HTML: escaped text with <mark> around matches; "" if none
    highlights: dict[str, str] = field(default_factory=dict)  # field → HTML, like snippet
    score: float | None = None


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int  # works, not records
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean", only when it finds more
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    total_exact: bool = True  # False when a huge result set was counted approximately
    fuzzy: bool = False  # True when nothing matched and these are approximate matches
    # Counted on a smaller sample because the server was busy: not to be kept where a
    # later asker could not get the finer counts (a page cache, an ETag).
    counts_rough: bool = False

    @property
    def pages(self) -> int:
        """Pages a caller may link to: never past MAX_DEPTH."""
        return math.ceil(min(self.total, MAX_DEPTH) / self.per_page) if self.per_page else 0

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@runtime_checkable
class SearchIndex(Protocol):
    """A search backend. Documents are dicts from `indexer.documents.to_document`.

    A backend may also offer `version() -> str`, changing with every commit: the portal
    then answers a reader's unchanged page with 304 without searching again.
    """

    def add(self, docs: Iterable[dict[str, Any]], *, new: bool = False) -> None:
        """Add or replace (by "id") documents; visible after `commit`.

        `new`: the caller knows none of these ids is in the index (a rebuild, right
        after `clear`), so a backend may skip looking for a document to replace.
        The same as `add_prepared` of each document's `prepare`."""

    def prepare(self, doc: dict[str, Any]) -> Any:
        """The backend's own form of a document, picklable and made without touching
        the index: a rebuild makes these in a second process (indexer.pipeline)."""

    def add_prepared(self, items: Iterable[Any], *, new: bool = False) -> None:
        """`add` for documents already through `prepare`."""

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by record id; visible after `commit`."""

    def commit(self) -> None: ...

    def clear(self) -> None:
        """Remove every document (committed)."""

    def count(self) -> int:
        """Committed records (not works), whatever their visibility."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def suggest(
        self, prefix: str, limit: int = 10, *, visibility: Sequence[str] = ("public",)
    ) -> list[Suggestion]:
        """Titles and author names starting (at any word) with `prefix`, diacritics-blind,
        best first (see indexer.suggestions)."""


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, int, bool)):
        return [value]
    return list(value)


def _filter_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _clamp(value: Any, low: int, high: int, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))
