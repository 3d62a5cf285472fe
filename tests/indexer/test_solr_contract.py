"""The SearchIndex contract on SolrIndex, against a real Solr 9 server.

Create a core (or collection) from config/solr, then point SOLR_URL at it:

    bin/solr create -c thuvien_test -d config/solr
    SOLR_URL=http://127.0.0.1:8983/solr/thuvien_test pytest tests/indexer/test_solr_contract.py

Every test empties that core first: never point SOLR_URL at a production index.
"""

from __future__ import annotations

import os

import pytest

from tests.indexer.contract import SearchIndexContract
from tests.indexer.test_subject_facet import SubjectFacetContract

SOLR_URL = os.environ.get("SOLR_URL", "").strip()

pytestmark = [
    pytest.mark.solr,
    pytest.mark.skipif(
        not SOLR_URL,
        reason="SOLR_URL is not set: the Solr contract tests need a Solr 9 server "
        "with config/solr loaded",
    ),
]


class SolrIndexes:
    """A `make_index` fixture: an emptied Solr core per call."""

    @pytest.fixture
    def make_index(self):
        from indexer.solr_index import SolrIndex

        opened: list[SolrIndex] = []

        def make() -> SolrIndex:
            index = SolrIndex(SOLR_URL, timeout=30)
            index.clear()  # every test starts from an empty index
            opened.append(index)
            return index

        yield make
        for index in opened:
            index.close()


class TestSolrContract(SolrIndexes, SearchIndexContract):
    pass


class TestSolrSubjectFacet(SolrIndexes, SubjectFacetContract):
    pass
