"""Search: record → search document, Vietnamese folding, work keys, the SearchIndex protocol.

Index records with `index_records(TantivyIndex(folder), records, visibility=...)`, then
`index.search(SearchQuery(q="truyen kieu", facets=["library"]))`.
"""

from indexer.documents import DISPLAY_FIELDS, documents_for, index_records, to_document
from indexer.protocol import (
    FACETS,
    MAX_DEPTH,
    MAX_PER_PAGE,
    SORTS,
    VISIBILITY_LEVELS,
    FacetCount,
    Hit,
    SearchIndex,
    SearchQuery,
    SearchResult,
)
from indexer.query import parse
from indexer.suggestions import Suggestion
from indexer.tantivy_index import IndexSchemaError, TantivyIndex
from indexer.text import fold
from indexer.works import cluster_works, work_key

__all__ = [
    "DISPLAY_FIELDS",
    "FACETS",
    "MAX_DEPTH",
    "MAX_PER_PAGE",
    "SORTS",
    "VISIBILITY_LEVELS",
    "FacetCount",
    "Hit",
    "IndexSchemaError",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "Suggestion",
    "TantivyIndex",
    "cluster_works",
    "documents_for",
    "fold",
    "index_records",
    "parse",
    "to_document",
    "work_key",
]
