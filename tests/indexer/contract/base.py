"""What every part of the contract shares: the `index` fixture over the sample records,
the `make_index` fixture a backend's test class provides, and `titles` of a result."""

from __future__ import annotations

import pytest

from indexer import SearchQuery, SearchResult, index_records
from tests.indexer.sample_records import sample_records, visibility_of


def titles(result: SearchResult) -> list[str]:
    return [hit.fields["title"] for hit in result.hits]


class ContractBase:
    """Backend-neutral fixtures; subclasses provide `make_index`."""

    @pytest.fixture
    def make_index(self):  # pragma: no cover - overridden
        raise NotImplementedError

    @pytest.fixture
    def index(self, make_index):
        index = make_index()
        index_records(index, sample_records(), visibility=visibility_of)
        return index

    @staticmethod
    def search(index, q: str = "", **kwargs) -> SearchResult:
        return index.search(SearchQuery(q=q, **kwargs))
