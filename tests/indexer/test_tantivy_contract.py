"""The SearchIndex contract on TantivyIndex, in memory and in a folder."""

from __future__ import annotations

import pytest

from indexer import TantivyIndex
from tests.indexer.contract import SearchIndexContract


class TestTantivyInMemory(SearchIndexContract):
    @pytest.fixture
    def make_index(self):
        return lambda: TantivyIndex(None)


class TestTantivyOnDisk(SearchIndexContract):
    @pytest.fixture
    def make_index(self, tmp_path):
        return lambda: TantivyIndex(tmp_path / "index")
