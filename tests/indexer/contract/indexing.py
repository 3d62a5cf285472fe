"""The contract's first part: adding, replacing, deleting, committing and counting."""

from __future__ import annotations

from indexer import documents_for
from tests.indexer.contract.base import ContractBase
from tests.indexer.sample_records import NL, sample_records, visibility_of


class IndexingContract(ContractBase):
    """What is searchable after add, delete, commit and clear."""

    # --- add / delete / commit / count -------------------------------------------------

    def test_count_is_records_after_commit(self, make_index):
        index = make_index()
        assert index.count() == 0
        docs = documents_for(sample_records(), visibility=visibility_of)
        index.add(docs)
        index.commit()
        assert index.count() == len(sample_records())

    def test_add_replaces_by_id(self, index):
        before = index.count()
        index.add(documents_for(sample_records()[:3]))
        index.commit()
        assert index.count() == before

    def test_delete_removes_a_record_from_its_work(self, index):
        index.delete(["national-library:nl-778"])
        index.commit()
        hit = self.search(index, "truyện kiều").hits[0]
        assert sorted(hit.record_ids) == ["hanoi-library:hn-001", "vnu-library:vnu-5"]
        assert NL not in hit.libraries

    def test_uncommitted_changes_are_not_searchable(self, index):
        index.delete(["hanoi-library:hn-so-do"])
        assert self.search(index, "số đỏ").total == 1
        index.commit()
        assert self.search(index, "số đỏ").total == 0

    def test_clear(self, index):
        index.clear()
        assert index.count() == 0
        assert self.search(index).total == 0
