"""Open the search index the settings name: tantivy (embedded, default) or Solr."""

from __future__ import annotations

from catalogue.settings import Settings
from indexer.protocol import SearchIndex


def open_index(settings: Settings, *, recreate: bool = False) -> SearchIndex:
    """The configured backend. `recreate` empties it first (for `thuvien index --rebuild`)."""
    if settings.index_backend == "solr":
        from indexer.solr_index import SolrIndex

        if not settings.solr_url:
            raise ValueError("index_backend is 'solr' but solr_url / THUVIEN_SOLR_URL is empty")
        index = SolrIndex(settings.solr_url)
        if recreate:
            index.clear()
        return index
    from indexer.tantivy_index import TantivyIndex

    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return TantivyIndex(settings.index_dir, recreate=recreate)
