"""The SearchIndex contract: every backend must pass these, unchanged.

Use it by subclassing with a `make_index` fixture returning an empty index:

    class TestSolrContract(SearchIndexContract):
        @pytest.fixture
        def make_index(self, solr_url):
            def make():
                index = SolrIndex(solr_url, collection="thuvien_test")
                index.clear()
                return index
            return make

Assertions are about behaviour a reader sees (which works, in which relative order,
with which holdings), never about scores or backend internals, so a different ranking
function with the same intent passes.

The tests live in one module per subject (indexing, folding, query_syntax, results,
hits, spelling, visibility); `SearchIndexContract` gathers them all.
"""

from __future__ import annotations

from tests.indexer.contract.base import ContractBase, titles
from tests.indexer.contract.folding import FoldingContract
from tests.indexer.contract.hits import HitsContract
from tests.indexer.contract.indexing import IndexingContract
from tests.indexer.contract.query_syntax import HOSTILE, QuerySyntaxContract
from tests.indexer.contract.results import ResultsContract
from tests.indexer.contract.spelling import SpellingContract
from tests.indexer.contract.visibility import VisibilityContract

__all__ = ["HOSTILE", "ContractBase", "SearchIndexContract", "titles"]


class SearchIndexContract(
    IndexingContract,
    FoldingContract,
    QuerySyntaxContract,
    ResultsContract,
    HitsContract,
    SpellingContract,
    VisibilityContract,
):
    """Backend-neutral behaviour; subclasses provide `make_index`."""
